//! A bounded log/text viewer with follow mode, wrapping, timestamps, ANSI colours
//! and `/` search (`n`/`N`). Memory stays bounded: past `capacity` lines the
//! oldest are dropped. Search runs over the text without escape codes.

use std::collections::VecDeque;
use std::ops::Range;

use ratatui::style::Style;

use super::ansi;
use super::table::contains_ignore_case;
use crate::state::LogLine;

/// One line as held by the viewer: plain text plus the styles of its ANSI codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextLine {
    /// The text without escape codes.
    pub text: String,
    /// Styled byte ranges of `text`, from its SGR codes.
    pub styles: Vec<(Range<usize>, Style)>,
    /// Whether it came from stderr.
    pub stderr: bool,
    /// The engine's timestamp, if any.
    pub timestamp: Option<String>,
    /// A GitHub Actions workflow command (`##[group]`, `##[error]`) that began the line.
    pub marker: Marker,
}

/// The GitHub Actions log marker of a line, shown as a glyph instead of its tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Marker {
    /// An ordinary line.
    #[default]
    None,
    /// `##[group]`: a foldable section's title.
    Group,
    /// `##[error]`.
    Error,
    /// `##[warning]`.
    Warning,
    /// `##[notice]`.
    Notice,
    /// `##[command]`: a command the runner ran.
    Command,
    /// `##[debug]`.
    Debug,
}

impl Marker {
    const TAGS: [(&'static str, Marker); 6] = [
        ("##[group]", Marker::Group),
        ("##[error]", Marker::Error),
        ("##[warning]", Marker::Warning),
        ("##[notice]", Marker::Notice),
        ("##[command]", Marker::Command),
        ("##[debug]", Marker::Debug),
    ];

    /// The glyph shown instead of the marker's tag (empty for an ordinary line).
    pub fn glyph(self) -> &'static str {
        match self {
            Marker::None => "",
            Marker::Group => "▸ ",
            Marker::Error => "✗ error: ",
            Marker::Warning => "! warning: ",
            Marker::Notice => "i notice: ",
            Marker::Command => "$ ",
            Marker::Debug => "debug: ",
        }
    }

    /// Splits a leading marker off `text`; `None` for `##[endgroup]`, which shows nothing.
    pub fn split(text: &str) -> Option<(Marker, &str)> {
        if text.starts_with("##[endgroup]") {
            return None;
        }
        for (tag, marker) in Self::TAGS {
            if let Some(rest) = text.strip_prefix(tag) {
                return Some((marker, rest));
            }
        }
        Some((Marker::None, text))
    }
}

/// The state of one open text viewer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "independent user toggles, not a state machine"
)]
pub struct TextView {
    /// What is shown (e.g. `logs web-1`).
    pub title: String,
    pub(crate) lines: VecDeque<TextLine>,
    capacity: usize,
    /// Whether timestamps are shown.
    pub timestamps: bool,
    pub(crate) has_stderr: bool,
    /// Index of the first visible line.
    pub top: usize,
    /// Whether new lines scroll the view to the end.
    pub follow: bool,
    /// Whether long lines wrap.
    pub wrap: bool,
    /// The search text, if any.
    pub search: Option<String>,
    /// The line of the current match.
    pub current: Option<usize>,
}

impl TextView {
    /// An empty viewer keeping at most `capacity` lines, following.
    pub fn new(title: impl Into<String>, capacity: usize) -> Self {
        TextView {
            title: title.into(),
            lines: VecDeque::new(),
            capacity: capacity.max(1),
            top: 0,
            follow: true,
            wrap: false,
            timestamps: false,
            has_stderr: false,
            search: None,
            current: None,
        }
    }

    /// Appends a plain line, dropping the oldest past capacity.
    pub fn push(&mut self, line: String) {
        self.push_line(TextLine {
            text: line,
            styles: Vec::new(),
            stderr: false,
            timestamp: None,
            marker: Marker::None,
        });
    }

    /// Appends a log line, rendering its ANSI colour codes.
    pub fn push_log(&mut self, line: &LogLine) {
        let Some((marker, rest)) = Marker::split(&line.text) else {
            return;
        };
        let (text, styles) = ansi::parse(rest);
        let timestamp = line.timestamp.clone();
        self.push_line(TextLine {
            text,
            styles,
            stderr: line.stderr,
            timestamp,
            marker,
        });
    }

    /// Jumps to the first `##[error]` line (else the first stderr line); false when none.
    pub fn first_error(&mut self, height: usize) -> bool {
        let hit = self
            .lines
            .iter()
            .position(|l| l.marker == Marker::Error)
            .or_else(|| self.lines.iter().position(|l| l.stderr));
        let Some(i) = hit else { return false };
        self.current = Some(i);
        self.follow = false;
        self.top = i
            .saturating_sub(height / 2)
            .min(self.lines.len().saturating_sub(height.max(1)));
        true
    }

    fn push_line(&mut self, line: TextLine) {
        self.has_stderr |= line.stderr;
        if self.lines.len() == self.capacity {
            self.lines.pop_front();
            self.top = self.top.saturating_sub(1);
            self.current = self.current.and_then(|c| c.checked_sub(1));
        }
        self.lines.push_back(line);
    }

    /// Number of lines held.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether no lines are held.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The lines held, oldest first, as plain text (with timestamps when shown).
    pub fn lines(&self) -> impl Iterator<Item = String> + '_ {
        self.lines.iter().map(|l| {
            let tag = l.marker.glyph();
            match (&l.timestamp, self.timestamps) {
                (Some(ts), true) => format!("{ts} {tag}{}", l.text),
                _ => format!("{tag}{}", l.text),
            }
        })
    }

    /// Scrolls by `delta` lines in a window of `height`; scrolling up stops following.
    pub fn scroll(&mut self, delta: isize, height: usize) {
        let max_top = self.lines.len().saturating_sub(height.max(1));
        self.top = self
            .effective_top(height)
            .saturating_add_signed(delta)
            .min(max_top);
        self.follow = delta > 0 && self.top == max_top && self.follow;
    }

    /// The first visible line, honouring follow mode.
    pub fn effective_top(&self, height: usize) -> usize {
        let max_top = self.lines.len().saturating_sub(height.max(1));
        if self.follow {
            max_top
        } else {
            self.top.min(max_top)
        }
    }

    /// Sets the search text and jumps to the first match at or after the view.
    pub fn set_search(&mut self, text: &str, height: usize) {
        self.search = (!text.is_empty()).then(|| text.to_owned());
        self.current = None;
        let from = self.effective_top(height);
        self.jump(from, true, height);
    }

    /// Where the search stands: `Some((n, total))` for the n-th of `total` matching
    /// lines, `Some((0, 0))` for no match, `None` when not searching.
    pub fn match_position(&self) -> Option<(usize, usize)> {
        let needle = self.search.as_deref()?;
        let mut total = 0;
        let mut nth = 0;
        for (i, line) in self.lines.iter().enumerate() {
            if contains_ignore_case(&line.text, needle) {
                total += 1;
                if self.current.is_some_and(|c| c >= i) {
                    nth = total;
                }
            }
        }
        Some((nth, total))
    }

    /// Jumps to the next (`forward`) or previous match, wrapping around.
    pub fn next_match(&mut self, forward: bool, height: usize) {
        let from = match self.current {
            Some(c) if forward => c + 1,
            Some(c) => c + self.lines.len().saturating_sub(1),
            None => self.effective_top(height),
        };
        self.jump(from, forward, height);
    }

    fn jump(&mut self, from: usize, forward: bool, height: usize) {
        let Some(needle) = self.search.clone() else {
            return;
        };
        let n = self.lines.len();
        let hit = (0..n)
            .map(|k| {
                if forward {
                    (from + k) % n
                } else {
                    (from + n - k % n) % n
                }
            })
            .find(|&i| contains_ignore_case(&self.lines[i].text, &needle));
        if let Some(i) = hit {
            self.current = Some(i);
            self.follow = false;
            self.top = i
                .saturating_sub(height / 2)
                .min(n.saturating_sub(height.max(1)));
        }
    }
}

/// The file `ctrl-s` writes: `flightdeck-<title>-<UTC time>.log`, the title's
/// runs of anything but ASCII letters, digits and `_` turned into one `-`
/// (`logs web-1 (docker local)` → `flightdeck-logs-web-1-docker-local-20261206T015500.log`).
pub fn file_name(title: &str, now: chrono::DateTime<chrono::Utc>) -> String {
    let mut safe = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            safe.push(c);
        } else if !safe.is_empty() && !safe.ends_with('-') {
            safe.push('-');
        }
    }
    let safe = safe.trim_end_matches('-');
    let safe = if safe.is_empty() { "text" } else { safe };
    format!("flightdeck-{safe}-{}.log", now.format("%Y%m%dT%H%M%S"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(n: usize, cap: usize) -> TextView {
        let mut v = TextView::new("t", cap);
        for i in 0..n {
            v.push(format!(
                "line {i}{}",
                if i % 10 == 3 { " ERROR" } else { "" }
            ));
        }
        v
    }

    #[test]
    fn memory_is_bounded() {
        let v = view(1000, 100);
        assert_eq!(v.len(), 100);
        assert_eq!(v.lines().next().as_deref(), Some("line 900"));
    }

    #[test]
    fn follow_sticks_to_the_end_until_scrolled_up() {
        let mut v = view(50, 100);
        assert_eq!(v.effective_top(10), 40);
        v.scroll(-5, 10);
        assert!(!v.follow);
        assert_eq!(v.effective_top(10), 35);
        v.push("new".into());
        assert_eq!(v.effective_top(10), 35);
    }

    #[test]
    fn search_wraps_both_ways() {
        let mut v = view(30, 100);
        v.follow = false;
        v.top = 0;
        v.set_search("error", 10);
        assert_eq!(v.current, Some(3));
        v.next_match(true, 10);
        assert_eq!(v.current, Some(13));
        v.next_match(true, 10);
        v.next_match(true, 10);
        assert_eq!(v.current, Some(3));
        v.next_match(false, 10);
        assert_eq!(v.current, Some(23));
    }

    #[test]
    fn match_position_counts_matching_lines() {
        let mut v = view(30, 100);
        assert_eq!(v.match_position(), None);
        v.follow = false;
        v.top = 0;
        v.set_search("error", 10);
        assert_eq!(v.match_position(), Some((1, 3)));
        v.next_match(false, 10);
        assert_eq!(v.match_position(), Some((3, 3)));
        v.set_search("absent", 10);
        assert_eq!(v.match_position(), Some((0, 0)));
    }

    #[test]
    fn the_saved_file_is_named_as_the_readme_says() {
        use chrono::TimeZone as _;
        let now = chrono::Utc.with_ymd_and_hms(2026, 12, 6, 1, 55, 0).unwrap();
        assert_eq!(
            file_name("logs web-1 (docker local)", now),
            "flightdeck-logs-web-1-docker-local-20261206T015500.log"
        );
        assert_eq!(
            file_name("log acme/api · CI #42 · build", now),
            "flightdeck-log-acme-api-CI-42-build-20261206T015500.log"
        );
        assert_eq!(file_name("../", now), "flightdeck-text-20261206T015500.log");
        let readme = include_str!("../../README.md");
        assert!(
            readme.contains("flightdeck-logs-web-1-docker-local-20261206T015500.log"),
            "README names the file as it is written"
        );
    }

    #[test]
    fn no_match_keeps_position() {
        let mut v = view(30, 100);
        v.set_search("absent", 10);
        assert_eq!(v.current, None);
        assert!(v.follow);
    }
}

//! A bounded log/text viewer with follow mode, wrapping, timestamps, ANSI colours
//! and `/` search (`n`/`N`). Memory stays bounded: past `capacity` lines the
//! oldest are dropped. Search runs over the text without escape codes.

use std::collections::VecDeque;
use std::ops::Range;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::ansi;
use super::table::contains_ignore_case;
use crate::state::LogLine;
use crate::theme::{Role, Theme};

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

    fn badge(self) -> Option<(&'static str, Role)> {
        match self {
            Marker::None => None,
            Marker::Group => Some(("▸ ", Role::Title)),
            Marker::Error => Some(("✗ error: ", Role::Critical)),
            Marker::Warning => Some(("! warning: ", Role::Warning)),
            Marker::Notice => Some(("i notice: ", Role::Accent)),
            Marker::Command => Some(("$ ", Role::Accent)),
            Marker::Debug => Some(("debug: ", Role::Muted)),
        }
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
    lines: VecDeque<TextLine>,
    capacity: usize,
    /// Whether timestamps are shown.
    pub timestamps: bool,
    has_stderr: bool,
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
            let tag = l.marker.badge().map_or("", |(g, _)| g);
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

    /// Draws the visible lines: stderr marked with `┃`, search matches highlighted.
    pub fn draw(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let height = usize::from(area.height);
        let top = self.effective_top(height);
        let visible = self.lines.iter().enumerate().skip(top).take(height);
        let lines: Vec<Line> = visible.map(|(i, l)| self.styled(i, l, theme)).collect();
        let mut p = Paragraph::new(lines).style(theme.style(Role::Text));
        if self.wrap {
            p = p.wrap(Wrap { trim: false });
        }
        frame.render_widget(p, area);
    }

    fn styled<'a>(&self, index: usize, line: &'a TextLine, theme: &Theme) -> Line<'a> {
        let mut body = match self
            .search
            .as_deref()
            .filter(|n| contains_ignore_case(&line.text, n))
        {
            Some(needle) => {
                let role = if self.current == Some(index) {
                    Role::Selection
                } else {
                    Role::Match
                };
                highlight(&line.text, needle, theme.style(role))
            }
            None => ansi::line(&line.text, &line.styles, Style::default()),
        };
        let mut spans = Vec::with_capacity(body.spans.len() + 2);
        if self.has_stderr {
            let gutter = if line.stderr { "┃ " } else { "  " };
            spans.push(Span::styled(gutter, theme.style(Role::Error)));
        }
        if let (true, Some(ts)) = (self.timestamps, line.timestamp.as_deref()) {
            spans.push(Span::styled(format!("{ts} "), theme.style(Role::Muted)));
        }
        if let Some((glyph, role)) = line.marker.badge() {
            spans.push(Span::styled(glyph, theme.style(role)));
            if line.marker == Marker::Error {
                for span in &mut body.spans {
                    span.style = theme.style(Role::Critical).patch(span.style);
                }
            }
        }
        spans.append(&mut body.spans);
        Line::from(spans)
    }
}

/// The line with every case-insensitive match of `needle` in `style`.
fn highlight<'a>(text: &'a str, needle: &str, style: Style) -> Line<'a> {
    let lower = text.to_lowercase();
    let needle = needle.to_lowercase();
    if lower.len() != text.len() || needle.is_empty() {
        return Line::styled(text, style);
    }
    let mut spans = Vec::new();
    let mut last = 0;
    for (start, m) in lower.match_indices(&needle) {
        spans.push(Span::raw(&text[last..start]));
        spans.push(Span::styled(&text[start..start + m.len()], style));
        last = start + m.len();
    }
    spans.push(Span::raw(&text[last..]));
    Line::from(spans)
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
    fn no_match_keeps_position() {
        let mut v = view(30, 100);
        v.set_search("absent", 10);
        assert_eq!(v.current, None);
        assert!(v.follow);
    }
}

//! A bounded log/text viewer with follow mode, wrapping and `/` search (`n`/`N`).
//! Memory stays bounded: past `capacity` lines the oldest are dropped.

use std::collections::VecDeque;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::table::contains_ignore_case;
use crate::theme::{Role, Theme};

/// The state of one open text viewer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextView {
    /// What is shown (e.g. `logs web-1`).
    pub title: String,
    lines: VecDeque<String>,
    capacity: usize,
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
            search: None,
            current: None,
        }
    }

    /// Appends a line, dropping the oldest past capacity.
    pub fn push(&mut self, line: String) {
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

    /// The lines held, oldest first.
    pub fn lines(&self) -> impl Iterator<Item = &str> {
        self.lines.iter().map(String::as_str)
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
            .find(|&i| contains_ignore_case(&self.lines[i], &needle));
        if let Some(i) = hit {
            self.current = Some(i);
            self.follow = false;
            self.top = i
                .saturating_sub(height / 2)
                .min(n.saturating_sub(height.max(1)));
        }
    }

    /// Draws the visible lines, highlighting search matches.
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

    fn styled<'a>(&self, index: usize, line: &'a str, theme: &Theme) -> Line<'a> {
        let Some(needle) = self
            .search
            .as_deref()
            .filter(|n| contains_ignore_case(line, n))
        else {
            return Line::raw(line);
        };
        let style = if self.current == Some(index) {
            theme.style(Role::Selection)
        } else {
            theme.style(Role::Match)
        };
        let lower = line.to_lowercase();
        let needle = needle.to_lowercase();
        if lower.len() != line.len() {
            return Line::styled(line, style);
        }
        let mut spans = Vec::new();
        let mut last = 0;
        for (start, m) in lower.match_indices(&needle) {
            spans.push(Span::raw(&line[last..start]));
            spans.push(Span::styled(&line[start..start + m.len()], style));
            last = start + m.len();
        }
        spans.push(Span::raw(&line[last..]));
        Line::from(spans)
    }
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
        assert_eq!(v.lines().next(), Some("line 900"));
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

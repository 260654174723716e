//! Draws the text viewer: stderr gutter, timestamps, GitHub markers as glyphs,
//! search matches highlighted; its state (`TextView`) lives in the view layer.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::theme::{Role, Theme};
use crate::view::ansi;
use crate::view::table::contains_ignore_case;
pub use crate::view::text::{Marker, TextLine, TextView};

/// The glyph and role shown for a GitHub Actions marker.
pub fn badge(marker: Marker) -> Option<(&'static str, Role)> {
    let role = match marker {
        Marker::None => return None,
        Marker::Group => Role::Title,
        Marker::Error => Role::Critical,
        Marker::Warning => Role::Warning,
        Marker::Notice | Marker::Command => Role::Accent,
        Marker::Debug => Role::Muted,
    };
    Some((marker.glyph(), role))
}

impl TextView {
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
        if let Some((glyph, role)) = badge(line.marker) {
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

//! Draws a form; its fields and key handling (`Form`) live in the view layer.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::theme::{Role, Theme};
use crate::ui::layout::centered;
pub use crate::view::form::{Field, FieldKind, Form, FormEvent};

impl Form {
    /// Draws the form centred over `area`.
    pub fn draw(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let mut lines = Vec::new();
        for (i, f) in self.fields.iter().enumerate() {
            lines.push(self.field_line(i, f, theme));
            if !f.help.is_empty() {
                lines.push(Line::styled(
                    format!("    {}", f.help),
                    theme.style(Role::Muted),
                ));
            }
        }
        lines.push(Line::raw(""));
        if let Some(e) = &self.error {
            lines.push(Line::styled(format!("✗ {e}"), theme.style(Role::Error)));
        }
        lines.push(Line::styled(
            "tab/shift-tab move · space/←→ change · enter submit · esc cancel",
            theme.style(Role::Muted),
        ));
        let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
        let rect = centered(area, area.width.saturating_sub(4).min(76), height);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.style(Role::Border))
            .title(Span::styled(
                format!(" {} ", self.title),
                theme.style(Role::Title),
            ));
        frame.render_widget(Clear, rect);
        frame.render_widget(
            Paragraph::new(lines)
                .block(block)
                .wrap(Wrap { trim: false }),
            rect,
        );
    }

    fn field_line<'a>(&self, i: usize, f: &'a Field, theme: &Theme) -> Line<'a> {
        let focused = i == self.focus;
        let marker = if focused { "› " } else { "  " };
        let star = if f.required { "*" } else { "" };
        let value = match &f.kind {
            FieldKind::Text(t) if focused => format!("{t}█"),
            FieldKind::Text(t) => t.clone(),
            FieldKind::Choice { .. } => format!("◂ {} ▸", f.value()),
            FieldKind::Bool(b) => if *b { "[x] yes" } else { "[ ] no" }.to_owned(),
        };
        let value_role = if focused { Role::Selection } else { Role::Text };
        Line::from(vec![
            Span::styled(marker, theme.style(Role::Accent)),
            Span::styled(format!("{}{star}: ", f.name), theme.style(Role::Key)),
            Span::styled(value, theme.style(value_role)),
        ])
    }
}

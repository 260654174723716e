//! The confirmation modal for actions: names the action, its target and host;
//! the default is No, and only an explicit `y` confirms.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::theme::{Role, Theme};
use crate::ui::layout::centered;

/// What the modal asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmDialog<'a> {
    /// The action, as a verb phrase (`Restart container`).
    pub action: &'a str,
    /// What it acts on (`web-1`).
    pub target: &'a str,
    /// Where (`docker local`).
    pub host: &'a str,
    /// Whether it cannot be undone; drawn in the critical role.
    pub destructive: bool,
}

impl ConfirmDialog<'_> {
    /// Draws the modal centred over `area`.
    pub fn draw(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let role = if self.destructive {
            Role::Critical
        } else {
            Role::Warning
        };
        let mut lines = vec![
            Line::from(vec![
                Span::styled(format!("{} ", self.action), theme.style(role)),
                Span::styled(format!("'{}'", self.target), theme.style(Role::Accent)),
            ]),
            Line::styled(format!("on {}?", self.host), theme.style(Role::Text)),
            Line::raw(""),
        ];
        if self.destructive {
            lines.push(Line::styled(
                "This cannot be undone.",
                theme.style(Role::Critical),
            ));
        }
        lines.push(Line::from(vec![
            Span::styled("y", theme.style(Role::Key)),
            Span::styled(" yes    ", theme.style(Role::Text)),
            Span::styled("N", theme.style(Role::Key)),
            Span::styled(" no (any other key)", theme.style(Role::Text)),
        ]));
        let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
        let rect = centered(area, 50, height);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.style(role))
            .title(Span::styled(" confirm ", theme.style(role)));
        frame.render_widget(Clear, rect);
        frame.render_widget(
            Paragraph::new(lines).block(block).wrap(Wrap { trim: true }),
            rect,
        );
    }
}

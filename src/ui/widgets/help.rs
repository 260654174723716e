//! The `?` overlay: the keys of the current pane, generated from the live keymap
//! so remapped and unbound keys show as they really are. Global keys on the left,
//! the pane's own (lists, text viewer) on the right, so it fits 80x24.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::app::App;
use crate::app::command::{Command, Context};
use crate::theme::{Role, Theme};
use crate::ui::layout::centered;

/// Draws the help box over `area`.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let contexts = app.contexts();
    let left = section(app, Context::Global, theme);
    let right: Vec<Line> = contexts
        .iter()
        .filter(|c| **c != Context::Global)
        .flat_map(|c| section(app, *c, theme))
        .collect();
    let rows = left.len().max(right.len());
    let height = u16::try_from(rows + 2).unwrap_or(u16::MAX);
    let rect = centered(area, 76, height);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(Role::Border))
        .title(Span::styled(
            " keys · esc closes ",
            theme.style(Role::Title),
        ));
    frame.render_widget(Clear, rect);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let [l, r] = Layout::horizontal([Constraint::Ratio(1, 2); 2]).areas(inner);
    frame.render_widget(Paragraph::new(left), l);
    frame.render_widget(Paragraph::new(right), r);
}

fn section<'a>(app: &App, ctx: Context, theme: &Theme) -> Vec<Line<'a>> {
    let title = match ctx {
        Context::Global => "Global",
        Context::List => "Lists",
        Context::Text => "Text viewer",
    };
    let mut lines = vec![Line::styled(title, theme.style(Role::Title))];
    for cmd in Command::ALL.iter().filter(|c| c.context() == ctx) {
        let keys: Vec<String> = app
            .keymap
            .keys(*cmd)
            .iter()
            .map(ToString::to_string)
            .collect();
        let keys = if keys.is_empty() {
            "(unbound)".to_owned()
        } else {
            keys.join(" ")
        };
        lines.push(Line::from(vec![
            Span::styled(format!(" {keys:<17}"), theme.style(Role::Key)),
            Span::styled(cmd.description(), theme.style(Role::Text)),
        ]));
    }
    lines
}

//! The `:` command palette: type to narrow the commands, Enter runs one.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::theme::{Role, Theme};
use crate::ui::layout::centered;
use crate::view::PaletteView;
use crate::view::Screen;
use crate::view::screen::palette_entries;

/// Draws the palette box over `area`, showing only as many entries as fit.
pub fn draw(frame: &mut Frame, area: Rect, app: &Screen<'_>, palette: &PaletteView, theme: &Theme) {
    let rect = centered(area, 56, area.height.saturating_sub(2).min(16));
    let room = usize::from(rect.height.saturating_sub(3));
    let skip = palette.selected.saturating_sub(room.saturating_sub(1));
    let mut lines = vec![Line::from(vec![
        Span::styled(":", theme.style(Role::Accent)),
        Span::styled(palette.query.as_str(), theme.style(Role::Text)),
        Span::styled("█", theme.style(Role::Accent)),
    ])];
    for (i, cmd) in palette_entries(&palette.query, app.read_only)
        .enumerate()
        .skip(skip)
        .take(room)
    {
        // The key that runs it in the pane below, not the first one bound anywhere.
        let key = app.key_for(cmd).map(|k| k.to_string()).unwrap_or_default();
        let style = if i == palette.selected {
            theme.style(Role::Selection)
        } else {
            theme.style(Role::Text)
        };
        lines.push(Line::from(vec![
            Span::styled(format!(" {:<36}", cmd.description()), style),
            Span::styled(format!("{key:>10} "), theme.style(Role::Key)),
        ]));
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(Role::Border))
        .title(Span::styled(
            " command palette · enter runs · esc closes ",
            theme.style(Role::Title),
        ));
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}

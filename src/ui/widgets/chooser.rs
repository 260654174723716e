//! The Models pane's choosers: the alias chooser (existing aliases, filtered by what
//! is typed, then the typed name as a new alias) and the stage chooser.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::state::action::STAGES;
use crate::theme::{Role, Theme};
use crate::ui::layout::centered;
use crate::view::{AliasView, StageView};

/// Draws the alias chooser centred over `area`.
pub fn draw_aliases(frame: &mut Frame, area: Rect, view: &AliasView, theme: &Theme) {
    let verb = if view.delete {
        "Delete an alias of"
    } else {
        "Set an alias on"
    };
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!("{verb} "), theme.style(Role::Text)),
            Span::styled(
                format!("'{}' v{}", view.model, view.version),
                theme.style(Role::Accent),
            ),
        ]),
        Line::styled(format!("on {}", view.host), theme.style(Role::Text)),
        Line::raw(""),
    ];
    if !view.delete {
        lines.push(Line::from(vec![
            Span::styled("alias: ", theme.style(Role::Muted)),
            Span::styled(view.typed.clone(), theme.style(Role::Text)),
            Span::styled("█", theme.style(Role::Accent)),
        ]));
    }
    let entries = view.entries();
    if entries.is_empty() {
        lines.push(Line::styled(
            "type a name for a new alias",
            theme.style(Role::Muted),
        ));
    }
    for (i, e) in entries.iter().enumerate() {
        let (mark, role) = if i == view.selected {
            ("▸ ", Role::Selection)
        } else {
            ("  ", Role::Text)
        };
        let what = match &e.current {
            Some(v) if *v == view.version => format!("{} (already v{v})", e.alias),
            Some(v) if view.delete => format!("{} (v{v})", e.alias),
            Some(v) => format!("{} (moves from v{v})", e.alias),
            None => format!("{} (new alias)", e.alias),
        };
        lines.push(Line::styled(format!("{mark}{what}"), theme.style(role)));
    }
    lines.push(Line::styled(
        "type to filter or name · ↑↓ · enter pick · esc cancel",
        theme.style(Role::Muted),
    ));
    draw_box(frame, area, lines, " alias ", theme);
}

/// Draws the stage chooser centred over `area`.
pub fn draw_stages(frame: &mut Frame, area: Rect, view: &StageView, theme: &Theme) {
    let mut lines = vec![
        Line::from(vec![
            Span::styled("Move ", theme.style(Role::Text)),
            Span::styled(
                format!("'{}' v{}", view.model, view.version),
                theme.style(Role::Accent),
            ),
            Span::styled(" to a stage", theme.style(Role::Text)),
        ]),
        Line::styled(
            format!(
                "now: {} · stages are deprecated since MLflow 2.9",
                view.current.as_deref().unwrap_or("None")
            ),
            theme.style(Role::Muted),
        ),
        Line::raw(""),
    ];
    for (i, stage) in STAGES.iter().enumerate() {
        let (mark, role) = if i == view.selected {
            ("▸ ", Role::Selection)
        } else {
            ("  ", Role::Text)
        };
        lines.push(Line::styled(format!("{mark}{stage}"), theme.style(role)));
    }
    lines.push(Line::styled(
        "enter choose · esc cancel",
        theme.style(Role::Muted),
    ));
    draw_box(frame, area, lines, " stage ", theme);
}

fn draw_box(frame: &mut Frame, area: Rect, lines: Vec<Line<'_>>, title: &str, theme: &Theme) {
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let rect = centered(area, 60, height);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(Role::Warning))
        .title(Span::styled(title.to_owned(), theme.style(Role::Warning)));
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}

//! The app card: every part of one app in full (glyph, word, details, where Enter
//! takes it), then the app's recent change-feed lines. Only visible lines are built.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};

use super::height;
use super::lists::{feed_line, section, severity_badge};
use crate::state::apps::{AppStatus, Part, feed_of};
use crate::theme::{Role, Theme};
use crate::view::Screen;

/// Most feed lines the card holds (it shows what fits).
const FEED_LINES: usize = 50;

/// The tab a part's link opens.
fn tab_of(kind: &str) -> &'static str {
    match kind {
        "pipeline_run" => "Pipelines",
        "container" => "Containers",
        "model_version" => "Models",
        "panel" => "Metrics",
        "alert" => "Alerts",
        "dag_run" => "Data",
        _ => "Overview",
    }
}

/// Draws the card of `card` into `area`.
pub fn draw(frame: &mut Frame, area: Rect, app: &Screen<'_>, card: &AppStatus, theme: &Theme) {
    let lines = part_lines(app, card, theme);
    let parts_rows = (lines.len() + 2).min(usize::from(area.height) * 2 / 3);
    let [top, feed] =
        Layout::vertical([Constraint::Length(height(parts_rows)), Constraint::Min(0)]).areas(area);
    let (_, glyph) = severity_badge(card.severity);
    let title = format!(
        "{glyph} {} — {} · j/k a part · enter opens it in its tab · esc back",
        card.name,
        card.severity.word()
    );
    section(frame, top, &title, theme, |h| {
        lines.into_iter().take(h).collect()
    });
    let entries = app
        .store
        .apps
        .iter()
        .find(|a| a.name == card.name)
        .map(|spec| feed_of(app.store, spec, FEED_LINES))
        .unwrap_or_default();
    let title = format!("Recent changes ({})", entries.len());
    section(frame, feed, &title, theme, |h| {
        if entries.is_empty() {
            return vec![Line::styled(
                "   no changes seen for this app yet",
                theme.style(Role::Muted),
            )];
        }
        entries
            .iter()
            .take(h)
            .map(|e| feed_line(e, theme))
            .collect()
    });
}

/// One line per part (the selected one highlighted), its details indented below.
fn part_lines(app: &Screen<'_>, card: &AppStatus, theme: &Theme) -> Vec<Line<'static>> {
    let ids = crate::view::overview::card_ids(card);
    let selected = app.view.overview.card_parts.position(&ids);
    let mut lines = Vec::new();
    if card.parts.is_empty() {
        lines.push(Line::styled(
            "   no parts: none of this app's sources is configured",
            theme.style(Role::Muted),
        ));
    }
    for (i, part) in card.parts.iter().enumerate() {
        let line = part_line(part, theme);
        lines.push(if Some(i) == selected {
            line.style(theme.style(Role::Selection))
        } else {
            line
        });
        for d in &part.details {
            lines.push(Line::styled(
                format!("       {d}"),
                theme.style(Role::Muted),
            ));
        }
    }
    lines
}

fn part_line(part: &Part, theme: &Theme) -> Line<'static> {
    let (role, _) = severity_badge(part.severity);
    let to = part
        .link
        .as_ref()
        .map(|l| format!("  → {}", tab_of(l.kind)))
        .unwrap_or_default();
    Line::from(vec![
        Span::styled(format!("   {} ", part.glyph), theme.style(role)),
        Span::styled(
            format!("{:<11}", part.kind.name()),
            theme.style(Role::Accent),
        ),
        Span::styled(part.word.clone(), theme.style(Role::Text)),
        Span::styled(to, theme.style(Role::Muted)),
    ])
}

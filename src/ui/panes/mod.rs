//! One pane per tab. A pane is a borrowed view over the store; this module picks
//! the pane for the current tab and draws the shared "no data" states.

pub mod overview;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::notice;
use super::status::{health_badge, health_detail};
use crate::app::App;
use crate::app::view_state::Tab;
use crate::theme::{Role, Theme};

/// Draws the current tab's pane into `area`.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    match app.view.tab {
        Tab::Overview => overview::OverviewPane { app }.draw(frame, area, theme),
        tab => draw_source_state(frame, area, app, tab, theme),
    }
}

/// Draws what a tab's sources are doing when there is no data to show:
/// not configured (and how to configure), loading, failing, or unsupported.
pub fn draw_source_state(frame: &mut Frame, area: Rect, app: &App, tab: Tab, theme: &Theme) {
    let mut lines = vec![Line::raw("")];
    for kind in tab.kinds() {
        if !app.store.has_kind(*kind) {
            lines.push(Line::styled(
                format!("No {} source configured.", kind.name()),
                theme.style(Role::Text),
            ));
            lines.push(Line::styled(
                format!("To add one, {}.", kind.how_to_configure()),
                theme.style(Role::Muted),
            ));
            lines.push(Line::raw(""));
            continue;
        }
        for id in app.store.ids_of(*kind) {
            let Some(s) = app.store.source(id) else {
                continue;
            };
            let (role, glyph) = health_badge(&s.health);
            let head = format!(
                "{glyph} {} {}: {}",
                kind.name(),
                s.spec.name,
                s.health.label()
            );
            lines.push(Line::from(Span::styled(head, theme.style(role))));
            if let Some(detail) = health_detail(&s.health, s.last_ok, app.now) {
                lines.push(Line::styled(detail, theme.style(Role::Text)));
            }
            lines.push(Line::raw(""));
        }
    }
    frame.render_widget(
        notice(lines, theme).wrap(ratatui::widgets::Wrap { trim: true }),
        area,
    );
}

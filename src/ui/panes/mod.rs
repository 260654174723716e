//! One pane per tab. A pane is a borrowed view over the store; this module picks
//! the pane for the current tab and draws the shared "no data" states.

pub mod alerts;
pub mod containers;
pub mod data;
pub mod metrics;
pub mod models;
pub mod overview;
pub mod pipelines;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};

use super::notice;
use super::status::{health_badge, health_detail};
use crate::state::SourceKind;
use crate::theme::{Role, Theme};
use crate::ui::widgets::text_view::TextView;
use crate::view::Screen;
use crate::view::Tab;

/// Draws the current tab's pane into `area`.
pub fn draw(frame: &mut Frame, area: Rect, app: &Screen<'_>, theme: &Theme) {
    if let Some(text) = &app.view.text {
        draw_text(frame, area, text, theme);
        return;
    }
    match app.view.tab {
        Tab::Overview => overview::OverviewPane { app }.draw(frame, area, theme),
        Tab::Containers => {
            containers::ContainersPane { app }.draw(frame, area, &app.view.containers, theme);
        }
        Tab::Metrics => metrics::MetricsPane { app }.draw(frame, area, theme),
        Tab::Alerts => alerts::AlertsPane { app }.draw(frame, area, theme),
        Tab::Models => models::ModelsPane { app }.draw(frame, area, theme),
        Tab::Pipelines => pipelines::PipelinesPane { app }.draw(frame, area, theme),
        Tab::Data => data::DataPane { app }.draw(frame, area, theme),
    }
}

/// Draws the text viewer with a title line saying its modes.
fn draw_text(frame: &mut Frame, area: Rect, text: &TextView, theme: &Theme) {
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    let on = |b: bool, word: &'static str| if b { word } else { "" };
    let modes: Vec<&str> = [
        on(text.follow, "follow"),
        on(text.wrap, "wrap"),
        on(text.timestamps, "timestamps"),
    ]
    .into_iter()
    .filter(|w| !w.is_empty())
    .collect();
    let search = match (text.search.as_deref(), text.match_position()) {
        (Some(s), Some((_, 0))) => format!(" · search '{s}': no match"),
        (Some(s), Some((0, total))) => format!(" · search '{s}' {total} matches"),
        (Some(s), Some((n, total))) => format!(" · search '{s}' {n}/{total}"),
        _ => String::new(),
    };
    let title = Line::from(vec![
        Span::styled(format!(" {} ", text.title), theme.style(Role::Title)),
        Span::styled(
            format!(
                "{} lines{}{search} · esc back",
                text.len(),
                if modes.is_empty() {
                    String::new()
                } else {
                    format!(" · {}", modes.join(" "))
                }
            ),
            theme.style(Role::Muted),
        ),
    ]);
    frame.render_widget(ratatui::widgets::Paragraph::new(title), head);
    text.draw(frame, body, theme);
}

/// Draws what a tab's sources are doing when there is no data to show:
/// not configured (and how to configure), loading, failing, or unsupported.
pub fn draw_source_state(frame: &mut Frame, area: Rect, app: &Screen<'_>, tab: Tab, theme: &Theme) {
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

/// Draws a one-line banner when a source of `kind` fails while its old data is
/// shown (what is wrong, how old the data is); returns the area left below it.
pub fn source_banner(
    frame: &mut Frame,
    area: Rect,
    app: &Screen<'_>,
    kind: SourceKind,
    theme: &Theme,
) -> Rect {
    let lines: Vec<Line> = app
        .store
        .ids_of(kind)
        .filter_map(|id| app.store.source(id))
        .filter(|s| s.health.is_failing())
        .map(|s| {
            let (role, glyph) = health_badge(&s.health);
            let detail = health_detail(&s.health, s.last_ok, app.now).unwrap_or_default();
            Line::styled(
                format!("{glyph} {}: {detail}", s.spec.label()),
                theme.style(role),
            )
        })
        .collect();
    let height = u16::try_from(lines.len()).unwrap_or(0).min(area.height / 2);
    let [top, rest] =
        Layout::vertical([Constraint::Length(height), Constraint::Min(0)]).areas(area);
    frame.render_widget(ratatui::widgets::Paragraph::new(lines), top);
    rest
}

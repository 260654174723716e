//! The Alerts pane: Prometheus's firing and pending alerts with Alertmanager's
//! silenced/inhibited state laid over them, sorted by severity then age, `/`
//! filtered; a key switches to Alertmanager's active silences.

mod silences;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph};

pub use crate::view::alerts::{
    AlertsView, SILENCE_COLUMNS, alert_rows, alertmanager_of, silence_rows,
};
use crate::view::metrics::metrics_of;

use crate::state::SourceKind;
use crate::state::alert::{Alert, AlertState};
use crate::state::health::format_age;
use crate::theme::{Role, Theme};
use crate::ui::widgets::table::{self, Column, Rows};
use crate::view::Screen;
use crate::view::Tab;

/// Role and glyph of an alert's state.
pub fn alert_badge(a: &Alert) -> (Role, &'static str) {
    match (a.state, a.severity()) {
        (AlertState::Firing, crate::state::Severity::Critical) => (Role::Critical, "✗"),
        (AlertState::Firing, _) => (Role::Warning, "▲"),
        (AlertState::Pending, _) => (Role::Pending, "…"),
        (AlertState::Silenced | AlertState::Inhibited, _) => (Role::Muted, "◌"),
    }
}

struct AlertTable<'a> {
    rows: &'a [Alert],
    app: &'a Screen<'a>,
    theme: &'a Theme,
}

impl Rows for AlertTable<'_> {
    fn len(&self) -> usize {
        self.rows.len()
    }

    fn cells(&self, index: usize) -> Vec<Cell<'_>> {
        let Some(a) = self.rows.get(index) else {
            return Vec::new();
        };
        let (role, glyph) = alert_badge(a);
        let label = if a.severity_label().is_empty() {
            "-"
        } else {
            a.severity_label()
        };
        let since = a
            .since
            .map_or_else(String::new, |t| format_age(self.app.now, t));
        let labels: Vec<String> = a
            .labels
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "alertname" | "severity"))
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        vec![
            Cell::from(Span::styled(
                format!("{glyph} {label}"),
                self.theme.style(role),
            )),
            Cell::from(Span::styled(a.state.as_str(), self.theme.style(role))),
            Cell::from(a.name()),
            Cell::from(since),
            Cell::from(a.summary()),
            Cell::from(Span::styled(
                labels.join(" "),
                self.theme.style(Role::Muted),
            )),
        ]
    }
}

/// A borrowed view of the app for the Alerts tab.
pub struct AlertsPane<'a> {
    /// The app being shown.
    pub app: &'a Screen<'a>,
}

impl AlertsPane<'_> {
    /// Draws the alerts or silences table, with a line on what feeds it.
    pub fn draw(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let app = self.app;
        let prom = metrics_of(app.store);
        let am = alertmanager_of(app.store);
        if prom.is_none() && am.is_none() {
            super::draw_source_state(frame, area, app, Tab::Alerts, theme);
            return;
        }
        let area = super::source_banner(frame, area, app, SourceKind::Prometheus, theme);
        let area = super::source_banner(frame, area, app, SourceKind::Alertmanager, theme);
        let [head, body] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
        frame.render_widget(Paragraph::new(self.head_line(theme)), head);
        if app.view.alerts.silences {
            silences::draw(frame, body, app, theme);
        } else {
            self.draw_alerts(frame, body, theme);
        }
    }

    fn head_line(&self, theme: &Theme) -> Line<'static> {
        let app = self.app;
        let rows = alert_rows(app.store, app.view);
        let firing = rows
            .iter()
            .filter(|a| a.state == AlertState::Firing)
            .count();
        let pending = rows
            .iter()
            .filter(|a| a.state == AlertState::Pending)
            .count();
        let muted = rows.len() - firing - pending;
        let mut spans = vec![Span::styled(
            format!(" {firing} firing · {pending} pending · {muted} silenced or inhibited"),
            theme.style(Role::Text),
        )];
        if !app.store.has_kind(SourceKind::Alertmanager) {
            spans.push(Span::styled(
                " · Alertmanager not configured: add [alertmanager] url to see silences and silence alerts",
                theme.style(Role::Warning),
            ));
        } else if let Some(a) = alertmanager_of(app.store) {
            spans.push(Span::styled(
                format!(" · {} silences", a.silences.len()),
                theme.style(Role::Muted),
            ));
        }
        Line::from(spans)
    }

    fn draw_alerts(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let app = self.app;
        let rows = alert_rows(app.store, app.view);
        if rows.is_empty() {
            let why = if app.view.tables[Tab::Alerts.index()].filter.is_empty() {
                "no alerts firing or pending"
            } else {
                "no alerts match the filter"
            };
            frame.render_widget(
                crate::ui::notice(vec![Line::raw(""), Line::raw(why)], theme),
                area,
            );
            return;
        }
        let view = &app.view.tables[Tab::Alerts.index()];
        let ids: Vec<String> = rows.iter().map(Alert::key).collect();
        let selected = view.position(&ids);
        let columns = [
            Column {
                title: "SEVERITY",
                width: Constraint::Length(11),
            },
            Column {
                title: "STATE",
                width: Constraint::Length(9),
            },
            Column {
                title: "ALERT",
                width: Constraint::Max(28),
            },
            Column {
                title: "SINCE",
                width: Constraint::Length(5),
            },
            Column {
                title: "SUMMARY",
                width: Constraint::Fill(2),
            },
            Column {
                title: "LABELS",
                width: Constraint::Fill(1),
            },
        ];
        let shown = table::TableView {
            sort_column: usize::MAX,
            ..view.clone()
        };
        let list = AlertTable {
            rows: &rows,
            app,
            theme,
        };
        table::draw(frame, area, &columns, &list, &shown, selected, theme);
    }
}

//! The Data pane (Airflow): the DAG list with a strip of recent runs, a DAG's
//! runs, and a run's tasks with a grid of tasks × recent runs. A borrowed view;
//! a failing server shows its cause and the age of the data above the last list.

mod dags;
mod tasks;

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph};

use crate::state::SourceKind;
use crate::state::airflow::RunState;
use crate::theme::{Role, Theme};
use crate::ui::panes::containers::fit;
use crate::ui::widgets::table::{self, Column, Rows, TableView};
use crate::view::Screen;
use crate::view::Tab;
use crate::view::dags::{Level, find_dag, snapshot};

/// A borrowed view of the app for the Data tab.
pub struct DataPane<'a> {
    /// The app being shown.
    pub app: &'a Screen<'a>,
}

impl DataPane<'_> {
    /// Draws the banner, the breadcrumb line and the level on screen.
    pub fn draw(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let app = self.app;
        let Some((_, snap)) = snapshot(app.store) else {
            super::draw_source_state(frame, area, app, Tab::Data, theme);
            return;
        };
        let area = super::source_banner(frame, area, app, SourceKind::Airflow, theme);
        let [head, body] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
        let view = &app.view.data;
        let dag = view.dag.as_deref().and_then(|id| find_dag(snap, id));
        frame.render_widget(Paragraph::new(self.crumbs(snap, theme)), head);
        match (view.level(), dag) {
            (Level::Dags, _) | (_, None) => dags::draw_dags(frame, body, app, snap, theme),
            (Level::Runs, Some(d)) => dags::draw_runs(frame, body, app, d, theme),
            (Level::Tasks, Some(d)) => tasks::draw(frame, body, app, d, theme),
        }
    }

    /// Where the drill-down is, and the toggles and filter of the list.
    fn crumbs(
        &self,
        snap: &crate::state::airflow::AirflowSnapshot,
        theme: &Theme,
    ) -> Line<'static> {
        let view = &self.app.view.data;
        let mut text = match (&view.dag, &view.run) {
            (Some(d), Some(r)) => format!(" DAG {d} › run {r} › tasks"),
            (Some(d), None) => format!(" DAG {d} › runs"),
            _ => {
                let failing = snap
                    .dags
                    .iter()
                    .filter(|d| d.newest().is_some_and(|r| r.state == RunState::Failed))
                    .count();
                let order = if view.by_id {
                    "by id"
                } else {
                    "failures first"
                };
                format!(" {} DAGs · {failing} failing · {order}", snap.dags.len())
            }
        };
        let filter = &self.app.view.active_table().filter;
        if !filter.is_empty() {
            let _ = write!(text, " · filter '{filter}'");
        }
        if snap.truncated {
            text.push_str(" · list cut at the page cap");
        }
        Line::from(Span::styled(text, theme.style(Role::Title)))
    }
}

/// Draws a list of the Data pane (unsorted: its order is the data's), the
/// row with the selected id highlighted.
pub fn draw_list(
    frame: &mut Frame,
    area: Rect,
    columns: &[Column],
    rows: &dyn Rows,
    (view, ids): (&TableView, &[&str]),
    theme: &Theme,
) {
    let selected = view.position(ids);
    let shown = TableView {
        sort_column: usize::MAX,
        ..view.clone()
    };
    table::draw(frame, area, columns, rows, &shown, selected, theme);
}

/// A fixed-width column.
pub fn col(title: &'static str, width: u16) -> Column {
    Column {
        title,
        width: Constraint::Length(width),
    }
}

/// A run state as a glyph and word in its role.
pub fn state_cell(state: &RunState, theme: &Theme) -> Cell<'static> {
    let (role, glyph) = run_badge(state.name());
    Cell::from(Span::styled(
        format!("{glyph} {}", state.name()),
        theme.style(role),
    ))
}

/// The role and glyph of a run or task state.
pub fn run_badge(state: &str) -> (Role, &'static str) {
    let glyph = crate::state::dag_tasks::task_glyph(state);
    let role = match state {
        "success" => Role::Ok,
        "failed" | "upstream_failed" => Role::Critical,
        "running" => Role::Accent,
        "queued" | "scheduled" | "up_for_retry" | "up_for_reschedule" | "deferred" => Role::Pending,
        _ => Role::Muted,
    };
    (role, glyph)
}

/// `2026-01-31 06:00` or `-`.
pub fn date(t: Option<DateTime<Utc>>) -> String {
    t.map_or_else(
        || "-".to_owned(),
        |t| t.format("%Y-%m-%d %H:%M").to_string(),
    )
}

/// A cell of plain text cut to `width`.
pub fn text_cell(text: &str, width: u16, role: Role, theme: &Theme) -> Cell<'static> {
    Cell::from(Span::styled(
        fit(text, usize::from(width)).into_owned(),
        theme.style(role),
    ))
}

//! The DAG list (id, paused, schedule, next run, owners/tags, a strip of recent
//! runs, the newest run's state and duration) and one DAG's runs.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Cell;

use super::{col, date, state_cell, text_cell};
use crate::state::airflow::{AirflowSnapshot, Dag, DagRun};
use crate::state::health::format_age;
use crate::theme::{Role, Theme};
use crate::ui::notice;
use crate::ui::panes::pipelines::cells::duration;
use crate::ui::widgets::table::Rows;
use crate::view::Screen;
use crate::view::Tab;
use crate::view::dags::{conf_summary, dag_rows, run_rows};

/// Runs in the strip of recent runs.
const STRIP: usize = 10;
/// Terminals at least this wide show the extra columns.
const WIDE: u16 = 100;

/// Draws the DAG list.
pub fn draw_dags(
    frame: &mut Frame,
    area: Rect,
    app: &Screen<'_>,
    snap: &AirflowSnapshot,
    theme: &Theme,
) {
    let table = &app.view.tables[Tab::Data.index()];
    let rows = dag_rows(snap, table, &app.view.data);
    if rows.is_empty() {
        let why = if table.filter.is_empty() {
            "no DAGs on this Airflow (or none match [airflow] dags)"
        } else {
            "no DAGs match the filter"
        };
        frame.render_widget(notice(vec![Line::raw(""), Line::raw(why)], theme), area);
        return;
    }
    let wide = area.width >= WIDE;
    let fixed: u16 = if wide {
        6 + 12 + 16 + 18 + 10 + 10 + 8 + 7
    } else {
        6 + 12 + 10 + 10 + 8 + 5
    };
    let id_width = area.width.saturating_sub(fixed).max(8);
    let mut columns = vec![col("DAG", id_width), col("paused", 6), col("schedule", 12)];
    if wide {
        columns.extend([col("next run", 16), col("owners / tags", 18)]);
    }
    columns.extend([col("recent", 10), col("state", 10), col("duration", 8)]);
    let ids: Vec<&str> = rows.iter().map(|d| d.dag_id.as_str()).collect();
    let listing = DagRows {
        rows: &rows,
        app,
        id_width,
        wide,
        theme,
    };
    super::draw_list(frame, area, &columns, &listing, (table, &ids), theme);
}

struct DagRows<'a> {
    rows: &'a [&'a Dag],
    app: &'a Screen<'a>,
    id_width: u16,
    wide: bool,
    theme: &'a Theme,
}

impl Rows for DagRows<'_> {
    fn len(&self) -> usize {
        self.rows.len()
    }

    fn cells(&self, index: usize) -> Vec<Cell<'_>> {
        let Some(d) = self.rows.get(index) else {
            return Vec::new();
        };
        let t = self.theme;
        let now = self.app.now;
        let id_role = match d.severity(now) {
            Some(crate::state::Severity::Critical) => Role::Critical,
            Some(crate::state::Severity::Warning) => Role::Warning,
            None => Role::Muted,
            _ => Role::Text,
        };
        let mut cells = vec![
            text_cell(&d.dag_id, self.id_width, id_role, t),
            text_cell(if d.is_paused { "paused" } else { "" }, 6, Role::Muted, t),
            text_cell(d.schedule.as_deref().unwrap_or("-"), 12, Role::Text, t),
        ];
        if self.wide {
            let who: Vec<&str> = d.owners.iter().chain(&d.tags).map(String::as_str).collect();
            cells.push(text_cell(&date(d.next_run), 16, Role::Muted, t));
            cells.push(text_cell(&who.join(", "), 18, Role::Muted, t));
        }
        cells.push(strip(&d.runs, t));
        match d.newest() {
            Some(r) => {
                cells.push(state_cell(&r.state, t));
                let dur = r.duration(now).map(duration).unwrap_or_default();
                cells.push(Cell::from(dur));
            }
            None => cells.push(text_cell("no runs", 10, Role::Muted, t)),
        }
        cells
    }
}

/// The last runs as glyphs, oldest left, newest right, each in its state's role.
fn strip(runs: &[DagRun], theme: &Theme) -> Cell<'static> {
    let spans: Vec<Span> = runs
        .iter()
        .take(STRIP)
        .rev()
        .map(|r| {
            let (role, glyph) = super::run_badge(r.state.name());
            Span::styled(glyph, theme.style(role))
        })
        .collect();
    Cell::from(Line::from(spans))
}

/// Draws one DAG's runs, newest first.
pub fn draw_runs(frame: &mut Frame, area: Rect, app: &Screen<'_>, dag: &Dag, theme: &Theme) {
    let view = &app.view.data;
    let rows = run_rows(dag, &view.runs);
    if rows.is_empty() {
        let why = if view.runs.filter.is_empty() {
            "this DAG has no runs yet (T triggers one)"
        } else {
            "no runs match the filter"
        };
        frame.render_widget(notice(vec![Line::raw(""), Line::raw(why)], theme), area);
        return;
    }
    let wide = area.width >= WIDE;
    let conf_width: u16 = if wide { 24 } else { 12 };
    let fixed = if wide {
        10 + 16 + 10 + 7 + 8 + 6
    } else {
        10 + 7 + 8 + 4
    } + conf_width;
    let id_width = area.width.saturating_sub(fixed).max(8);
    let mut columns = vec![col("run", id_width)];
    if wide {
        columns.extend([col("type", 10), col("logical date", 16)]);
    }
    columns.extend([
        col("state", 10),
        col("started", 7),
        col("duration", 8),
        col("conf", conf_width),
    ]);
    let ids: Vec<&str> = rows.iter().map(|r| r.run_id.as_str()).collect();
    let listing = RunRows {
        rows: &rows,
        app,
        id_width,
        conf_width,
        wide,
        theme,
    };
    super::draw_list(frame, area, &columns, &listing, (&view.runs, &ids), theme);
}

struct RunRows<'a> {
    rows: &'a [&'a DagRun],
    app: &'a Screen<'a>,
    id_width: u16,
    conf_width: u16,
    wide: bool,
    theme: &'a Theme,
}

impl Rows for RunRows<'_> {
    fn len(&self) -> usize {
        self.rows.len()
    }

    fn cells(&self, index: usize) -> Vec<Cell<'_>> {
        let Some(r) = self.rows.get(index) else {
            return Vec::new();
        };
        let (t, now) = (self.theme, self.app.now);
        let mut cells = vec![text_cell(&r.run_id, self.id_width, Role::Text, t)];
        if self.wide {
            cells.push(text_cell(&r.run_type, 10, Role::Muted, t));
            cells.push(text_cell(&date(r.logical_date), 16, Role::Muted, t));
        }
        let started = r
            .start_date
            .map_or_else(|| "-".into(), |s| format_age(now, s));
        cells.extend([
            state_cell(&r.state, t),
            Cell::from(started),
            Cell::from(r.duration(now).map(duration).unwrap_or_default()),
            text_cell(conf_summary(&r.conf), self.conf_width, Role::Muted, t),
        ]);
        cells
    }
}

//! One run's tasks: a summary line, the task instances in dependency order
//! (task, state, try, start, duration, operator, map index), and below them the
//! grid of tasks × recent runs as Airflow's grid view reads, in text.

use chrono::Duration;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph};

use super::{col, run_badge, text_cell};
use crate::state::airflow::{Dag, TaskInstance};
use crate::state::dag_tasks::RunTasks;
use crate::state::health::format_age;
use crate::theme::{Role, Theme};
use crate::ui::notice;
use crate::ui::panes::containers::fit;
use crate::ui::panes::pipelines::cells::duration;
use crate::ui::widgets::table::Rows;
use crate::view::Screen;
use crate::view::dags::{task_id, task_rows};

/// Most grid rows shown (tasks); the table above lists every task.
const GRID_ROWS: usize = 8;
/// Width of the grid's task name column.
const GRID_NAME: usize = 24;

/// Draws the run summary, the task table and the grid.
pub fn draw(frame: &mut Frame, area: Rect, app: &Screen<'_>, dag: &Dag, theme: &Theme) {
    let view = &app.view.data;
    let run = dag
        .runs
        .iter()
        .find(|r| Some(&r.run_id) == view.run.as_ref());
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    if let Some(r) = run {
        let dur = r.duration(app.now).map(duration).unwrap_or_default();
        let (role, glyph) = run_badge(r.state.name());
        let line = Line::from(vec![
            Span::styled(format!(" {glyph} {} ", r.state.name()), theme.style(role)),
            Span::styled(
                format!("{} · {dur} · conf {}", r.run_type, fit(&r.conf, 40)),
                theme.style(Role::Muted),
            ),
        ]);
        frame.render_widget(Paragraph::new(line), head);
    }
    let tasks = match view.tasks_of_run() {
        None => return message(frame, body, "loading tasks…", theme),
        Some(Err(e)) => return message(frame, body, &format!("cannot read the tasks: {e}"), theme),
        Some(Ok(t)) => t,
    };
    let body = match view.tasks_stale() {
        Some((error, read_at)) => {
            let [banner, rest] =
                Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(body);
            let age = read_at.map_or_else(|| "?".to_owned(), |t| format_age(app.now, t));
            let tail = format!(" — showing tasks read {age} ago");
            let room = usize::from(banner.width).saturating_sub(tail.chars().count() + 26);
            let text = format!(
                "✗ cannot re-read the tasks: {}{tail}",
                fit(error, room.max(8))
            );
            frame.render_widget(
                Paragraph::new(Line::styled(text, theme.style(Role::Critical))),
                banner,
            );
            rest
        }
        None => body,
    };
    let grid_height = u16::try_from(tasks.order.len().min(GRID_ROWS) + 1).unwrap_or(1);
    let grid_height = if body.height > grid_height + 4 {
        grid_height
    } else {
        0
    };
    let [list, grid] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(grid_height)]).areas(body);
    draw_tasks(frame, list, app, tasks, theme);
    if grid_height > 0 {
        let current = view.run.as_deref().unwrap_or("");
        frame.render_widget(Paragraph::new(grid_lines(tasks, current, theme)), grid);
    }
}

fn message(frame: &mut Frame, area: Rect, text: &str, theme: &Theme) {
    let lines = vec![Line::raw(""), Line::raw(text.to_owned())];
    frame.render_widget(
        notice(lines, theme).wrap(ratatui::widgets::Wrap { trim: true }),
        area,
    );
}

fn draw_tasks(frame: &mut Frame, area: Rect, app: &Screen<'_>, tasks: &RunTasks, theme: &Theme) {
    let view = &app.view.data;
    let rows = task_rows(tasks, &view.tasks);
    if rows.is_empty() {
        return message(
            frame,
            area,
            "no task instances (or none match the filter)",
            theme,
        );
    }
    let wide = area.width >= 100;
    let fixed: u16 = 17 + 3 + 7 + 8 + 3 + 5 + if wide { 20 + 1 } else { 0 };
    let name_width = area.width.saturating_sub(fixed).max(8);
    let mut columns = vec![
        col("task", name_width),
        col("state", 17),
        col("try", 3),
        col("started", 7),
        col("duration", 8),
    ];
    if wide {
        columns.push(col("operator", 20));
    }
    columns.push(col("map", 3));
    let ids: Vec<String> = rows.iter().map(|t| task_id(t)).collect();
    let listing = TaskRows {
        rows: &rows,
        app,
        name_width,
        wide,
        theme,
    };
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    super::draw_list(frame, area, &columns, &listing, (&view.tasks, &ids), theme);
}

struct TaskRows<'a> {
    rows: &'a [&'a TaskInstance],
    app: &'a Screen<'a>,
    name_width: u16,
    wide: bool,
    theme: &'a Theme,
}

impl Rows for TaskRows<'_> {
    fn len(&self) -> usize {
        self.rows.len()
    }

    fn cells(&self, index: usize) -> Vec<Cell<'_>> {
        let Some(ti) = self.rows.get(index) else {
            return Vec::new();
        };
        let (t, now) = (self.theme, self.app.now);
        let (role, glyph) = run_badge(&ti.state);
        let started = ti
            .start_date
            .map_or_else(|| "-".into(), |s| format_age(now, s));
        let secs = ti
            .duration_secs
            .filter(|s| s.is_finite() && *s >= 0.0 && *s < 1e12);
        #[allow(clippy::cast_possible_truncation, reason = "bounded above")]
        let dur = secs
            .map(|s| duration(Duration::seconds(s as i64)))
            .unwrap_or_default();
        let mut cells = vec![
            text_cell(&ti.task_id, self.name_width, Role::Text, t),
            Cell::from(Span::styled(format!("{glyph} {}", ti.state), t.style(role))),
            Cell::from(ti.try_number.to_string()),
            Cell::from(started),
            Cell::from(dur),
        ];
        if self.wide {
            cells.push(text_cell(
                ti.operator.as_deref().unwrap_or("-"),
                20,
                Role::Muted,
                t,
            ));
        }
        let map = if ti.map_index < 0 {
            String::new()
        } else {
            ti.map_index.to_string()
        };
        cells.push(Cell::from(map));
        cells
    }
}

/// The grid: one line per task (dependency order), one glyph per recent run,
/// oldest left; the run on screen is marked in the header.
fn grid_lines(tasks: &RunTasks, current: &str, theme: &Theme) -> Vec<Line<'static>> {
    let runs: Vec<&(String, std::collections::HashMap<String, String>)> =
        tasks.grid.iter().rev().collect();
    let marks: String = runs
        .iter()
        .map(|(id, _)| if id == current { "▼ " } else { "  " })
        .collect();
    let mut lines = vec![Line::from(vec![
        Span::styled(
            format!("{:<GRID_NAME$} ", "recent runs, oldest left"),
            theme.style(Role::Title),
        ),
        Span::styled(marks, theme.style(Role::Accent)),
    ])];
    for task in tasks.order.iter().take(GRID_ROWS) {
        let mut spans = vec![Span::styled(
            format!("{:<GRID_NAME$} ", fit(task, GRID_NAME)),
            theme.style(Role::Text),
        )];
        for (_, states) in &runs {
            let state = states.get(task).map_or("none", String::as_str);
            let (role, glyph) = run_badge(state);
            spans.push(Span::styled(format!("{glyph} "), theme.style(role)));
        }
        lines.push(Line::from(spans));
    }
    lines
}

//! The drill-down of one run: a summary line, then its jobs with their steps,
//! each with status and duration (live while running). Enter opens a job's log.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph};

use super::cells::{duration, status_cell};
use crate::state::health::format_age;
use crate::state::pipeline::{PipelineRun, span};
use crate::theme::{Role, Theme};
use crate::ui::notice;
use crate::ui::panes::containers::fit;
use crate::ui::status::outcome_badge;
use crate::ui::widgets::table::{self, Column, Rows, TableView};
use crate::view::pipelines::{JobRow, job_rows};

/// Draws the run's summary and its job and step rows.
pub fn draw(
    frame: &mut Frame,
    area: Rect,
    run: &PipelineRun,
    view: &TableView,
    now: DateTime<Utc>,
    theme: &Theme,
) {
    let [head, body] = Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(area);
    frame.render_widget(Paragraph::new(summary(run, now, theme)), head);
    let rows = job_rows(run, &view.filter);
    if rows.is_empty() {
        let why = match &run.jobs {
            None => "loading jobs…",
            Some(j) if j.is_empty() => "this run has no jobs",
            Some(_) => "no jobs or steps match the filter",
        };
        frame.render_widget(notice(vec![Line::raw(""), Line::raw(why)], theme), body);
        return;
    }
    let ids: Vec<String> = rows.iter().map(JobRow::id).collect();
    let selected = view.position(&ids);
    let name_width = body.width.saturating_sub(17 + 7 + 8 + 3);
    let columns = [
        Column {
            title: "status",
            width: Constraint::Length(17),
        },
        Column {
            title: "job / step",
            width: Constraint::Length(name_width),
        },
        Column {
            title: "started",
            width: Constraint::Length(7),
        },
        Column {
            title: "duration",
            width: Constraint::Length(8),
        },
    ];
    let shown = TableView {
        sort_column: usize::MAX,
        ..view.clone()
    };
    let listing = JobRows {
        rows: &rows,
        now,
        name_width,
        theme,
    };
    table::draw(frame, body, &columns, &listing, &shown, selected, theme);
}

fn summary<'a>(run: &PipelineRun, now: DateTime<Utc>, theme: &Theme) -> Vec<Line<'a>> {
    let (role, glyph) = outcome_badge(run.outcome());
    let attempt = if run.attempt > 1 {
        format!(" (attempt {})", run.attempt)
    } else {
        String::new()
    };
    let took = run.duration(now).map(duration).unwrap_or_default();
    vec![
        Line::from(vec![
            Span::styled(
                format!(" {glyph} {} ", run.outcome().word()),
                theme.style(role),
            ),
            Span::styled(
                format!("{} · {} #{}{attempt}", run.repo, run.workflow, run.number),
                theme.style(Role::Title),
            ),
            Span::styled(format!(" · {took}"), theme.style(Role::Text)),
        ]),
        Line::styled(
            format!(
                " {} · {} by {} · {} {} · {} ago",
                run.branch,
                run.event,
                run.actor,
                run.short_sha(),
                run.title,
                format_age(now, run.started_at.unwrap_or(run.created_at))
            ),
            theme.style(Role::Muted),
        ),
    ]
}

struct JobRows<'a> {
    rows: &'a [JobRow<'a>],
    now: DateTime<Utc>,
    name_width: u16,
    theme: &'a Theme,
}

impl Rows for JobRows<'_> {
    fn len(&self) -> usize {
        self.rows.len()
    }

    fn cells(&self, index: usize) -> Vec<Cell<'_>> {
        let Some(row) = self.rows.get(index) else {
            return Vec::new();
        };
        let w = usize::from(self.name_width);
        let (outcome, name, start, end, role) = match row {
            JobRow::Job(j) => (
                j.outcome(),
                j.name.clone(),
                j.started_at,
                j.completed_at,
                Role::Title,
            ),
            JobRow::Step(_, s) => (
                s.outcome(),
                format!("  {}. {}", s.number, s.name),
                s.started_at,
                s.completed_at,
                Role::Text,
            ),
        };
        let took = span(start, end, self.now).map(duration).unwrap_or_default();
        let age = start.map(|s| format_age(self.now, s)).unwrap_or_default();
        let muted = self.theme.style(Role::Muted);
        vec![
            status_cell(outcome, self.theme),
            Cell::from(Span::styled(
                fit(&name, w).into_owned(),
                self.theme.style(role),
            )),
            Cell::from(Span::styled(age, muted)),
            Cell::from(Span::styled(took, self.theme.style(Role::Text))),
        ]
    }
}

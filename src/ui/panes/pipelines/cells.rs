//! Columns of the runs table (which fit at a width), and the text of each cell.
//! The runs table body is a lazy `Rows`: only visible rows are built.

use chrono::{DateTime, Utc};
use ratatui::layout::Constraint;
use ratatui::text::Span;
use ratatui::widgets::Cell;

use crate::state::SourceId;
use crate::state::health::format_age;
use crate::state::pipeline::{Outcome, PipelineRun};
use crate::theme::{Role, Theme};
use crate::ui::panes::containers::fit;
use crate::ui::status::outcome_badge;
use crate::ui::widgets::table::{Column, Rows};

/// A column of the runs table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    /// Glyph and outcome word.
    Status,
    /// `owner/name`.
    Repo,
    /// Workflow name.
    Workflow,
    /// `#number` and attempt.
    Run,
    /// Head branch.
    Branch,
    /// Trigger.
    Event,
    /// Who triggered it.
    Actor,
    /// Short SHA and the commit's first line.
    Commit,
    /// Age of its start.
    Started,
    /// How long it ran (live while running).
    Duration,
}

/// Natural order, fixed width (0: takes what is left) and priority (lower stays longer).
const COLUMNS: [(Col, &str, u16, u8); 10] = [
    (Col::Status, "status", 17, 0),
    (Col::Repo, "repo", 16, 1),
    (Col::Workflow, "workflow", 14, 0),
    (Col::Run, "run", 7, 2),
    (Col::Branch, "branch", 14, 2),
    (Col::Event, "event", 12, 4),
    (Col::Actor, "actor", 10, 4),
    (Col::Commit, "commit", 0, 3),
    (Col::Started, "started", 7, 1),
    (Col::Duration, "duration", 8, 0),
];

/// Narrowest the commit column may be; columns less important than it wait for this.
const MIN_COMMIT: u16 = 24;

/// The columns that fit in `width`, in natural order, with their widths.
pub fn plan(width: u16) -> Vec<(Col, u16)> {
    let mut by_priority: Vec<usize> = (0..COLUMNS.len()).collect();
    by_priority.sort_by_key(|&i| COLUMNS[i].3);
    let mut used: u16 = 0;
    let mut keep = [false; COLUMNS.len()];
    for i in by_priority {
        let w = match COLUMNS[i].2 {
            0 => MIN_COMMIT,
            w => w,
        };
        if used + w < width {
            used += w + 1;
            keep[i] = true;
        }
    }
    let rest = width.saturating_sub(used);
    (0..COLUMNS.len())
        .filter(|&i| keep[i])
        .map(|i| match COLUMNS[i] {
            (col, _, 0, _) => (col, MIN_COMMIT + rest),
            (col, _, w, _) => (col, w),
        })
        .collect()
}

/// The table columns of a plan.
pub fn columns(plan: &[(Col, u16)]) -> Vec<Column> {
    plan.iter()
        .map(|(col, w)| Column {
            title: COLUMNS.iter().find(|c| c.0 == *col).map_or("", |c| c.1),
            width: Constraint::Length(*w),
        })
        .collect()
}

/// Position of the column a sort order uses, among a plan's columns.
pub fn sort_position(plan: &[(Col, u16)], sort: usize) -> usize {
    let col = match sort {
        1 => Col::Status,
        2 => Col::Repo,
        3 => Col::Workflow,
        4 => Col::Branch,
        5 => Col::Duration,
        _ => Col::Started,
    };
    plan.iter()
        .position(|(c, _)| *c == col)
        .unwrap_or(usize::MAX)
}

/// `45s`, `3m 20s`, `1h 02m`.
pub fn duration(d: chrono::Duration) -> String {
    let s = d.num_seconds().max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m {:02}s", s / 60, s % 60),
        _ => format!("{}h {:02}m", s / 3600, (s % 3600) / 60),
    }
}

/// The status cell: glyph and word in the outcome's role.
pub fn status_cell(outcome: Outcome, theme: &Theme) -> Cell<'static> {
    let (role, glyph) = outcome_badge(outcome);
    Cell::from(Span::styled(
        format!("{glyph} {}", outcome.word()),
        theme.style(role),
    ))
}

/// The visible part of the runs table.
pub struct RunRows<'a> {
    /// The runs, filtered and sorted.
    pub runs: &'a [(SourceId, &'a PipelineRun)],
    /// The columns that fit.
    pub plan: &'a [(Col, u16)],
    /// The time ages and live durations are measured to.
    pub now: DateTime<Utc>,
    /// Whether the run's source is failing (its rows are stale).
    pub stale: &'a dyn Fn(SourceId) -> bool,
    /// The theme.
    pub theme: &'a Theme,
}

impl Rows for RunRows<'_> {
    fn len(&self) -> usize {
        self.runs.len()
    }

    fn cells(&self, index: usize) -> Vec<Cell<'_>> {
        let Some((source, run)) = self.runs.get(index) else {
            return Vec::new();
        };
        let stale = (self.stale)(*source);
        self.plan
            .iter()
            .map(|&(col, w)| self.cell(run, col, usize::from(w), stale))
            .collect()
    }
}

impl RunRows<'_> {
    fn cell(&self, run: &PipelineRun, col: Col, w: usize, stale: bool) -> Cell<'static> {
        let styled = |text: String, role: Role| {
            let role = if stale { Role::Stale } else { role };
            Cell::from(Span::styled(
                fit(&text, w).into_owned(),
                self.theme.style(role),
            ))
        };
        match col {
            Col::Status if stale => styled(
                format!(
                    "{} {}",
                    outcome_badge(run.outcome()).1,
                    run.outcome().word()
                ),
                Role::Stale,
            ),
            Col::Status => status_cell(run.outcome(), self.theme),
            Col::Repo => styled(run.repo.clone(), Role::Text),
            Col::Workflow => styled(run.workflow.clone(), Role::Text),
            Col::Run => {
                let attempt = if run.attempt > 1 {
                    format!(".{}", run.attempt)
                } else {
                    String::new()
                };
                styled(format!("#{}{attempt}", run.number), Role::Muted)
            }
            Col::Branch => styled(run.branch.clone(), Role::Accent),
            Col::Event => styled(run.event.clone(), Role::Muted),
            Col::Actor => styled(run.actor.clone(), Role::Muted),
            Col::Commit => styled(format!("{} {}", run.short_sha(), run.title), Role::Text),
            Col::Started => {
                let start = run.started_at.unwrap_or(run.created_at);
                styled(format_age(self.now, start), Role::Muted)
            }
            Col::Duration => {
                let text = run.duration(self.now).map(duration).unwrap_or_default();
                let role = if run.outcome().is_active() {
                    Role::Pending
                } else {
                    Role::Text
                };
                styled(text, role)
            }
        }
    }
}

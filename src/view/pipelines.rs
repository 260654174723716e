//! The rows of the Pipelines pane: runs of every GitHub source, filtered by the
//! toggles and by the `/` filter (free text, or `repo:`, `branch:`, `status:`,
//! `workflow:` terms), sorted newest first by default; and a run's job and step rows.

use super::table::{TableView, contains_ignore_case};
use crate::state::Store;
use crate::state::pipeline::{Job, Outcome, PipelineRun, Pipelines, Step};
use crate::state::{Payload, SourceId, SourceKind};

/// The Pipelines pane's UI-only state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PipelinesView {
    /// Shows only failed and timed-out runs.
    pub failures_only: bool,
    /// Shows only runs on their repository's default branch.
    pub default_branch_only: bool,
    /// The run whose jobs are shown, by id.
    pub drill: Option<u64>,
    /// Selection and filter of the jobs view.
    pub jobs: TableView,
}

/// Sort orders, by `TableView::sort_column`: 0 newest first, then status (worst
/// first), repository, workflow, branch, duration (longest first).
pub const COLUMN_COUNT: usize = 6;

/// The runs data of one GitHub source.
pub fn pipelines_of(store: &Store, id: SourceId) -> Option<&Pipelines> {
    match store.source(id)?.data.as_ref()? {
        Payload::Pipelines(p) => Some(p),
        _ => None,
    }
}

/// The id of a run's row.
pub fn run_id(run: &PipelineRun) -> String {
    run.id.to_string()
}

/// Whether the run passes the toggles and the filter.
pub fn keeps(run: &PipelineRun, table: &TableView, view: &PipelinesView) -> bool {
    if view.failures_only && run.severity() < crate::state::Severity::Critical {
        return false;
    }
    if view.default_branch_only && !run.on_default_branch {
        return false;
    }
    table
        .filter
        .split_whitespace()
        .all(|term| matches_term(run, term))
}

fn matches_term(run: &PipelineRun, term: &str) -> bool {
    let field = |name: &str| term.strip_prefix(name).filter(|v| !v.is_empty());
    if let Some(v) = field("repo:") {
        return contains_ignore_case(&run.repo, v);
    }
    if let Some(v) = field("branch:") {
        return contains_ignore_case(&run.branch, v);
    }
    if let Some(v) = field("status:") {
        let o = run.outcome();
        return contains_ignore_case(o.word(), v)
            || contains_ignore_case(&o.word().replace(' ', "_"), v);
    }
    if let Some(v) = field("workflow:") {
        return contains_ignore_case(&run.workflow, v);
    }
    [
        run.repo.as_str(),
        &run.workflow,
        &run.branch,
        &run.actor,
        &run.event,
        &run.title,
        &run.head_sha,
        run.outcome().word(),
    ]
    .iter()
    .any(|h| contains_ignore_case(h, term))
}

/// Every kept run of every GitHub source, sorted as the table says.
pub fn runs<'a>(
    store: &'a Store,
    table: &TableView,
    view: &PipelinesView,
) -> Vec<(SourceId, &'a PipelineRun)> {
    let mut out: Vec<(SourceId, &PipelineRun)> = store
        .ids_of(SourceKind::Github)
        .filter_map(|id| Some((id, pipelines_of(store, id)?)))
        .flat_map(|(id, p)| p.runs.iter().map(move |r| (id, r)))
        .filter(|(_, r)| keeps(r, table, view))
        .collect();
    let newest =
        |a: &PipelineRun, b: &PipelineRun| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id));
    out.sort_by(|(_, a), (_, b)| {
        let primary = match table.sort_column {
            1 => outcome_rank(b.outcome()).cmp(&outcome_rank(a.outcome())),
            2 => a.repo.cmp(&b.repo),
            3 => a.workflow.cmp(&b.workflow),
            4 => a.branch.cmp(&b.branch),
            5 => b.duration(b.updated_at).cmp(&a.duration(a.updated_at)),
            _ => std::cmp::Ordering::Equal,
        };
        primary.then_with(|| newest(a, b))
    });
    if table.descending {
        out.reverse();
    }
    out
}

/// Worse outcomes rank higher.
fn outcome_rank(o: Outcome) -> u8 {
    match o {
        Outcome::Failure | Outcome::TimedOut => 6,
        Outcome::ActionRequired => 5,
        Outcome::Cancelled => 4,
        Outcome::InProgress | Outcome::Waiting => 3,
        Outcome::Queued => 2,
        Outcome::Success => 1,
        Outcome::Skipped | Outcome::Neutral => 0,
    }
}

/// The run with this id in any GitHub source.
pub fn find_run(store: &Store, run_id: u64) -> Option<(SourceId, &PipelineRun)> {
    store
        .ids_of(SourceKind::Github)
        .filter_map(|id| Some((id, pipelines_of(store, id)?)))
        .find_map(|(id, p)| p.runs.iter().find(|r| r.id == run_id).map(|r| (id, r)))
}

/// A row of the jobs view: a job, or one of its steps.
#[derive(Debug, Clone, Copy)]
pub enum JobRow<'a> {
    /// A job.
    Job(&'a Job),
    /// A step of a job.
    Step(&'a Job, &'a Step),
}

impl JobRow<'_> {
    /// The row's stable id: `j:ID` or `s:ID:N`.
    pub fn id(&self) -> String {
        match self {
            JobRow::Job(j) => format!("j:{}", j.id),
            JobRow::Step(j, s) => format!("s:{}:{}", j.id, s.number),
        }
    }

    /// The job the row belongs to.
    pub fn job(&self) -> &Job {
        match self {
            JobRow::Job(j) | JobRow::Step(j, _) => j,
        }
    }
}

/// The job and step rows of a run, in GitHub's order (filtered by the `/` text).
pub fn job_rows<'a>(run: &'a PipelineRun, filter: &str) -> Vec<JobRow<'a>> {
    let mut out = Vec::new();
    for job in run.jobs.iter().flatten() {
        let steps: Vec<&Step> = job
            .steps
            .iter()
            .filter(|s| filter.is_empty() || contains_ignore_case(&s.name, filter))
            .collect();
        if !filter.is_empty() && steps.is_empty() && !contains_ignore_case(&job.name, filter) {
            continue;
        }
        out.push(JobRow::Job(job));
        out.extend(steps.into_iter().map(|s| JobRow::Step(job, s)));
    }
    out
}

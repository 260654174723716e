//! Airflow's DAGs and DAG runs as the store keeps them: plain data converted from
//! the API's wire shapes, and the one rule for a DAG's severity (newest run failed:
//! critical; running far longer than usual: warning; paused: no item).

use chrono::{DateTime, Duration, Utc};

use super::Severity;
use super::stuck::{is_far_past, median};

/// Most runs kept per DAG (the strip of recent runs and the usual duration).
pub const RUNS_PER_DAG: usize = 25;

/// The state of a DAG run, as Airflow names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunState {
    /// Waiting for the scheduler.
    Queued,
    /// Tasks are running.
    Running,
    /// Every task succeeded (or was skipped).
    Success,
    /// A task failed.
    Failed,
    /// A state this build does not know, kept as sent.
    Other(String),
}

impl RunState {
    /// Parses Airflow's lower-case state (`None` from the API reads as queued).
    pub fn parse(text: Option<&str>) -> RunState {
        match text.unwrap_or("queued") {
            "queued" => RunState::Queued,
            "running" => RunState::Running,
            "success" => RunState::Success,
            "failed" => RunState::Failed,
            other => RunState::Other(other.to_owned()),
        }
    }

    /// Airflow's word for it.
    pub fn name(&self) -> &str {
        match self {
            RunState::Queued => "queued",
            RunState::Running => "running",
            RunState::Success => "success",
            RunState::Failed => "failed",
            RunState::Other(s) => s,
        }
    }

    /// Whether the run has not finished yet.
    pub fn is_active(&self) -> bool {
        matches!(self, RunState::Queued | RunState::Running)
    }

    /// One glyph for the strip of recent runs.
    pub fn glyph(&self) -> &'static str {
        match self {
            RunState::Success => "✓",
            RunState::Failed => "✗",
            RunState::Running => "▶",
            RunState::Queued => "…",
            RunState::Other(_) => "?",
        }
    }
}

/// One DAG.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dag {
    /// Its id.
    pub dag_id: String,
    /// Its display name (the id unless set).
    pub name: String,
    /// Whether it is paused.
    pub is_paused: bool,
    /// Its schedule in words (`@daily`, a cron line), if any.
    pub schedule: Option<String>,
    /// When the next run is due, if scheduled.
    pub next_run: Option<DateTime<Utc>>,
    /// Its owners.
    pub owners: Vec<String>,
    /// Its tags.
    pub tags: Vec<String>,
    /// Its recent runs, newest first (at most `RUNS_PER_DAG`).
    pub runs: Vec<DagRun>,
}

/// One run of a DAG.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DagRun {
    /// The DAG.
    pub dag_id: String,
    /// The run's id.
    pub run_id: String,
    /// `manual`, `scheduled`, `backfill`, `asset_triggered`.
    pub run_type: String,
    /// Its logical date (none for runs triggered without one).
    pub logical_date: Option<DateTime<Utc>>,
    /// Its state.
    pub state: RunState,
    /// When it was queued.
    pub queued_at: Option<DateTime<Utc>>,
    /// When it started.
    pub start_date: Option<DateTime<Utc>>,
    /// When it ended.
    pub end_date: Option<DateTime<Utc>>,
    /// Its conf, as compact JSON (`{}` when empty).
    pub conf: String,
}

impl DagRun {
    /// How long it ran (to `now` while active); `None` before it started.
    pub fn duration(&self, now: DateTime<Utc>) -> Option<Duration> {
        let start = self.start_date.or(self.queued_at)?;
        let end = if self.state.is_active() {
            now
        } else {
            self.end_date?
        };
        Some((end - start).max(Duration::zero()))
    }

    /// The newest of its dates, for ordering runs.
    pub fn sort_key(&self) -> Option<DateTime<Utc>> {
        self.start_date.or(self.queued_at).or(self.logical_date)
    }
}

/// One task instance of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskInstance {
    /// The task's id.
    pub task_id: String,
    /// Its map index (-1 when not mapped).
    pub map_index: i64,
    /// Its state (`none` when not yet scheduled).
    pub state: String,
    /// The current try.
    pub try_number: u32,
    /// The operator's class name.
    pub operator: Option<String>,
    /// When it started.
    pub start_date: Option<DateTime<Utc>>,
    /// When it ended.
    pub end_date: Option<DateTime<Utc>>,
    /// Its duration in seconds, as Airflow reports it.
    pub duration_secs: Option<f64>,
}

/// What one Airflow poll saw: every watched DAG with its recent runs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AirflowSnapshot {
    /// The DAGs, by id.
    pub dags: Vec<Dag>,
    /// Whether the DAG or run lists were cut at the page cap.
    pub truncated: bool,
}

/// How a run in progress compares with the DAG's usual duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overdue {
    /// How long it has been running or queued.
    pub elapsed: Duration,
    /// The median duration of the DAG's successful runs.
    pub usual: Duration,
}

impl Dag {
    /// The newest run, if any.
    pub fn newest(&self) -> Option<&DagRun> {
        self.runs.first()
    }

    /// The median duration of its successful runs (at least three of them).
    pub fn usual_duration(&self) -> Option<Duration> {
        let done = self
            .runs
            .iter()
            .filter(|r| r.state == RunState::Success)
            .filter_map(|r| r.duration(r.end_date.unwrap_or(DateTime::<Utc>::MIN_UTC)))
            .collect();
        median(done)
    }

    /// Whether the newest run is running or queued far longer than usual at `now`.
    pub fn overdue(&self, now: DateTime<Utc>) -> Option<Overdue> {
        let run = self.newest().filter(|r| r.state.is_active())?;
        let elapsed = run.duration(now)?;
        let usual = self.usual_duration()?;
        is_far_past(elapsed, usual).then_some(Overdue { elapsed, usual })
    }

    /// Its severity at `now`; `None` for a paused DAG (it gives no item).
    pub fn severity(&self, now: DateTime<Utc>) -> Option<Severity> {
        if self.is_paused {
            return None;
        }
        Some(match self.newest() {
            Some(r) if r.state == RunState::Failed => Severity::Critical,
            Some(_) if self.overdue(now).is_some() => Severity::Warning,
            _ => Severity::Ok,
        })
    }
}

/// What can be done to a DAG or one of its runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DagOp {
    /// Start a run with this conf (a JSON object, validated before sending) and
    /// logical date (none: Airflow's null).
    Trigger {
        /// The conf as JSON text.
        conf: String,
        /// The logical date, if given.
        logical_date: Option<DateTime<Utc>>,
    },
    /// Clear the failed tasks of the run so the scheduler runs them again.
    ClearFailed,
    /// Mark the run `success` (true) or `failed` (false).
    Mark(bool),
    /// Pause (true) or unpause (false) the DAG.
    Pause(bool),
    /// Clear one task instance of the run (whatever its state) so it runs again.
    ClearTask(TaskKey),
    /// Mark one task instance of the run `success` (true) or `failed` (false).
    MarkTask(TaskKey, bool),
}

/// One task instance of a run: a task, and which of its mapped instances.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TaskKey {
    /// The task's id.
    pub task_id: String,
    /// The map index of one mapped instance (-1 when not mapped: the task itself).
    pub map_index: i64,
}

impl TaskKey {
    /// The task instance of an unmapped task.
    pub fn task(task_id: impl Into<String>) -> TaskKey {
        TaskKey {
            task_id: task_id.into(),
            map_index: -1,
        }
    }

    /// The map index of one mapped instance, or `None` for an unmapped task.
    pub fn mapped(&self) -> Option<u64> {
        u64::try_from(self.map_index).ok()
    }
}

impl std::fmt::Display for TaskKey {
    // `load`, or `part[2]` for a mapped instance (the row id of the task list).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.mapped() {
            Some(i) => write!(f, "{}[{i}]", self.task_id),
            None => f.write_str(&self.task_id),
        }
    }
}

impl DagOp {
    /// The verb phrase shown in confirmations and toasts.
    pub fn label(&self) -> &'static str {
        match self {
            DagOp::Trigger { .. } => "Trigger a run of DAG",
            DagOp::ClearFailed => "Clear failed tasks of DAG run",
            DagOp::Mark(true) => "Mark success DAG run",
            DagOp::Mark(false) => "Mark failed DAG run",
            DagOp::Pause(true) => "Pause DAG",
            DagOp::Pause(false) => "Unpause DAG",
            DagOp::ClearTask(_) => "Clear task of DAG run",
            DagOp::MarkTask(_, true) => "Mark success task of DAG run",
            DagOp::MarkTask(_, false) => "Mark failed task of DAG run",
        }
    }

    /// The name written to the audit log.
    pub fn name(&self) -> &'static str {
        match self {
            DagOp::Trigger { .. } => "trigger",
            DagOp::ClearFailed => "clear_failed",
            DagOp::Mark(true) => "mark_success",
            DagOp::Mark(false) => "mark_failed",
            DagOp::Pause(true) => "pause",
            DagOp::Pause(false) => "unpause",
            DagOp::ClearTask(_) => "clear_task",
            DagOp::MarkTask(_, true) => "mark_task_success",
            DagOp::MarkTask(_, false) => "mark_task_failed",
        }
    }
}

impl DagOp {
    /// The task instance it acts on, for task actions.
    pub fn task(&self) -> Option<&TaskKey> {
        match self {
            DagOp::ClearTask(t) | DagOp::MarkTask(t, _) => Some(t),
            _ => None,
        }
    }

    /// The sentence for confirmations and toasts, naming the DAG and the task
    /// (the run is the action's target): `Mark failed task 'load' of DAG 'etl' run`.
    pub fn describe(&self, dag_id: &str, run: bool) -> String {
        let label = self.label();
        let label = match self.task() {
            Some(t) => label.replacen("task", &format!("task '{t}'"), 1),
            None => label.to_owned(),
        };
        if run {
            format!(
                "{} run",
                label
                    .trim_end_matches(" run")
                    .replacen("DAG", &format!("DAG '{dag_id}'"), 1)
            )
        } else {
            label
        }
    }
}

/// The conf text as a JSON object, or why it is not one (checked before sending).
pub fn parse_conf(text: &str) -> Result<serde_json::Value, String> {
    let text = if text.trim().is_empty() { "{}" } else { text };
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(v) if v.is_object() => Ok(v),
        Ok(_) => Err("conf must be a JSON object, like {\"date\": \"2026-01-01\"}".to_owned()),
        Err(e) => Err(format!("conf is not valid JSON: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(mins: i64) -> DateTime<Utc> {
        DateTime::<Utc>::UNIX_EPOCH + Duration::minutes(1000 + mins)
    }

    fn run(n: i64, state: RunState, start: i64, mins: Option<i64>) -> DagRun {
        DagRun {
            dag_id: "etl".into(),
            run_id: format!("manual__{n}"),
            run_type: "manual".into(),
            logical_date: Some(t(start)),
            state,
            queued_at: Some(t(start)),
            start_date: Some(t(start)),
            end_date: mins.map(|m| t(start + m)),
            conf: "{}".into(),
        }
    }

    fn dag(runs: Vec<DagRun>) -> Dag {
        crate::state::testkit::dag("etl", runs)
    }

    fn history() -> Vec<DagRun> {
        (0..3)
            .map(|i| run(i, RunState::Success, i * 100, Some(10)))
            .collect()
    }

    #[test]
    fn conf_must_be_a_json_object() {
        assert!(parse_conf("").unwrap().is_object());
        assert!(parse_conf(r#"{"a": 1}"#).is_ok());
        assert!(parse_conf("[1]").unwrap_err().contains("object"));
        assert!(parse_conf("{a:").unwrap_err().contains("not valid JSON"));
    }

    #[test]
    fn newest_failed_is_critical_and_paused_gives_nothing() {
        let mut runs = vec![run(9, RunState::Failed, 500, Some(1))];
        runs.extend(history());
        let mut d = dag(runs);
        assert_eq!(d.severity(t(600)), Some(Severity::Critical));
        d.is_paused = true;
        assert_eq!(d.severity(t(600)), None);
        assert_eq!(dag(vec![]).severity(t(0)), Some(Severity::Ok));
    }

    #[test]
    fn running_far_past_the_median_is_a_warning() {
        let mut runs = vec![run(9, RunState::Running, 500, None)];
        runs.extend(history());
        let d = dag(runs);
        // usual 10 min: the limit is max(20, 15) = 20 minutes.
        assert_eq!(d.severity(t(520)), Some(Severity::Ok));
        assert_eq!(d.severity(t(521)), Some(Severity::Warning));
        let o = d.overdue(t(521)).unwrap();
        assert_eq!(o.usual, Duration::minutes(10));
        // With two successful runs there is no usual duration.
        let mut short = vec![run(9, RunState::Queued, 500, None)];
        short.extend(history().into_iter().take(2));
        assert_eq!(dag(short).severity(t(900)), Some(Severity::Ok));
    }

    #[test]
    fn short_dags_need_five_minutes_past_usual() {
        let mut runs = vec![run(9, RunState::Running, 500, None)];
        runs.extend((0..3).map(|i| run(i, RunState::Success, i * 100, Some(1))));
        let d = dag(runs);
        // usual 1 min: twice is 2 min, but the limit is 6.
        assert_eq!(d.severity(t(505)), Some(Severity::Ok));
        assert_eq!(d.severity(t(507)), Some(Severity::Warning));
    }
}

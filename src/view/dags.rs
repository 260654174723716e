//! The rows of the Data tab: Airflow's DAGs (failures first unless `!` toggles
//! it off, `/` filtered), a DAG's runs, and a run's task instances read on demand,
//! each with a stable row id; and which level of the drill-down is on screen.

use super::table::{TableView, contains_ignore_case};
use crate::state::airflow::{AirflowSnapshot, Dag, DagRun, RunState, TaskInstance, TaskKey};
use crate::state::dag_tasks::{RunTasks, TaskLogRef};
use crate::state::{Payload, SourceId, SourceKind, Store};
use chrono::{DateTime, Utc};

/// The Data tab's UI-only state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DataView {
    /// DAGs by id only (`!` toggles); the default lists failures first.
    pub by_id: bool,
    /// The DAG whose runs are shown.
    pub dag: Option<String>,
    /// The run whose tasks are shown (within `dag`).
    pub run: Option<String>,
    /// Selection and filter of the runs list.
    pub runs: TableView,
    /// Selection and filter of the tasks list.
    pub tasks: TableView,
    /// The tasks read for a run, or why they could not be.
    pub loaded: Option<Loaded>,
    /// The task whose log is open (`[`/`]` move within its tries).
    pub log: Option<LogOpen>,
    /// Whether a read of the run's tasks asked for by a poll is under way (one at a time).
    pub tasks_pending: bool,
    /// Failed tries already put in the feed (`dag/run/task/try`), bounded.
    pub seen_failures: std::collections::HashSet<String>,
}

/// The task log in the viewer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogOpen {
    /// The task instance and the try shown.
    pub task: TaskLogRef,
    /// Its latest try.
    pub latest: u32,
    /// The viewer's stream (a later log in the viewer is not this one).
    pub stream_id: u64,
    /// Whether it is read again while the task instance is unfinished.
    pub follows: bool,
}

/// What the on-demand read of one run's tasks gave.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    /// The DAG.
    pub dag_id: String,
    /// The run.
    pub run_id: String,
    /// The tasks, or the error in words when they were never read.
    pub result: Result<RunTasks, String>,
    /// When the tasks shown were read.
    pub read_at: Option<DateTime<Utc>>,
    /// Why the last read failed, while the tasks of an earlier one stay shown.
    pub failed: Option<String>,
}

/// What a Data tab form is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DagForm {
    /// The Airflow source.
    pub source: SourceId,
    /// Its label.
    pub host: String,
    /// The DAG.
    pub dag_id: String,
    /// The run, when marking.
    pub run_id: Option<String>,
    /// The task instance, when marking one.
    pub task: Option<TaskKey>,
    /// Whether the form triggers a run (else it marks).
    pub trigger: bool,
}

/// The drill-down level on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Every DAG.
    Dags,
    /// One DAG's runs.
    Runs,
    /// One run's tasks.
    Tasks,
}

impl DataView {
    /// The level on screen.
    pub fn level(&self) -> Level {
        match (&self.dag, &self.run) {
            (Some(_), Some(_)) => Level::Tasks,
            (Some(_), None) => Level::Runs,
            _ => Level::Dags,
        }
    }

    /// The tasks read for the run on screen, once they arrived.
    pub fn tasks_of_run(&self) -> Option<&Result<RunTasks, String>> {
        self.loaded_on_screen().map(|l| &l.result)
    }

    /// Why the last re-read of the run on screen failed, and when the tasks still
    /// shown were read.
    pub fn tasks_stale(&self) -> Option<(&str, Option<DateTime<Utc>>)> {
        let l = self.loaded_on_screen()?;
        Some((l.failed.as_deref()?, l.read_at))
    }

    /// What was read for the run on screen (not for one left since).
    fn loaded_on_screen(&self) -> Option<&Loaded> {
        let l = self.loaded.as_ref()?;
        (Some(&l.dag_id) == self.dag.as_ref() && Some(&l.run_id) == self.run.as_ref()).then_some(l)
    }
}

/// The (first) Airflow source and its data, if it has polled.
pub fn snapshot(store: &Store) -> Option<(SourceId, &AirflowSnapshot)> {
    store
        .ids_of(SourceKind::Airflow)
        .find_map(|id| match store.source(id)?.data.as_ref()? {
            Payload::Airflow(a) => Some((id, a)),
            _ => None,
        })
}

/// How bad a DAG's newest run looks, for failures first: failed, running, queued, rest.
fn rank(dag: &Dag) -> u8 {
    match dag.newest().map(|r| &r.state) {
        Some(RunState::Failed) => 0,
        Some(RunState::Running) => 1,
        Some(RunState::Queued) => 2,
        _ if dag.is_paused => 4,
        _ => 3,
    }
}

/// Whether a DAG matches the `/` filter (id, name, owners, tags, schedule, state).
fn matches(dag: &Dag, filter: &str) -> bool {
    filter.split_whitespace().all(|term| {
        let state = dag.newest().map_or("", |r| r.state.name());
        [dag.dag_id.as_str(), &dag.name, state]
            .into_iter()
            .chain(dag.schedule.as_deref())
            .chain(dag.owners.iter().map(String::as_str))
            .chain(dag.tags.iter().map(String::as_str))
            .any(|h| contains_ignore_case(h, term))
    })
}

/// The DAGs as listed: filtered, failures first (unless `by_id`), then by id.
pub fn dag_rows<'a>(snap: &'a AirflowSnapshot, table: &TableView, view: &DataView) -> Vec<&'a Dag> {
    let mut rows: Vec<&Dag> = snap
        .dags
        .iter()
        .filter(|d| matches(d, &table.filter))
        .collect();
    rows.sort_by(|a, b| {
        let first = if view.by_id {
            std::cmp::Ordering::Equal
        } else {
            rank(a).cmp(&rank(b))
        };
        first.then_with(|| a.dag_id.cmp(&b.dag_id))
    });
    if table.descending {
        rows.reverse();
    }
    rows
}

/// The DAG with this id.
pub fn find_dag<'a>(snap: &'a AirflowSnapshot, dag_id: &str) -> Option<&'a Dag> {
    snap.dags.iter().find(|d| d.dag_id == dag_id)
}

/// A DAG's runs, newest first, filtered by the `/` text (id, type, state, conf).
pub fn run_rows<'a>(dag: &'a Dag, table: &TableView) -> Vec<&'a DagRun> {
    dag.runs
        .iter()
        .filter(|r| {
            [r.run_id.as_str(), &r.run_type, r.state.name(), &r.conf]
                .iter()
                .any(|h| table.matches(h))
        })
        .collect()
}

/// A task row's stable id: the task, and its map index when mapped.
pub fn task_id(t: &TaskInstance) -> String {
    if t.map_index < 0 {
        t.task_id.clone()
    } else {
        format!("{}[{}]", t.task_id, t.map_index)
    }
}

/// A run's task rows in dependency order, filtered by the `/` text.
pub fn task_rows<'a>(tasks: &'a RunTasks, table: &TableView) -> Vec<&'a TaskInstance> {
    tasks
        .tasks
        .iter()
        .filter(|t| {
            [t.task_id.as_str(), &t.state]
                .into_iter()
                .chain(t.operator.as_deref())
                .any(|h| table.matches(h))
        })
        .collect()
}

/// The ids of the rows on screen at the current level.
pub fn row_ids(store: &Store, table: &TableView, view: &DataView) -> Vec<String> {
    let Some((_, snap)) = snapshot(store) else {
        return Vec::new();
    };
    match view.level() {
        Level::Dags => dag_rows(snap, table, view)
            .iter()
            .map(|d| d.dag_id.clone())
            .collect(),
        Level::Runs => view
            .dag
            .as_deref()
            .and_then(|id| find_dag(snap, id))
            .map(|d| {
                run_rows(d, &view.runs)
                    .iter()
                    .map(|r| r.run_id.clone())
                    .collect()
            })
            .unwrap_or_default(),
        Level::Tasks => match view.tasks_of_run() {
            Some(Ok(t)) => task_rows(t, &view.tasks)
                .iter()
                .map(|t| task_id(t))
                .collect(),
            _ => Vec::new(),
        },
    }
}

/// The conf in one short line (`{}` reads as `-`).
pub fn conf_summary(conf: &str) -> &str {
    if conf == "{}" { "-" } else { conf }
}

//! Airflow 3's `/api/v2` JSON as sent, every field optional or defaulted so a
//! server of another minor version still decodes, and the conversion into the
//! plain types of `state::airflow`.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use crate::state::airflow::{Dag, DagRun, RunState, TaskInstance};

/// `POST /auth/token`'s answer.
#[derive(Deserialize)]
pub struct Token {
    /// The JWT.
    pub access_token: String,
}

/// A page of `GET /api/v2/dags`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DagPage {
    /// The DAGs.
    pub dags: Vec<WireDag>,
    /// How many there are in all.
    pub total_entries: Option<u64>,
}

/// One DAG.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WireDag {
    dag_id: String,
    dag_display_name: Option<String>,
    is_paused: Option<bool>,
    timetable_summary: Option<String>,
    timetable_description: Option<String>,
    next_dagrun_run_after: Option<DateTime<Utc>>,
    next_dagrun_logical_date: Option<DateTime<Utc>>,
    owners: Vec<String>,
    tags: Vec<WireTag>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WireTag {
    name: String,
}

/// A page of `GET /api/v2/dags/~/dagRuns`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RunPage {
    /// The runs.
    pub dag_runs: Vec<WireRun>,
    /// How many there are in all.
    pub total_entries: Option<u64>,
}

/// One DAG run.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WireRun {
    dag_run_id: String,
    dag_id: String,
    run_type: Option<String>,
    logical_date: Option<DateTime<Utc>>,
    state: Option<String>,
    queued_at: Option<DateTime<Utc>>,
    start_date: Option<DateTime<Utc>>,
    end_date: Option<DateTime<Utc>>,
    conf: Option<Value>,
}

/// A page of a run's task instances.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TaskPage {
    /// The task instances.
    pub task_instances: Vec<WireTask>,
}

/// One task instance.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WireTask {
    task_id: String,
    dag_run_id: String,
    map_index: Option<i64>,
    state: Option<String>,
    try_number: Option<u32>,
    operator: Option<String>,
    start_date: Option<DateTime<Utc>>,
    end_date: Option<DateTime<Utc>>,
    duration: Option<f64>,
}

/// A page of `GET /api/v2/dags/{id}/tasks`: the DAG's structure.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TaskList {
    /// The tasks.
    pub tasks: Vec<WireTaskDef>,
}

impl TaskList {
    /// The task ids upstream first (`state::dag_tasks::dependency_order`).
    pub fn order(self) -> Vec<String> {
        let edges: Vec<(String, Vec<String>)> = self
            .tasks
            .into_iter()
            .map(|t| (t.task_id, t.downstream_task_ids))
            .collect();
        crate::state::dag_tasks::dependency_order(&edges)
    }
}

/// One task of a DAG's structure.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WireTaskDef {
    /// Its id.
    pub task_id: String,
    /// The tasks that run after it.
    pub downstream_task_ids: Vec<String>,
}

impl WireDag {
    /// Its id.
    pub fn id(&self) -> &str {
        &self.dag_id
    }

    /// As the store keeps it, without runs yet.
    pub fn into_dag(self) -> Dag {
        let schedule = self
            .timetable_summary
            .or(self.timetable_description)
            .filter(|s| !s.is_empty());
        Dag {
            name: self.dag_display_name.unwrap_or_else(|| self.dag_id.clone()),
            dag_id: self.dag_id,
            is_paused: self.is_paused.unwrap_or(false),
            schedule,
            next_run: self.next_dagrun_run_after.or(self.next_dagrun_logical_date),
            owners: self.owners,
            tags: self.tags.into_iter().map(|t| t.name).collect(),
            runs: Vec::new(),
        }
    }
}

impl WireRun {
    /// Its DAG's id.
    pub fn dag_id(&self) -> &str {
        &self.dag_id
    }

    /// As the store keeps it.
    pub fn into_run(self) -> DagRun {
        let conf = match self.conf {
            None | Some(Value::Null) => "{}".to_owned(),
            Some(v) => v.to_string(),
        };
        DagRun {
            dag_id: self.dag_id,
            run_id: self.dag_run_id,
            run_type: self.run_type.unwrap_or_default(),
            logical_date: self.logical_date,
            state: RunState::parse(self.state.as_deref()),
            queued_at: self.queued_at,
            start_date: self.start_date,
            end_date: self.end_date,
            conf,
        }
    }
}

impl WireTask {
    /// Its run's id.
    pub fn run_id(&self) -> &str {
        &self.dag_run_id
    }

    /// As the store keeps it.
    pub fn into_task(self) -> TaskInstance {
        TaskInstance {
            task_id: self.task_id,
            map_index: self.map_index.unwrap_or(-1),
            state: self.state.unwrap_or_else(|| "none".to_owned()),
            try_number: self.try_number.unwrap_or(0),
            operator: self.operator,
            start_date: self.start_date,
            end_date: self.end_date,
            duration_secs: self.duration,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_fields_decode() {
        let page: RunPage =
            serde_json::from_str(r#"{"dag_runs":[{"dag_id":"a","dag_run_id":"r"}]}"#).unwrap();
        let run = page.dag_runs.into_iter().next().unwrap().into_run();
        assert_eq!(run.state, RunState::Queued);
        assert_eq!(run.conf, "{}");
        let dags: DagPage =
            serde_json::from_str(r#"{"dags":[{"dag_id":"x","tags":[{"name":"t"}]}]}"#).unwrap();
        let dag = dags.dags.into_iter().next().unwrap().into_dag();
        assert_eq!(
            (dag.name.as_str(), dag.tags.len(), dag.is_paused),
            ("x", 1, false)
        );
    }
}

//! Builders of plain state values for unit tests, one set for the whole crate:
//! each gives a neutral value that a test changes with struct update syntax
//! (`Container { exit_code: Some(1), ..testkit::container("web") }`).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::airflow::{Dag, DagRun, RunState};
use super::alert::{Alert, AlertState};
use super::container::{Container, ContainerDetail, ContainerHealth, ContainerState};
use super::model::{ModelVersion, VersionStatus};
use super::pipeline::{PipelineRun, RunStatus};

/// A fixed instant far from any epoch edge; tests offset from it.
pub fn epoch() -> DateTime<Utc> {
    DateTime::<Utc>::UNIX_EPOCH + chrono::Duration::days(20_000)
}

/// A running container `name` (id `id-{name}`) with no health check, never restarted.
pub fn container(name: &str) -> Container {
    Container {
        id: format!("id-{name}"),
        name: name.into(),
        image: "busybox".into(),
        project: None,
        state: ContainerState::Running,
        health: ContainerHealth::None,
        started_at: None,
        finished_at: None,
        exit_code: None,
        restart_count: 0,
        crash_loop: false,
        recent_restarts: 0,
        stopped_on_request: false,
        ports: vec![],
        labels: BTreeMap::new(),
        stats: None,
        detail: ContainerDetail::default(),
    }
}

/// A push run `id` of workflow 7 ("CI") of `acme/api` on `main`, created at `at`.
pub fn run(id: u64, status: RunStatus, at: DateTime<Utc>) -> PipelineRun {
    PipelineRun {
        id,
        repo: "acme/api".into(),
        workflow: "CI".into(),
        workflow_id: 7,
        workflow_path: ".github/workflows/ci.yml".into(),
        number: id,
        attempt: 1,
        branch: "main".into(),
        on_default_branch: true,
        event: "push".into(),
        actor: "octocat".into(),
        head_sha: format!("{id:040x}"),
        title: String::new(),
        status,
        conclusion: None,
        created_at: at,
        started_at: Some(at),
        updated_at: at,
        url: String::new(),
        jobs: None,
    }
}

/// Version `v` of a model, with no run, alias, stage or tag.
pub fn version(v: &str, status: VersionStatus) -> ModelVersion {
    ModelVersion {
        version: v.into(),
        status,
        status_message: None,
        stage: None,
        created: None,
        updated: None,
        run_id: None,
        run_name: None,
        git_commit: None,
        source: None,
        description: String::new(),
        aliases: vec![],
        tags: BTreeMap::new(),
    }
}

/// An alert `name` with a `severity` label in `state`, never silenced.
pub fn alert(name: &str, severity: &str, state: AlertState) -> Alert {
    let labels = [("alertname", name), ("severity", severity)]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    Alert {
        labels,
        annotations: BTreeMap::new(),
        state,
        since: None,
        silenced_by: vec![],
        fingerprint: None,
    }
}

/// A scheduled run `run_id` of DAG `dag_id` in `state`, with no dates and no conf.
pub fn dag_run(dag_id: &str, run_id: &str, state: RunState) -> DagRun {
    DagRun {
        dag_id: dag_id.into(),
        run_id: run_id.into(),
        run_type: "scheduled".into(),
        logical_date: None,
        state,
        queued_at: None,
        start_date: None,
        end_date: None,
        conf: String::new(),
    }
}

/// An unpaused, unscheduled DAG `dag_id` with `runs`, newest first.
pub fn dag(dag_id: &str, runs: Vec<DagRun>) -> Dag {
    Dag {
        dag_id: dag_id.into(),
        name: dag_id.into(),
        is_paused: false,
        schedule: None,
        next_run: None,
        owners: vec![],
        tags: vec![],
        runs,
    }
}

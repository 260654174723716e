//! The Airflow source: polls an Airflow 3 server's `/api/v2` for its DAGs (one
//! paged list) and the newest runs of every DAG (one paged list with `~` as the
//! DAG id), fetches a run's task instances and a task's log on demand, and runs
//! the DAG actions. Requests per poll: about two, however many DAGs.

pub mod client;
pub mod follow;
pub mod tasks;
pub mod wire;

use std::collections::HashMap;

use reqwest::Method;
use serde_json::{Value, json};

pub use client::AirflowClient;

use super::{Payload, Source};
use crate::config::AirflowConfig;
use crate::error::SourceError;
use crate::sources::http::Failure;
use crate::state::airflow::{AirflowSnapshot, Dag, DagOp, RUNS_PER_DAG, TaskInstance, parse_conf};
use wire::{DagPage, RunPage, TaskPage};

/// Items asked for per page.
pub const PAGE: usize = 100;
/// Most pages of DAGs read per poll (1,000 DAGs).
const MAX_DAG_PAGES: usize = 10;
/// Most pages of runs read per poll; most servers need one.
const MAX_RUN_PAGES: usize = 5;
/// Runs per DAG that end the paging early: the newest, and enough history for a
/// usual duration (three successful runs) in the common case.
const ENOUGH_RUNS: usize = 6;
/// Most task instances read for one run.
const MAX_TASKS: usize = 500;

/// An Airflow server polled for its DAGs and their recent runs.
pub struct AirflowSource {
    client: AirflowClient,
    cfg: AirflowConfig,
}

impl AirflowSource {
    /// A source for `[airflow]` on `client` (whose JWT is shared with its clones).
    pub fn new(cfg: &AirflowConfig, client: AirflowClient) -> AirflowSource {
        AirflowSource {
            client,
            cfg: cfg.clone(),
        }
    }

    /// Every watched DAG, paged up to `MAX_DAG_PAGES`; whether the list was cut.
    async fn dags(&self) -> Result<(Vec<Dag>, bool), SourceError> {
        let mut dags = Vec::new();
        for page in 0..MAX_DAG_PAGES {
            let path = format!("/api/v2/dags?limit={PAGE}&offset={}", page * PAGE);
            let got: DagPage = self.client.get(&path).await?;
            let n = got.dags.len();
            let total = got.total_entries;
            dags.extend(
                got.dags
                    .into_iter()
                    .filter(|d| self.cfg.watches(d.id()))
                    .map(wire::WireDag::into_dag),
            );
            let read = (page + 1) * PAGE;
            if n < PAGE || total.is_some_and(|t| t <= read as u64) {
                return Ok((dags, false));
            }
        }
        Ok((dags, true))
    }

    /// The newest runs of every DAG, newest first (at most `RUNS_PER_DAG` each),
    /// paged until every watched DAG has `ENOUGH_RUNS`, the list ends, or
    /// `MAX_RUN_PAGES` (whether it was cut there).
    async fn attach_runs(&self, dags: &mut [Dag]) -> Result<bool, SourceError> {
        let index: HashMap<String, usize> = dags
            .iter()
            .enumerate()
            .map(|(i, d)| (d.dag_id.clone(), i))
            .collect();
        for page in 0..MAX_RUN_PAGES {
            let path = format!(
                "/api/v2/dags/~/dagRuns?order_by=-run_after&limit={PAGE}&offset={}",
                page * PAGE
            );
            let got: RunPage = self.client.get(&path).await?;
            let n = got.dag_runs.len();
            let total = got.total_entries;
            for run in got.dag_runs {
                if let Some(dag) = index.get(run.dag_id()).and_then(|&i| dags.get_mut(i))
                    && dag.runs.len() < RUNS_PER_DAG
                {
                    dag.runs.push(run.into_run());
                }
            }
            let enough = dags.iter().all(|d| d.runs.len() >= ENOUGH_RUNS);
            let read = (page + 1) * PAGE;
            if n < PAGE || enough || total.is_some_and(|t| t <= read as u64) {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

impl Source for AirflowSource {
    async fn poll(&mut self) -> Result<Payload, SourceError> {
        let (mut dags, dags_cut) = self.dags().await?;
        let runs_cut = self.attach_runs(&mut dags).await?;
        dags.sort_by(|a, b| a.dag_id.cmp(&b.dag_id));
        Ok(Payload::Airflow(AirflowSnapshot {
            dags,
            truncated: dags_cut || runs_cut,
        }))
    }

    fn target(&self) -> String {
        self.client.target().to_owned()
    }
}

/// `id` made safe for one path segment.
fn seg(id: &str) -> String {
    id.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The task instances of one run, in the order Airflow lists them (bounded).
pub async fn task_instances(
    client: &AirflowClient,
    dag_id: &str,
    run_id: &str,
) -> Result<Vec<TaskInstance>, SourceError> {
    let path = format!(
        "/api/v2/dags/{}/dagRuns/{}/taskInstances?limit={MAX_TASKS}",
        seg(dag_id),
        seg(run_id)
    );
    let page: TaskPage = client.get(&path).await?;
    Ok(page
        .task_instances
        .into_iter()
        .take(MAX_TASKS)
        .map(wire::WireTask::into_task)
        .collect())
}

/// A task's log for one try, as text.
pub async fn task_log(
    client: &AirflowClient,
    dag_id: &str,
    run_id: &str,
    task_id: &str,
    try_number: u32,
) -> Result<String, SourceError> {
    let path = format!(
        "/api/v2/dags/{}/dagRuns/{}/taskInstances/{}/logs/{try_number}?full_content=true",
        seg(dag_id),
        seg(run_id),
        seg(task_id)
    );
    client.text(&path).await
}

/// Triggers a run of `dag_id` with `conf` and an optional logical date (the key is
/// always sent: Airflow 3 requires it, null allowed); returns the new run's id.
pub async fn trigger(
    client: &AirflowClient,
    dag_id: &str,
    conf: Value,
    logical_date: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<String, Failure> {
    let body = json!({
        "logical_date": logical_date.map(|d| d.to_rfc3339()),
        "conf": conf,
    });
    let path = format!("/api/v2/dags/{}/dagRuns", seg(dag_id));
    let run: wire::WireRun = client.send(Method::POST, &path, Some(body)).await?;
    Ok(run.into_run().run_id)
}

/// Pauses or unpauses `dag_id`.
pub async fn set_paused(client: &AirflowClient, dag_id: &str, paused: bool) -> Result<(), Failure> {
    let path = format!("/api/v2/dags/{}?update_mask=is_paused", seg(dag_id));
    let _: Value = client
        .send(Method::PATCH, &path, Some(json!({ "is_paused": paused })))
        .await?;
    Ok(())
}

/// Clears the failed tasks of one run so the scheduler runs them again.
pub async fn clear_failed(
    client: &AirflowClient,
    dag_id: &str,
    run_id: &str,
) -> Result<(), Failure> {
    clear(client, dag_id, run_id, None).await
}

/// Clears task instances of one run: `task` alone (whatever its state, a
/// `clearTaskInstances` target: an id or `[id, map_index]`), else the failed ones.
pub(crate) async fn clear(
    client: &AirflowClient,
    dag_id: &str,
    run_id: &str,
    task: Option<Value>,
) -> Result<(), Failure> {
    let path = format!("/api/v2/dags/{}/clearTaskInstances", seg(dag_id));
    let mut body = json!({
        "dry_run": false,
        "dag_run_id": run_id,
        "only_failed": task.is_none(),
        "reset_dag_runs": true,
    });
    if let (Some(task), Some(fields)) = (task, body.as_object_mut()) {
        fields.insert("task_ids".to_owned(), Value::Array(vec![task]));
    }
    let _: Value = client.send(Method::POST, &path, Some(body)).await?;
    Ok(())
}

/// Runs one DAG action; a run action without a run, or a conf that is not a JSON
/// object, is refused before anything is sent.
pub async fn act(
    client: &AirflowClient,
    dag_id: &str,
    run_id: Option<&str>,
    op: &DagOp,
) -> Result<(), SourceError> {
    let need_run =
        || run_id.ok_or_else(|| SourceError::Other(format!("airflow: {} needs a run", op.name())));
    let done = match op {
        DagOp::Trigger { conf, logical_date } => {
            let conf = parse_conf(conf).map_err(|e| SourceError::Other(format!("airflow: {e}")))?;
            trigger(client, dag_id, conf, *logical_date)
                .await
                .map(|_| ())
        }
        DagOp::ClearFailed => clear_failed(client, dag_id, need_run()?).await,
        DagOp::Mark(ok) => {
            let state = if *ok { "success" } else { "failed" };
            mark_run(client, dag_id, need_run()?, state).await
        }
        DagOp::Pause(paused) => set_paused(client, dag_id, *paused).await,
        DagOp::ClearTask(task) => tasks::clear_task(client, dag_id, need_run()?, task).await,
        DagOp::MarkTask(task, ok) => {
            let state = if *ok { "success" } else { "failed" };
            tasks::mark_task(client, dag_id, need_run()?, task, state).await
        }
    };
    done.map_err(|f| client.source_error(f))
}

/// Marks a run `success` or `failed`.
pub async fn mark_run(
    client: &AirflowClient,
    dag_id: &str,
    run_id: &str,
    state: &str,
) -> Result<(), Failure> {
    let path = format!("/api/v2/dags/{}/dagRuns/{}", seg(dag_id), seg(run_id));
    let _: Value = client
        .send(Method::PATCH, &path, Some(json!({ "state": state })))
        .await?;
    Ok(())
}

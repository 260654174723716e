//! On-demand reads and actions below a DAG run: its task instances in dependency
//! order with the grid of recent runs (three requests, only for the run in view),
//! a task's log as lines, and clearing or marking one task.

use std::collections::HashMap;

use reqwest::Method;
use serde_json::{Value, json};

use super::follow::LogCursor;
use super::wire::{TaskList, TaskPage};
use super::{AirflowClient, seg, task_instances};
use crate::error::SourceError;
use crate::sources::http::Failure;
use crate::state::airflow::TaskKey;
use crate::state::dag_tasks::{GRID_RUNS, RunTasks, sort_by_order};

/// Most task instances read for the grid (tasks × `GRID_RUNS` runs).
const MAX_GRID_TASKS: usize = 1000;

/// The run's task instances in dependency order, and the states of the DAG's
/// tasks in `recent` runs (newest first), for the grid.
pub async fn run_tasks(
    client: &AirflowClient,
    dag_id: &str,
    run_id: &str,
    recent: &[String],
) -> Result<RunTasks, SourceError> {
    let list: TaskList = client
        .get(&format!("/api/v2/dags/{}/tasks", seg(dag_id)))
        .await?;
    let order = list.order();
    let mut tasks = task_instances(client, dag_id, run_id).await?;
    sort_by_order(&mut tasks, &order);
    let path = format!(
        "/api/v2/dags/{}/dagRuns/~/taskInstances?limit={MAX_GRID_TASKS}&order_by=-run_after",
        seg(dag_id)
    );
    let page: TaskPage = client.get(&path).await?;
    let mut by_run: HashMap<String, HashMap<String, String>> = HashMap::new();
    let wanted: Vec<String> = recent.iter().take(GRID_RUNS).cloned().collect();
    for ti in page.task_instances.into_iter().take(MAX_GRID_TASKS) {
        if !wanted.iter().any(|r| r == ti.run_id()) {
            continue;
        }
        let run = ti.run_id().to_owned();
        let ti = ti.into_task();
        by_run.entry(run).or_default().insert(ti.task_id, ti.state);
    }
    Ok(RunTasks {
        tasks,
        order,
        grid: wanted
            .into_iter()
            .map(|r| {
                let states = by_run.remove(&r).unwrap_or_default();
                (r, states)
            })
            .collect(),
    })
}

/// A task's log for one try as lines: Airflow 3 answers JSON (`content` as a list
/// of structured events, or text); anything else is taken as text.
pub async fn log_lines(
    client: &AirflowClient,
    dag_id: &str,
    run_id: &str,
    task_id: &str,
    try_number: u32,
) -> Result<Vec<String>, SourceError> {
    let text = super::task_log(client, dag_id, run_id, task_id, try_number).await?;
    Ok(parse_log(&text))
}

/// The lines of one whole log answer (see `log_lines`), header included.
pub fn parse_log(text: &str) -> Vec<String> {
    LogCursor::default().take(text)
}

/// The `task_ids` entry naming one task instance for `clearTaskInstances`: the
/// task id, or `[task_id, map_index]` for one mapped instance (a bare id would
/// clear every instance of a mapped task).
pub fn clear_target(task: &TaskKey) -> Value {
    match task.mapped() {
        Some(i) => json!([task.task_id, i]),
        None => json!(task.task_id),
    }
}

/// The path of one task instance of a run: `…/taskInstances/{task}`, with
/// `/{map_index}` for a mapped instance (without it Airflow acts on all of them).
pub fn instance_path(dag_id: &str, run_id: &str, task: &TaskKey) -> String {
    let path = format!(
        "/api/v2/dags/{}/dagRuns/{}/taskInstances/{}",
        seg(dag_id),
        seg(run_id),
        seg(&task.task_id)
    );
    match task.mapped() {
        Some(i) => format!("{path}/{i}"),
        None => path,
    }
}

/// Clears one task instance of a run (whatever its state) so the scheduler runs it again.
pub async fn clear_task(
    client: &AirflowClient,
    dag_id: &str,
    run_id: &str,
    task: &TaskKey,
) -> Result<(), Failure> {
    super::clear(client, dag_id, run_id, Some(clear_target(task))).await
}

/// Marks one task instance of a run `success` or `failed`.
pub async fn mark_task(
    client: &AirflowClient,
    dag_id: &str,
    run_id: &str,
    task: &TaskKey,
    state: &str,
) -> Result<(), Failure> {
    let path = instance_path(dag_id, run_id, task);
    let _: Value = client
        .send(Method::PATCH, &path, Some(json!({ "new_state": state })))
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn structured_events_become_lines() {
        let text = r#"{"content":[{"event":"::group::Log message source details","sources":["/a/b.log"]},
            {"timestamp":"2026-01-01T00:00:00Z","level":"error","event":"boom\nsecond"}],"continuation_token":null}"#;
        assert_eq!(
            parse_log(text),
            [
                "::group::Log message source details",
                "  /a/b.log",
                "2026-01-01T00:00:00Z error boom",
                "second"
            ]
        );
        assert_eq!(parse_log("plain\ntext"), ["plain", "text"]);
        assert_eq!(parse_log(r#"{"content":"a\nb"}"#), ["a", "b"]);
    }

    #[test]
    fn a_mapped_instance_is_named_with_its_map_index() {
        let part = TaskKey {
            task_id: "part".into(),
            map_index: 1,
        };
        assert_eq!(clear_target(&part), json!(["part", 1]));
        assert_eq!(clear_target(&TaskKey::task("load")), json!("load"));
        assert_eq!(
            instance_path("d", "r 1", &part),
            "/api/v2/dags/d/dagRuns/r%201/taskInstances/part/1"
        );
        assert_eq!(
            instance_path("d", "r", &TaskKey::task("load")),
            "/api/v2/dags/d/dagRuns/r/taskInstances/load"
        );
    }
}

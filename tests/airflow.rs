//! The Airflow source against the real Airflow 3 that `scripts/test` starts (URL in
//! FLIGHTDECK_AIRFLOW_URL, user in AIRFLOW_USERNAME/AIRFLOW_PASSWORD): items and
//! severities of real runs, and a wrong password through `flightdeck status`.
//! Under `CI` a missing server fails these tests instead of skipping them.
#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

use std::collections::HashMap;
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::Utc;
use flightdeck::actions::audit::AuditLog;
use flightdeck::actions::executor::Executor;
use flightdeck::error::SourceError;
use flightdeck::sources::airflow::{self, AirflowClient, AirflowSource};
use flightdeck::sources::{Payload, Source, SourceId};
use flightdeck::state::Severity;
use flightdeck::state::action::Action;
use flightdeck::state::airflow::{AirflowSnapshot, DagOp, RunState};

#[path = "common/airflow.rs"]
mod common_airflow;

use common_airflow::{config, server, trigger, trigger_with};

async fn snapshot(url: &str) -> AirflowSnapshot {
    let cfg = config(url);
    let mut src = AirflowSource::new(&cfg, AirflowClient::new(&cfg));
    match src.poll().await.unwrap() {
        Payload::Airflow(s) => s,
        other => panic!("not airflow data: {other:?}"),
    }
}

/// Polls until run `run_id` of `dag` is `want`, for up to two minutes (other tests
/// may trigger newer runs of the same DAG meanwhile).
async fn wait_for(url: &str, dag: &str, run_id: &str, want: &RunState) -> AirflowSnapshot {
    let start = Instant::now();
    loop {
        let snap = snapshot(url).await;
        let d = snap.dags.iter().find(|d| d.dag_id == dag).unwrap();
        let state = d.runs.iter().find(|r| r.run_id == run_id).map(|r| &r.state);
        if state == Some(want) {
            return snap;
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "{dag} run {run_id} is {state:?}, not {want:?}, after two minutes"
        );
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}

#[tokio::test]
async fn newest_failed_run_is_critical_success_ok_and_paused_gives_nothing() {
    let Some(url) = server() else { return };
    let client = AirflowClient::new(&config(&url));
    let ok = trigger(&url, "fd_ok").await;
    let bad = trigger_with(&url, "fd_fail", serde_json::json!({"why": "test"})).await;
    wait_for(&url, "fd_ok", &ok, &RunState::Success).await;
    let snap = wait_for(&url, "fd_fail", &bad, &RunState::Failed).await;
    let now = Utc::now();
    let dag = |id: &str| snap.dags.iter().find(|d| d.dag_id == id).unwrap();
    assert_eq!(dag("fd_fail").severity(now), Some(Severity::Critical));
    // fd_ok's newest run may be another test's, still running: never critical.
    assert_eq!(dag("fd_ok").severity(now), Some(Severity::Ok));
    assert!(dag("fd_paused").is_paused);
    assert_eq!(dag("fd_paused").severity(now), None);
    assert_eq!(dag("fd_fail").newest().unwrap().conf, r#"{"why":"test"}"#);

    // The failed run's task and its log, fetched on demand.
    let tasks = airflow::task_instances(&client, "fd_fail", &bad)
        .await
        .unwrap();
    let boom = tasks.iter().find(|t| t.task_id == "boom").unwrap();
    assert_eq!(boom.state, "failed");
    assert_eq!(boom.operator.as_deref(), Some("BashOperator"));
    let log = airflow::task_log(&client, "fd_fail", &bad, "boom", boom.try_number.max(1))
        .await
        .unwrap();
    assert!(log.contains("failing on purpose"), "{log}");
}

fn status(url: &str, password: &str, json: bool) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config.toml");
    let text = format!(
        "docker = []\n[airflow]\nurl = \"{url}\"\nusername_env = \"AIRFLOW_USERNAME\"\n\
         password_env = \"AIRFLOW_PASSWORD\"\ndags = [\"fd_*\"]\n"
    );
    std::fs::write(&file, text).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_flightdeck"));
    cmd.arg("status").arg("--config").arg(&file);
    if json {
        cmd.arg("--json");
    }
    cmd.env("AIRFLOW_PASSWORD", password).output().unwrap()
}

#[tokio::test]
async fn a_wrong_password_exits_3_naming_airflow_and_401_and_is_never_printed() {
    let Some(url) = server() else { return };
    let wrong = "not-the-Pa55word-7731";
    let out = status(&url, wrong, false);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(3), "{text}");
    assert!(text.contains("airflow") && text.contains("401"), "{text}");
    assert!(!text.contains(wrong), "{text}");
}

#[tokio::test]
async fn status_json_lists_dag_runs_without_password_or_jwt() {
    let Some(url) = server() else { return };
    let password = std::env::var("AIRFLOW_PASSWORD").unwrap();
    let out = status(&url, &password, true);
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let items = json["items"].as_array().unwrap();
    let dag_runs: Vec<&serde_json::Value> =
        items.iter().filter(|i| i["kind"] == "dag_run").collect();
    assert!(!dag_runs.is_empty(), "{text}");
    for item in &dag_runs {
        for key in [
            "dag_id",
            "run_id",
            "logical_date",
            "state",
            "source",
            "id",
            "name",
            "severity",
        ] {
            assert!(item.get(key).is_some(), "{key} missing in {item}");
        }
    }
    assert!(
        dag_runs.iter().all(|i| i["dag_id"] != "fd_paused"),
        "{text}"
    );
    assert!(!text.contains(&password), "the password was printed");
    // Every JWT starts with the base64 of `{"`.
    assert!(!text.contains("eyJ"), "a JWT was printed: {text}");
}

fn executor(url: &str, read_only: bool, audit: &std::path::Path) -> Executor {
    let client = AirflowClient::new(&config(url));
    Executor::new(
        HashMap::new(),
        read_only,
        AuditLog::new(Some(audit.to_path_buf())),
    )
    .with_airflow(HashMap::from([(SourceId(0), client)]))
}

fn trigger_action(marker: &str) -> Action {
    Action::Dag {
        source: SourceId(0),
        host: "airflow".into(),
        dag_id: "fd_ok".into(),
        run_id: None,
        op: DagOp::Trigger {
            conf: format!(r#"{{"marker": "{marker}"}}"#),
            logical_date: None,
        },
    }
}

/// Whether any listed run of fd_ok carries `marker` in its conf.
async fn has_run_with(url: &str, marker: &str) -> bool {
    let snap = snapshot(url).await;
    let dag = snap.dags.iter().find(|d| d.dag_id == "fd_ok").unwrap();
    dag.runs.iter().any(|r| r.conf.contains(marker))
}

#[tokio::test]
async fn trigger_creates_a_run_the_api_lists_with_an_audit_line() {
    let Some(url) = server() else { return };
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.log");
    let marker = format!("t-{}", Utc::now().timestamp_nanos_opt().unwrap_or(0));
    assert!(!has_run_with(&url, &marker).await);
    executor(&url, false, &audit)
        .execute(&trigger_action(&marker))
        .await
        .unwrap();
    assert!(has_run_with(&url, &marker).await);
    let log = std::fs::read_to_string(&audit).unwrap();
    assert!(log.contains("trigger") && log.contains("fd_ok"), "{log}");
    assert!(!log.contains(&std::env::var("AIRFLOW_PASSWORD").unwrap()));
}

#[tokio::test]
async fn read_only_refuses_triggers_and_creates_nothing() {
    let Some(url) = server() else { return };
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.log");
    let marker = format!("ro-{}", Utc::now().timestamp_nanos_opt().unwrap_or(0));
    let err = executor(&url, true, &audit)
        .execute(&trigger_action(&marker))
        .await
        .unwrap_err();
    assert_eq!(err, SourceError::ReadOnly);
    assert!(!has_run_with(&url, &marker).await);
    let log = std::fs::read_to_string(&audit).unwrap();
    assert!(log.contains("refused"), "{log}");
}

#[tokio::test]
async fn a_conf_that_is_not_a_json_object_is_refused_before_sending() {
    let Some(url) = server() else { return };
    let dir = tempfile::tempdir().unwrap();
    let mut action = trigger_action("x");
    if let Action::Dag { op, .. } = &mut action {
        *op = DagOp::Trigger {
            conf: "[1, 2]".into(),
            logical_date: None,
        };
    }
    let err = executor(&url, false, &dir.path().join("a.log"))
        .execute(&action)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("JSON object"), "{err}");
}

#[tokio::test]
async fn clear_failed_requeues_the_failed_task() {
    let Some(url) = server() else { return };
    let client = AirflowClient::new(&config(&url));
    let run = trigger(&url, "fd_fail").await;
    wait_for(&url, "fd_fail", &run, &RunState::Failed).await;
    let dir = tempfile::tempdir().unwrap();
    let action = Action::Dag {
        source: SourceId(0),
        host: "airflow".into(),
        dag_id: "fd_fail".into(),
        run_id: Some(run.clone()),
        op: DagOp::ClearFailed,
    };
    executor(&url, false, &dir.path().join("a.log"))
        .execute(&action)
        .await
        .unwrap();
    // Cleared, the task runs (and fails) again: its try number goes up.
    let start = Instant::now();
    loop {
        let tasks = airflow::task_instances(&client, "fd_fail", &run)
            .await
            .unwrap();
        let boom = tasks.iter().find(|t| t.task_id == "boom").unwrap();
        if boom.try_number >= 2 || boom.state != "failed" {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "{boom:?}");
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

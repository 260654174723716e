//! The Data tab against the real Airflow 3 that `scripts/test` starts: the app is
//! fed real polls and real on-demand reads, keys are pressed, and the actions it
//! asks for run through the real executor. Under `CI` a missing server fails.
#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;
#[path = "common/airflow.rs"]
mod common_airflow;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::Utc;
use common::{ch, key, screen, spec, type_text};
use common_airflow::{config, server};
use crossterm::event::KeyCode;
use flightdeck::actions::audit::AuditLog;
use flightdeck::actions::executor::Executor;
use flightdeck::app::App;
use flightdeck::app::effect::Effect;
use flightdeck::app::msg::Msg;
use flightdeck::app::update::update;
use flightdeck::config::keymap::Keymap;
use flightdeck::sources::airflow::{self, AirflowClient, AirflowSource};
use flightdeck::sources::{Payload, Source, SourceId};
use flightdeck::state::action::Action;
use flightdeck::state::airflow::{AirflowSnapshot, RunState};
use flightdeck::state::{SourceKind, Store, Update};

async fn poll(url: &str) -> AirflowSnapshot {
    let cfg = config(url);
    let mut src = AirflowSource::new(&cfg, AirflowClient::new(&cfg));
    match src.poll().await.unwrap() {
        Payload::Airflow(s) => s,
        other => panic!("not airflow data: {other:?}"),
    }
}

/// An app on the Data tab fed one real poll.
async fn app(url: &str, read_only: bool) -> App {
    let store = Store::new(vec![spec(SourceKind::Airflow, "airflow")]);
    let mut a = App::new(store, Keymap::default(), read_only, Utc::now());
    feed(&mut a, url).await;
    update(&mut a, ch('7'));
    a
}

async fn feed(a: &mut App, url: &str) {
    let snap = poll(url).await;
    let at = Utc::now();
    let result = Ok(Payload::Airflow(snap));
    update(
        a,
        Msg::Source(Update::Polled {
            source: SourceId(0),
            at,
            result,
        }),
    );
    update(a, Msg::Tick { now: at });
}

/// Triggers `dag` over the API and waits (up to two minutes) until that run is `want`.
async fn run_until(url: &str, dag: &str, want: &RunState) -> String {
    let client = AirflowClient::new(&config(url));
    let run = airflow::trigger(&client, dag, serde_json::json!({}), None)
        .await
        .unwrap();
    let start = Instant::now();
    loop {
        let snap = poll(url).await;
        let d = snap.dags.iter().find(|d| d.dag_id == dag).unwrap();
        if d.runs.iter().any(|r| r.run_id == run && &r.state == want) {
            return run;
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "{dag} {run} never became {want:?}"
        );
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}

fn executor(url: &str, audit: &std::path::Path) -> Executor {
    Executor::new(
        HashMap::new(),
        false,
        AuditLog::new(Some(audit.to_path_buf())),
    )
    .with_airflow(HashMap::from([(
        SourceId(0),
        AirflowClient::new(&config(url)),
    )]))
}

/// Filters the DAG list down to `dag` (its row selected).
fn pick(a: &mut App, dag: &str) {
    update(a, ch('/'));
    type_text(a, dag);
    update(a, key(KeyCode::Enter));
}

/// The action a confirmation overlay holds after `y`.
fn confirmed(a: &mut App) -> Action {
    let effects = update(a, ch('y'));
    match effects.into_iter().next() {
        Some(Effect::Execute(action)) => action,
        other => panic!("no action after y: {other:?}"),
    }
}

/// Enter on the DAG, then on `run`: the app asks for the run's tasks, the real
/// read answers; returns how many tries the failed task `boom` has had.
async fn open_run(a: &mut App, url: &str, run: &str) -> u32 {
    update(a, key(KeyCode::Enter));
    pick(a, run);
    let effects = update(a, key(KeyCode::Enter));
    let Some(Effect::FetchDagTasks {
        dag_id,
        run_id,
        recent,
        ..
    }) = effects.into_iter().next()
    else {
        panic!("no task read");
    };
    let client = AirflowClient::new(&config(url));
    let result = airflow::tasks::run_tasks(&client, &dag_id, &run_id, &recent).await;
    let tasks = result.clone().unwrap();
    let boom = tasks.tasks.iter().find(|t| t.task_id == "boom").unwrap();
    assert_eq!(boom.state, "failed");
    let tries = boom.try_number;
    let source = SourceId(0);
    update(
        a,
        Msg::Source(Update::DagTasks {
            source,
            dag_id,
            run_id,
            result,
        }),
    );
    tries
}

/// Waits (a minute at most) until `boom` of `run` runs again or leaves `failed`.
async fn requeued(url: &str, run: &str, tries: u32) {
    let client = AirflowClient::new(&config(url));
    let start = Instant::now();
    loop {
        let now = airflow::task_instances(&client, "fd_fail", run)
            .await
            .unwrap();
        let boom = now.iter().find(|t| t.task_id == "boom").unwrap();
        if boom.try_number > tries || boom.state != "failed" {
            return;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "{boom:?}");
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

#[tokio::test]
async fn the_failing_dag_is_marked_first_and_clear_requeues_its_task() {
    let Some(url) = server() else { return };
    let run = run_until(&url, "fd_fail", &RunState::Failed).await;
    let mut a = app(&url, false).await;
    let s = screen(&a, 120, 40);
    let first_row = s.lines().find(|l| l.contains("fd_")).unwrap();
    assert!(
        first_row.contains("fd_fail") && first_row.contains("✗ failed"),
        "{s}"
    );

    let tries = open_run(&mut a, &url, &run).await;
    let s = screen(&a, 120, 40);
    assert!(
        s.contains("boom") && s.contains("BashOperator") && s.contains("recent runs"),
        "{s}"
    );

    // The task's log, read for its try.
    let effects = update(&mut a, key(KeyCode::Enter));
    let Some(Effect::FetchTaskLog { task, .. }) = effects.into_iter().next() else {
        panic!("no log read");
    };
    let client = AirflowClient::new(&config(&url));
    let (dag, run_id) = (&task.dag_id, &task.run_id);
    let lines = airflow::tasks::log_lines(&client, dag, run_id, &task.task_id, task.try_number)
        .await
        .unwrap();
    assert!(
        lines.iter().any(|l| l.contains("failing on purpose")),
        "{lines:?}"
    );
    update(&mut a, key(KeyCode::Esc));

    // c on the task: confirm, run, and the task goes back to the scheduler.
    update(&mut a, ch('c'));
    let action = confirmed(&mut a);
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.log");
    executor(&url, &audit).execute(&action).await.unwrap();
    let log = std::fs::read_to_string(&audit).unwrap();
    assert!(log.contains("clear_task") && log.contains("boom"), "{log}");
    requeued(&url, &run, tries).await;
}

#[tokio::test]
async fn trigger_from_the_app_creates_a_run_with_an_audit_line() {
    let Some(url) = server() else { return };
    let mut a = app(&url, false).await;
    pick(&mut a, "fd_ok");
    let marker = format!("app-{}", Utc::now().timestamp_nanos_opt().unwrap_or(0));
    update(&mut a, ch('T'));
    update(&mut a, key(KeyCode::Backspace));
    update(&mut a, key(KeyCode::Backspace));
    type_text(&mut a, &format!(r#"{{"marker": "{marker}"}}"#));
    update(&mut a, key(KeyCode::Enter));
    let s = screen(&a, 120, 40);
    assert!(
        s.contains("fd_ok") && s.contains("airflow"),
        "the confirmation names DAG and server: {s}"
    );
    let action = confirmed(&mut a);
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.log");
    executor(&url, &audit).execute(&action).await.unwrap();
    let snap = poll(&url).await;
    let ok = snap.dags.iter().find(|d| d.dag_id == "fd_ok").unwrap();
    assert!(
        ok.runs.iter().any(|r| r.conf.contains(&marker)),
        "{:?}",
        ok.runs
    );
    let log = std::fs::read_to_string(&audit).unwrap();
    assert!(log.contains("trigger") && log.contains("fd_ok"), "{log}");
}

#[tokio::test]
async fn read_only_app_creates_nothing() {
    let Some(url) = server() else { return };
    let before = poll(&url).await;
    let mut a = app(&url, true).await;
    pick(&mut a, "fd_ok");
    for c in ['T', 'p', 'c', 'm'] {
        let effects = update(&mut a, ch(c));
        assert!(
            a.view.overlays.is_empty() && effects.is_empty(),
            "{c}: {:?}",
            a.view.overlays
        );
    }
    assert!(screen(&a, 120, 40).contains("read-only"));
    let after = poll(&url).await;
    let paused = |s: &AirflowSnapshot| s.dags.iter().filter(|d| d.is_paused).count();
    assert_eq!(paused(&before), paused(&after));
}

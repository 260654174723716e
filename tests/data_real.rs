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
use common_airflow::{config, server, trigger};
use crossterm::event::KeyCode;
use flightdeck::actions::audit::AuditLog;
use flightdeck::actions::executor::Executor;
use flightdeck::app::App;
use flightdeck::app::effect::Effect;
use flightdeck::app::msg::Msg;
use flightdeck::app::update::update;
use flightdeck::config::keymap::Keymap;
use flightdeck::sources::airflow::{self, AirflowClient, AirflowSource, follow};
use flightdeck::sources::{Payload, Source, SourceId};
use flightdeck::state::action::Action;
use flightdeck::state::airflow::{AirflowSnapshot, RunState, TaskInstance};
use flightdeck::state::dag_tasks::TaskLogRef;
use flightdeck::state::{SourceKind, Store, Update};
use tokio::sync::{mpsc, watch};

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
    let run = trigger(url, dag).await;
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

/// Runs `action` through the executor, tried three times: sqlite's "database is
/// locked" fails a request now and then (Airflow logs each action in the db first).
async fn execute(exec: &Executor, action: &Action) {
    for tries in 0.. {
        match exec.execute(action).await {
            Ok(()) => return,
            Err(e) if tries < 2 => eprintln!("{action:?}: {e}; again"),
            Err(e) => panic!("{action:?}: {e}"),
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
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

/// Runs the real read a `FetchDagTasks` among `effects` asks for and feeds it to
/// the app; returns the tasks read.
async fn read_tasks(a: &mut App, url: &str, effects: Vec<Effect>) -> Vec<TaskInstance> {
    let Some(Effect::FetchDagTasks {
        source,
        dag_id,
        run_id,
        recent,
    }) = effects
        .into_iter()
        .find(|e| matches!(e, Effect::FetchDagTasks { .. }))
    else {
        panic!("no task read asked for");
    };
    let client = AirflowClient::new(&config(url));
    let result = airflow::tasks::run_tasks(&client, &dag_id, &run_id, &recent).await;
    let tasks = result.clone().unwrap().tasks;
    let update_ = Update::DagTasks {
        source,
        dag_id,
        run_id,
        result,
    };
    update(a, Msg::Source(update_));
    tasks
}

/// An app on `run` of `dag`, its tasks read for real.
async fn app_on_run(url: &str, dag: &str, run: &str) -> (App, Vec<TaskInstance>) {
    let mut a = app(url, false).await;
    pick(&mut a, dag);
    update(&mut a, key(KeyCode::Enter));
    pick(&mut a, run);
    let effects = update(&mut a, key(KeyCode::Enter));
    let tasks = read_tasks(&mut a, url, effects).await;
    (a, tasks)
}

/// Waits (two minutes at most) until the task instances of `run` satisfy `ok`.
async fn tasks_until(
    url: &str,
    dag: &str,
    run: &str,
    ok: impl Fn(&[TaskInstance]) -> bool,
) -> Vec<TaskInstance> {
    let client = AirflowClient::new(&config(url));
    let start = Instant::now();
    loop {
        let tasks = airflow::task_instances(&client, dag, run).await.unwrap();
        if ok(&tasks) {
            return tasks;
        }
        assert!(start.elapsed() < Duration::from_secs(120), "{tasks:?}");
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// The numbers of the `tick N` lines in the viewer, in order.
fn ticks(a: &App) -> Vec<u32> {
    a.view
        .text
        .as_ref()
        .unwrap()
        .lines()
        .filter_map(|l| {
            let mut words = l.split_whitespace().rev();
            let n = words.next()?.parse().ok()?;
            (words.next()? == "tick").then_some(n)
        })
        .collect()
}

/// `f` twice in a followed log, with 9 s between: after a read under way when it
/// was pressed, nothing arrives until the second `f`.
async fn pause(a: &mut App, rx: &mut mpsc::Receiver<Update>, on: &watch::Sender<bool>) {
    assert_eq!(update(a, ch('f')), [Effect::SetLogFollow(false)]);
    on.send(false).unwrap();
    let late = tokio::time::timeout(Duration::from_secs(6), async {
        while let Some(late) = rx.recv().await {
            update(a, Msg::Source(late));
        }
    });
    let _ = late.await;
    let n = ticks(a).len();
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(rx.try_recv().is_err(), "a paused log is not read");
    assert_eq!(ticks(a).len(), n);
    assert_eq!(update(a, ch('f')), [Effect::SetLogFollow(true)]);
    on.send(true).unwrap();
}

/// A running task's log opened in the Data tab, with its reader started.
struct Followed {
    a: App,
    task: TaskLogRef,
    rx: mpsc::Receiver<Update>,
    /// Pauses (false) and resumes (true) the reader, as `f` does.
    on: watch::Sender<bool>,
    reader: tokio::task::JoinHandle<()>,
}

/// Triggers `dag`, waits until one of its tasks runs, opens the run in the Data
/// tab and Enter on the first task: its log must be read with follow on.
async fn follow_running(url: &str, dag: &str) -> Followed {
    let run = trigger(url, dag).await;
    tasks_until(url, dag, &run, |t| t.iter().any(|t| t.state == "running")).await;
    let (mut a, _) = app_on_run(url, dag, &run).await;
    let effects = update(&mut a, key(KeyCode::Enter));
    let Some(Effect::FetchTaskLog {
        task,
        stream_id,
        follow,
        ..
    }) = effects.into_iter().next()
    else {
        panic!("no log read");
    };
    assert!(follow, "a running task's log is followed");
    let (tx, rx) = mpsc::channel(64);
    let (on, watching) = watch::channel(true);
    let sink = follow::Sink {
        tx,
        stream_id,
        follow: watching,
    };
    let client = AirflowClient::new(&config(url));
    let reader = tokio::spawn(follow::run(client, task.clone(), true, sink));
    Followed {
        a,
        task,
        rx,
        on,
        reader,
    }
}

#[tokio::test]
async fn a_followed_log_of_a_running_task_gains_lines_until_the_task_ends() {
    let Some(url) = server() else { return };
    let Followed {
        mut a,
        mut rx,
        on,
        reader,
        ..
    } = follow_running(&url, "fd_ticker").await;
    let mut reads_with_ticks = 0;
    let mut paused = false;
    let start = Instant::now();
    while let Ok(Some(got)) = tokio::time::timeout(Duration::from_secs(100), rx.recv()).await {
        let ended = matches!(got, Update::LogEnded { .. });
        let before = ticks(&a).len();
        update(&mut a, Msg::Source(got));
        if ticks(&a).len() > before {
            reads_with_ticks += 1;
        }
        if ended {
            break;
        }
        // After a few reads, `f` pauses the reads: nothing arrives.
        if reads_with_ticks == 3 && !paused {
            paused = true;
            pause(&mut a, &mut rx, &on).await;
        }
        assert!(start.elapsed() < Duration::from_secs(150), "never ended");
    }
    reader.await.unwrap();
    // Every line once, in order, across the pause; then the end, with the state.
    assert_eq!(ticks(&a), (1..=60).collect::<Vec<_>>());
    assert!(
        reads_with_ticks >= 5,
        "{reads_with_ticks} reads gained lines"
    );
    let text = a.view.text.as_ref().unwrap();
    let last = text.lines().last().unwrap();
    assert!(last.contains("log ended: task success"), "{last}");
    assert!(!a.view.data.log.as_ref().unwrap().follows);
}

#[tokio::test]
async fn the_open_runs_task_list_changes_state_on_polls_without_r() {
    let Some(url) = server() else { return };
    let run = trigger(&url, "fd_ok").await;
    let (mut a, first) = app_on_run(&url, "fd_ok", &run).await;
    let load = |t: &[TaskInstance]| {
        t.iter()
            .find(|t| t.task_id == "load")
            .unwrap()
            .state
            .clone()
    };
    assert_ne!(load(&first), "success", "read before the run finished");
    let start = Instant::now();
    loop {
        // A real poll: the app asks for the open run's tasks by itself.
        let snap = poll(&url).await;
        let polled = Update::Polled {
            source: SourceId(0),
            at: Utc::now(),
            result: Ok(Payload::Airflow(snap)),
        };
        let effects = update(&mut a, Msg::Source(polled));
        let now = read_tasks(&mut a, &url, effects).await;
        if load(&now) == "success" {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(120), "{now:?}");
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    let s = screen(&a, 120, 40);
    let row = s.lines().find(|l| l.contains("load")).unwrap();
    assert!(row.contains("success"), "{s}");
}

/// Enter on the selected task: a finished one's log, not followed, read once for real.
async fn read_log_once(a: &mut App, url: &str) -> (TaskLogRef, Vec<String>) {
    let effects = update(a, key(KeyCode::Enter));
    let Some(Effect::FetchTaskLog {
        task,
        stream_id,
        follow: false,
        ..
    }) = effects.into_iter().next()
    else {
        panic!("no log read once");
    };
    let (tx, mut rx) = mpsc::channel(8);
    let (_on, watching) = watch::channel(true);
    let sink = follow::Sink {
        tx,
        stream_id,
        follow: watching,
    };
    follow::run(AirflowClient::new(&config(url)), task.clone(), false, sink).await;
    let Ok(Update::Log { lines, .. }) = rx.try_recv() else {
        panic!("no lines");
    };
    assert!(rx.try_recv().is_err(), "read once");
    (task, lines.into_iter().map(|l| l.text).collect())
}

#[tokio::test]
async fn mark_and_clear_of_a_mapped_instance_change_only_that_instance() {
    let Some(url) = server() else { return };
    let run = run_until(&url, "fd_mapped", &RunState::Success).await;
    let (mut a, tasks) = app_on_run(&url, "fd_mapped", &run).await;
    assert_eq!(tasks.len(), 3, "{tasks:?}");
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.log");
    let exec = executor(&url, &audit);
    let part = |t: &[TaskInstance], i: i64| t.iter().find(|t| t.map_index == i).unwrap().clone();

    // part[1]'s log is its own: read by its map index, once (it is finished).
    update(&mut a, ch('j'));
    let (task, lines) = read_log_once(&mut a, &url).await;
    assert_eq!(task.map_index, 1);
    let said = |w: &str| lines.iter().any(|l| l.ends_with(w));
    assert!(said("part 1") && !said("part 0"), "{lines:?}");
    update(&mut a, key(KeyCode::Esc));

    // m on part[1]: failed; the other instances stay success.
    update(&mut a, ch('m'));
    update(&mut a, key(KeyCode::Right));
    update(&mut a, key(KeyCode::Enter));
    assert!(screen(&a, 120, 40).contains("'part[1]'"));
    execute(&exec, &confirmed(&mut a)).await;
    let now = tasks_until(&url, "fd_mapped", &run, |t| part(t, 1).state == "failed").await;
    assert_eq!(
        (part(&now, 0).state.as_str(), part(&now, 2).state.as_str()),
        ("success", "success")
    );

    // c on part[1] (still selected after the tasks are read again): only it runs again.
    let again = flightdeck::app::data::fetch_tasks(&a);
    read_tasks(&mut a, &url, again).await;
    update(&mut a, ch('c'));
    assert!(screen(&a, 120, 40).contains("'part[1]'"));
    execute(&exec, &confirmed(&mut a)).await;
    let now = tasks_until(&url, "fd_mapped", &run, |t| {
        part(t, 1).try_number > 1 && part(t, 1).state == "success"
    })
    .await;
    for i in [0, 2] {
        let p = part(&now, i);
        assert_eq!((p.state.as_str(), p.try_number), ("success", 1), "{p:?}");
    }
    let log = std::fs::read_to_string(&audit).unwrap();
    assert!(
        log.contains("mark_task_failed") && log.contains("clear_task") && log.contains("part[1]"),
        "{log}"
    );
}

#[tokio::test]
async fn a_followed_log_moves_on_to_the_retry_and_ends_with_its_state() {
    let Some(url) = server() else { return };
    let Followed {
        mut a,
        mut rx,
        reader,
        task,
        ..
    } = follow_running(&url, "fd_retry").await;
    assert_eq!(task.try_number, 1, "the running first try is followed");
    while let Ok(Some(got)) = tokio::time::timeout(Duration::from_secs(120), rx.recv()).await {
        let ended = matches!(got, Update::LogEnded { .. });
        update(&mut a, Msg::Source(got));
        if ended {
            break;
        }
    }
    reader.await.unwrap();
    // Try 1 to its end, then try 2 from its start, each line once, then the end.
    let text = a.view.text.as_ref().unwrap();
    let lines: Vec<String> = text.lines().collect();
    let at = |w: &str| {
        let found: Vec<usize> = (0..lines.len())
            .filter(|&i| lines[i].ends_with(w))
            .collect();
        assert_eq!(found.len(), 1, "{w} once: {lines:#?}");
        found[0]
    };
    assert!(at("try 1 tick 4") < at("── try 2 ──"), "{lines:#?}");
    assert!(at("── try 2 ──") < at("try 2 tick 1"), "{lines:#?}");
    assert!(
        at("try 2 tick 4") < at("log ended: task success ──"),
        "{lines:#?}"
    );
    assert!(text.title.contains("try 2/2"), "{}", text.title);
}

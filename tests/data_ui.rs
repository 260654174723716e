//! Snapshot and flow tests of the Data tab (Airflow): the DAG list with failures
//! first, a DAG's runs, a run's tasks with the grid, a task's log, the actions'
//! confirmations and read-only refusal, at fixed sizes and a fixed `now`.
#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use common::{app, at, ch, key, now, screen, spec};
use crossterm::event::KeyCode;
use flightdeck::actions::Action;
use flightdeck::app::App;
use flightdeck::app::effect::Effect;
use flightdeck::app::msg::Msg;
use flightdeck::app::update::update;
use flightdeck::error::SourceError;
use flightdeck::state::airflow::{
    AirflowSnapshot, Dag, DagOp, DagRun, RunState, TaskInstance, TaskKey,
};
use flightdeck::state::dag_tasks::RunTasks;
use flightdeck::state::{LogLine, Payload, SourceId, SourceKind, Update};
use flightdeck::view::Overlay;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn t(mins: i64) -> DateTime<Utc> {
    now() - Duration::minutes(mins)
}

fn run(dag: &str, n: i64, state: RunState, ago: i64, mins: Option<i64>) -> DagRun {
    DagRun {
        dag_id: dag.into(),
        run_id: format!("manual__2026-11-27T{:02}:00:00+00:00", n % 24),
        run_type: "manual".into(),
        logical_date: Some(t(ago)),
        state,
        queued_at: Some(t(ago)),
        start_date: Some(t(ago)),
        end_date: mins.map(|m| t(ago - m)),
        conf: if n == 9 {
            r#"{"date":"2026-11-26"}"#.into()
        } else {
            "{}".into()
        },
    }
}

fn dag(id: &str, paused: bool, runs: Vec<DagRun>) -> Dag {
    Dag {
        dag_id: id.into(),
        name: id.into(),
        is_paused: paused,
        schedule: Some(if paused { "@daily" } else { "0 6 * * *" }.into()),
        next_run: Some(now() + Duration::hours(18)),
        owners: vec!["data".into()],
        tags: vec!["etl".into()],
        runs,
    }
}

fn snapshot() -> AirflowSnapshot {
    use RunState::{Failed, Running, Success};
    let ok = (0..6)
        .map(|i| run("etl_daily", 8 - i, Success, 60 * (i + 1), Some(4)))
        .collect();
    let mut fail = vec![run("train_model", 9, Failed, 30, Some(2))];
    fail.extend((1..5).map(|i| run("train_model", 9 - i, Success, 60 * i + 30, Some(5))));
    let long = vec![run("backfill_events", 3, Running, 12, None)];
    AirflowSnapshot {
        dags: vec![
            dag("backfill_events", false, long),
            dag("etl_daily", false, ok),
            dag("archive_logs", true, vec![]),
            dag("train_model", false, fail),
        ],
        truncated: false,
    }
}

fn airflow_app() -> App {
    let mut a = app(vec![spec(SourceKind::Airflow, "airflow")]);
    update(
        &mut a,
        Msg::Source(Update::Polled {
            source: SourceId(0),
            at: now(),
            result: Ok(Payload::Airflow(snapshot())),
        }),
    );
    update(&mut a, ch('7'));
    a
}

fn task(id: &str, state: &str, tries: u32, op: &str) -> TaskInstance {
    TaskInstance {
        task_id: id.into(),
        map_index: -1,
        state: state.into(),
        try_number: tries,
        operator: Some(op.into()),
        start_date: Some(t(30)),
        end_date: Some(t(29)),
        duration_secs: Some(61.5),
    }
}

fn tasks(run_id: &str) -> RunTasks {
    let order: Vec<String> = ["extract", "transform", "train", "publish"]
        .map(String::from)
        .to_vec();
    let states = |s: [&str; 4]| -> HashMap<String, String> {
        order.iter().cloned().zip(s.map(String::from)).collect()
    };
    RunTasks {
        tasks: vec![
            task("extract", "success", 1, "BashOperator"),
            task("transform", "success", 1, "PythonOperator"),
            task("train", "failed", 2, "KubernetesPodOperator"),
            task("publish", "upstream_failed", 0, "BashOperator"),
        ],
        grid: vec![
            (
                run_id.into(),
                states(["success", "success", "failed", "upstream_failed"]),
            ),
            (
                "older".into(),
                states(["success", "success", "success", "success"]),
            ),
        ],
        order,
    }
}

/// Opens train_model's newest run and delivers its tasks.
fn tasks_app() -> App {
    let mut a = airflow_app();
    update(&mut a, key(KeyCode::Enter)); // train_model is first: failures first
    let effects = update(&mut a, key(KeyCode::Enter));
    let Some(Effect::FetchDagTasks {
        dag_id,
        run_id,
        recent,
        ..
    }) = effects.first().cloned()
    else {
        panic!("{effects:?}");
    };
    assert_eq!(dag_id, "train_model");
    assert_eq!(recent.len(), 5);
    let result = Ok(tasks(&run_id));
    update(
        &mut a,
        Msg::Source(Update::DagTasks {
            source: SourceId(0),
            dag_id,
            run_id,
            result,
        }),
    );
    a
}

#[test]
fn dag_list_puts_the_failing_dag_first() {
    let a = airflow_app();
    for (w, h) in SIZES {
        let s = screen(&a, w, h);
        let first = s.lines().position(|l| l.contains("train_model")).unwrap();
        let other = s.lines().position(|l| l.contains("etl_daily")).unwrap();
        assert!(first < other, "{s}");
        insta::assert_snapshot!(format!("dags_{w}x{h}"), s);
    }
    let mut a = a;
    update(&mut a, ch('!'));
    let s = screen(&a, 120, 40);
    let first = s.lines().position(|l| l.contains("archive_logs")).unwrap();
    let fail = s.lines().position(|l| l.contains("train_model")).unwrap();
    assert!(first < fail, "by id: {s}");
}

#[test]
fn runs_of_a_dag() {
    let mut a = airflow_app();
    update(&mut a, key(KeyCode::Enter));
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("runs_{w}x{h}"), screen(&a, w, h));
    }
    update(&mut a, key(KeyCode::Esc));
    assert!(screen(&a, 120, 40).contains("4 DAGs"));
}

#[test]
fn tasks_in_dependency_order_and_the_grid() {
    let a = tasks_app();
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("tasks_{w}x{h}"), screen(&a, w, h));
    }
    // The failed try is in the change feed once.
    let lines: Vec<_> = a
        .store
        .feed
        .newest_first()
        .filter(|e| e.text.contains("task train failed (try 2)"))
        .collect();
    assert_eq!(lines.len(), 1);
}

#[test]
fn task_log_and_tries() {
    let mut a = tasks_app();
    update(&mut a, ch('j'));
    update(&mut a, ch('j'));
    let effects = update(&mut a, key(KeyCode::Enter));
    let Some(Effect::FetchTaskLog {
        task, stream_id, ..
    }) = effects.first().cloned()
    else {
        panic!("{effects:?}");
    };
    assert_eq!((task.task_id.as_str(), task.try_number), ("train", 2));
    let lines = [
        "[2026-11-27 11:30:00] INFO - starting",
        "[2026-11-27 11:31:01] ERROR - CUDA out of memory",
        "Task failed with exception",
    ]
    .map(|text| LogLine {
        stderr: false,
        timestamp: None,
        text: text.into(),
    })
    .to_vec();
    update(&mut a, Msg::Source(Update::Log { stream_id, lines }));
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("log_{w}x{h}"), screen(&a, w, h));
    }
    let effects = update(&mut a, ch('['));
    let Some(Effect::FetchTaskLog { task, .. }) = effects.first().cloned() else {
        panic!("{effects:?}");
    };
    assert_eq!(task.try_number, 1);
    assert!(update(&mut a, ch('[')).is_empty(), "no try 0");
}

#[test]
fn actions_confirm_naming_dag_run_task_and_server() {
    let mut a = tasks_app();
    update(&mut a, ch('j'));
    update(&mut a, ch('j'));
    update(&mut a, ch('c'));
    let Some(Overlay::Confirm(c)) = a.view.overlays.last() else {
        panic!("no confirm");
    };
    let Action::Dag { op, run_id, .. } = &c.action else {
        panic!()
    };
    assert_eq!(op, &DagOp::ClearTask(TaskKey::task("train")));
    assert!(run_id.is_some());
    let s = screen(&a, 120, 40);
    assert!(
        s.contains("train_model") && s.contains("'train'") && s.contains("airflow"),
        "{s}"
    );
    update(&mut a, ch('n'));
    // m: a chooser, then a confirmation.
    update(&mut a, ch('m'));
    update(&mut a, key(KeyCode::Right));
    update(&mut a, key(KeyCode::Enter));
    let Some(Overlay::Confirm(c)) = a.view.overlays.last() else {
        panic!("no confirm after the chooser");
    };
    assert!(
        matches!(&c.action, Action::Dag { op: DagOp::MarkTask(t, false), .. } if t == &TaskKey::task("train"))
    );
}

#[test]
fn trigger_form_validates_conf_before_confirming() {
    let mut a = airflow_app();
    update(&mut a, ch('T'));
    assert!(matches!(a.view.overlays.last(), Some(Overlay::Form(..))));
    // Replace `{}` with a JSON array: refused in the form.
    update(&mut a, key(KeyCode::Backspace));
    update(&mut a, key(KeyCode::Backspace));
    common::type_text(&mut a, "[1]");
    update(&mut a, key(KeyCode::Enter));
    let Some(Overlay::Form(form, _)) = a.view.overlays.last() else {
        panic!("the form closed on a bad conf");
    };
    assert!(form.error.as_deref().unwrap_or("").contains("JSON object"));
    for _ in 0..3 {
        update(&mut a, key(KeyCode::Backspace));
    }
    common::type_text(&mut a, r#"{"date":"2026-11-26"}"#);
    update(&mut a, key(KeyCode::Tab));
    common::type_text(&mut a, "2026-11-26");
    update(&mut a, key(KeyCode::Enter));
    let Some(Overlay::Confirm(c)) = a.view.overlays.last() else {
        panic!("no confirm");
    };
    let Action::Dag {
        dag_id,
        op: DagOp::Trigger { conf, logical_date },
        ..
    } = &c.action
    else {
        panic!("{:?}", c.action);
    };
    assert_eq!(dag_id, "train_model");
    assert!(conf.contains("2026-11-26"));
    assert_eq!(
        logical_date.map(|d| d.to_rfc3339()).as_deref(),
        Some("2026-11-26T00:00:00+00:00")
    );
    let effects = update(&mut a, ch('y'));
    assert!(matches!(effects.first(), Some(Effect::Execute(_))));
}

#[test]
fn read_only_refuses_every_action() {
    let mut a = airflow_app();
    a.read_only = true;
    for c in ['T', 'p', 'c', 'm'] {
        update(&mut a, ch(c));
        assert!(
            a.view.overlays.is_empty(),
            "{c} opened {:?}",
            a.view.overlays
        );
    }
}

#[test]
fn unconfigured_and_unreachable() {
    let mut a = app(vec![]);
    update(&mut a, ch('7'));
    let s = screen(&a, 80, 24);
    assert!(
        s.contains("No airflow source configured") && s.contains("[airflow]"),
        "{s}"
    );
    let mut a = airflow_app();
    let error = flightdeck::error::SourceError::Unreachable {
        target: "http://127.0.0.1:8080".into(),
        detail: "connection refused".into(),
    };
    update(
        &mut a,
        Msg::Source(Update::Polled {
            source: SourceId(0),
            at: at(120),
            result: Err(error),
        }),
    );
    update(&mut a, Msg::Tick { now: at(120) });
    let s = screen(&a, 120, 40);
    assert!(s.contains("connection refused") && s.contains("2m"), "{s}");
}

#[test]
fn a_finished_dag_action_reads_the_tasks_on_screen_again() {
    let mut a = tasks_app();
    update(&mut a, ch('c'));
    let effects = update(&mut a, ch('y'));
    let Some(Effect::Execute(action)) = effects.into_iter().next() else {
        panic!("no action");
    };
    let done = Update::ActionDone {
        action,
        at: at(5),
        result: Ok(()),
        inverse: None,
    };
    let effects = update(&mut a, Msg::Source(done));
    assert!(
        effects.iter().any(
            |e| matches!(e, Effect::FetchDagTasks { run_id, .. } if run_id.starts_with("manual__"))
        ),
        "{effects:?}"
    );
    assert!(screen(&a, 120, 40).contains("done"));
}

/// The tasks of the open run with `train` running on its second try and `part`
/// mapped over three instances.
fn running_tasks(run_id: &str) -> RunTasks {
    let mut t = tasks(run_id);
    t.tasks[2].state = "running".into();
    for i in 0..3 {
        let mut part = task("part", "success", 1, "BashOperator");
        part.map_index = i;
        t.tasks.push(part);
    }
    t
}

fn deliver(a: &mut App, result: RunTasks) {
    answer(a, Ok(result));
}

/// The read of the open run's tasks answers `result`.
fn answer(a: &mut App, result: Result<RunTasks, SourceError>) {
    let view = &a.view.data;
    let (dag_id, run_id) = (view.dag.clone().unwrap(), view.run.clone().unwrap());
    let tasks = Update::DagTasks {
        source: SourceId(0),
        dag_id,
        run_id,
        result,
    };
    update(a, Msg::Source(tasks));
}

fn poll(a: &mut App) -> Vec<Effect> {
    update(
        a,
        Msg::Source(Update::Polled {
            source: SourceId(0),
            at: now(),
            result: Ok(Payload::Airflow(snapshot())),
        }),
    )
}

#[test]
fn every_poll_reads_the_open_runs_tasks_again_one_read_at_a_time() {
    let mut a = airflow_app();
    assert!(
        !poll(&mut a)
            .iter()
            .any(|e| matches!(e, Effect::FetchDagTasks { .. }))
    );
    let mut a = tasks_app();
    let effects = poll(&mut a);
    let read = effects
        .iter()
        .filter(|e| matches!(e, Effect::FetchDagTasks { dag_id, .. } if dag_id == "train_model"))
        .count();
    assert_eq!(read, 1, "{effects:?}");
    // While that read is under way, the next poll asks for none.
    assert!(
        !poll(&mut a)
            .iter()
            .any(|e| matches!(e, Effect::FetchDagTasks { .. }))
    );
    let run_id = a.view.data.run.clone().unwrap();
    deliver(&mut a, running_tasks(&run_id));
    assert!(screen(&a, 120, 40).contains("running"));
    assert!(
        poll(&mut a)
            .iter()
            .any(|e| matches!(e, Effect::FetchDagTasks { .. }))
    );
    // Another tab: the tasks are not read.
    deliver(&mut a, running_tasks(&run_id));
    update(&mut a, ch('1'));
    assert!(
        !poll(&mut a)
            .iter()
            .any(|e| matches!(e, Effect::FetchDagTasks { .. }))
    );
}

#[test]
fn a_running_tasks_log_is_followed_and_f_pauses_it() {
    let mut a = tasks_app();
    let run_id = a.view.data.run.clone().unwrap();
    deliver(&mut a, running_tasks(&run_id));
    update(&mut a, ch('j'));
    update(&mut a, ch('j'));
    let effects = update(&mut a, key(KeyCode::Enter));
    let Some(Effect::FetchTaskLog {
        task,
        stream_id,
        follow: true,
        ..
    }) = effects.first().cloned()
    else {
        panic!("a running task's log is followed: {effects:?}");
    };
    assert_eq!((task.task_id.as_str(), task.try_number), ("train", 2));
    assert!(a.view.text.as_ref().unwrap().follow);
    let lines = (1..=30)
        .map(|i| LogLine {
            stderr: false,
            timestamp: None,
            text: format!(
                "2026-11-27T11:{i:02}:00Z info epoch {i}: loss 0.{:02}",
                90 - i
            ),
        })
        .collect();
    update(&mut a, Msg::Source(Update::Log { stream_id, lines }));
    for (w, h) in SIZES {
        let s = screen(&a, w, h);
        assert!(s.contains("epoch 30"), "a followed log shows its end: {s}");
        insta::assert_snapshot!(format!("log_following_{w}x{h}"), s);
    }
    assert_eq!(update(&mut a, ch('f')), [Effect::SetLogFollow(false)]);
    assert_eq!(update(&mut a, ch('f')), [Effect::SetLogFollow(true)]);
    // The follower moved to try 3: the title and `[` follow it.
    update(
        &mut a,
        Msg::Source(Update::LogTry {
            stream_id,
            try_number: 3,
        }),
    );
    let title = &a.view.text.as_ref().unwrap().title;
    assert!(title.contains("try 3/3"), "{title}");
    assert!(a.view.data.log.as_ref().unwrap().follows);
    let ended = Update::LogEnded {
        stream_id,
        reason: "task success".into(),
    };
    update(&mut a, Msg::Source(ended));
    assert!(!a.view.data.log.as_ref().unwrap().follows);
    assert!(
        update(&mut a, ch('f')).is_empty(),
        "an ended log is not read again"
    );
    // An older try is finished: read once.
    let effects = update(&mut a, ch('['));
    assert!(
        matches!(effects.first(), Some(Effect::FetchTaskLog { task, follow: false, .. }) if task.try_number == 2),
        "{effects:?}"
    );
}

#[test]
fn a_finished_tasks_log_is_read_once() {
    let mut a = tasks_app();
    let effects = update(&mut a, key(KeyCode::Enter));
    assert!(
        matches!(
            effects.first(),
            Some(Effect::FetchTaskLog { follow: false, .. })
        ),
        "{effects:?}"
    );
    assert!(!a.view.text.as_ref().unwrap().follow);
    assert!(update(&mut a, ch('f')).is_empty());
}

#[test]
fn clear_and_mark_of_a_mapped_instance_name_its_map_index() {
    let mut a = tasks_app();
    let run_id = a.view.data.run.clone().unwrap();
    deliver(&mut a, running_tasks(&run_id));
    for _ in 0..5 {
        update(&mut a, ch('j'));
    }
    let part1 = TaskKey {
        task_id: "part".into(),
        map_index: 1,
    };
    update(&mut a, ch('c'));
    let Some(Overlay::Confirm(c)) = a.view.overlays.last() else {
        panic!("no confirm");
    };
    assert!(matches!(&c.action, Action::Dag { op: DagOp::ClearTask(k), .. } if k == &part1));
    assert!(screen(&a, 120, 40).contains("'part[1]'"));
    update(&mut a, ch('n'));
    update(&mut a, ch('m'));
    update(&mut a, key(KeyCode::Enter));
    let Some(Overlay::Confirm(c)) = a.view.overlays.last() else {
        panic!("no confirm after the chooser");
    };
    assert!(matches!(&c.action, Action::Dag { op: DagOp::MarkTask(k, true), .. } if k == &part1));
    assert!(c.action.audit_name().1.ends_with("/part[1]"));
}

#[test]
fn a_failed_re_read_keeps_the_tasks_shown_with_the_cause_and_their_age() {
    let mut a = tasks_app();
    a.now = now() + Duration::minutes(3);
    let timeout = SourceError::Timeout {
        target: "http://127.0.0.1:8080".into(),
        secs: 10,
    };
    answer(&mut a, Err(timeout));
    let text = screen(&a, 120, 40);
    assert!(
        text.contains("✗ cannot re-read the tasks: no answer from 'http://127.0.0.1:8080' within 10 s — showing tasks read 3m ago"),
        "{text}"
    );
    assert!(
        text.contains("transform") && text.contains("PythonOperator"),
        "{text}"
    );
    // The next good read clears the banner.
    let fresh = tasks(a.view.data.run.as_deref().unwrap());
    deliver(&mut a, fresh);
    let text = screen(&a, 120, 40);
    assert!(!text.contains("cannot re-read"), "{text}");
}

//! The Pipelines pane through `update`: drill-down and log effects, the run
//! actions' confirmation, read-only refusal, the dispatch form, and `status`.
#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;
#[path = "common/pipelines.rs"]
mod fx;

use common::{ch, key, now};
use crossterm::event::KeyCode;
use flightdeck::actions::{Action, RunRef};
use flightdeck::app::effect::Effect;
use flightdeck::app::msg::Msg;
use flightdeck::app::update::update;
use flightdeck::sources::github::Focus;
use flightdeck::sources::github::inputs::{InputKind, WorkflowInput};
use flightdeck::state::Severity;
use flightdeck::state::{DispatchTarget, SourceId, Update};
use flightdeck::view::Overlay;
use fx::{feed, github_app, realistic, with_jobs};

fn confirm_action(a: &flightdeck::app::App) -> Option<Action> {
    match a.view.overlays.last() {
        Some(Overlay::Confirm(c)) => Some(c.action.clone()),
        _ => None,
    }
}

#[test]
fn enter_drills_into_jobs_then_opens_a_log() {
    let mut a = github_app();
    feed(&mut a, 0, with_jobs());
    update(&mut a, ch('j'));
    update(&mut a, ch('j'));
    let fx = update(&mut a, key(KeyCode::Enter));
    assert_eq!(fx, vec![Effect::Refresh(vec![SourceId(0)])]);
    assert_eq!(a.view.pipelines.drill, Some(1009));
    assert_eq!(
        a.run_focus(),
        vec![(
            SourceId(0),
            Focus {
                selected: Some(1009),
                visible: vec![]
            }
        )]
    );
    update(&mut a, ch('G'));
    let fx = update(&mut a, key(KeyCode::Enter));
    assert_eq!(
        fx,
        vec![Effect::FetchJobLog {
            source: SourceId(0),
            repo: "acme/api".into(),
            job_id: 901,
            stream_id: 1
        }]
    );
    assert!(a.view.text.is_some());
    assert_eq!(update(&mut a, key(KeyCode::Esc)), vec![Effect::StopLogs]);
    update(&mut a, key(KeyCode::Esc));
    assert_eq!(a.view.pipelines.drill, None);
}

#[test]
fn focus_names_the_visible_runs() {
    let mut a = github_app();
    feed(&mut a, 0, realistic());
    let focus = a.run_focus();
    assert_eq!(focus[0].1.selected, Some(1011));
    assert_eq!(focus[0].1.visible.len(), 9);
}

#[test]
fn rerun_and_cancel_are_confirmed_and_checked() {
    let mut a = github_app();
    feed(&mut a, 0, realistic());
    // The newest run is in progress: re-running it is refused, cancelling is asked.
    update(&mut a, ch('R'));
    assert!(a.view.overlays.is_empty());
    assert!(
        a.view
            .toast
            .as_ref()
            .unwrap()
            .text
            .contains("still running")
    );
    update(&mut a, ch('C'));
    let run = RunRef {
        source: SourceId(0),
        repo: "acme/api".into(),
        id: 1011,
        name: "CI #11".into(),
    };
    assert_eq!(confirm_action(&a), Some(Action::Cancel(run.clone())));
    assert_eq!(
        update(&mut a, ch('y')),
        vec![Effect::Execute(Action::Cancel(run))]
    );
    update(&mut a, ch('j'));
    update(&mut a, ch('j'));
    update(&mut a, ch('F'));
    let failed = RunRef {
        source: SourceId(0),
        repo: "acme/api".into(),
        id: 1009,
        name: "CI #9".into(),
    };
    assert_eq!(confirm_action(&a), Some(Action::RerunFailed(failed)));
    assert!(update(&mut a, ch('n')).is_empty());
    update(&mut a, ch('C'));
    assert!(
        a.view
            .toast
            .as_ref()
            .unwrap()
            .text
            .contains("already finished")
    );
}

#[test]
fn read_only_refuses_run_actions() {
    let mut a = github_app();
    a.read_only = true;
    feed(&mut a, 0, realistic());
    for c in ['R', 'F', 'C', 'd'] {
        assert!(update(&mut a, ch(c)).is_empty());
        assert!(a.view.overlays.is_empty());
        assert!(a.view.toast.as_ref().unwrap().text.contains("read-only"));
    }
}

#[test]
fn dispatch_reads_inputs_then_fills_a_form() {
    let mut a = github_app();
    feed(&mut a, 0, realistic());
    update(&mut a, ch('j'));
    let fx = update(&mut a, ch('d'));
    let target = DispatchTarget {
        source: SourceId(0),
        repo: "acme/web".into(),
        workflow_id: 1006,
        workflow: "Deploy".into(),
        path: ".github/workflows/deploy.yml".into(),
        git_ref: "main".into(),
    };
    assert_eq!(fx, vec![Effect::LoadDispatch(target.clone())]);
    let inputs = vec![
        WorkflowInput {
            name: "environment".into(),
            description: String::new(),
            required: true,
            default: Some("staging".into()),
            kind: InputKind::Choice(vec!["staging".into(), "production".into()]),
        },
        WorkflowInput {
            name: "note".into(),
            description: String::new(),
            required: false,
            default: None,
            kind: InputKind::Text,
        },
    ];
    update(
        &mut a,
        Msg::Source(Update::DispatchInputs {
            target,
            result: Ok(inputs),
        }),
    );
    update(&mut a, key(KeyCode::Tab));
    update(&mut a, key(KeyCode::Right));
    update(&mut a, key(KeyCode::Tab));
    common::type_text(&mut a, "hotfix");
    update(&mut a, key(KeyCode::Enter));
    let expected = Action::Dispatch {
        source: SourceId(0),
        repo: "acme/web".into(),
        workflow_id: 1006,
        workflow: "Deploy".into(),
        git_ref: "main".into(),
        inputs: vec![
            ("environment".into(), "production".into()),
            ("note".into(), "hotfix".into()),
        ],
    };
    assert_eq!(confirm_action(&a), Some(expected.clone()));
    assert_eq!(update(&mut a, ch('y')), vec![Effect::Execute(expected)]);
}

#[test]
fn status_reports_a_failing_default_branch_run_as_critical() {
    let mut a = github_app();
    let mut runs = realistic();
    runs.push(fx::run(
        900,
        "acme/api",
        "CI",
        "main",
        flightdeck::state::pipeline::RunStatus::Completed,
        Some(flightdeck::state::pipeline::RunConclusion::Failure),
        300,
    ));
    feed(&mut a, 0, runs);
    let report = flightdeck::status::report(&a.store, now());
    let json = serde_json::to_value(&report).unwrap();
    let items = json["items"].as_array().unwrap();
    // acme/api CI on main: the newest (1011, running) hides the older failure 900.
    assert!(items.iter().all(|i| i["id"] != "900"));
    let worker = items.iter().find(|i| i["repo"] == "acme/worker").unwrap();
    assert_eq!(worker["kind"], "pipeline_run");
    assert_eq!(worker["severity"], "critical");
    assert_eq!(worker["conclusion"], "timed_out");
    assert_eq!(worker["branch"], "main");
    assert!(worker["head_sha"].as_str().unwrap().len() == 40);
    assert!(
        worker["url"]
            .as_str()
            .unwrap()
            .starts_with("https://github.com/acme/worker")
    );
    assert_eq!(report.status, Severity::Critical);
    let fix_branch = items.iter().any(|i| i["branch"] == "fix/cache");
    assert!(!fix_branch, "only default-branch runs are reported");
}

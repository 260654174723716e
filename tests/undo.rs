//! Undo: `:undo` and `u` on the change feed against the real MLflow server and
//! Docker engine that `scripts/test` provides (skipped without them, failing under
//! `CI`), and the TUI's side (history, confirmation, read-only) through `update`.
#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;
#[path = "common/docker.rs"]
mod docker_fixtures;
#[path = "common/mlflow.rs"]
mod fixture;

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use crossterm::event::KeyCode;
use docker_fixtures::{Engine, Fixture, HOST};
use fixture::{Api, config, seed, server};
use flightdeck::actions::audit::AuditLog;
use flightdeck::actions::executor::{Done, Executor};
use flightdeck::actions::{Action, ContainerOp};
use flightdeck::app::App;
use flightdeck::app::effect::Effect;
use flightdeck::app::msg::Msg;
use flightdeck::app::update::update;
use flightdeck::error::SourceError;
use flightdeck::sources::mlflow::MlflowClient;
use flightdeck::sources::{SourceId, SourceKind, Update};
use flightdeck::state::container::ContainerState;
use flightdeck::view::Overlay;
use serde_json::Value;

/// Returns from the test early when there is no MLflow server (never under `CI`).
macro_rules! need_server {
    () => {
        match server() {
            Some(url) => url,
            None => return,
        }
    };
}

/// How long a container's new state may take to show in a poll.
const SHOWS: Duration = Duration::from_secs(5);

fn mlflow_executor(url: &str, read_only: bool, audit: &Path) -> Executor {
    let client = MlflowClient::new(&config(url, &[])).unwrap();
    Executor::new(
        HashMap::new(),
        read_only,
        AuditLog::new(Some(audit.to_path_buf())),
    )
    .with_mlflow(HashMap::from([(SourceId(0), client)]))
}

fn set_alias(model: &str, alias: &str, version: &str) -> Action {
    Action::SetAlias {
        source: SourceId(0),
        host: "mlflow".into(),
        model: model.into(),
        alias: alias.into(),
        version: version.into(),
    }
}

/// An app with one MLflow source, on the Overview.
fn mlflow_app() -> App {
    common::app(vec![common::spec(SourceKind::Mlflow, "mlflow")])
}

/// Tells the app that the executor finished `action` as `done` says.
fn report(app: &mut App, action: Action, done: Done) -> Vec<Effect> {
    let update_msg = Update::ActionDone {
        action,
        at: done.at,
        result: done.result,
        inverse: done.inverse.map(Box::new),
    };
    update(app, Msg::Source(update_msg))
}

/// Types `:undo` and Enter in the palette.
fn palette_undo(app: &mut App) -> Vec<Effect> {
    update(app, common::ch(':'));
    common::type_text(app, "undo");
    update(app, common::key(KeyCode::Enter))
}

/// The action the app hands the executor after `y`.
fn confirm(app: &mut App) -> Action {
    let effects = update(app, common::ch('y'));
    match effects.as_slice() {
        [Effect::Execute(action)] => action.clone(),
        other => panic!("expected one action, got {other:?}"),
    }
}

fn audit_lines(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn toast(app: &App) -> String {
    app.view
        .toast
        .as_ref()
        .map(|t| t.text.clone())
        .unwrap_or_default()
}

/// The headline: a mistaken promotion is one `:undo` and `y` away from reverted,
/// on the server, audited as an undo of the promotion.
#[tokio::test]
async fn undo_of_an_alias_move_puts_the_alias_back_on_the_server() {
    let url = need_server!();
    let api = Api::new(&url);
    let seeded = seed(&api).await;
    let model = seeded.model.as_str();
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.jsonl");
    let ex = mlflow_executor(&url, false, &audit);
    let mut app = mlflow_app();

    let promote = set_alias(model, "champion", "3");
    let done = ex.act(&promote).await;
    assert_eq!(done.inverse, Some(set_alias(model, "champion", "2")));
    report(&mut app, promote, done);
    assert_eq!(api.aliases(model).await[1], ("champion".into(), "3".into()));

    palette_undo(&mut app);
    let screen = common::screen(&app, 120, 40);
    assert!(
        screen.contains("Undo: move alias 'champion' back to version 2 of"),
        "{screen}"
    );
    assert!(screen.contains("on mlflow? (y/N)"), "{screen}");
    let undo = confirm(&mut app);
    let done = ex.act(&undo).await;
    done.result.as_ref().unwrap();
    assert_eq!(done.inverse, None, "an undo is not itself undone");
    assert_eq!(
        api.aliases(model).await,
        [
            ("challenger".to_owned(), "3".to_owned()),
            ("champion".to_owned(), "2".to_owned())
        ]
    );
    report(&mut app, undo, done);

    let lines = audit_lines(&audit);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0]["action"], "set_alias:champion");
    assert_eq!(lines[0]["target_id"], format!("{model}/3"));
    assert_eq!(lines[0]["inverse"]["action"], "set_alias:champion");
    assert_eq!(lines[0]["inverse"]["target_id"], format!("{model}/2"));
    assert_eq!(lines[1]["action"], "set_alias:champion");
    assert_eq!(lines[1]["target_id"], format!("{model}/2"));
    assert_eq!(lines[1]["outcome"], "ok");
    assert_eq!(lines[1]["undo_of"]["time"], lines[0]["time"]);
    assert_eq!(lines[1]["undo_of"]["target_id"], format!("{model}/3"));
    assert!(lines[1].get("inverse").is_none(), "{}", lines[1]);

    // Nothing is left to undo.
    assert_eq!(palette_undo(&mut app), Vec::new());
    assert!(
        toast(&app).starts_with("nothing to undo"),
        "{}",
        toast(&app)
    );
}

/// An alias that did not exist is deleted again; `u` on its feed line does it.
#[tokio::test]
async fn undo_of_a_new_alias_from_the_feed_deletes_it() {
    let url = need_server!();
    let api = Api::new(&url);
    let seeded = seed(&api).await;
    let model = seeded.model.as_str();
    let dir = tempfile::tempdir().unwrap();
    let ex = mlflow_executor(&url, false, &dir.path().join("audit.jsonl"));
    let mut app = mlflow_app();

    let staging = set_alias(model, "staging", "1");
    let done = ex.act(&staging).await;
    report(&mut app, staging, done);
    assert!(
        api.aliases(model)
            .await
            .contains(&("staging".into(), "1".into()))
    );

    update(&mut app, common::ch('f'));
    update(&mut app, common::ch('u'));
    let screen = common::screen(&app, 80, 24);
    assert!(screen.contains("delete the new alias"), "{screen}");
    let undo = confirm(&mut app);
    ex.act(&undo).await.result.unwrap();
    let aliases = api.aliases(model).await;
    assert!(aliases.iter().all(|(a, _)| a != "staging"), "{aliases:?}");
}

/// An undo never overwrites a change made since: the alias moved on, so it stays.
#[tokio::test]
async fn undo_is_refused_when_the_alias_moved_since() {
    let url = need_server!();
    let api = Api::new(&url);
    let seeded = seed(&api).await;
    let model = seeded.model.as_str();
    let dir = tempfile::tempdir().unwrap();
    let ex = mlflow_executor(&url, false, &dir.path().join("audit.jsonl"));
    let mut app = mlflow_app();

    let promote = set_alias(model, "champion", "3");
    let done = ex.act(&promote).await;
    report(&mut app, promote, done);
    api.post(
        "registered-models/alias",
        serde_json::json!({"name": model, "alias": "champion", "version": "1"}),
    )
    .await;
    palette_undo(&mut app);
    let undo = confirm(&mut app);
    let err = ex.act(&undo).await.result.unwrap_err().to_string();
    assert!(
        err.contains("now points at version 1, not on version 3"),
        "{err}"
    );
    assert!(
        api.aliases(model)
            .await
            .contains(&("champion".into(), "1".into()))
    );
}

/// Under `--read-only` the TUI refuses at once and the executor refuses too:
/// the alias stays where it is and the refusal is audited as an undo.
#[tokio::test]
async fn undo_under_read_only_changes_nothing() {
    let url = need_server!();
    let api = Api::new(&url);
    let seeded = seed(&api).await;
    let model = seeded.model.as_str();
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.jsonl");
    let promote = set_alias(model, "champion", "3");
    let done = mlflow_executor(&url, false, &audit).act(&promote).await;
    let mut app = mlflow_app();
    report(&mut app, promote.clone(), done);

    app.read_only = true;
    assert_eq!(palette_undo(&mut app), Vec::new());
    assert!(app.view.overlays.is_empty(), "{:?}", app.view.overlays);
    assert!(toast(&app).contains("read-only"), "{}", toast(&app));
    update(&mut app, common::ch('f'));
    assert_eq!(update(&mut app, common::ch('u')), Vec::new());
    assert!(app.view.overlays.is_empty());

    let undo = Action::Undo(Box::new(app.undo[0].undo.clone()));
    let refused = mlflow_executor(&url, true, &audit).act(&undo).await;
    assert!(matches!(refused.result, Err(SourceError::ReadOnly)));
    assert_eq!(refused.inverse, None);
    assert!(
        api.aliases(model)
            .await
            .contains(&("champion".into(), "3".into()))
    );
    let lines = audit_lines(&audit);
    assert_eq!(lines[1]["outcome"], "refused");
    assert_eq!(lines[1]["undo_of"]["time"], lines[0]["time"]);
    // Refused, so it is still there to undo once writable.
    app.read_only = false;
    report(&mut app, undo, refused);
    assert!(!app.undo[0].undone);
}

/// A container stopped from flightdeck is started again by `:undo`, for real.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undo_of_a_container_stop_starts_it_again() {
    if !docker_fixtures::engine() {
        return;
    }
    let fx = Fixture::new();
    let c = fx.idle("undo");
    let mut e = Engine::connect();
    let running = |c: &flightdeck::state::container::Container| c.state == ContainerState::Running;
    e.wait_for(&c.name, "running", SHOWS, running).await;
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.jsonl");
    let clients = HashMap::from([(SourceId(0), (e.client.clone(), HOST.to_owned()))]);
    let ex = Executor::new(clients, false, AuditLog::new(Some(audit.clone())));
    let mut app = common::app(vec![common::spec(SourceKind::Docker, "local")]);

    let stop = Action::Container {
        source: SourceId(0),
        host: "docker local".into(),
        id: c.id.clone(),
        name: c.name.clone(),
        op: ContainerOp::Stop,
    };
    let done = ex.act(&stop).await;
    done.result.as_ref().unwrap();
    report(&mut app, stop, done);
    e.wait_for(&c.name, "stopped", SHOWS, |c| {
        c.state == ContainerState::Exited
    })
    .await;

    palette_undo(&mut app);
    let screen = common::screen(&app, 80, 24);
    assert!(screen.contains("Undo: start container"), "{screen}");
    let undo = confirm(&mut app);
    ex.act(&undo).await.result.unwrap();
    e.wait_for(&c.name, "started again", SHOWS, running).await;
    let lines = audit_lines(&audit);
    assert_eq!(lines[0]["inverse"]["action"], "start");
    assert_eq!(lines[1]["action"], "start");
    assert_eq!(lines[1]["undo_of"]["action"], "stop");
    assert_eq!(lines[1]["undo_of"]["target_id"], c.id.as_str());
}

// -- the TUI's side, without servers ------------------------------------------------

fn container(name: &str, op: ContainerOp) -> Action {
    Action::Container {
        source: SourceId(0),
        host: "docker local".into(),
        id: format!("{name}-id"),
        name: name.into(),
        op,
    }
}

/// Reports `action` done at second `secs`, with the inverse the executor works out.
fn done_at(app: &mut App, action: &Action, secs: i64) {
    let inverse =
        flightdeck::state::undo::inverse(action, &flightdeck::state::undo::Prior::Nothing);
    let done = Done {
        at: common::at(secs),
        result: Ok(()),
        inverse,
    };
    report(app, action.clone(), done);
}

fn docker_app() -> App {
    common::app(vec![common::spec(SourceKind::Docker, "local")])
}

/// The target the confirm overlay on top names.
fn confirming(app: &App) -> String {
    match app.view.overlays.last() {
        Some(Overlay::Confirm(c)) => format!("{} '{}'", c.action.label(), c.action.target()),
        other => panic!("expected a confirmation, got {other:?}"),
    }
}

#[test]
fn undo_walks_back_newest_first_and_skips_what_is_undone_or_in_flight() {
    let mut app = docker_app();
    done_at(&mut app, &container("web-1", ContainerOp::Stop), 1);
    done_at(&mut app, &container("web-2", ContainerOp::Pause), 2);
    palette_undo(&mut app);
    assert_eq!(confirming(&app), "Undo: unpause container 'web-2'");
    let first = confirm(&mut app);
    // While that undo runs, `:undo` offers the one before it.
    palette_undo(&mut app);
    assert_eq!(confirming(&app), "Undo: start container 'web-1'");
    update(&mut app, common::ch('n'));
    assert!(app.view.overlays.is_empty());
    let effects = report(
        &mut app,
        first,
        Done {
            at: common::at(3),
            result: Ok(()),
            inverse: None,
        },
    );
    assert_eq!(effects, [Effect::Refresh(vec![SourceId(0)])]);
    assert!(app.undo[1].undone && !app.undo[0].undone);
    palette_undo(&mut app);
    let second = confirm(&mut app);
    let Action::Undo(undo) = &second else {
        panic!("{second:?}")
    };
    assert_eq!(undo.inverse, container("web-1", ContainerOp::Start));
    assert_eq!(undo.original_at, common::at(1));
}

#[test]
fn u_names_why_a_feed_line_cannot_be_undone() {
    let mut app = docker_app();
    done_at(&mut app, &container("web-1", ContainerOp::Stop), 1);
    done_at(&mut app, &container("web-1", ContainerOp::Restart), 2);
    update(&mut app, common::ch('u'));
    assert!(toast(&app).contains("change feed"), "{}", toast(&app));
    update(&mut app, common::ch('f'));
    update(&mut app, common::ch('u'));
    assert!(app.view.overlays.is_empty());
    assert!(
        toast(&app).starts_with("this line cannot be undone"),
        "{}",
        toast(&app)
    );
    // The line below, the stop, can be.
    update(&mut app, common::ch('j'));
    update(&mut app, common::ch('u'));
    assert_eq!(confirming(&app), "Undo: start container 'web-1'");
}

#[test]
fn failed_actions_are_not_offered_and_the_history_is_bounded() {
    let mut app = docker_app();
    let failed = Done {
        at: common::at(1),
        result: Err(SourceError::Other("no such container".into())),
        inverse: None,
    };
    report(&mut app, container("web-1", ContainerOp::Stop), failed);
    palette_undo(&mut app);
    assert!(app.view.overlays.is_empty());
    assert!(
        toast(&app).starts_with("nothing to undo"),
        "{}",
        toast(&app)
    );
    for i in 0..150 {
        done_at(&mut app, &container(&format!("c{i}"), ContainerOp::Stop), i);
    }
    assert_eq!(app.undo.len(), flightdeck::app::undo::HISTORY_LEN);
    assert_eq!(
        app.undo[0].undo.original,
        container("c50", ContainerOp::Stop)
    );
}

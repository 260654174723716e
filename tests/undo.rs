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

/// A seeded model whose alias flightdeck set, the executor that did it (writing
/// to `audit`) and the app it reported to.
struct Setup {
    url: String,
    api: Api,
    model: String,
    audit: std::path::PathBuf,
    ex: Executor,
    app: App,
    _dir: tempfile::TempDir,
}

/// Seeds a model (`champion` → v2, `challenger` → v3), then sets `alias` to
/// `version` through the executor and reports it to a fresh app.
async fn set_through_flightdeck(alias: &str, version: &str) -> Option<Setup> {
    let url = server()?;
    let api = Api::new(&url);
    let model = seed(&api).await.model;
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.jsonl");
    let ex = mlflow_executor(&url, false, &audit);
    let mut app = mlflow_app();
    let action = set_alias(&model, alias, version);
    let done = ex.act(&action).await;
    done.result.as_ref().unwrap();
    report(&mut app, action, done);
    Some(Setup {
        url,
        api,
        model,
        audit,
        ex,
        app,
        _dir: dir,
    })
}

/// The headline: a mistaken promotion is one `:undo` and `y` away from reverted,
/// on the server, audited as an undo of the promotion.
#[tokio::test]
async fn undo_of_an_alias_move_puts_the_alias_back_on_the_server() {
    let Some(mut s) = set_through_flightdeck("champion", "3").await else {
        return;
    };
    let model = s.model.clone();
    assert_eq!(
        s.app.undo[0].undo.inverse,
        set_alias(&model, "champion", "2")
    );
    assert_eq!(
        s.api.aliases(&model).await[1],
        ("champion".into(), "3".into())
    );

    palette_undo(&mut s.app);
    let screen = common::screen(&s.app, 120, 40);
    assert!(
        screen.contains("Undo: move alias 'champion' back to version 2 of"),
        "{screen}"
    );
    assert!(screen.contains("on mlflow? (y/N)"), "{screen}");
    let undo = confirm(&mut s.app);
    let done = s.ex.act(&undo).await;
    done.result.as_ref().unwrap();
    assert_eq!(done.inverse, None, "an undo is not itself undone");
    assert_eq!(
        s.api.aliases(&model).await,
        [
            ("challenger".to_owned(), "3".to_owned()),
            ("champion".to_owned(), "2".to_owned())
        ]
    );
    report(&mut s.app, undo, done);

    let lines = audit_lines(&s.audit);
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
    assert_eq!(palette_undo(&mut s.app), Vec::new());
    let text = toast(&s.app);
    assert!(text.starts_with("nothing to undo"), "{text}");
}

/// An alias that did not exist is deleted again; `u` on its feed line does it.
#[tokio::test]
async fn undo_of_a_new_alias_from_the_feed_deletes_it() {
    let Some(mut s) = set_through_flightdeck("staging", "1").await else {
        return;
    };
    let aliases = s.api.aliases(&s.model).await;
    assert!(
        aliases.contains(&("staging".into(), "1".into())),
        "{aliases:?}"
    );

    update(&mut s.app, common::ch('f'));
    update(&mut s.app, common::ch('u'));
    let screen = common::screen(&s.app, 80, 24);
    assert!(screen.contains("delete the new alias"), "{screen}");
    let undo = confirm(&mut s.app);
    s.ex.act(&undo).await.result.unwrap();
    let aliases = s.api.aliases(&s.model).await;
    assert!(aliases.iter().all(|(a, _)| a != "staging"), "{aliases:?}");
}

/// An undo never overwrites a change made since: the alias moved on, so it stays.
#[tokio::test]
async fn undo_is_refused_when_the_alias_moved_since() {
    let Some(mut s) = set_through_flightdeck("champion", "3").await else {
        return;
    };
    let moved = serde_json::json!({"name": s.model, "alias": "champion", "version": "1"});
    s.api.post("registered-models/alias", moved).await;
    palette_undo(&mut s.app);
    let undo = confirm(&mut s.app);
    let err = s.ex.act(&undo).await.result.unwrap_err().to_string();
    assert!(
        err.contains("now points at version 1, not on version 3"),
        "{err}"
    );
    let aliases = s.api.aliases(&s.model).await;
    assert!(
        aliases.contains(&("champion".into(), "1".into())),
        "{aliases:?}"
    );
}

/// Under `--read-only` the TUI refuses at once and the executor refuses too:
/// the alias stays where it is and the refusal is audited as an undo.
#[tokio::test]
async fn undo_under_read_only_changes_nothing() {
    let Some(mut s) = set_through_flightdeck("champion", "3").await else {
        return;
    };
    s.app.read_only = true;
    assert_eq!(palette_undo(&mut s.app), Vec::new());
    assert!(s.app.view.overlays.is_empty(), "{:?}", s.app.view.overlays);
    assert!(toast(&s.app).contains("read-only"), "{}", toast(&s.app));
    update(&mut s.app, common::ch('f'));
    assert_eq!(update(&mut s.app, common::ch('u')), Vec::new());
    assert!(s.app.view.overlays.is_empty());

    let undo = Action::Undo(Box::new(s.app.undo[0].undo.clone()));
    let refused = mlflow_executor(&s.url, true, &s.audit).act(&undo).await;
    assert!(matches!(refused.result, Err(SourceError::ReadOnly)));
    assert_eq!(refused.inverse, None);
    let aliases = s.api.aliases(&s.model).await;
    assert!(
        aliases.contains(&("champion".into(), "3".into())),
        "{aliases:?}"
    );
    let lines = audit_lines(&s.audit);
    assert_eq!(lines[1]["outcome"], "refused");
    assert_eq!(lines[1]["undo_of"]["time"], lines[0]["time"]);
    // Refused, so it is still there to undo once writable.
    s.app.read_only = false;
    report(&mut s.app, undo, refused);
    assert!(!s.app.undo[0].undone);
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

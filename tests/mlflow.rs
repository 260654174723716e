//! The MLflow source, its actions and `status` against the real server that
//! `scripts/test` starts (MLflow 3.17.2, sqlite store). Without the server these
//! tests skip, except under `CI`, where they fail. Faults the real server cannot
//! be made to show (401, no registry, malformed JSON, paging) use wiremock.
#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;
#[path = "common/mlflow.rs"]
mod fixture;

use std::collections::HashMap;

use crossterm::event::KeyCode;
use fixture::{Api, commit, config, seed, server};
use flightdeck::actions::Action;
use flightdeck::actions::audit::AuditLog;
use flightdeck::actions::executor::Executor;
use flightdeck::app::effect::Effect;
use flightdeck::app::msg::Msg;
use flightdeck::app::update::update;
use flightdeck::error::SourceError;
use flightdeck::sources::mlflow::{MlflowClient, MlflowSource, run_detail};
use flightdeck::sources::{Payload, Source, SourceId, SourceKind, Update};
use flightdeck::state::model::{ModelsSnapshot, VersionStatus};
use flightdeck::state::{Severity, Store};
use flightdeck::view::Tab;

/// Returns from the test early when there is no server (never under `CI`).
macro_rules! need_server {
    () => {
        match server() {
            Some(url) => url,
            None => return,
        }
    };
}

async fn poll(url: &str, models: &[&str]) -> ModelsSnapshot {
    let mut source = MlflowSource::new(&config(url, models));
    match source.poll().await {
        Ok(Payload::Models(s)) => s,
        other => panic!("poll: {other:?}"),
    }
}

fn executor(url: &str, read_only: bool) -> Executor {
    let client = MlflowClient::new(&config(url, &[])).unwrap();
    Executor::new(HashMap::new(), read_only, AuditLog::new(None))
        .with_mlflow(HashMap::from([(SourceId(0), client)]))
}

#[tokio::test]
async fn reports_seeded_model_with_versions_aliases_runs_and_commits() {
    let url = need_server!();
    let api = Api::new(&url);
    let seeded = seed(&api).await;
    let snap = poll(&url, &[&seeded.model]).await;
    let m = snap.model(&seeded.model).unwrap();
    assert_eq!(m.summary(), "Seeded by flightdeck's tests");
    assert_eq!(m.tags.get("team").map(String::as_str), Some("risk"));
    assert_eq!(m.alias_text(), "challenger → v3, champion → v2");
    let versions: Vec<&str> = m.versions.iter().map(|v| v.version.as_str()).collect();
    assert_eq!(versions, ["3", "2", "1"]);
    let v2 = m.version("2").unwrap();
    assert_eq!(v2.status, VersionStatus::Ready);
    assert_eq!(v2.aliases, ["champion"]);
    assert_eq!(v2.run_id.as_deref(), Some(seeded.runs[1].as_str()));
    assert_eq!(v2.run_name.as_deref(), Some("train-2"));
    assert_eq!(v2.git_commit, Some(commit(2)));
    assert!(snap.missing.is_empty());
}

#[tokio::test]
async fn lists_all_models_when_none_are_named_and_flags_unknown_ones() {
    let url = need_server!();
    let api = Api::new(&url);
    let seeded = seed(&api).await;
    let all = poll(&url, &[]).await;
    assert!(all.model(&seeded.model).is_some());
    let named = poll(&url, &[&seeded.model, "no-such-model-here"]).await;
    assert_eq!(named.models.len(), 1);
    assert_eq!(named.missing, ["no-such-model-here"]);
}

#[tokio::test]
async fn reads_a_versions_run_with_params_metrics_and_history() {
    let url = need_server!();
    let seeded = seed(&Api::new(&url)).await;
    let client = MlflowClient::new(&config(&url, &[])).unwrap();
    let run = run_detail(&client, &seeded.runs[2]).await.unwrap();
    assert_eq!(run.params.get("lr").map(String::as_str), Some("0.3"));
    assert_eq!(run.history["accuracy"].len(), 10);
    assert_eq!(run.history["accuracy"][9].step, 9);
    assert!((run.metrics["accuracy"] - 0.71).abs() < 1e-9);
    assert_eq!(run.git_commit(), Some(commit(3).as_str()));
    let missing = run_detail(&client, "0123456789abcdef0123456789abcdef").await;
    assert!(
        matches!(missing, Err(SourceError::NotFound { .. })),
        "{missing:?}"
    );
}

/// The whole path: keys in the TUI build the action, the executor runs it, the
/// server has moved `champion`, and the next poll shows it.
#[tokio::test]
async fn setting_champion_from_the_tui_moves_it_on_the_server() {
    let url = need_server!();
    let api = Api::new(&url);
    let seeded = seed(&api).await;
    let mut app = common::app(vec![common::spec(SourceKind::Mlflow, "mlflow")]);
    let snap = poll(&url, &[&seeded.model]).await;
    let polled = Update::Polled {
        source: SourceId(0),
        at: common::at(0),
        result: Ok(Payload::Models(snap)),
    };
    update(&mut app, Msg::Source(polled));
    update(&mut app, common::ch('4'));
    update(&mut app, common::key(KeyCode::Enter));
    assert_eq!(app.row_ids(Tab::Models), ["3", "2", "1"]);
    update(&mut app, common::ch('a'));
    common::type_text(&mut app, "champion");
    update(&mut app, common::key(KeyCode::Enter));
    let effects = update(&mut app, common::ch('y'));
    let [Effect::Execute(action)] = effects.as_slice() else {
        panic!("expected one action, got {effects:?}");
    };
    executor(&url, false).execute(action).await.unwrap();
    assert_eq!(
        api.aliases(&seeded.model).await,
        [
            ("challenger".to_owned(), "3".to_owned()),
            ("champion".to_owned(), "3".to_owned())
        ]
    );
    let snap = poll(&url, &[&seeded.model]).await;
    assert_eq!(
        snap.models[0].version("3").unwrap().aliases,
        ["challenger", "champion"]
    );
}

#[tokio::test]
async fn delete_alias_and_transition_stage_change_the_server() {
    let url = need_server!();
    let api = Api::new(&url);
    let seeded = seed(&api).await;
    let ex = executor(&url, false);
    let delete = Action::DeleteAlias {
        source: SourceId(0),
        host: "mlflow".into(),
        model: seeded.model.clone(),
        alias: "challenger".into(),
        version: "3".into(),
    };
    ex.execute(&delete).await.unwrap();
    assert_eq!(
        api.aliases(&seeded.model).await,
        [("champion".to_owned(), "2".to_owned())]
    );
    let stage = Action::TransitionStage {
        source: SourceId(0),
        host: "mlflow".into(),
        model: seeded.model.clone(),
        version: "1".into(),
        stage: "Staging".into(),
    };
    ex.execute(&stage).await.unwrap();
    let snap = poll(&url, &[&seeded.model]).await;
    assert_eq!(
        snap.models[0].version("1").unwrap().stage.as_deref(),
        Some("Staging")
    );
    // A bad alias name is the server's to refuse, and its words come back.
    let bad = Action::SetAlias {
        source: SourceId(0),
        host: "mlflow".into(),
        model: seeded.model.clone(),
        alias: "latest".into(),
        version: "1".into(),
    };
    let err = ex.execute(&bad).await.unwrap_err();
    assert!(
        matches!(err, SourceError::Http { status: 400, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn read_only_refuses_and_leaves_the_server_alone() {
    let url = need_server!();
    let api = Api::new(&url);
    let seeded = seed(&api).await;
    let action = Action::SetAlias {
        source: SourceId(0),
        host: "mlflow".into(),
        model: seeded.model.clone(),
        alias: "champion".into(),
        version: "1".into(),
    };
    let err = executor(&url, true).execute(&action).await.unwrap_err();
    assert_eq!(err, SourceError::ReadOnly);
    assert!(
        api.aliases(&seeded.model)
            .await
            .contains(&("champion".to_owned(), "2".to_owned()))
    );
}

#[tokio::test]
async fn status_reports_the_newest_and_aliased_versions() {
    let url = need_server!();
    let seeded = seed(&Api::new(&url)).await;
    let mut store = Store::new(vec![common::spec(SourceKind::Mlflow, "mlflow")]);
    let snap = poll(&url, &[&seeded.model]).await;
    store.apply(Update::Polled {
        source: SourceId(0),
        at: common::at(0),
        result: Ok(Payload::Models(snap)),
    });
    let report = flightdeck::status::report(&store, common::at(0));
    let items: Vec<&flightdeck::status::Item> = report
        .items
        .iter()
        .filter(|i| i.kind == "model_version")
        .collect();
    let ids: Vec<&str> = items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids.len(), 2, "{ids:?}");
    let v3 = items.iter().find(|i| i.id.ends_with("/3")).unwrap();
    let json = serde_json::to_value(v3).unwrap();
    assert_eq!(json["model"], seeded.model.as_str());
    assert_eq!(json["version"], "3");
    assert_eq!(json["aliases"], serde_json::json!(["challenger"]));
    assert_eq!(json["status"], "READY");
    assert_eq!(json["run_id"], seeded.runs[2].as_str());
    assert_eq!(json["git_commit"], commit(3).as_str());
    assert_eq!(json["severity"], "ok");
    assert_eq!(report.status, Severity::Ok);
}

/// The pane over real data: seeded models with aliases, a version's metric chart,
/// and the comparison of the champion with the newest version.
#[tokio::test]
async fn the_pane_shows_real_models_chart_and_comparison() {
    let url = need_server!();
    let seeded = seed(&Api::new(&url)).await;
    let client = MlflowClient::new(&config(&url, &[])).unwrap();
    let mut app = common::app(vec![common::spec(SourceKind::Mlflow, "mlflow")]);
    let snap = poll(&url, &[&seeded.model]).await;
    let polled = Update::Polled {
        source: SourceId(0),
        at: common::at(0),
        result: Ok(Payload::Models(snap)),
    };
    update(&mut app, Msg::Source(polled));
    update(&mut app, common::ch('4'));
    let screen = common::screen(&app, 160, 40);
    assert!(
        screen.contains("challenger → v3, champion → v2"),
        "{screen}"
    );
    // Each FetchRun effect is run as the loop would, against the server.
    let deliver = async |app: &mut flightdeck::app::App, effects: Vec<Effect>| {
        for effect in effects {
            if let Effect::FetchRun { source, run_id } = effect {
                let result = run_detail(&client, &run_id).await;
                update(
                    app,
                    Msg::Source(Update::RunDetail {
                        source,
                        run_id,
                        result,
                    }),
                );
            }
        }
    };
    update(&mut app, common::key(KeyCode::Enter));
    let effects = update(&mut app, common::key(KeyCode::Enter));
    deliver(&mut app, effects).await;
    let screen = common::screen(&app, 120, 40);
    assert!(screen.contains("accuracy by step (10 points)"), "{screen}");
    assert!(screen.contains(&commit(3)), "{screen}");
    assert!(screen.contains("lr = 0.3"), "{screen}");
    update(&mut app, common::key(KeyCode::Esc));
    let effects = update(&mut app, common::ch('c'));
    deliver(&mut app, effects).await;
    let screen = common::screen(&app, 120, 40);
    assert!(
        screen.contains("compare v2 @champion (base) with v3 @challenger"),
        "{screen}"
    );
    assert!(screen.contains("+0.01  higher"), "{screen}");
    assert!(screen.contains("PARAMS: 1 of 2 differ"), "{screen}");
}

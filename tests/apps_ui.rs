//! Apps on the Overview: one row per app, worst first, above "Needs attention";
//! the app card (Enter), its parts opening in their tabs and Esc coming back; the
//! `app` status items; and the incident snapshot, which lists the same attention
//! items as `status --json`.
#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;
#[path = "common/containers.rs"]
mod containers;
#[path = "common/models.rs"]
mod models;
#[path = "common/pipelines.rs"]
mod pipelines;

use std::collections::BTreeMap;

use common::{app, at, ch, key, now, screen, spec};
use crossterm::event::KeyCode;
use flightdeck::app::App;
use flightdeck::app::effect::Effect;
use flightdeck::app::msg::Msg;
use flightdeck::app::update::update;
use flightdeck::config::{AppSpec, ModelRef, Selector};
use flightdeck::sources::redact::Secrets;
use flightdeck::state::pipeline::{PipelineRun, RunConclusion, RunStatus};
use flightdeck::state::{Payload, Severity, SourceId, SourceKind, Update};
use flightdeck::status::snapshot;
use flightdeck::view::Tab;

const WEB_SHA: &str = "9f1c2e7a4b3d5f60718293a4b5c6d7e8f9a0b1c2";

fn poll(a: &mut App, source: usize, payload: Payload) {
    let msg = Update::Polled {
        source: SourceId(source),
        at: at(0),
        result: Ok(payload),
    };
    update(a, Msg::Source(msg));
    update(a, Msg::Tick { now: at(0) });
}

fn done(id: u64, repo: &str, workflow: &str, ok: bool, mins: i64) -> PipelineRun {
    let conclusion = if ok {
        RunConclusion::Success
    } else {
        RunConclusion::Failure
    };
    pipelines::run(
        id,
        repo,
        workflow,
        "main",
        RunStatus::Completed,
        Some(conclusion),
        mins,
    )
}

/// The web image's build (#20), then two newer green builds of acme/shop; acme/api's
/// newest CI run failed.
fn runs() -> Vec<PipelineRun> {
    let mut built = done(1020, "acme/shop", "Build", true, 120);
    WEB_SHA.clone_into(&mut built.head_sha);
    vec![
        done(1023, "acme/api", "CI", false, 5),
        done(1022, "acme/shop", "Build", true, 30),
        done(1021, "acme/shop", "Build", true, 60),
        built,
        done(1019, "acme/api", "CI", true, 200),
    ]
}

fn apps() -> Vec<AppSpec> {
    vec![
        AppSpec {
            name: "shop".into(),
            repo: Some("acme/shop".into()),
            containers: vec![Selector::Name("shop-web-*".into())],
            ..AppSpec::default()
        },
        AppSpec {
            name: "checkout".into(),
            repo: Some("acme/api".into()),
            containers: vec![Selector::Name("shop-api-*".into())],
            ..AppSpec::default()
        },
        AppSpec {
            name: "fraud".into(),
            model: Some(ModelRef::parse("fraud-detector@champion").unwrap()),
            alerts: BTreeMap::new(),
            ..AppSpec::default()
        },
    ]
}

/// Docker, GitHub and MLflow with three apps: checkout broken, shop behind, fraud fine.
fn with_apps() -> App {
    let mut a = app(vec![
        spec(SourceKind::Docker, "local"),
        spec(SourceKind::Github, "github"),
        spec(SourceKind::Mlflow, "mlflow"),
    ]);
    a.store.apps = apps();
    let containers = vec![containers::web(), containers::api(), containers::db()];
    poll(&mut a, 0, Payload::Containers(containers));
    poll(&mut a, 1, pipelines::payload(runs()));
    let mut registry = models::registry();
    registry.models.retain(|m| m.name == "fraud-detector");
    registry.models[0].versions.retain(|v| v.version != "3");
    poll(&mut a, 2, Payload::Models(registry));
    a
}

#[test]
fn apps_rows_sit_above_attention_worst_first() {
    let mut a = with_apps();
    let rows: Vec<String> = a.screen().apps().into_iter().map(|x| x.name).collect();
    assert_eq!(rows, ["checkout", "shop", "fraud"]);
    let text = screen(&a, 120, 40);
    let apps_at = text.find("Apps (3)").unwrap();
    assert!(apps_at < text.find("Needs attention").unwrap(), "{text}");
    assert!(text.contains("build ✗ CI #23 failure"), "{text}");
    assert!(text.contains("deploy ! 9f1c2e7 2 runs behind"), "{text}");
    insta::assert_snapshot!("apps_overview_120x40", text);
    a.size = (80, 24);
    insta::assert_snapshot!("apps_overview_80x24", screen(&a, 80, 24));
}

#[test]
fn enter_opens_the_card_and_its_parts_open_in_their_tabs() {
    let mut a = with_apps();
    a.size = (120, 40);
    update(&mut a, key(KeyCode::Enter));
    assert_eq!(a.view.overview.card.as_deref(), Some("checkout"));
    let text = screen(&a, 120, 40);
    assert!(text.contains("checkout — CRITICAL"), "{text}");
    assert!(text.contains("→ Pipelines"), "{text}");
    insta::assert_snapshot!("apps_card_120x40", text);
    a.size = (80, 24);
    insta::assert_snapshot!("apps_card_80x24", screen(&a, 80, 24));
    // Enter on the build part opens the failed run in Pipelines; Esc comes back.
    update(&mut a, key(KeyCode::Enter));
    assert_eq!(a.view.tab, Tab::Pipelines);
    assert_eq!(
        a.view.tables[Tab::Pipelines.index()].selected.as_deref(),
        Some("1023")
    );
    update(&mut a, key(KeyCode::Esc));
    assert_eq!(a.view.tab, Tab::Overview);
    assert_eq!(
        a.view.overview.card.as_deref(),
        Some("checkout"),
        "back on the card"
    );
    // j: the containers part (deploy is second); Enter selects the api container.
    update(&mut a, ch('j'));
    update(&mut a, ch('j'));
    update(&mut a, key(KeyCode::Enter));
    assert_eq!(a.view.tab, Tab::Containers);
    update(&mut a, key(KeyCode::Esc));
    update(&mut a, key(KeyCode::Esc));
    assert_eq!(a.view.overview.card, None, "Esc closes the card");
    assert_eq!(a.view.tab, Tab::Overview);
}

#[test]
fn app_items_in_status_carry_build_deploy_and_parts() {
    let a = with_apps();
    let report = flightdeck::status::report(&a.store, now());
    let item = |name: &str| {
        report
            .items
            .iter()
            .find(|i| i.kind == "app" && i.name == name)
            .unwrap()
            .clone()
    };
    let checkout = item("checkout");
    assert_eq!(checkout.severity, Severity::Critical);
    assert_eq!(checkout.fields["build"], "CI #23 failure");
    let shop = item("shop");
    assert_eq!(shop.severity, Severity::Warning, "lag alone warns");
    assert_eq!(shop.fields["deploy"], "9f1c2e7 2 runs behind");
    let parts = shop.fields["parts"].as_array().unwrap();
    let names: Vec<&str> = parts.iter().map(|p| p["part"].as_str().unwrap()).collect();
    assert_eq!(names, ["build", "deploy", "containers"]);
    let fraud = item("fraud");
    assert_eq!(fraud.fields["build"], serde_json::Value::Null);
    assert_eq!(fraud.severity, Severity::Ok);
}

#[test]
fn snapshot_lists_what_status_lists_and_reads_as_markdown() {
    let a = with_apps();
    let report = flightdeck::status::report(&a.store, now());
    let snap = snapshot::build(&a.store, now(), true);
    let json: serde_json::Value =
        serde_json::from_str(&snapshot::to_json(&snap, &Secrets::none())).unwrap();
    let listed: Vec<(String, String)> = json["attention"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["kind"].as_str().unwrap().to_owned(),
                i["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let status: Vec<(String, String)> = report
        .items
        .iter()
        .filter(|i| i.severity != Severity::Ok && i.kind != "app")
        .map(|i| (i.kind.to_owned(), i.id.clone()))
        .collect();
    let mut sorted = listed.clone();
    sorted.sort();
    let mut want = status;
    want.sort();
    assert!(!want.is_empty());
    assert_eq!(sorted, want);
    assert_eq!(json["status"], "critical");
    assert_eq!(json["apps"].as_array().unwrap().len(), 3);
    let mut snap = snap;
    snap.logs.push(snapshot::ContainerLog {
        source: "local".into(),
        container: "shop-api-1".into(),
        state: "running".into(),
        lines: vec!["GET /health 500".into(), "a ``` fence".into()],
        error: None,
    });
    snap.alerts.push(snapshot::FiringAlert {
        name: "HighLatency".into(),
        severity: Severity::Critical,
        summary: "p95 over 2s".into(),
        labels: [("alertname", "HighLatency"), ("service", "checkout")]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .into(),
    });
    let mut secrets = Secrets::none();
    secrets.add("shop-api-1");
    let md = snapshot::markdown(&snap, &secrets);
    assert!(
        !md.contains("shop-api-1") && md.contains("***"),
        "secrets are scrubbed"
    );
    insta::assert_snapshot!(
        "snapshot_markdown",
        snapshot::markdown(&snap, &Secrets::none())
    );
}

#[test]
fn palette_snapshot_asks_the_loop_to_write_it() {
    let mut a = with_apps();
    update(&mut a, ch(':'));
    common::type_text(&mut a, "snapshot");
    let effects = update(&mut a, key(KeyCode::Enter));
    assert_eq!(effects, vec![Effect::Snapshot]);
}

//! Model-registry fixtures for the Models pane tests: a registry with aliases,
//! failed and pending versions and a long name, source runs with metric
//! histories, and an app on the Models tab fed with them at a fixed `now`.
#![allow(dead_code, reason = "each test uses a different subset")]

use std::collections::BTreeMap;

use flightdeck::app::App;
use flightdeck::app::msg::Msg;
use flightdeck::app::update::update;
use flightdeck::state::model::{
    GIT_COMMIT_TAG, MetricPoint, ModelVersion, ModelsSnapshot, RegisteredModel, RunDetail,
    VersionStatus,
};
use flightdeck::state::{Payload, SourceId, SourceKind, Update};

use super::common::{app, at, spec};

/// A READY version `v` made by run `run-v`, created `v` hours after a fixed start.
pub fn version(v: u32, status: VersionStatus, aliases: &[&str]) -> ModelVersion {
    ModelVersion {
        version: v.to_string(),
        status,
        status_message: (status == VersionStatus::Failed)
            .then(|| "artifact copy failed: permission denied".to_owned()),
        stage: None,
        created: Some(at(-3600 * i64::from(10 - v))),
        updated: Some(at(-1800 * i64::from(10 - v))),
        run_id: Some(format!("{v:0>32}")),
        run_name: Some(format!("train-{v}")),
        git_commit: Some(format!("{v}f1c2e7a4b3d5f60718293a4b5c6d7e8f9a0b1c2")),
        source: Some(format!("runs:/{v:0>32}/model")),
        description: String::new(),
        aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
        tags: BTreeMap::new(),
    }
}

/// `fraud-detector`: v1–v4, champion → v2, challenger → v4; v3 failed.
pub fn fraud() -> RegisteredModel {
    RegisteredModel {
        name: "fraud-detector".into(),
        description: "Card fraud scoring\nTrained nightly on the last 90 days.".into(),
        updated: Some(at(-1800)),
        tags: BTreeMap::from([("team".into(), "risk".into())]),
        aliases: BTreeMap::from([
            ("champion".into(), "2".into()),
            ("challenger".into(), "4".into()),
        ]),
        versions: vec![
            version(4, VersionStatus::Ready, &["challenger"]),
            version(3, VersionStatus::Failed, &[]),
            version(2, VersionStatus::Ready, &["champion"]),
            version(1, VersionStatus::Ready, &[]),
        ],
        truncated: false,
    }
}

/// The registry: fraud-detector, a pending churn model, and a long-named one.
pub fn registry() -> ModelsSnapshot {
    let churn = RegisteredModel {
        name: "churn".into(),
        description: String::new(),
        updated: Some(at(-7200)),
        tags: BTreeMap::new(),
        aliases: BTreeMap::new(),
        versions: vec![version(1, VersionStatus::Pending, &[])],
        truncated: false,
    };
    let long = RegisteredModel {
        name: "recommendations-two-tower-retrieval-with-a-very-long-name".into(),
        description: "Retrieval stage of the recommender".into(),
        updated: Some(at(-86_400 * 3)),
        tags: BTreeMap::from([("owner".into(), "search".into())]),
        aliases: BTreeMap::from([("prod".into(), "1".into())]),
        versions: vec![version(1, VersionStatus::Ready, &["prod"])],
        truncated: false,
    };
    ModelsSnapshot {
        models: vec![churn, fraud(), long],
        missing: vec![],
    }
}

/// The source run of version `v`: accuracy rising by step, a loss, params.
pub fn run(v: u32) -> RunDetail {
    let acc: Vec<MetricPoint> = (0..20_i32)
        .map(|s| MetricPoint {
            step: i64::from(s),
            value: 0.5 + f64::from(v) * 0.02 + f64::from(s) * 0.015,
            timestamp: i64::from(s) * 1000,
        })
        .collect();
    let last = acc.last().map_or(0.0, |p| p.value);
    let loss = vec![MetricPoint {
        step: 19,
        value: 0.3 - f64::from(v) * 0.01,
        timestamp: 0,
    }];
    RunDetail {
        run_id: format!("{v:0>32}"),
        run_name: Some(format!("train-{v}")),
        status: Some("FINISHED".into()),
        params: BTreeMap::from([
            (
                "lr".into(),
                if v == 4 { "0.05".into() } else { "0.1".into() },
            ),
            ("epochs".into(), "20".into()),
        ]),
        metrics: BTreeMap::from([
            ("accuracy".into(), last),
            ("loss".into(), 0.3 - f64::from(v) * 0.01),
        ]),
        history: BTreeMap::from([("accuracy".into(), acc), ("loss".into(), loss)]),
        tags: BTreeMap::from([(GIT_COMMIT_TAG.into(), format!("{v}f1c2e7a"))]),
    }
}

/// An app with one MLflow source fed `snapshot` at `at(0)`, on the Models tab.
pub fn models_app(snapshot: ModelsSnapshot) -> App {
    let mut a = app(vec![spec(SourceKind::Mlflow, "mlflow")]);
    let poll = Update::Polled {
        source: SourceId(0),
        at: at(0),
        result: Ok(Payload::Models(snapshot)),
    };
    update(&mut a, Msg::Source(poll));
    update(&mut a, super::common::ch('4'));
    update(&mut a, Msg::Tick { now: at(5) });
    a
}

/// Delivers the run of version `v` as the loop would after `FetchRun`.
pub fn deliver_run(a: &mut App, v: u32) {
    let msg = Update::RunDetail {
        source: SourceId(0),
        run_id: format!("{v:0>32}"),
        result: Ok(run(v)),
    };
    update(a, Msg::Source(msg));
}

//! Fixtures for the tests against the real MLflow server that `scripts/test`
//! starts (its URL in FLIGHTDECK_TEST_MLFLOW_URL): seeding over the REST API
//! (an experiment, runs with metric histories and a git commit tag, a registered
//! model with versions and aliases) under names unique to each test.
#![allow(dead_code, reason = "not every test uses every helper")]

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use flightdeck::config::MlflowConfig;
use serde_json::{Value, json};

/// The variable `scripts/test` exports the server's URL in.
pub const URL_VAR: &str = "FLIGHTDECK_TEST_MLFLOW_URL";

/// The server's URL; panics when `CI` is set and there is none (CI must not skip).
pub fn server() -> Option<String> {
    match std::env::var(URL_VAR) {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => {
            panic!(
                "CI is set, so the MLflow tests must run, but {URL_VAR} is not set (run scripts/test)"
            )
        }
        _ => {
            eprintln!(
                "skipping: {URL_VAR} is not set (scripts/test starts a server; set CI=1 to make this a failure)"
            );
            None
        }
    }
}

/// A name no other test (or earlier run) uses.
pub fn unique(prefix: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{prefix}-{nanos}-{}", N.fetch_add(1, Ordering::Relaxed))
}

/// `[mlflow]` for the test server, watching `models`.
pub fn config(url: &str, models: &[&str]) -> MlflowConfig {
    MlflowConfig {
        url: url.to_owned(),
        token_env: None,
        username_env: None,
        password_env: None,
        models: models.iter().map(|m| (*m).to_owned()).collect(),
        interval: Duration::from_secs(30),
    }
}

/// A tiny REST client for seeding and reading back.
pub struct Api {
    http: reqwest::Client,
    base: String,
}

impl Api {
    /// A client for the server at `url`.
    pub fn new(url: &str) -> Api {
        Api {
            http: reqwest::Client::new(),
            base: format!("{}/api/2.0/mlflow/", url.trim_end_matches('/')),
        }
    }

    /// POSTs `body` and returns the JSON answer; panics on an error status.
    pub async fn post(&self, endpoint: &str, body: Value) -> Value {
        let r = self
            .http
            .post(format!("{}{endpoint}", self.base))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = r.status();
        let text = r.text().await.unwrap();
        assert!(status.is_success(), "{endpoint}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    /// GETs with `query` and returns the JSON answer; panics on an error status.
    pub async fn get(&self, endpoint: &str, query: &[(&str, &str)]) -> Value {
        let r = self
            .http
            .get(format!("{}{endpoint}", self.base))
            .query(query)
            .send()
            .await
            .unwrap();
        let status = r.status();
        let text = r.text().await.unwrap();
        assert!(status.is_success(), "{endpoint}: {status} {text}");
        serde_json::from_str(&text).unwrap()
    }

    /// The aliases of `model` as (alias, version) pairs, read back from the server.
    pub async fn aliases(&self, model: &str) -> Vec<(String, String)> {
        let answer = self.get("registered-models/get", &[("name", model)]).await;
        let mut out: Vec<(String, String)> = answer["registered_model"]["aliases"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|x| {
                        (
                            x["alias"].as_str().unwrap().to_owned(),
                            x["version"].as_str().unwrap().to_owned(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        out.sort();
        out
    }
}

/// What `seed` created.
pub struct Seeded {
    /// The registered model's name.
    pub model: String,
    /// The source runs of versions 1, 2, 3.
    pub runs: Vec<String>,
    /// The experiment holding the runs.
    pub experiment: String,
}

/// The git commit tag of the run of version `v`.
pub fn commit(v: u32) -> String {
    format!("{v}abcdef0123456789abcdef0123456789abcdef0")
}

/// Seeds an experiment with three runs (accuracy over 10 steps, loss, params, a git
/// commit tag) and a model with a version per run; `champion` → v2, `challenger` → v3.
pub async fn seed(api: &Api) -> Seeded {
    let experiment = unique("flightdeck-exp");
    let answer = api
        .post("experiments/create", json!({"name": experiment}))
        .await;
    let exp_id = answer["experiment_id"].as_str().unwrap().to_owned();
    let model = unique("fd-model");
    api.post(
        "registered-models/create",
        json!({"name": model, "description": "Seeded by flightdeck's tests\nsecond line",
               "tags": [{"key": "team", "value": "risk"}]}),
    )
    .await;
    let mut runs = Vec::new();
    for v in 1..=3_u32 {
        let vf = f64::from(v);
        let run = api
            .post(
                "runs/create",
                json!({"experiment_id": exp_id, "run_name": format!("train-{v}"), "start_time": 1,
                       "tags": [{"key": "mlflow.source.git.commit", "value": commit(v)}]}),
            )
            .await;
        let run_id = run["run"]["info"]["run_id"].as_str().unwrap().to_owned();
        let metrics: Vec<Value> = (0..10_u32)
            .map(|s| json!({"key": "accuracy", "value": 0.5 + f64::from(s) * 0.02 + vf * 0.01, "timestamp": 1000 + s, "step": s}))
            .chain(std::iter::once(json!({"key": "loss", "value": 0.5 - vf * 0.1, "timestamp": 2000, "step": 9})))
            .collect();
        let params = vec![
            json!({"key": "lr", "value": format!("0.{v}")}),
            json!({"key": "epochs", "value": "10"}),
        ];
        api.post(
            "runs/log-batch",
            json!({"run_id": run_id, "metrics": metrics, "params": params}),
        )
        .await;
        api.post(
            "model-versions/create",
            json!({"name": model, "source": format!("runs:/{run_id}/model"), "run_id": run_id}),
        )
        .await;
        runs.push(run_id);
    }
    for (alias, version) in [("champion", "2"), ("challenger", "3")] {
        api.post(
            "registered-models/alias",
            json!({"name": model, "alias": alias, "version": version}),
        )
        .await;
    }
    Seeded {
        model,
        runs,
        experiment,
    }
}

//! On-demand reads and the registry's mutations: a run's detail with its metric
//! histories, setting and deleting aliases, and stage transitions.

use futures_util::{StreamExt, stream};
use serde_json::json;

use super::client::MlflowClient;
use super::fetch::Pages;
use super::wire;
use crate::error::SourceError;
use crate::state::model::{MetricPoint, RunDetail};

/// Most metrics whose history is read for one run.
const MAX_HISTORIES: usize = 40;
/// Most points read per metric history.
const MAX_POINTS: usize = 5_000;
/// Points per page of `metrics/get-history`.
const POINT_PAGE: usize = 1_000;

/// A run's params, latest metrics and metric histories.
pub async fn run_detail(client: &MlflowClient, run_id: &str) -> Result<RunDetail, SourceError> {
    let answer = client
        .get("runs/get", &[("run_id", run_id.to_owned())])
        .await?;
    let mut detail = wire::run(&answer).ok_or_else(|| SourceError::Malformed {
        target: client.target().to_owned(),
        detail: format!("'runs/get' for run '{run_id}' has no run"),
    })?;
    let keys: Vec<String> = detail.metrics.keys().take(MAX_HISTORIES).cloned().collect();
    let histories: Vec<(String, Result<Vec<MetricPoint>, SourceError>)> = stream::iter(keys)
        .map(|key| async move {
            let points = history(client, run_id, &key).await;
            (key, points)
        })
        .buffer_unordered(4)
        .collect()
        .await;
    for (key, points) in histories {
        detail.history.insert(key, points?);
    }
    Ok(detail)
}

/// One metric's history, oldest step first, following page tokens.
async fn history(
    client: &MlflowClient,
    run_id: &str,
    key: &str,
) -> Result<Vec<MetricPoint>, SourceError> {
    let mut points = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = Pages::default();
    loop {
        let mut query = vec![
            ("run_id", run_id.to_owned()),
            ("metric_key", key.to_owned()),
            ("max_results", POINT_PAGE.to_string()),
        ];
        if let Some(t) = token.take() {
            query.push(("page_token", t));
        }
        let page = client.get("metrics/get-history", &query).await?;
        let before = points.len();
        points.extend(wire::history(&page));
        token = pages.next(&page, points.len() - before);
        if token.is_none() || points.len() >= MAX_POINTS {
            points.sort_by_key(|p| (p.step, p.timestamp));
            points.truncate(MAX_POINTS);
            return Ok(points);
        }
    }
}

/// Points `alias` of `model` at `version` (moving it if it pointed elsewhere).
pub async fn set_alias(
    client: &MlflowClient,
    model: &str,
    alias: &str,
    version: &str,
) -> Result<(), SourceError> {
    let body = json!({"name": model, "alias": alias, "version": version});
    client
        .post("registered-models/alias", &body)
        .await
        .map(drop)
}

/// The version `alias` of `model` points at now (`None`: the alias is not set).
pub async fn alias_version(
    client: &MlflowClient,
    model: &str,
    alias: &str,
) -> Result<Option<String>, SourceError> {
    let answer = client
        .get("registered-models/get", &[("name", model.to_owned())])
        .await?;
    let mut found = wire::registered_model(&answer["registered_model"]).ok_or_else(|| {
        SourceError::Malformed {
            target: client.target().to_owned(),
            detail: format!("'registered-models/get' for model '{model}' has no model"),
        }
    })?;
    Ok(found.aliases.remove(alias))
}

/// Removes `alias` from `model`.
pub async fn delete_alias(
    client: &MlflowClient,
    model: &str,
    alias: &str,
) -> Result<(), SourceError> {
    let fields = [("name", model.to_owned()), ("alias", alias.to_owned())];
    client
        .delete("registered-models/alias", &fields)
        .await
        .map(drop)
}

/// Moves a version to a (deprecated) stage; the server's refusal is returned as is.
pub async fn transition_stage(
    client: &MlflowClient,
    model: &str,
    version: &str,
    stage: &str,
) -> Result<(), SourceError> {
    let body = json!({
        "name": model,
        "version": version,
        "stage": stage,
        "archive_existing_versions": false,
    });
    client
        .post("model-versions/transition-stage", &body)
        .await
        .map(drop)
}

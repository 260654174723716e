//! The registry reads of one poll: every model's name (paged), one model with its
//! aliases and versions (paged, capped), and a run's name and git commit.

use serde_json::Value;

use super::client::MlflowClient;
use super::{RunBrief, wire};
use crate::error::SourceError;
use crate::state::model::RegisteredModel;

/// Models per page of `registered-models/search`.
const MODEL_PAGE: usize = 100;
/// Versions per page of `model-versions/search`.
const VERSION_PAGE: usize = 200;
/// Most versions read per model; older ones are left out (and the model says so).
pub const MAX_VERSIONS: usize = 1_000;
/// Most models read in all.
const MAX_MODELS: usize = 2_000;

/// The names of every registered model, following page tokens.
pub async fn model_names(client: &MlflowClient) -> Result<Vec<String>, SourceError> {
    let mut names = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut query = vec![("max_results", MODEL_PAGE.to_string())];
        if let Some(t) = token.take() {
            query.push(("page_token", t));
        }
        let page = client.get("registered-models/search", &query).await?;
        check_object(client, &page, "registered-models/search")?;
        names.extend(
            wire::items(&page, "registered_models")
                .iter()
                .filter_map(|m| wire::text(m, "name")),
        );
        token = wire::next_page(&page);
        if token.is_none() || names.len() >= MAX_MODELS {
            return Ok(names);
        }
    }
}

/// One model with its aliases and versions; `None` when the server does not have it.
pub async fn model(
    client: &MlflowClient,
    name: &str,
) -> Result<Option<RegisteredModel>, SourceError> {
    let answer = match client
        .get("registered-models/get", &[("name", name.to_owned())])
        .await
    {
        Ok(a) => a,
        Err(SourceError::NotFound { .. }) => return Ok(None),
        Err(e) => return Err(e),
    };
    let Some(mut model) = answer
        .get("registered_model")
        .and_then(wire::registered_model)
    else {
        return Err(SourceError::Malformed {
            target: client.target().to_owned(),
            detail: format!("'registered-models/get' for '{name}' has no registered_model"),
        });
    };
    let (versions, truncated) = versions(client, name).await?;
    model.versions = versions;
    model.truncated = truncated;
    // `model-versions/search` leaves aliases out; the model's own list is the truth.
    for v in &mut model.versions {
        v.aliases = model
            .aliases
            .iter()
            .filter(|(_, version)| **version == v.version)
            .map(|(alias, _)| alias.clone())
            .collect();
    }
    Ok(Some(model))
}

/// A model's versions, newest first, and whether the cap cut some off.
async fn versions(
    client: &MlflowClient,
    name: &str,
) -> Result<(Vec<crate::state::model::ModelVersion>, bool), SourceError> {
    let filter = if name.contains('\'') {
        format!("name=\"{name}\"")
    } else {
        format!("name='{name}'")
    };
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut query = vec![
            ("filter", filter.clone()),
            ("max_results", VERSION_PAGE.to_string()),
            ("order_by", "version_number DESC".to_owned()),
        ];
        if let Some(t) = token.take() {
            query.push(("page_token", t));
        }
        let page = client.get("model-versions/search", &query).await?;
        check_object(client, &page, "model-versions/search")?;
        out.extend(
            wire::items(&page, "model_versions")
                .iter()
                .filter_map(wire::model_version),
        );
        token = wire::next_page(&page);
        if token.is_none() || out.len() >= MAX_VERSIONS {
            let truncated = token.is_some();
            out.sort_by_key(|v| std::cmp::Reverse(v.number()));
            out.truncate(MAX_VERSIONS);
            return Ok((out, truncated));
        }
    }
}

/// A run's name and git commit.
pub(super) async fn run_brief(
    client: &MlflowClient,
    run_id: &str,
) -> Result<RunBrief, SourceError> {
    let answer = client
        .get("runs/get", &[("run_id", run_id.to_owned())])
        .await?;
    let run = wire::run(&answer);
    Ok(RunBrief {
        name: run.as_ref().and_then(|r| r.run_name.clone()),
        git_commit: run.as_ref().and_then(wire::git_commit),
    })
}

/// Fails with a malformed-answer error unless the answer is a JSON object.
fn check_object(client: &MlflowClient, answer: &Value, endpoint: &str) -> Result<(), SourceError> {
    if answer.is_object() {
        Ok(())
    } else {
        Err(SourceError::Malformed {
            target: client.target().to_owned(),
            detail: format!("'{endpoint}' answered JSON that is not an object"),
        })
    }
}

//! The registry reads of one poll: every model's name (paged), one model with its
//! aliases and versions (paged, capped), and a run's name and git commit.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::client::MlflowClient;
use super::{RunBrief, wire};
use crate::error::SourceError;
use crate::state::model::{ModelVersion, RegisteredModel};

/// Models per page of `registered-models/search`.
const MODEL_PAGE: usize = 100;
/// Versions per page of `model-versions/search`.
const VERSION_PAGE: usize = 200;
/// Most versions read per model; older ones are left out (and the model says so).
pub const MAX_VERSIONS: usize = 1_000;
/// Most models read in all.
const MAX_MODELS: usize = 2_000;
/// Versions per page when every model's versions are read at once.
const ALL_VERSIONS_PAGE: usize = 1_000;
/// Most versions read at once; above it each model's versions are read on their own.
const MAX_ALL_VERSIONS: usize = 20_000;
/// Most pages read of one list in one poll, whatever the server's page tokens say.
pub const MAX_PAGES: usize = 50;

/// Decides whether to follow a page's `next_page_token`: not after an empty page,
/// a token already followed, or `MAX_PAGES` pages (a server paging forever).
#[derive(Debug, Default)]
pub(super) struct Pages {
    seen: HashSet<String>,
    read: usize,
    cut: bool,
}

impl Pages {
    /// The token to ask for the next page with, or `None` to stop after this page
    /// (which held `items` items).
    pub(super) fn next(&mut self, page: &Value, items: usize) -> Option<String> {
        self.read += 1;
        let token = wire::next_page(page)?;
        if items == 0 || !self.seen.insert(token.clone()) {
            return None;
        }
        if self.read >= MAX_PAGES {
            self.cut = true;
            return None;
        }
        Some(token)
    }

    /// Whether the page cap stopped a list that had more.
    pub(super) fn is_cut(&self) -> bool {
        self.cut
    }
}

/// Every registered model with its aliases (from the search answer), following page tokens.
pub async fn all_models(client: &MlflowClient) -> Result<Vec<RegisteredModel>, SourceError> {
    let mut models = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = Pages::default();
    loop {
        let mut query = vec![("max_results", MODEL_PAGE.to_string())];
        if let Some(t) = token.take() {
            query.push(("page_token", t));
        }
        let page = client.get("registered-models/search", &query).await?;
        check_object(client, &page, "registered-models/search")?;
        let items = wire::items(&page, "registered_models");
        models.extend(items.iter().filter_map(wire::registered_model));
        token = pages.next(&page, items.len());
        if token.is_none() || models.len() >= MAX_MODELS {
            return Ok(models);
        }
    }
}

/// Every version of every model by model name, in a few large pages; `None` when
/// there are too many to read at once.
pub async fn all_versions(
    client: &MlflowClient,
) -> Result<Option<HashMap<String, Vec<ModelVersion>>>, SourceError> {
    let mut by_model: HashMap<String, Vec<ModelVersion>> = HashMap::new();
    let mut count = 0;
    let mut token: Option<String> = None;
    let mut pages = Pages::default();
    loop {
        let mut query = vec![("max_results", ALL_VERSIONS_PAGE.to_string())];
        if let Some(t) = token.take() {
            query.push(("page_token", t));
        }
        let page = client.get("model-versions/search", &query).await?;
        check_object(client, &page, "model-versions/search")?;
        let items = wire::items(&page, "model_versions");
        for item in items {
            let (Some(name), Some(version)) = (wire::text(item, "name"), wire::model_version(item))
            else {
                continue;
            };
            by_model.entry(name).or_default().push(version);
            count += 1;
        }
        token = pages.next(&page, items.len());
        // A server still paging after `MAX_PAGES` pages of few items gets no
        // per-model reads on top: what was read is the answer.
        if token.is_none() {
            return Ok(Some(by_model));
        }
        if count >= MAX_ALL_VERSIONS {
            return Ok(None);
        }
    }
}

/// Gives `model` its versions, newest first, each with the aliases pointing at it
/// (`model-versions/search` leaves aliases out; the model's own list is the truth).
pub fn attach(model: &mut RegisteredModel, mut versions: Vec<ModelVersion>, truncated: bool) {
    versions.sort_by_key(|v| std::cmp::Reverse(v.number()));
    for v in &mut versions {
        v.aliases = model
            .aliases
            .iter()
            .filter(|(_, version)| **version == v.version)
            .map(|(alias, _)| alias.clone())
            .collect();
    }
    model.versions = versions;
    model.truncated = truncated;
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
    attach(&mut model, versions, truncated);
    Ok(Some(model))
}

/// A model's versions, newest first, and whether the cap cut some off.
async fn versions(
    client: &MlflowClient,
    name: &str,
) -> Result<(Vec<ModelVersion>, bool), SourceError> {
    let filter = if name.contains('\'') {
        format!("name=\"{name}\"")
    } else {
        format!("name='{name}'")
    };
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = Pages::default();
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
        let items = wire::items(&page, "model_versions");
        out.extend(items.iter().filter_map(wire::model_version));
        token = pages.next(&page, items.len());
        if token.is_none() || out.len() >= MAX_VERSIONS {
            let truncated = token.is_some() || pages.is_cut();
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

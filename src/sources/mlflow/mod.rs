//! The MLflow source: polls the model registry over REST API 2.0 (models, their
//! aliases and versions, each version's source-run name and git commit), fetches a
//! run's params, metrics and histories on demand, and runs the registry actions.

pub mod client;
pub mod errors;
mod fetch;
pub mod ops;
pub mod wire;

use std::collections::HashMap;

use futures_util::{StreamExt, stream};

pub use client::{Auth, MlflowClient, resolve_auth};
pub use ops::{alias_version, delete_alias, run_detail, set_alias, transition_stage};

use super::{Payload, Source};
use crate::config::MlflowConfig;
use crate::error::SourceError;
use crate::state::model::{ModelsSnapshot, RegisteredModel};

/// Requests in flight at once (per-model reads, run reads).
const CONCURRENCY: usize = 6;
/// Most source runs read per poll for run names and git commits.
const RUNS_PER_POLL: usize = 48;

/// What a version's source run contributes to the versions table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct RunBrief {
    name: Option<String>,
    git_commit: Option<String>,
}

/// An MLflow tracking server polled for its model registry.
pub struct MlflowSource {
    client: Result<MlflowClient, SourceError>,
    target: String,
    models: Vec<String>,
    runs: HashMap<String, RunBrief>,
}

impl MlflowSource {
    /// A source for `[mlflow]` (credentials from the environment).
    pub fn new(cfg: &MlflowConfig) -> Self {
        Self::with_client(MlflowClient::new(cfg), &cfg.url, cfg.models.clone())
    }

    /// A source on a given client (or the error building it), watching `models` (empty: all).
    pub fn with_client(
        client: Result<MlflowClient, SourceError>,
        url: &str,
        models: Vec<String>,
    ) -> Self {
        MlflowSource {
            client,
            target: client::display_url(url),
            models,
            runs: HashMap::new(),
        }
    }

    /// Fills in each version's run name and git commit, reading unknown runs once.
    async fn annotate_runs(&mut self, client: &MlflowClient, models: &mut [RegisteredModel]) {
        // The newest and aliased versions first; a large registry's other runs are
        // read a batch per poll, so the first poll stays well inside its timeout.
        let watched = models.iter().flat_map(RegisteredModel::watched);
        let rest = models.iter().flat_map(|m| &m.versions);
        let mut unknown: Vec<String> = Vec::new();
        for id in watched.chain(rest).filter_map(|v| v.run_id.as_ref()) {
            if !self.runs.contains_key(id) && !unknown.contains(id) {
                unknown.push(id.clone());
            }
            if unknown.len() >= RUNS_PER_POLL {
                break;
            }
        }
        let answers: Vec<(String, Result<RunBrief, SourceError>)> = stream::iter(unknown)
            .map(|id| async move {
                let brief = fetch::run_brief(client, &id).await;
                (id, brief)
            })
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
        for (id, answer) in answers {
            match answer {
                Ok(brief) => {
                    self.runs.insert(id, brief);
                }
                // A deleted run stays unknown for good; other failures retry next poll.
                Err(SourceError::NotFound { .. }) => {
                    self.runs.insert(id, RunBrief::default());
                }
                Err(e) => tracing::debug!("mlflow run '{id}': {e}"),
            }
        }
        for v in models.iter_mut().flat_map(|m| m.versions.iter_mut()) {
            if let Some(brief) = v.run_id.as_ref().and_then(|id| self.runs.get(id)) {
                v.run_name.clone_from(&brief.name);
                v.git_commit.clone_from(&brief.git_commit);
            }
        }
    }
}

impl MlflowSource {
    /// Every model: one paged search for the models, one for all their versions
    /// (a handful of requests however large the registry), falling back to one
    /// read per model when there are too many versions to read at once.
    async fn all_models(&self, client: &MlflowClient) -> Result<ModelsSnapshot, SourceError> {
        let mut models = fetch::all_models(client).await?;
        let Some(mut versions) = fetch::all_versions(client).await? else {
            let names = models.into_iter().map(|m| m.name).collect();
            return self.named_models(client, names).await;
        };
        for m in &mut models {
            let mut list = versions.remove(&m.name).unwrap_or_default();
            let truncated = list.len() > fetch::MAX_VERSIONS;
            list.sort_by_key(|v| std::cmp::Reverse(v.number()));
            list.truncate(fetch::MAX_VERSIONS);
            fetch::attach(m, list, truncated);
        }
        Ok(ModelsSnapshot {
            models,
            missing: Vec::new(),
        })
    }

    /// The named models, each read on its own; names the server lacks are listed.
    async fn named_models(
        &self,
        client: &MlflowClient,
        names: Vec<String>,
    ) -> Result<ModelsSnapshot, SourceError> {
        let answers: Vec<(String, Result<Option<RegisteredModel>, SourceError>)> =
            stream::iter(names)
                .map(|name| async move {
                    let model = fetch::model(client, &name).await;
                    (name, model)
                })
                .buffered(CONCURRENCY)
                .collect()
                .await;
        let mut snapshot = ModelsSnapshot::default();
        for (name, answer) in answers {
            match answer? {
                Some(model) => snapshot.models.push(model),
                None if !self.models.is_empty() => snapshot.missing.push(name),
                // Deleted between the listing and the read.
                None => {}
            }
        }
        Ok(snapshot)
    }
}

impl Source for MlflowSource {
    async fn poll(&mut self) -> Result<Payload, SourceError> {
        let client = self.client.clone()?;
        let mut snapshot = if self.models.is_empty() {
            self.all_models(&client).await?
        } else {
            self.named_models(&client, self.models.clone()).await?
        };
        self.annotate_runs(&client, &mut snapshot.models).await;
        snapshot.models.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Payload::Models(snapshot))
    }

    fn target(&self) -> String {
        self.target.clone()
    }
}

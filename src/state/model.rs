//! The MLflow model registry as the MLflow source reports it: registered models,
//! their versions and aliases, and the source runs fetched on demand. Plain data;
//! a version's severity comes from its registration status alone.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::Severity;

/// The tag MLflow sets on a run to the commit of the code that produced it.
pub const GIT_COMMIT_TAG: &str = "mlflow.source.git.commit";

/// Where a model version's registration stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum VersionStatus {
    /// Registered and usable.
    Ready,
    /// Still being registered (artifacts copying).
    Pending,
    /// Registration failed.
    Failed,
    /// A word this build does not know.
    Unknown,
}

impl VersionStatus {
    /// Parses the server's word (`READY`, `PENDING_REGISTRATION`, `FAILED_REGISTRATION`).
    pub fn parse(word: &str) -> VersionStatus {
        match word {
            "READY" => VersionStatus::Ready,
            "PENDING_REGISTRATION" => VersionStatus::Pending,
            "FAILED_REGISTRATION" => VersionStatus::Failed,
            _ => VersionStatus::Unknown,
        }
    }

    /// The server's word for this status.
    pub fn as_str(self) -> &'static str {
        match self {
            VersionStatus::Ready => "READY",
            VersionStatus::Pending => "PENDING_REGISTRATION",
            VersionStatus::Failed => "FAILED_REGISTRATION",
            VersionStatus::Unknown => "UNKNOWN",
        }
    }

    /// How worried to be: failed is critical, pending a warning.
    pub fn severity(self) -> Severity {
        match self {
            VersionStatus::Failed => Severity::Critical,
            VersionStatus::Pending => Severity::Warning,
            VersionStatus::Ready => Severity::Ok,
            VersionStatus::Unknown => Severity::Unknown,
        }
    }
}

/// One version of a registered model.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelVersion {
    /// The version number as the server writes it (`7`).
    pub version: String,
    /// Registration status.
    pub status: VersionStatus,
    /// The server's status message, when it sent one.
    pub status_message: Option<String>,
    /// The deprecated stage (`None`, `Staging`, `Production`, `Archived`).
    pub stage: Option<String>,
    /// When the version was created.
    pub created: Option<DateTime<Utc>>,
    /// When the version was last updated.
    pub updated: Option<DateTime<Utc>>,
    /// The run that produced it.
    pub run_id: Option<String>,
    /// That run's name, when the run could be read.
    pub run_name: Option<String>,
    /// That run's `mlflow.source.git.commit` tag.
    pub git_commit: Option<String>,
    /// Where the artifacts came from (`runs:/…/model`, `models:/…`).
    pub source: Option<String>,
    /// The version's description.
    pub description: String,
    /// Aliases pointing at this version, sorted.
    pub aliases: Vec<String>,
    /// Its tags.
    pub tags: BTreeMap<String, String>,
}

impl ModelVersion {
    /// The version number for sorting (non-numeric versions sort first).
    pub fn number(&self) -> u64 {
        self.version.parse().unwrap_or(0)
    }

    /// The severity of this version, from its status.
    pub fn severity(&self) -> Severity {
        self.status.severity()
    }

    /// Whether the version sits in a stage other than `None`.
    pub fn has_stage(&self) -> bool {
        self.stage
            .as_deref()
            .is_some_and(|s| s != "None" && !s.is_empty())
    }
}

/// A registered model and its versions, newest version first.
#[derive(Debug, Clone, PartialEq)]
pub struct RegisteredModel {
    /// The model's name (unique in the registry).
    pub name: String,
    /// The description.
    pub description: String,
    /// When the model was last updated.
    pub updated: Option<DateTime<Utc>>,
    /// Its tags.
    pub tags: BTreeMap<String, String>,
    /// Alias → version.
    pub aliases: BTreeMap<String, String>,
    /// Every version, newest first.
    pub versions: Vec<ModelVersion>,
    /// Whether more versions exist than were fetched.
    pub truncated: bool,
}

impl RegisteredModel {
    /// The newest version.
    pub fn latest(&self) -> Option<&ModelVersion> {
        self.versions.first()
    }

    /// The version with this number.
    pub fn version(&self, version: &str) -> Option<&ModelVersion> {
        self.versions.iter().find(|v| v.version == version)
    }

    /// The first line of the description.
    pub fn summary(&self) -> &str {
        self.description.lines().next().unwrap_or("").trim()
    }

    /// `champion → v7, staging → v8`, sorted by alias.
    pub fn alias_text(&self) -> String {
        self.aliases
            .iter()
            .map(|(a, v)| format!("{a} → v{v}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The worst severity of its newest version and of the versions behind aliases.
    pub fn severity(&self) -> Severity {
        self.watched()
            .map(ModelVersion::severity)
            .max()
            .unwrap_or(Severity::Ok)
    }

    /// The versions worth watching: the newest, and each one an alias points at.
    pub fn watched(&self) -> impl Iterator<Item = &ModelVersion> {
        self.versions
            .iter()
            .enumerate()
            .filter(|(i, v)| *i == 0 || !v.aliases.is_empty())
            .map(|(_, v)| v)
    }
}

/// Every registered model the source watches.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ModelsSnapshot {
    /// The models, sorted by name.
    pub models: Vec<RegisteredModel>,
    /// Models named in `[mlflow] models` that the server does not have.
    pub missing: Vec<String>,
}

impl ModelsSnapshot {
    /// The model with this name.
    pub fn model(&self, name: &str) -> Option<&RegisteredModel> {
        self.models.iter().find(|m| m.name == name)
    }

    /// Whether any version uses the deprecated stages.
    pub fn uses_stages(&self) -> bool {
        self.models
            .iter()
            .flat_map(|m| &m.versions)
            .any(ModelVersion::has_stage)
    }
}

/// One point of a metric's history.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MetricPoint {
    /// The training step.
    pub step: i64,
    /// The value.
    pub value: f64,
    /// When it was logged (ms since the epoch).
    pub timestamp: i64,
}

/// A source run as fetched for a version's detail: params, metrics and histories.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunDetail {
    /// The run's id.
    pub run_id: String,
    /// Its name.
    pub run_name: Option<String>,
    /// `RUNNING`, `FINISHED`, `FAILED`, `KILLED`.
    pub status: Option<String>,
    /// Its parameters.
    pub params: BTreeMap<String, String>,
    /// The latest value of each metric.
    pub metrics: BTreeMap<String, f64>,
    /// Each metric's history, oldest first.
    pub history: BTreeMap<String, Vec<MetricPoint>>,
    /// Its tags.
    pub tags: BTreeMap<String, String>,
}

impl RunDetail {
    /// The run's git commit tag.
    pub fn git_commit(&self) -> Option<&str> {
        self.tags.get(GIT_COMMIT_TAG).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::testkit;

    fn version(v: &str, status: VersionStatus, aliases: &[&str]) -> ModelVersion {
        ModelVersion {
            aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
            ..testkit::version(v, status)
        }
    }

    #[test]
    fn statuses_map_to_severities() {
        assert_eq!(
            VersionStatus::parse("FAILED_REGISTRATION").severity(),
            Severity::Critical
        );
        assert_eq!(
            VersionStatus::parse("PENDING_REGISTRATION").severity(),
            Severity::Warning
        );
        assert_eq!(VersionStatus::parse("READY").severity(), Severity::Ok);
        assert_eq!(VersionStatus::parse("??").as_str(), "UNKNOWN");
    }

    #[test]
    fn only_newest_and_aliased_versions_count() {
        let m = RegisteredModel {
            name: "m".into(),
            description: "first line\nsecond".into(),
            updated: None,
            tags: BTreeMap::new(),
            aliases: BTreeMap::from([("champion".into(), "2".into())]),
            versions: vec![
                version("3", VersionStatus::Ready, &[]),
                version("2", VersionStatus::Pending, &["champion"]),
                version("1", VersionStatus::Failed, &[]),
            ],
            truncated: false,
        };
        assert_eq!(m.severity(), Severity::Warning);
        assert_eq!(m.watched().count(), 2);
        assert_eq!(m.summary(), "first line");
        assert_eq!(m.alias_text(), "champion → v2");
    }
}

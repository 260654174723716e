//! What a configured source is: its kind, its stable id and its spec, the names
//! every layer uses to talk about a source.

use std::time::Duration;

use serde::Serialize;

/// The kind of backend a source talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// A Docker engine.
    Docker,
    /// GitHub Actions.
    Github,
    /// An MLflow model registry.
    Mlflow,
    /// A Prometheus server.
    Prometheus,
    /// An Alertmanager.
    Alertmanager,
    /// An Airflow 3 server.
    Airflow,
}

impl SourceKind {
    /// Every kind, in the order the header lists them.
    pub const ALL: [SourceKind; 6] = [
        SourceKind::Github,
        SourceKind::Docker,
        SourceKind::Mlflow,
        SourceKind::Prometheus,
        SourceKind::Alertmanager,
        SourceKind::Airflow,
    ];

    /// The lower-case name used in config sections and `status --json`.
    pub fn name(self) -> &'static str {
        match self {
            SourceKind::Docker => "docker",
            SourceKind::Github => "github",
            SourceKind::Mlflow => "mlflow",
            SourceKind::Prometheus => "prometheus",
            SourceKind::Alertmanager => "alertmanager",
            SourceKind::Airflow => "airflow",
        }
    }

    /// One line telling a user how to configure this kind of source.
    pub fn how_to_configure(self) -> &'static str {
        match self {
            SourceKind::Docker => {
                "add a [[docker]] table with host = \"unix:///var/run/docker.sock\" (or set DOCKER_HOST)"
            }
            SourceKind::Github => {
                "add [github] with repos = [\"owner/name\"] and set GITHUB_TOKEN (or run inside a GitHub checkout)"
            }
            SourceKind::Mlflow => {
                "add [mlflow] with url = \"http://127.0.0.1:5000\" (or set MLFLOW_TRACKING_URI)"
            }
            SourceKind::Prometheus => "add [prometheus] with url = \"http://127.0.0.1:9090\"",
            SourceKind::Alertmanager => "add [alertmanager] with url = \"http://127.0.0.1:9093\"",
            SourceKind::Airflow => {
                "add [airflow] with url = \"http://127.0.0.1:8080\", username_env and password_env"
            }
        }
    }
}

/// Index of a configured source in the store; stable for the whole session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceId(pub usize);

/// A configured source as the store and the header know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceSpec {
    /// Its kind.
    pub kind: SourceKind,
    /// Its display name (`local`, `github`, a docker host's name).
    pub name: String,
    /// How often it is polled while visible.
    pub interval: Duration,
}

impl SourceSpec {
    /// The label shown in the header and tables: `github`, `docker local`.
    pub fn label(&self) -> String {
        if self.name == self.kind.name() {
            self.name.clone()
        } else {
            format!("{} {}", self.kind.name(), self.name)
        }
    }
}

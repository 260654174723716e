//! Backends that flightdeck polls. Each source owns its client and sends owned,
//! complete snapshots (`Update`) to the event loop; it never touches the store.

pub mod alertmanager;
pub mod docker;
pub mod driver;
pub mod github;
pub mod http;
pub mod mlflow;
pub mod prometheus;
pub mod redact;
pub mod registry;

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::actions::Action;
use crate::error::SourceError;
use crate::state::alert::AlertsSnapshot;
use crate::state::container::Container;
use crate::state::metric::MetricsSnapshot;
use crate::state::model::{ModelsSnapshot, RunDetail};
use crate::state::pipeline::Pipelines;
use github::inputs::WorkflowInput;

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
}

impl SourceKind {
    /// Every kind, in the order the header lists them.
    pub const ALL: [SourceKind; 5] = [
        SourceKind::Github,
        SourceKind::Docker,
        SourceKind::Mlflow,
        SourceKind::Prometheus,
        SourceKind::Alertmanager,
    ];

    /// The lower-case name used in config sections and `status --json`.
    pub fn name(self) -> &'static str {
        match self {
            SourceKind::Docker => "docker",
            SourceKind::Github => "github",
            SourceKind::Mlflow => "mlflow",
            SourceKind::Prometheus => "prometheus",
            SourceKind::Alertmanager => "alertmanager",
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

/// The data of one successful poll: a complete snapshot of that source's slice.
#[derive(Debug, Clone, PartialEq)]
pub enum Payload {
    /// Every container on one Docker engine.
    Containers(Vec<Container>),
    /// Panels, targets and alerts of a Prometheus server.
    Metrics(MetricsSnapshot),
    /// Alerts and silences of an Alertmanager.
    Alerts(AlertsSnapshot),
    /// Every watched registered model of one MLflow server.
    Models(ModelsSnapshot),
    /// Recent workflow runs of every watched repository, with the rate limit.
    Pipelines(Pipelines),
}

/// What the dispatch form needs to know about one workflow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DispatchTarget {
    /// The GitHub source.
    pub source: SourceId,
    /// `owner/name`.
    pub repo: String,
    /// The workflow's id.
    pub workflow_id: u64,
    /// The workflow's name.
    pub workflow: String,
    /// The workflow file.
    pub path: String,
    /// The ref the form starts with (the default branch).
    pub git_ref: String,
}

/// What a poller (or the action executor) sends to the event loop.
#[derive(Debug, Clone)]
pub enum Update {
    /// One poll finished, well or badly.
    Polled {
        /// Which source polled.
        source: SourceId,
        /// When the poll finished.
        at: DateTime<Utc>,
        /// The snapshot, or why there is none.
        result: Result<Payload, SourceError>,
    },
    /// New lines of the followed log.
    Log {
        /// Which log stream (a newer stream makes older lines stale).
        stream_id: u64,
        /// The lines, oldest first.
        lines: Vec<LogLine>,
    },
    /// The followed log ended.
    LogEnded {
        /// Which log stream.
        stream_id: u64,
        /// Why, in words.
        reason: String,
    },
    /// A source run read on demand for a model version's detail.
    RunDetail {
        /// The MLflow source it was read from.
        source: SourceId,
        /// The run's id.
        run_id: String,
        /// The run, or why it could not be read.
        result: Result<RunDetail, SourceError>,
    },
    /// A workflow's dispatch inputs were read (or could not be).
    DispatchInputs {
        /// The workflow the form is for.
        target: DispatchTarget,
        /// Its declared inputs, or why they could not be read.
        result: Result<Vec<WorkflowInput>, SourceError>,
    },
    /// The executor finished an action.
    ActionDone {
        /// What was done.
        action: Action,
        /// When it finished.
        at: DateTime<Utc>,
        /// Whether it worked.
        result: Result<(), SourceError>,
    },
    /// The poller task died; the pane says so instead of going quiet.
    Crashed {
        /// Which source's poller died.
        source: SourceId,
        /// When the loop noticed.
        at: DateTime<Utc>,
        /// The panic message.
        message: String,
    },
}

/// One line of a container's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    /// Whether it came from stderr.
    pub stderr: bool,
    /// The engine's timestamp (RFC 3339), when it sent one.
    pub timestamp: Option<String>,
    /// The text, possibly with ANSI colour codes.
    pub text: String,
}

/// A backend that can be polled for a complete snapshot.
pub trait Source: Send + 'static {
    /// Fetches one complete snapshot.
    fn poll(&mut self) -> impl Future<Output = Result<Payload, SourceError>> + Send;

    /// The address shown in errors (never contains credentials).
    fn target(&self) -> String;
}

//! Every change to the outside world is an `Action`: data built by `update`,
//! confirmed in the UI, executed off the UI task by the executor (which alone
//! enforces read-only and writes the audit log).

pub mod audit;
pub mod executor;

use std::time::Duration;

use crate::sources::SourceId;
use crate::state::alert::Matcher;

/// What can be done to a container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContainerOp {
    /// Restart (stop, then start).
    Restart,
    /// Stop gracefully.
    Stop,
    /// Start a stopped container.
    Start,
    /// Freeze its processes.
    Pause,
    /// Thaw its processes.
    Unpause,
    /// Send a signal (`SIGTERM`, `SIGKILL`, …).
    Kill(String),
    /// Remove a stopped container.
    Remove,
}

impl ContainerOp {
    /// The verb phrase shown in confirmations and toasts.
    pub fn label(&self) -> String {
        match self {
            ContainerOp::Restart => "Restart container".into(),
            ContainerOp::Stop => "Stop container".into(),
            ContainerOp::Start => "Start container".into(),
            ContainerOp::Pause => "Pause container".into(),
            ContainerOp::Unpause => "Unpause container".into(),
            ContainerOp::Kill(sig) => format!("Send {sig} to container"),
            ContainerOp::Remove => "Remove container".into(),
        }
    }

    /// The name written to the audit log.
    pub fn name(&self) -> String {
        match self {
            ContainerOp::Restart => "restart".into(),
            ContainerOp::Stop => "stop".into(),
            ContainerOp::Start => "start".into(),
            ContainerOp::Pause => "pause".into(),
            ContainerOp::Unpause => "unpause".into(),
            ContainerOp::Kill(sig) => format!("kill:{sig}"),
            ContainerOp::Remove => "remove".into(),
        }
    }
}

/// The signals offered by the kill chooser.
pub const KILL_SIGNALS: [&str; 6] = [
    "SIGTERM", "SIGKILL", "SIGINT", "SIGHUP", "SIGUSR1", "SIGUSR2",
];

/// A mutation of the outside world.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    // -- docker
    /// Act on one container.
    Container {
        /// The engine's source.
        source: SourceId,
        /// The engine's label (`docker local`), for confirmations and the audit log.
        host: String,
        /// Full container id.
        id: String,
        /// Container name.
        name: String,
        /// What to do.
        op: ContainerOp,
    },
    // -- alertmanager
    /// Create a silence in Alertmanager, starting now.
    Silence {
        /// The Alertmanager's source.
        source: SourceId,
        /// Its label (`alertmanager`).
        host: String,
        /// The alert it was made from (`alertname`), for confirmations and toasts.
        alert: String,
        /// Which alerts it mutes.
        matchers: Vec<Matcher>,
        /// How long it lasts.
        duration: Duration,
        /// Why.
        comment: String,
        /// Who made it.
        creator: String,
    },
    /// Expire a silence now.
    ExpireSilence {
        /// The Alertmanager's source.
        source: SourceId,
        /// Its label.
        host: String,
        /// The silence's id.
        id: String,
    },
    // -- mlflow
    /// Point an alias of a registered model at a version (moving it if set elsewhere).
    SetAlias {
        /// The MLflow source.
        source: SourceId,
        /// Its label (`mlflow`).
        host: String,
        /// Registered model name.
        model: String,
        /// The alias (`champion`).
        alias: String,
        /// The version it will point at.
        version: String,
    },
    /// Remove an alias from a registered model.
    DeleteAlias {
        /// The MLflow source.
        source: SourceId,
        /// Its label.
        host: String,
        /// Registered model name.
        model: String,
        /// The alias.
        alias: String,
        /// The version it pointed at (for the confirmation and the audit log).
        version: String,
    },
    /// Move a version to a stage (deprecated in MLflow since 2.9; some servers refuse).
    TransitionStage {
        /// The MLflow source.
        source: SourceId,
        /// Its label.
        host: String,
        /// Registered model name.
        model: String,
        /// The version.
        version: String,
        /// `Staging`, `Production`, `Archived` or `None`.
        stage: String,
    },
}

/// The stages offered by the stage chooser, in MLflow's words.
pub const STAGES: [&str; 4] = ["Staging", "Production", "Archived", "None"];

impl Action {
    /// The verb phrase (`Restart container`).
    pub fn label(&self) -> String {
        match self {
            Action::Container { op, .. } => op.label(),
            Action::Silence { duration, .. } => {
                format!(
                    "Silence for {}",
                    crate::config::duration::Display(*duration)
                )
            }
            Action::ExpireSilence { .. } => "Expire silence".to_owned(),
            Action::SetAlias { alias, version, .. } => {
                format!("Set alias '{alias}' to version {version} of model")
            }
            Action::DeleteAlias { alias, version, .. } => {
                format!("Delete alias '{alias}' (version {version}) of model")
            }
            Action::TransitionStage { version, stage, .. } => {
                format!("Move version {version} to stage '{stage}' in model")
            }
        }
    }

    /// What it acts on (`web-1`).
    pub fn target(&self) -> &str {
        match self {
            Action::Container { name, .. } => name,
            Action::Silence { alert, .. } => alert,
            Action::ExpireSilence { id, .. } => id,
            Action::SetAlias { model, .. }
            | Action::DeleteAlias { model, .. }
            | Action::TransitionStage { model, .. } => model,
        }
    }

    /// Where (`docker local`).
    pub fn host(&self) -> &str {
        match self {
            Action::Container { host, .. }
            | Action::Silence { host, .. }
            | Action::ExpireSilence { host, .. }
            | Action::SetAlias { host, .. }
            | Action::DeleteAlias { host, .. }
            | Action::TransitionStage { host, .. } => host,
        }
    }

    /// The source to refresh once it is done.
    pub fn source(&self) -> SourceId {
        match self {
            Action::Container { source, .. }
            | Action::Silence { source, .. }
            | Action::ExpireSilence { source, .. }
            | Action::SetAlias { source, .. }
            | Action::DeleteAlias { source, .. }
            | Action::TransitionStage { source, .. } => *source,
        }
    }

    /// Whether it loses something for good (needs a second confirmation).
    pub fn is_destructive(&self) -> bool {
        matches!(
            self,
            Action::Container {
                op: ContainerOp::Remove | ContainerOp::Kill(_),
                ..
            }
        )
    }

    /// Whether it must be confirmed twice.
    pub fn needs_double_confirm(&self) -> bool {
        matches!(
            self,
            Action::Container {
                op: ContainerOp::Remove,
                ..
            }
        )
    }
}

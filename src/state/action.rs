//! Every change to the outside world is an `Action`: plain data built by `update`,
//! confirmed in the UI and carried back in `Update::ActionDone`. The executor that
//! runs them lives in `actions/`.

use std::time::Duration;

use super::airflow::DagOp;
use super::alert::Matcher;
use super::source::SourceId;
use super::swarm::Availability;
pub use super::undo::Undo;

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

/// What can be done to a Swarm service or node, through its manager.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SwarmOp {
    /// Set a replicated service's replica count.
    Scale(u64),
    /// Replace every task of a service, batch by batch (`service update --force`).
    ForceUpdate,
    /// Put a service back on its previous spec.
    Rollback,
    /// Set a node's availability.
    Availability(Availability),
}

impl SwarmOp {
    /// The verb phrase shown in confirmations and toasts.
    pub fn label(self) -> String {
        match self {
            SwarmOp::Scale(n) => format!("Scale to {n} replicas service"),
            SwarmOp::ForceUpdate => "Rolling restart of service".into(),
            SwarmOp::Rollback => "Roll back service".into(),
            SwarmOp::Availability(a) => format!("Set availability '{}' of node", a.as_str()),
        }
    }

    /// The name written to the audit log.
    pub fn name(self) -> String {
        match self {
            SwarmOp::Scale(n) => format!("service_scale:{n}"),
            SwarmOp::ForceUpdate => "service_force_update".into(),
            SwarmOp::Rollback => "service_rollback".into(),
            SwarmOp::Availability(a) => format!("node_availability:{}", a.as_str()),
        }
    }
}

/// The signals offered by the kill chooser.
pub const KILL_SIGNALS: [&str; 6] = [
    "SIGTERM", "SIGKILL", "SIGINT", "SIGHUP", "SIGUSR1", "SIGUSR2",
];

/// The workflow run an action is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRef {
    /// The GitHub source.
    pub source: SourceId,
    /// `owner/name`.
    pub repo: String,
    /// GitHub's run id.
    pub id: u64,
    /// `CI #42`, for confirmations and toasts.
    pub name: String,
}

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
    /// Act on a Swarm service or node through the manager that lists it.
    Swarm {
        /// The manager's Docker source.
        source: SourceId,
        /// Its label (`docker local`).
        host: String,
        /// The service's or node's id.
        id: String,
        /// The service's name or the node's hostname.
        name: String,
        /// What to do.
        op: SwarmOp,
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
    // -- airflow
    /// Act on an Airflow DAG or one of its runs.
    Dag {
        /// The Airflow source.
        source: SourceId,
        /// Its label (`airflow`).
        host: String,
        /// The DAG.
        dag_id: String,
        /// The run, for run actions.
        run_id: Option<String>,
        /// What to do.
        op: DagOp,
    },
    // -- github
    /// Re-run every job of a run (a new attempt).
    Rerun(RunRef),
    /// Re-run only the failed jobs of a run (and what depends on them).
    RerunFailed(RunRef),
    /// Cancel a queued or running run.
    Cancel(RunRef),
    /// Start a workflow through its `workflow_dispatch` trigger.
    Dispatch {
        /// The GitHub source.
        source: SourceId,
        /// `owner/name`.
        repo: String,
        /// The workflow's id.
        workflow_id: u64,
        /// The workflow's name.
        workflow: String,
        /// The branch or tag to run on.
        git_ref: String,
        /// The inputs, by name, as text (GitHub takes strings).
        inputs: Vec<(String, String)>,
    },
    // -- undo
    /// Reverse an earlier action by running its inverse, audited as an undo of it.
    Undo(Box<Undo>),
}

/// The stages offered by the stage chooser, in MLflow's words.
pub const STAGES: [&str; 4] = ["Staging", "Production", "Archived", "None"];

impl Action {
    /// The verb phrase (`Restart container`).
    pub fn label(&self) -> String {
        match self {
            Action::Container { op, .. } => op.label(),
            Action::Swarm { op, .. } => op.label(),
            Action::Silence { duration, .. } => {
                format!("Silence for {}", super::duration::Display(*duration))
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
            Action::Dag {
                op, dag_id, run_id, ..
            } => op.describe(dag_id, run_id.is_some()),
            Action::Rerun(_) => "Re-run workflow run".into(),
            Action::RerunFailed(_) => "Re-run failed jobs of".into(),
            Action::Cancel(_) => "Cancel workflow run".into(),
            Action::Dispatch { git_ref, .. } => format!("Dispatch on '{git_ref}' workflow"),
            Action::Undo(undo) => undo.label(),
        }
    }

    /// What it acts on (`web-1`).
    pub fn target(&self) -> &str {
        match self {
            Action::Container { name, .. } | Action::Swarm { name, .. } => name,
            Action::Silence { alert, .. } => alert,
            Action::ExpireSilence { id, .. } => id,
            Action::SetAlias { model, .. }
            | Action::DeleteAlias { model, .. }
            | Action::TransitionStage { model, .. } => model,
            Action::Rerun(r) | Action::RerunFailed(r) | Action::Cancel(r) => &r.name,
            Action::Dispatch { workflow, .. } => workflow,
            Action::Dag { dag_id, run_id, .. } => run_id.as_deref().unwrap_or(dag_id),
            Action::Undo(undo) => undo.original.target(),
        }
    }

    /// Where (`docker local`).
    pub fn host(&self) -> &str {
        match self {
            Action::Container { host, .. }
            | Action::Swarm { host, .. }
            | Action::Silence { host, .. }
            | Action::ExpireSilence { host, .. }
            | Action::SetAlias { host, .. }
            | Action::DeleteAlias { host, .. }
            | Action::TransitionStage { host, .. }
            | Action::Dag { host, .. } => host,
            Action::Rerun(r) | Action::RerunFailed(r) | Action::Cancel(r) => &r.repo,
            Action::Dispatch { repo, .. } => repo,
            Action::Undo(undo) => undo.inverse.host(),
        }
    }

    /// The source to refresh once it is done.
    pub fn source(&self) -> SourceId {
        match self {
            Action::Container { source, .. }
            | Action::Swarm { source, .. }
            | Action::Silence { source, .. }
            | Action::ExpireSilence { source, .. }
            | Action::SetAlias { source, .. }
            | Action::DeleteAlias { source, .. }
            | Action::TransitionStage { source, .. }
            | Action::Dag { source, .. }
            | Action::Dispatch { source, .. } => *source,
            Action::Rerun(r) | Action::RerunFailed(r) | Action::Cancel(r) => r.source,
            Action::Undo(undo) => undo.inverse.source(),
        }
    }

    /// Whether it loses something for good (shown as destructive when confirming).
    pub fn is_destructive(&self) -> bool {
        matches!(
            self,
            Action::Container {
                op: ContainerOp::Remove | ContainerOp::Kill(_),
                ..
            } | Action::Cancel(_)
        )
    }

    /// The name written to the audit log and the id of what it acts on.
    pub fn audit_name(&self) -> (String, String) {
        match self {
            Action::Container { id, op, .. } => (op.name(), id.clone()),
            Action::Swarm { id, op, .. } => (op.name(), id.clone()),
            Action::Silence {
                matchers, duration, ..
            } => {
                let list: Vec<String> = matchers.iter().map(ToString::to_string).collect();
                (format!("silence:{}s", duration.as_secs()), list.join(","))
            }
            Action::ExpireSilence { id, .. } => ("expire_silence".to_owned(), id.clone()),
            Action::SetAlias {
                model,
                alias,
                version,
                ..
            } => (format!("set_alias:{alias}"), format!("{model}/{version}")),
            Action::DeleteAlias {
                model,
                alias,
                version,
                ..
            } => (
                format!("delete_alias:{alias}"),
                format!("{model}/{version}"),
            ),
            Action::TransitionStage {
                model,
                version,
                stage,
                ..
            } => (
                format!("transition_stage:{stage}"),
                format!("{model}/{version}"),
            ),
            Action::Dag {
                dag_id, run_id, op, ..
            } => {
                let mut what = match run_id {
                    Some(run) => format!("{dag_id}/{run}"),
                    None => dag_id.clone(),
                };
                if let Some(task) = op.task() {
                    what = format!("{what}/{task}");
                }
                (op.name().to_owned(), what)
            }
            Action::Rerun(r) => ("rerun".into(), r.id.to_string()),
            Action::RerunFailed(r) => ("rerun_failed".into(), r.id.to_string()),
            Action::Cancel(r) => ("cancel".into(), r.id.to_string()),
            Action::Dispatch {
                workflow_id,
                git_ref,
                ..
            } => (format!("dispatch:{git_ref}"), workflow_id.to_string()),
            Action::Undo(undo) => undo.inverse.audit_name(),
        }
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

//! Every change to the outside world is an `Action`: data built by `update`,
//! confirmed in the UI, executed off the UI task by the executor (which alone
//! enforces read-only and writes the audit log).

pub mod audit;
pub mod executor;

use crate::sources::SourceId;

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
}

impl Action {
    /// The verb phrase (`Restart container`).
    pub fn label(&self) -> String {
        match self {
            Action::Container { op, .. } => op.label(),
            Action::Rerun(_) => "Re-run workflow run".into(),
            Action::RerunFailed(_) => "Re-run failed jobs of".into(),
            Action::Cancel(_) => "Cancel workflow run".into(),
            Action::Dispatch { git_ref, .. } => format!("Dispatch on '{git_ref}' workflow"),
        }
    }

    /// What it acts on (`web-1`).
    pub fn target(&self) -> &str {
        match self {
            Action::Container { name, .. } => name,
            Action::Rerun(r) | Action::RerunFailed(r) | Action::Cancel(r) => &r.name,
            Action::Dispatch { workflow, .. } => workflow,
        }
    }

    /// Where (`docker local`).
    pub fn host(&self) -> &str {
        match self {
            Action::Container { host, .. } => host,
            Action::Rerun(r) | Action::RerunFailed(r) | Action::Cancel(r) => &r.repo,
            Action::Dispatch { repo, .. } => repo,
        }
    }

    /// The source to refresh once it is done.
    pub fn source(&self) -> SourceId {
        match self {
            Action::Container { source, .. } | Action::Dispatch { source, .. } => *source,
            Action::Rerun(r) | Action::RerunFailed(r) | Action::Cancel(r) => r.source,
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
            Action::Rerun(r) => ("rerun".into(), r.id.to_string()),
            Action::RerunFailed(r) => ("rerun_failed".into(), r.id.to_string()),
            Action::Cancel(r) => ("cancel".into(), r.id.to_string()),
            Action::Dispatch {
                workflow_id,
                git_ref,
                ..
            } => (format!("dispatch:{git_ref}"), workflow_id.to_string()),
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

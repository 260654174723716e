//! A Swarm manager's services, tasks and nodes as the Docker source reports them,
//! and the rules that turn them into severities. Plain data: no bollard types leak
//! in here; the engine's words are kept as enums with `as_str`.

use chrono::{DateTime, Utc};

use super::Severity;
use crate::error::SourceError;

/// Failed or rejected tasks of one service within `FAILURE_WINDOW` that make it a crash loop.
pub const CRASH_LOOP_FAILURES: u32 = 3;
/// How far back failed tasks count towards a crash loop, in seconds.
pub const FAILURE_WINDOW_SECS: i64 = 300;

/// What one swarm poll of a Docker engine found.
pub type SwarmPoll = Result<Option<SwarmSnapshot>, SourceError>;

/// Everything a Swarm manager lists: the whole cluster, read from one engine.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SwarmSnapshot {
    /// Every service, sorted by name.
    pub services: Vec<Service>,
    /// Every task the manager still keeps (running ones and recent history).
    pub tasks: Vec<Task>,
    /// Every node, sorted by hostname.
    pub nodes: Vec<Node>,
}

/// The swarm slice of one Docker source: the last good snapshot and the last error.
#[derive(Debug, Clone, PartialEq)]
pub struct Swarm {
    /// The last snapshot read from the manager.
    pub snapshot: SwarmSnapshot,
    /// Why the latest poll failed, when it did (the snapshot is then older).
    pub error: Option<SourceError>,
    /// When the snapshot was read.
    pub at: DateTime<Utc>,
}

/// How a service places its tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceMode {
    /// A fixed number of replicas.
    Replicated,
    /// One task on every eligible node.
    Global,
    /// A job run to completion a fixed number of times.
    ReplicatedJob,
    /// A job run to completion once on every eligible node.
    GlobalJob,
}

impl ServiceMode {
    /// The docker CLI's word.
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceMode::Replicated => "replicated",
            ServiceMode::Global => "global",
            ServiceMode::ReplicatedJob => "replicated-job",
            ServiceMode::GlobalJob => "global-job",
        }
    }
}

/// Where a service's rolling update stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateState {
    /// Being updated.
    Updating,
    /// Update paused (by its failure action, or by hand).
    Paused,
    /// The last update finished.
    Completed,
    /// Being rolled back.
    RollbackStarted,
    /// Rollback paused: it failed too.
    RollbackPaused,
    /// Rolled back.
    RollbackCompleted,
}

impl UpdateState {
    /// The engine's word.
    pub fn as_str(self) -> &'static str {
        match self {
            UpdateState::Updating => "updating",
            UpdateState::Paused => "paused",
            UpdateState::Completed => "completed",
            UpdateState::RollbackStarted => "rollback_started",
            UpdateState::RollbackPaused => "rollback_paused",
            UpdateState::RollbackCompleted => "rollback_completed",
        }
    }
}

/// One published port of a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Port {
    /// The port on every node (ingress) or on the task's node (host mode).
    pub published: Option<u16>,
    /// The port inside the task.
    pub target: u16,
    /// `tcp`, `udp` or `sctp`.
    pub protocol: String,
}

/// One Swarm service with its replica counts, read from the manager.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    /// The service id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its stack (`com.docker.stack.namespace`), when deployed as part of one.
    pub stack: Option<String>,
    /// Replicated or global.
    pub mode: ServiceMode,
    /// Tasks it should run: the replica count, or for global services the tasks
    /// the manager wants running.
    pub replicas_desired: u64,
    /// Tasks running that are meant to run.
    pub replicas_running: u64,
    /// The image of its task template (without the digest).
    pub image: String,
    /// The commit its image was built from: the OCI revision label of its task
    /// template's container labels, else of the service's own labels.
    pub revision: Option<String>,
    /// Its rolling update's state, when it was ever updated.
    pub update_state: Option<UpdateState>,
    /// The manager's message about that update.
    pub update_message: Option<String>,
    /// Published ports.
    pub ports: Vec<Port>,
    /// When it was created.
    pub created: Option<DateTime<Utc>>,
    /// Tasks that failed or were rejected in the last `FAILURE_WINDOW_SECS` before the poll.
    pub recent_failures: u32,
    /// The spec version, needed to update it.
    pub version: u64,
}

impl Service {
    /// Whether its tasks keep failing: true at every poll, even when one is up just then.
    pub fn is_crash_looping(&self) -> bool {
        self.recent_failures >= CRASH_LOOP_FAILURES
    }

    /// Whether its last update was rolled back because tasks failed (not by hand).
    pub fn is_rolled_back_on_failure(&self) -> bool {
        let manual = self
            .update_message
            .as_deref()
            .is_some_and(|m| m.contains("manually requested"));
        match self.update_state {
            Some(UpdateState::RollbackPaused) => true,
            Some(UpdateState::RollbackCompleted) => !manual,
            _ => false,
        }
    }

    /// How worried to be: none of its desired replicas running, a crash loop or an
    /// update rolled back on failure are critical; fewer replicas than desired or an
    /// update in progress or paused are warnings.
    pub fn severity(&self) -> Severity {
        let none_running = self.replicas_desired > 0 && self.replicas_running == 0;
        let is_job = matches!(
            self.mode,
            ServiceMode::ReplicatedJob | ServiceMode::GlobalJob
        );
        if self.is_crash_looping() || self.is_rolled_back_on_failure() || (none_running && !is_job)
        {
            return Severity::Critical;
        }
        let updating = matches!(
            self.update_state,
            Some(UpdateState::Updating | UpdateState::Paused | UpdateState::RollbackStarted)
        );
        if updating || (self.replicas_running < self.replicas_desired && !is_job) {
            return Severity::Warning;
        }
        Severity::Ok
    }

    /// One word for its state: `crash_loop`, `rolled_back`, `down`, `updating`,
    /// `degraded` or `running`.
    pub fn state_word(&self) -> &'static str {
        if self.is_crash_looping() {
            "crash_loop"
        } else if self.is_rolled_back_on_failure() {
            "rolled_back"
        } else if self.replicas_desired > 0 && self.replicas_running == 0 {
            "down"
        } else if let Some(
            s @ (UpdateState::Updating | UpdateState::Paused | UpdateState::RollbackStarted),
        ) = self.update_state
        {
            s.as_str()
        } else if self.replicas_running < self.replicas_desired {
            "degraded"
        } else {
            "running"
        }
    }
}

/// A task's state in the engine's words (`running`, `failed`, `pending`, …).
pub type TaskState = String;

/// One task (one slot's attempt) of a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    /// The task id.
    pub id: String,
    /// Its service's id.
    pub service_id: String,
    /// Its slot (replicated services only).
    pub slot: Option<u64>,
    /// The node it was assigned to.
    pub node_id: Option<String>,
    /// That node's hostname, when the node is known.
    pub node: Option<String>,
    /// What the orchestrator wants: `running`, `shutdown`, …
    pub desired_state: TaskState,
    /// Where it is: `pending`, `running`, `failed`, `rejected`, …
    pub state: TaskState,
    /// Why it failed or is pending, in the engine's words.
    pub error: Option<String>,
    /// The container's exit code, once it exited.
    pub exit_code: Option<i64>,
    /// When its state last changed.
    pub timestamp: Option<DateTime<Utc>>,
    /// Its container, once created.
    pub container_id: Option<String>,
}

impl Task {
    /// Whether it is running and meant to be.
    pub fn is_running(&self) -> bool {
        self.state == "running" && self.desired_state == "running"
    }

    /// Whether it ended in failure (failed, or rejected by its node).
    pub fn has_failed(&self) -> bool {
        matches!(self.state.as_str(), "failed" | "rejected")
    }
}

/// A node's role in the swarm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeRole {
    /// Takes part in the Raft quorum and schedules.
    Manager,
    /// Runs tasks only.
    Worker,
}

/// Whether a node takes tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Availability {
    /// Takes new tasks.
    Active,
    /// Keeps its tasks, takes no new ones.
    Pause,
    /// Its tasks move elsewhere.
    Drain,
}

/// A manager's standing in the Raft quorum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManagerStatus {
    /// The leader.
    Leader,
    /// A reachable follower.
    Reachable,
    /// Unreachable from the manager that answered.
    Unreachable,
    /// Not reported.
    Unknown,
}

/// Whether the node's engine answers the managers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeState {
    /// Heartbeats arrive.
    Ready,
    /// Heartbeats stopped.
    Down,
    /// Left or never finished joining.
    Disconnected,
    /// Not reported.
    Unknown,
}

macro_rules! words {
    ($t:ty { $($v:ident => $w:literal),* $(,)? }) => {
        impl $t {
            /// The engine's word.
            pub fn as_str(self) -> &'static str {
                match self { $(<$t>::$v => $w),* }
            }
        }
    };
}
words!(NodeRole { Manager => "manager", Worker => "worker" });
words!(Availability { Active => "active", Pause => "pause", Drain => "drain" });
words!(ManagerStatus { Leader => "leader", Reachable => "reachable", Unreachable => "unreachable", Unknown => "unknown" });
words!(NodeState { Ready => "ready", Down => "down", Disconnected => "disconnected", Unknown => "unknown" });

/// One machine in the swarm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// The node id.
    pub id: String,
    /// Its hostname.
    pub hostname: String,
    /// Manager or worker.
    pub role: NodeRole,
    /// For managers, their standing in the quorum.
    pub manager_status: Option<ManagerStatus>,
    /// Active, pause or drain.
    pub availability: Availability,
    /// Ready or down.
    pub state: NodeState,
    /// Its Docker Engine's version.
    pub engine_version: Option<String>,
    /// Tasks running on it that are meant to run.
    pub tasks_running: u64,
    /// The spec version, needed to update it.
    pub version: u64,
}

impl Node {
    /// How worried to be: down (or an unreachable manager) is critical; drained or
    /// paused is a warning.
    pub fn severity(&self) -> Severity {
        let unreachable = self.manager_status == Some(ManagerStatus::Unreachable);
        match (self.state, self.availability) {
            (NodeState::Down | NodeState::Disconnected, _) => Severity::Critical,
            _ if unreachable => Severity::Critical,
            (NodeState::Unknown, _) => Severity::Unknown,
            (_, Availability::Drain | Availability::Pause) => Severity::Warning,
            (NodeState::Ready, Availability::Active) => Severity::Ok,
        }
    }
}

/// Applies one swarm poll to a source's slice; returns whether anything changed.
/// Not a manager: the slice goes. An error keeps the last snapshot and says why.
pub fn apply(slot: &mut Option<Swarm>, at: DateTime<Utc>, poll: SwarmPoll) -> bool {
    let before = slot.clone();
    match poll {
        Ok(None) => *slot = None,
        Ok(Some(snapshot)) => {
            *slot = Some(Swarm {
                snapshot,
                error: None,
                at,
            });
        }
        Err(error) => {
            if let Some(s) = slot.as_mut() {
                s.error = Some(error);
            }
        }
    }
    // The time alone changing is not worth a redraw.
    match (&before, &*slot) {
        (Some(a), Some(b)) => a.snapshot != b.snapshot || a.error != b.error,
        (a, b) => a.is_some() != b.is_some(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(desired: u64, running: u64) -> Service {
        Service {
            id: "s1".into(),
            name: "web".into(),
            stack: None,
            mode: ServiceMode::Replicated,
            replicas_desired: desired,
            replicas_running: running,
            image: "busybox".into(),
            update_state: None,
            update_message: None,
            ports: Vec::new(),
            created: None,
            recent_failures: 0,
            revision: None,
            version: 1,
        }
    }

    #[test]
    fn replica_counts_give_the_contract_severities() {
        assert_eq!(service(3, 3).severity(), Severity::Ok);
        assert_eq!(service(3, 2).severity(), Severity::Warning);
        assert_eq!(service(3, 0).severity(), Severity::Critical);
        assert_eq!(service(0, 0).severity(), Severity::Ok);
        assert_eq!(service(3, 0).state_word(), "down");
        assert_eq!(service(3, 2).state_word(), "degraded");
    }

    #[test]
    fn a_crash_loop_is_critical_even_with_every_replica_up() {
        let mut s = service(2, 2);
        s.recent_failures = CRASH_LOOP_FAILURES;
        assert_eq!(s.severity(), Severity::Critical);
        assert_eq!(s.state_word(), "crash_loop");
        s.recent_failures = CRASH_LOOP_FAILURES - 1;
        assert_eq!(s.severity(), Severity::Ok);
    }

    #[test]
    fn updates_warn_and_a_rollback_on_failure_is_critical() {
        let mut s = service(3, 3);
        s.update_state = Some(UpdateState::Updating);
        assert_eq!(s.severity(), Severity::Warning);
        s.update_state = Some(UpdateState::Paused);
        assert_eq!(s.severity(), Severity::Warning);
        s.update_state = Some(UpdateState::RollbackCompleted);
        s.update_message = Some("update rolled back due to failure".into());
        assert_eq!(s.severity(), Severity::Critical);
        s.update_message = Some("rollback completed: manually requested rollback".into());
        assert_eq!(s.severity(), Severity::Ok);
    }

    #[test]
    fn apply_keeps_the_last_snapshot_through_errors_and_drops_it_for_a_non_manager() {
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let later = at + chrono::TimeDelta::seconds(2);
        let snapshot = SwarmSnapshot {
            services: vec![service(3, 3)],
            ..SwarmSnapshot::default()
        };
        let mut slot = None;
        assert!(apply(&mut slot, at, Ok(Some(snapshot.clone()))));
        assert!(
            !apply(&mut slot, later, Ok(Some(snapshot.clone()))),
            "same data"
        );
        let error = SourceError::Other("manager gone".into());
        assert!(apply(&mut slot, later, Err(error.clone())));
        let kept = slot.clone().unwrap();
        assert_eq!(
            (kept.snapshot, kept.error, kept.at),
            (snapshot.clone(), Some(error), later),
            "the time of the last good read"
        );
        assert!(
            apply(&mut slot, later, Ok(Some(snapshot))),
            "the error cleared"
        );
        assert!(apply(&mut slot, later, Ok(None)));
        assert_eq!(slot, None);
        assert!(!apply(
            &mut slot,
            later,
            Err(SourceError::Other("x".into()))
        ));
        assert_eq!(slot, None, "an error alone makes no slice");
    }

    #[test]
    fn nodes_down_are_critical_and_drained_ones_warn() {
        let mut n = Node {
            id: "n1".into(),
            hostname: "worker2".into(),
            role: NodeRole::Worker,
            manager_status: None,
            availability: Availability::Active,
            state: NodeState::Ready,
            engine_version: None,
            tasks_running: 0,
            version: 1,
        };
        assert_eq!(n.severity(), Severity::Ok);
        n.availability = Availability::Drain;
        assert_eq!(n.severity(), Severity::Warning);
        n.state = NodeState::Down;
        assert_eq!(n.severity(), Severity::Critical);
    }
}

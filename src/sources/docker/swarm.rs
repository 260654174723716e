//! Converts a Swarm manager's list answers (services, tasks, nodes) into
//! `state::swarm` types. Replica counts come from the task list, which Engine 20.10
//! (API 1.41) always sends, rather than `ServiceStatus`, which needs a query flag.

use std::collections::HashMap;

use bollard::models::{
    EndpointPortConfig, Node as WireNode, NodeSpecAvailabilityEnum, NodeSpecRoleEnum,
    NodeState as WireNodeState, Reachability, Service as WireService, ServiceSpecMode,
    ServiceUpdateStatusStateEnum, Task as WireTask,
};
use chrono::{DateTime, TimeDelta, Utc};

use crate::state::container::REVISION_LABEL;
use crate::state::swarm::{
    Availability, FAILURE_WINDOW_SECS, ManagerStatus, Node, NodeRole, NodeState, Port, Service,
    ServiceMode, SwarmSnapshot, Task, UpdateState,
};

/// The label `docker stack deploy` puts on every service of a stack.
pub const STACK_LABEL: &str = "com.docker.stack.namespace";

/// The whole swarm from the three list answers; `now` is when they were read
/// (failed tasks count towards a crash loop for a window before it).
pub fn snapshot(
    services: &[WireService],
    tasks: &[WireTask],
    nodes: &[WireNode],
    now: DateTime<Utc>,
) -> SwarmSnapshot {
    let hostnames: HashMap<&str, &str> = nodes
        .iter()
        .filter_map(|n| Some((n.id.as_deref()?, hostname(n)?)))
        .collect();
    let tasks: Vec<Task> = tasks.iter().filter_map(|t| task(t, &hostnames)).collect();
    let since = TimeDelta::try_seconds(FAILURE_WINDOW_SECS).and_then(|d| now.checked_sub_signed(d));
    let mut services: Vec<Service> = services
        .iter()
        .filter_map(|s| service(s, &tasks, since))
        .collect();
    services.sort_by(|a, b| a.name.cmp(&b.name));
    let mut nodes: Vec<Node> = nodes.iter().filter_map(|n| node(n, &tasks)).collect();
    nodes.sort_by(|a, b| a.hostname.cmp(&b.hostname));
    SwarmSnapshot {
        services,
        tasks,
        nodes,
    }
}

/// One service with its counts from `tasks`; failures after `since` make a crash loop.
fn service(s: &WireService, tasks: &[Task], since: Option<DateTime<Utc>>) -> Option<Service> {
    let id = s.id.clone()?;
    let spec = s.spec.as_ref();
    let own: Vec<&Task> = tasks.iter().filter(|t| t.service_id == id).collect();
    let (mode, replicas) = mode(spec.and_then(|sp| sp.mode.as_ref()));
    let meant_to_run = own.iter().filter(|t| t.desired_state == "running").count();
    let replicas_desired = match replicas {
        Some(n) => u64::try_from(n).unwrap_or(0),
        None => u64::try_from(meant_to_run).unwrap_or(u64::MAX),
    };
    let running = own.iter().filter(|t| t.is_running()).count();
    let failures = own
        .iter()
        .filter(|t| t.has_failed())
        .filter(|t| match (since, t.timestamp) {
            (Some(since), Some(at)) => at >= since,
            _ => false,
        })
        .count();
    let update = s.update_status.as_ref();
    let labels = spec.and_then(|sp| sp.labels.as_ref());
    let container = spec
        .and_then(|sp| sp.task_template.as_ref())
        .and_then(|t| t.container_spec.as_ref());
    let image = container
        .and_then(|c| c.image.as_deref())
        .unwrap_or_default();
    // The container labels are what its tasks' containers carry, so they win.
    let revision = container
        .and_then(|c| c.labels.as_ref())
        .and_then(|l| l.get(REVISION_LABEL))
        .or_else(|| labels.and_then(|l| l.get(REVISION_LABEL)))
        .filter(|r| !r.is_empty())
        .cloned();
    Some(Service {
        name: spec
            .and_then(|sp| sp.name.clone())
            .unwrap_or_else(|| id.clone()),
        id,
        stack: labels.and_then(|l| l.get(STACK_LABEL)).cloned(),
        mode,
        replicas_desired,
        replicas_running: u64::try_from(running).unwrap_or(u64::MAX),
        image: without_digest(image).to_owned(),
        revision,
        update_state: update.and_then(|u| u.state).and_then(update_state),
        update_message: update.and_then(|u| u.message.clone()),
        ports: s
            .endpoint
            .as_ref()
            .and_then(|e| e.ports.as_deref())
            .unwrap_or_default()
            .iter()
            .filter_map(port)
            .collect(),
        created: s.created_at,
        recent_failures: u32::try_from(failures).unwrap_or(u32::MAX),
        version: s.version.as_ref().and_then(|v| v.index).unwrap_or(0),
    })
}

/// The mode and, for replicated services and jobs, the replica or completion count.
fn mode(spec: Option<&ServiceSpecMode>) -> (ServiceMode, Option<i64>) {
    match spec {
        Some(m) if m.global.is_some() => (ServiceMode::Global, None),
        Some(m) if m.global_job.is_some() => (ServiceMode::GlobalJob, None),
        Some(m) if m.replicated_job.is_some() => {
            let total = m.replicated_job.as_ref().and_then(|j| j.total_completions);
            (ServiceMode::ReplicatedJob, total)
        }
        Some(m) => (
            ServiceMode::Replicated,
            m.replicated.as_ref().and_then(|r| r.replicas),
        ),
        None => (ServiceMode::Replicated, None),
    }
}

/// `busybox:1.36@sha256:…` → `busybox:1.36` (the CLI pins digests it resolved).
fn without_digest(image: &str) -> &str {
    image.split_once('@').map_or(image, |(name, _)| name)
}

fn update_state(s: ServiceUpdateStatusStateEnum) -> Option<UpdateState> {
    Some(match s {
        ServiceUpdateStatusStateEnum::EMPTY => return None,
        ServiceUpdateStatusStateEnum::UPDATING => UpdateState::Updating,
        ServiceUpdateStatusStateEnum::PAUSED => UpdateState::Paused,
        ServiceUpdateStatusStateEnum::COMPLETED => UpdateState::Completed,
        ServiceUpdateStatusStateEnum::ROLLBACK_STARTED => UpdateState::RollbackStarted,
        ServiceUpdateStatusStateEnum::ROLLBACK_PAUSED => UpdateState::RollbackPaused,
        ServiceUpdateStatusStateEnum::ROLLBACK_COMPLETED => UpdateState::RollbackCompleted,
    })
}

fn port(p: &EndpointPortConfig) -> Option<Port> {
    Some(Port {
        published: p.published_port.and_then(|n| u16::try_from(n).ok()),
        target: u16::try_from(p.target_port?).ok()?,
        protocol: p
            .protocol
            .map_or_else(|| "tcp".to_owned(), |x| x.to_string()),
    })
}

fn task(t: &WireTask, hostnames: &HashMap<&str, &str>) -> Option<Task> {
    let status = t.status.as_ref();
    let container = status
        .and_then(|s| s.container_status.as_ref())
        .filter(|c| c.container_id.as_deref().is_some_and(|id| !id.is_empty()));
    let node_id = t.node_id.clone().filter(|n| !n.is_empty());
    let state = status
        .and_then(|s| s.state)
        .map(|s| s.to_string())
        .unwrap_or_default();
    // The engine sends 0 for containers still running: only an ended task has one.
    let ended = matches!(
        state.as_str(),
        "complete" | "failed" | "shutdown" | "rejected"
    );
    Some(Task {
        id: t.id.clone()?,
        service_id: t.service_id.clone()?,
        slot: t.slot.and_then(|s| u64::try_from(s).ok()),
        node: node_id
            .as_deref()
            .and_then(|n| hostnames.get(n))
            .map(|h| (*h).to_owned()),
        node_id,
        desired_state: t.desired_state.map(|s| s.to_string()).unwrap_or_default(),
        error: status.and_then(|s| s.err.clone()).filter(|e| !e.is_empty()),
        exit_code: container.and_then(|c| c.exit_code).filter(|_| ended),
        state,
        timestamp: status.and_then(|s| s.timestamp),
        container_id: container.and_then(|c| c.container_id.clone()),
    })
}

fn hostname(n: &WireNode) -> Option<&str> {
    n.description.as_ref()?.hostname.as_deref()
}

fn node(n: &WireNode, tasks: &[Task]) -> Option<Node> {
    let id = n.id.clone()?;
    let spec = n.spec.as_ref();
    let running = tasks
        .iter()
        .filter(|t| t.node_id.as_deref() == Some(id.as_str()) && t.is_running())
        .count();
    let manager_status = n.manager_status.as_ref().map(|m| {
        if m.leader == Some(true) {
            ManagerStatus::Leader
        } else {
            match m.reachability {
                Some(Reachability::REACHABLE) => ManagerStatus::Reachable,
                Some(Reachability::UNREACHABLE) => ManagerStatus::Unreachable,
                _ => ManagerStatus::Unknown,
            }
        }
    });
    Some(Node {
        hostname: hostname(n).map_or_else(|| id.clone(), str::to_owned),
        role: match spec.and_then(|s| s.role) {
            Some(NodeSpecRoleEnum::MANAGER) => NodeRole::Manager,
            _ => NodeRole::Worker,
        },
        manager_status,
        availability: availability(spec.and_then(|s| s.availability)),
        state: match n.status.as_ref().and_then(|s| s.state) {
            Some(WireNodeState::READY) => NodeState::Ready,
            Some(WireNodeState::DOWN) => NodeState::Down,
            Some(WireNodeState::DISCONNECTED) => NodeState::Disconnected,
            _ => NodeState::Unknown,
        },
        engine_version: n
            .description
            .as_ref()
            .and_then(|d| d.engine.as_ref())
            .and_then(|e| e.engine_version.clone()),
        tasks_running: u64::try_from(running).unwrap_or(u64::MAX),
        version: n.version.as_ref().and_then(|v| v.index).unwrap_or(0),
        id,
    })
}

/// A node's availability in flightdeck's words (absent: active, the engine's default).
pub(super) fn availability(wire: Option<NodeSpecAvailabilityEnum>) -> Availability {
    match wire {
        Some(NodeSpecAvailabilityEnum::DRAIN) => Availability::Drain,
        Some(NodeSpecAvailabilityEnum::PAUSE) => Availability::Pause,
        _ => Availability::Active,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Severity;

    /// Recorded from the three-node swarm `scripts/lib/swarm.sh` starts.
    fn recorded() -> SwarmSnapshot {
        let services: Vec<WireService> =
            serde_json::from_str(include_str!("../../../tests/fixtures/swarm/services.json"))
                .unwrap();
        let tasks: Vec<WireTask> =
            serde_json::from_str(include_str!("../../../tests/fixtures/swarm/tasks.json")).unwrap();
        let nodes: Vec<WireNode> =
            serde_json::from_str(include_str!("../../../tests/fixtures/swarm/nodes.json")).unwrap();
        let now = "2026-12-06T01:08:53Z".parse().unwrap();
        snapshot(&services, &tasks, &nodes, now)
    }

    fn service<'a>(s: &'a SwarmSnapshot, name: &str) -> &'a Service {
        s.services.iter().find(|x| x.name == name).unwrap()
    }

    #[test]
    fn services_are_counted_from_their_tasks() {
        let s = recorded();
        let names: Vec<&str> = s.services.iter().map(|x| x.name.as_str()).collect();
        assert_eq!(names, ["crasher", "fdstack_web", "unplaceable"]);
        let web = service(&s, "fdstack_web");
        assert_eq!(web.stack.as_deref(), Some("fdstack"));
        assert_eq!(web.mode, ServiceMode::Replicated);
        assert_eq!((web.replicas_desired, web.replicas_running), (3, 3));
        assert_eq!(web.image, "flightdeck-test:busybox");
        assert_eq!(
            web.revision.as_deref(),
            Some("3f2a9c1e0b5d4c3a2b1f0e9d8c7b6a5f4e3d2c1b"),
            "from the task template's container labels"
        );
        assert_eq!(web.update_state, Some(UpdateState::Completed));
        assert_eq!(
            web.ports,
            [Port {
                published: Some(8080),
                target: 80,
                protocol: "tcp".into()
            }]
        );
        assert!(web.created.is_some() && web.version > 0);
        assert_eq!(web.severity(), Severity::Ok);
        let unplaceable = service(&s, "unplaceable");
        assert_eq!(unplaceable.stack, None);
        assert_eq!(unplaceable.revision, None);
        assert_eq!(
            (unplaceable.replicas_desired, unplaceable.replicas_running),
            (3, 2)
        );
        assert_eq!(unplaceable.severity(), Severity::Warning);
    }

    #[test]
    fn a_crash_loop_is_critical_while_one_replica_is_up() {
        let s = recorded();
        let crasher = service(&s, "crasher");
        // Recorded at an instant when slot 2 had just restarted.
        assert_eq!((crasher.replicas_desired, crasher.replicas_running), (2, 1));
        assert!(crasher.recent_failures >= 5, "{}", crasher.recent_failures);
        assert_eq!(crasher.severity(), Severity::Critical);
        assert_eq!(crasher.state_word(), "crash_loop");
    }

    #[test]
    fn the_service_label_is_the_revision_when_its_containers_have_none() {
        let wire: WireService = serde_json::from_str(
            r#"{"ID":"s1","Spec":{"Name":"api","Labels":{"org.opencontainers.image.revision":"abc1234"},
                "TaskTemplate":{"ContainerSpec":{"Image":"acme/api:1.4"}}}}"#,
        )
        .unwrap();
        let s = snapshot(&[wire], &[], &[], Utc::now());
        assert_eq!(s.services[0].revision.as_deref(), Some("abc1234"));
    }

    #[test]
    fn failures_older_than_the_window_do_not_count() {
        let services: Vec<WireService> =
            serde_json::from_str(include_str!("../../../tests/fixtures/swarm/services.json"))
                .unwrap();
        let tasks: Vec<WireTask> =
            serde_json::from_str(include_str!("../../../tests/fixtures/swarm/tasks.json")).unwrap();
        let later = "2026-12-06T02:00:00Z".parse().unwrap();
        let s = snapshot(&services, &tasks, &[], later);
        assert_eq!(service(&s, "crasher").recent_failures, 0);
        assert_eq!(service(&s, "crasher").severity(), Severity::Warning);
    }

    #[test]
    fn tasks_keep_slot_node_states_error_and_exit_code() {
        let s = recorded();
        let crasher = service(&s, "crasher");
        let failed = s
            .tasks
            .iter()
            .find(|t| t.service_id == crasher.id && t.state == "failed")
            .unwrap();
        assert_eq!(failed.desired_state, "shutdown");
        assert_eq!(failed.error.as_deref(), Some("task: non-zero exit (1)"));
        assert_eq!(failed.exit_code, Some(1));
        assert!(failed.slot.is_some() && failed.container_id.is_some());
        assert!(failed.node.is_some() && failed.timestamp.is_some());
        let pending = s.tasks.iter().find(|t| t.state == "pending").unwrap();
        assert_eq!(
            (pending.node_id.as_deref(), pending.exit_code),
            (None, None)
        );
        assert!(
            pending
                .error
                .as_deref()
                .unwrap()
                .contains("no suitable node")
        );
    }

    #[test]
    fn nodes_have_roles_availability_and_running_tasks() {
        let s = recorded();
        let hosts: Vec<&str> = s.nodes.iter().map(|n| n.hostname.as_str()).collect();
        assert_eq!(hosts, ["manager", "worker1", "worker2"]);
        let [manager, worker1, worker2] = [0, 1, 2].map(|i| &s.nodes[i]);
        assert_eq!(manager.role, NodeRole::Manager);
        assert_eq!(manager.manager_status, Some(ManagerStatus::Leader));
        assert_eq!(
            (worker1.role, worker1.manager_status),
            (NodeRole::Worker, None)
        );
        assert_eq!(worker2.availability, Availability::Drain);
        assert_eq!(worker2.severity(), Severity::Warning);
        assert_eq!(worker2.tasks_running, 0);
        assert!(manager.tasks_running > 0 && worker1.tasks_running > 0);
        assert!(s.nodes.iter().all(|n| n.state == NodeState::Ready));
        assert_eq!(manager.engine_version.as_deref(), Some("20.10.24+dfsg1"));
        let running: u64 = s.nodes.iter().map(|n| n.tasks_running).sum();
        let expected = s.tasks.iter().filter(|t| t.is_running()).count();
        assert_eq!(running, u64::try_from(expected).unwrap());
    }
}

//! Swarm transitions between two snapshots read from one manager: services
//! created, scaled, updated or removed; tasks that failed; nodes down, up, drained.
//! At most one task sentence per service and poll, so a crash loop cannot flood.

use std::collections::{HashMap, HashSet};

use super::FeedKind;
use crate::state::Severity;
use crate::state::swarm::{
    Availability, Node, NodeState, Service, ServiceMode, SwarmSnapshot, UpdateState,
};

type Found = (FeedKind, Severity, String);

/// The transitions from `old` to `new`, oldest kind of news first.
pub fn swarm(old: &SwarmSnapshot, new: &SwarmSnapshot) -> Vec<Found> {
    let mut out = services(&old.services, &new.services);
    out.extend(failed_tasks(old, new));
    out.extend(nodes(&old.nodes, &new.nodes));
    out
}

fn services(old: &[Service], new: &[Service]) -> Vec<Found> {
    let before: HashMap<&str, &Service> = old.iter().map(|s| (s.id.as_str(), s)).collect();
    let mut out = Vec::new();
    for s in new {
        let Some(o) = before.get(s.id.as_str()) else {
            out.push((Severity::Ok, format!("service {} created", s.name)));
            continue;
        };
        if o.replicas_desired != s.replicas_desired && s.mode == ServiceMode::Replicated {
            let text = format!(
                "service {} scaled {} → {}",
                s.name, o.replicas_desired, s.replicas_desired
            );
            out.push((Severity::Ok, text));
        }
        if o.update_state != s.update_state {
            out.extend(update_change(s));
        }
    }
    for o in old.iter().filter(|o| !new.iter().any(|s| s.id == o.id)) {
        out.push((Severity::Warning, format!("service {} removed", o.name)));
    }
    out.into_iter()
        .map(|(sev, text)| (FeedKind::Service, sev, text))
        .collect()
}

fn update_change(s: &Service) -> Option<(Severity, String)> {
    let name = &s.name;
    let (severity, word) = match s.update_state? {
        UpdateState::Updating => (Severity::Warning, "update started"),
        UpdateState::Paused => (Severity::Warning, "update paused"),
        UpdateState::Completed => (Severity::Ok, "update completed"),
        UpdateState::RollbackStarted => (Severity::Warning, "rollback started"),
        UpdateState::RollbackPaused => (Severity::Critical, "rollback paused"),
        UpdateState::RollbackCompleted if s.is_rolled_back_on_failure() => {
            (Severity::Critical, "update rolled back on failure")
        }
        UpdateState::RollbackCompleted => (Severity::Ok, "rolled back"),
    };
    Some((severity, format!("service {name} {word}")))
}

/// One sentence per service whose tasks failed since `old`, with the newest error.
fn failed_tasks(old: &SwarmSnapshot, new: &SwarmSnapshot) -> Vec<Found> {
    let seen: HashSet<&str> = old
        .tasks
        .iter()
        .filter(|t| t.has_failed())
        .map(|t| t.id.as_str())
        .collect();
    let mut out = Vec::new();
    for s in &new.services {
        let mut fresh: Vec<_> = new
            .tasks
            .iter()
            .filter(|t| t.service_id == s.id && t.has_failed() && !seen.contains(t.id.as_str()))
            .collect();
        fresh.sort_by_key(|t| t.timestamp);
        let Some(last) = fresh.last() else { continue };
        let on = last
            .node
            .as_deref()
            .map(|n| format!(" on {n}"))
            .unwrap_or_default();
        let error = last.error.as_deref().unwrap_or("no error given");
        let text = match fresh.len() {
            1 => format!("task of {} failed{on}: {error}", s.name),
            n => format!("{n} tasks of {} failed, last{on}: {error}", s.name),
        };
        out.push((FeedKind::Service, Severity::Critical, text));
    }
    out
}

fn nodes(old: &[Node], new: &[Node]) -> Vec<Found> {
    let before: HashMap<&str, &Node> = old.iter().map(|n| (n.id.as_str(), n)).collect();
    let mut out = Vec::new();
    for n in new {
        let host = &n.hostname;
        let Some(o) = before.get(n.id.as_str()) else {
            out.push((Severity::Ok, format!("node {host} joined")));
            continue;
        };
        if o.state != n.state {
            match n.state {
                NodeState::Ready => out.push((Severity::Ok, format!("node {host} up"))),
                NodeState::Down | NodeState::Disconnected => {
                    out.push((Severity::Critical, format!("node {host} down")));
                }
                NodeState::Unknown => {}
            }
        }
        if o.availability != n.availability {
            let (severity, word) = match n.availability {
                Availability::Active => (Severity::Ok, "active"),
                Availability::Pause => (Severity::Warning, "paused"),
                Availability::Drain => (Severity::Warning, "drained"),
            };
            out.push((severity, format!("node {host} {word}")));
        }
    }
    for o in old.iter().filter(|o| !new.iter().any(|n| n.id == o.id)) {
        out.push((Severity::Warning, format!("node {} left", o.hostname)));
    }
    out.into_iter()
        .map(|(sev, text)| (FeedKind::Node, sev, text))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::swarm::{NodeRole, Task};

    fn node(state: NodeState, availability: Availability) -> Node {
        Node {
            id: "n1".into(),
            hostname: "worker1".into(),
            role: NodeRole::Worker,
            manager_status: None,
            availability,
            state,
            engine_version: None,
            tasks_running: 0,
            version: 1,
        }
    }

    fn snapshot(nodes: Vec<Node>, tasks: Vec<Task>) -> SwarmSnapshot {
        let service = Service {
            id: "s1".into(),
            name: "api".into(),
            stack: None,
            mode: ServiceMode::Replicated,
            replicas_desired: 1,
            replicas_running: 1,
            image: "busybox".into(),
            update_state: None,
            update_message: None,
            ports: Vec::new(),
            created: None,
            recent_failures: 0,
            revision: None,
            version: 1,
        };
        SwarmSnapshot {
            services: vec![service],
            tasks,
            nodes,
        }
    }

    fn failed(id: &str) -> Task {
        Task {
            id: id.into(),
            service_id: "s1".into(),
            slot: Some(1),
            node_id: Some("n1".into()),
            node: Some("worker1".into()),
            desired_state: "shutdown".into(),
            state: "failed".into(),
            error: Some("task: non-zero exit (2)".into()),
            exit_code: Some(2),
            timestamp: None,
            container_id: None,
        }
    }

    #[test]
    fn nodes_going_down_coming_up_and_draining_are_fed() {
        let ready = snapshot(vec![node(NodeState::Ready, Availability::Active)], vec![]);
        let down = snapshot(vec![node(NodeState::Down, Availability::Drain)], vec![]);
        let found = swarm(&ready, &down);
        let texts: Vec<(Severity, &str)> = found.iter().map(|(_, s, t)| (*s, t.as_str())).collect();
        assert_eq!(
            texts,
            [
                (Severity::Critical, "node worker1 down"),
                (Severity::Warning, "node worker1 drained")
            ]
        );
        assert!(found.iter().all(|(k, ..)| *k == FeedKind::Node));
        let up = swarm(&down, &ready);
        assert_eq!(up[0].2, "node worker1 up");
        assert!(swarm(&ready, &ready).is_empty());
    }

    #[test]
    fn failed_tasks_make_one_sentence_per_service_and_are_fed_once() {
        let before = snapshot(vec![], vec![failed("t1")]);
        let after = snapshot(vec![], vec![failed("t1"), failed("t2"), failed("t3")]);
        let found = swarm(&before, &after);
        assert_eq!(found.len(), 1, "{found:?}");
        let (kind, severity, text) = &found[0];
        assert_eq!((*kind, *severity), (FeedKind::Service, Severity::Critical));
        assert_eq!(
            text,
            "2 tasks of api failed, last on worker1: task: non-zero exit (2)"
        );
        assert!(swarm(&after, &after).is_empty());
    }
}

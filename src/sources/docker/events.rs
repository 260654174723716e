//! Follows the engine's event stream: each container lifecycle or health event
//! marks that container for re-inspection and wakes the poller at once; on a
//! Swarm manager, `service` and `node` events mark what the Swarm poller reads
//! again and wake it (`SwarmLink`).
//! Reconnects by itself with backoff when the engine goes away, replaying what
//! it missed. Lifecycle events also go to `Lifecycle`, which judges crash loops
//! and stops on request.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use bollard::Docker;
use bollard::models::{EventMessage, EventMessageTypeEnum};
use bollard::query_parameters::EventsOptions;
use chrono::{DateTime, Duration, Utc};
use futures_util::StreamExt;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::lifecycle::Lifecycle;

/// How far back the engine's buffered events are read on connecting (it keeps
/// only its last 256 events anyway).
const REPLAY_SECS: i64 = 24 * 3600;
/// Events the engine buffers; a replay this long may have lost older ones.
const ENGINE_BUFFER: usize = 256;

/// Event actions that change what the pane shows (health events are `health_status: …`).
const ACTIONS: [&str; 12] = [
    "create", "start", "restart", "stop", "die", "kill", "pause", "unpause", "destroy", "rename",
    "oom", "update",
];

/// Whether an event changes a container's row.
pub fn is_relevant(ev: &EventMessage) -> bool {
    let action = ev.action.as_deref().unwrap_or_default();
    action.starts_with("health_status") || ACTIONS.contains(&action)
}

fn container_filter() -> HashMap<String, Vec<String>> {
    HashMap::from([("type".to_owned(), vec!["container".to_owned()])])
}

/// What the events named since the Swarm poller last looked.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SwarmEvents {
    /// Services created, updated or removed.
    pub services: HashSet<String>,
    /// Whether any node event came (joined, left, updated, down).
    pub nodes: bool,
}

/// Shared by a Docker source's event follower and its Swarm poller.
#[derive(Debug, Default)]
pub struct SwarmLink {
    /// What changed.
    pub events: Mutex<SwarmEvents>,
    /// Wakes the Swarm poller.
    pub refresh: Arc<Notify>,
}

impl SwarmLink {
    /// Notes a `service` or `node` event and wakes the Swarm poller; false for others.
    pub fn note(&self, ev: &EventMessage) -> bool {
        let Ok(mut e) = self.events.lock() else {
            return false;
        };
        match ev.typ {
            Some(EventMessageTypeEnum::SERVICE) => {
                if let Some(id) = ev.actor.as_ref().and_then(|a| a.id.clone()) {
                    e.services.insert(id);
                }
            }
            Some(EventMessageTypeEnum::NODE) => e.nodes = true,
            _ => return false,
        }
        self.refresh.notify_one();
        true
    }

    /// Takes what the events named so far.
    pub fn take(&self) -> SwarmEvents {
        self.events
            .lock()
            .map(|mut e| std::mem::take(&mut *e))
            .unwrap_or_default()
    }
}

/// The followed event types: containers, and services and nodes for a Swarm poller.
fn follow_filter(swarm: bool) -> HashMap<String, Vec<String>> {
    let mut types = vec!["container".to_owned()];
    if swarm {
        types.extend(["service".to_owned(), "node".to_owned()]);
    }
    HashMap::from([("type".to_owned(), types)])
}

/// Reads the engine's buffered container events of the last day up to `now` into
/// `lifecycle` and notes from when on they are complete. Bounded by `timeout`.
pub async fn replay(
    client: &Docker,
    lifecycle: &Mutex<Lifecycle>,
    now: DateTime<Utc>,
    timeout: std::time::Duration,
) -> bool {
    let Some(since) = now.checked_sub_signed(Duration::seconds(REPLAY_SECS)) else {
        return false;
    };
    let options = EventsOptions {
        since: Some(since.timestamp().to_string()),
        until: Some(now.timestamp().saturating_add(1).to_string()),
        filters: Some(container_filter()),
    };
    let read = client.events(Some(options)).collect::<Vec<_>>();
    let Ok(answers) = tokio::time::timeout(timeout, read).await else {
        return false;
    };
    let events: Vec<EventMessage> = answers.into_iter().filter_map(Result::ok).collect();
    let Ok(mut l) = lifecycle.lock() else {
        return false;
    };
    for ev in &events {
        l.record(ev);
    }
    // A full buffer may have dropped older events: complete only from the oldest one.
    let complete_from = if events.len() >= ENGINE_BUFFER {
        events
            .iter()
            .filter_map(|e| e.time)
            .min()
            .and_then(|secs| DateTime::from_timestamp(secs, 0))
    } else {
        Some(since)
    };
    if let Some(from) = complete_from {
        l.cover(from);
    }
    true
}

/// Where the follower sends what it sees.
pub struct Sinks {
    /// Whether the follower is on a stream that has not failed: while it is, the
    /// poller need not list every interval.
    pub following: Arc<AtomicBool>,
    /// Containers to inspect again.
    pub dirty: Arc<Mutex<HashSet<String>>>,
    /// Lifecycle events, for crash loops.
    pub lifecycle: Arc<Mutex<Lifecycle>>,
    /// Wakes the container poller.
    pub refresh: Arc<Notify>,
    /// Service and node events, when the engine's Swarm is polled.
    pub swarm: Option<Arc<SwarmLink>>,
}

/// Runs until cancelled.
pub async fn follow(client: Docker, sinks: Sinks, cancel: CancellationToken) {
    let Sinks {
        following,
        dirty,
        lifecycle,
        refresh,
        swarm,
    } = sinks;
    let mut failures = 0u32;
    // After a reconnect, the engine replays what happened since the last event seen.
    let mut last_seen: Option<i64> = None;
    loop {
        let options = EventsOptions {
            since: last_seen.map(|t| t.to_string()),
            filters: Some(follow_filter(swarm.is_some())),
            ..Default::default()
        };
        let mut stream = client.events(Some(options));
        following.store(true, Ordering::SeqCst);
        loop {
            let next = tokio::select! {
                () = cancel.cancelled() => return,
                next = stream.next() => next,
            };
            match next {
                Some(Ok(ev)) => {
                    failures = 0;
                    last_seen = ev.time.or(last_seen);
                    if swarm.as_ref().is_some_and(|s| s.note(&ev)) {
                        continue;
                    }
                    if let Ok(mut l) = lifecycle.lock() {
                        l.record(&ev);
                    }
                    if !is_relevant(&ev) {
                        continue;
                    }
                    if let (Some(id), Ok(mut d)) = (ev.actor.and_then(|a| a.id), dirty.lock()) {
                        d.insert(id);
                    }
                    refresh.notify_one();
                }
                Some(Err(e)) => {
                    tracing::debug!("docker events: {e}");
                    break;
                }
                None => break,
            }
        }
        following.store(false, Ordering::SeqCst);
        // What happened while no stream was followed is read by the next list.
        refresh.notify_one();
        failures = failures.saturating_add(1);
        tokio::select! {
            () = cancel.cancelled() => return,
            () = tokio::time::sleep(super::reconnect_delay(failures)) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(action: &str) -> EventMessage {
        EventMessage {
            action: Some(action.to_owned()),
            ..Default::default()
        }
    }

    #[test]
    fn service_and_node_events_mark_what_the_swarm_poller_reads_again() {
        let link = SwarmLink::default();
        let of = |typ, id: &str| EventMessage {
            typ: Some(typ),
            actor: Some(bollard::models::EventActor {
                id: Some(id.to_owned()),
                attributes: None,
            }),
            ..ev("update")
        };
        assert!(link.note(&of(EventMessageTypeEnum::SERVICE, "s1")));
        assert!(link.note(&of(EventMessageTypeEnum::NODE, "n1")));
        assert!(!link.note(&of(EventMessageTypeEnum::CONTAINER, "c1")));
        let seen = link.take();
        assert_eq!(seen.services, HashSet::from(["s1".to_owned()]));
        assert!(seen.nodes);
        assert_eq!(link.take(), SwarmEvents::default(), "taken once");
        assert_eq!(
            follow_filter(true)["type"],
            ["container", "service", "node"]
        );
        assert_eq!(follow_filter(false)["type"], ["container"]);
    }

    #[test]
    fn health_and_lifecycle_events_count_exec_events_do_not() {
        assert!(is_relevant(&ev("health_status: unhealthy")));
        assert!(is_relevant(&ev("die")));
        assert!(!is_relevant(&ev("exec_start: /bin/sh -c true")));
        assert!(!is_relevant(&ev("exec_die")));
    }
}

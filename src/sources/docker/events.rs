//! Follows the engine's event stream: each container lifecycle or health event
//! marks that container for re-inspection and wakes the poller at once.
//! Reconnects by itself with backoff when the engine goes away.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use bollard::Docker;
use bollard::models::EventMessage;
use bollard::query_parameters::EventsOptions;
use futures_util::StreamExt;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

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

/// Runs until cancelled.
pub async fn follow(
    client: Docker,
    dirty: Arc<Mutex<HashSet<String>>>,
    refresh: Arc<Notify>,
    cancel: CancellationToken,
) {
    let mut failures = 0u32;
    loop {
        let filters = HashMap::from([("type".to_owned(), vec!["container".to_owned()])]);
        let options = EventsOptions {
            filters: Some(filters),
            ..Default::default()
        };
        let mut stream = client.events(Some(options));
        loop {
            let next = tokio::select! {
                () = cancel.cancelled() => return,
                next = stream.next() => next,
            };
            match next {
                Some(Ok(ev)) => {
                    failures = 0;
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
    fn health_and_lifecycle_events_count_exec_events_do_not() {
        assert!(is_relevant(&ev("health_status: unhealthy")));
        assert!(is_relevant(&ev("die")));
        assert!(!is_relevant(&ev("exec_start: /bin/sh -c true")));
        assert!(!is_relevant(&ev("exec_die")));
    }
}

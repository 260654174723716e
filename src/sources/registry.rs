//! Builds the configured sources and runs each under the generic driver in one
//! `JoinSet`, so a poller that panics is reported as crashed instead of vanishing.

use std::collections::HashMap;

use tokio::sync::mpsc;
use tokio::task::{self, JoinSet};
use tokio_util::sync::CancellationToken;

use super::driver::{DriverHandle, PollPolicy};
use super::{SourceId, SourceKind, SourceSpec, Update};
use crate::config::Config;
use crate::state::Store;

/// The sources named by a config, in header order.
pub fn specs(config: &Config) -> Vec<SourceSpec> {
    let mut specs = Vec::new();
    if let Some(g) = &config.github {
        specs.push(SourceSpec {
            kind: SourceKind::Github,
            name: "github".into(),
            interval: g.interval,
        });
    }
    for d in &config.docker {
        specs.push(SourceSpec {
            kind: SourceKind::Docker,
            name: d.name.clone(),
            interval: d.interval,
        });
    }
    if let Some(m) = &config.mlflow {
        specs.push(SourceSpec {
            kind: SourceKind::Mlflow,
            name: "mlflow".into(),
            interval: m.interval,
        });
    }
    if let Some(p) = &config.prometheus {
        let spec = SourceSpec {
            kind: SourceKind::Prometheus,
            name: "prometheus".into(),
            interval: p.interval,
        };
        specs.push(spec);
    }
    if let Some(a) = &config.alertmanager {
        let spec = SourceSpec {
            kind: SourceKind::Alertmanager,
            name: "alertmanager".into(),
            interval: a.interval,
        };
        specs.push(spec);
    }
    specs
}

/// Polls every supported source once, concurrently, within `timeout`.
#[allow(
    clippy::unused_async,
    reason = "sources will be awaited here as they land"
)]
pub async fn poll_all_once(_config: &Config, store: &mut Store, _timeout: std::time::Duration) {
    mark_unsupported(store);
}

fn mark_unsupported(store: &mut Store) {
    let ids: Vec<(SourceId, SourceKind)> = store
        .sources
        .iter()
        .enumerate()
        .map(|(i, s)| (SourceId(i), s.spec.kind))
        .collect();
    for (id, kind) in ids {
        store.mark_unsupported(id, &format!("this build has no {} poller yet", kind.name()));
    }
}

/// The running pollers and the loop's handles to them.
#[derive(Default)]
pub struct Pollers {
    handles: HashMap<SourceId, DriverHandle>,
    tasks: JoinSet<()>,
    owners: HashMap<task::Id, SourceId>,
}

impl Pollers {
    /// Starts a poller for every source this build supports; marks the rest in the store.
    pub fn start(
        _config: &Config,
        store: &mut Store,
        _tx: &mpsc::Sender<Update>,
        _cancel: &CancellationToken,
    ) -> Pollers {
        let pollers = Pollers::default();
        mark_unsupported(store);
        pollers
    }

    /// Wakes the pollers of these sources for an immediate poll.
    pub fn refresh(&self, ids: &[SourceId]) {
        for id in ids {
            if let Some(h) = self.handles.get(id) {
                h.refresh.notify_one();
            }
        }
    }

    /// Sets a source's poll policy (a no-op when unchanged).
    pub fn set_policy(&self, id: SourceId, policy: PollPolicy) {
        if let Some(h) = self.handles.get(&id) {
            h.policy
                .send_if_modified(|p| std::mem::replace(p, policy) != policy);
        }
    }

    /// Waits for a poller task to end and reports which one panicked (never returns
    /// while no tasks run).
    pub async fn crashed(&mut self) -> (SourceId, String) {
        loop {
            let Some(joined) = self.tasks.join_next_with_id().await else {
                std::future::pending::<()>().await;
                continue;
            };
            let (id, message) = match joined {
                Ok((id, ())) => (id, "poller stopped".to_owned()),
                Err(e) => (e.id(), panic_message(e)),
            };
            if let Some(source) = self.owners.remove(&id) {
                return (source, message);
            }
        }
    }
}

fn panic_message(e: task::JoinError) -> String {
    if !e.is_panic() {
        return "poller cancelled".to_owned();
    }
    let payload = e.into_panic();
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panicked".to_owned())
}

//! From config to sources: the specs the store and header know, and the one-shot
//! poll of every source that `flightdeck status` runs (the TUI's pollers are in
//! `pollers.rs`; both build sources the same way from the same config).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::{Notify, watch};
use tokio::task::{self, JoinSet};
use tokio_util::sync::CancellationToken;

use super::airflow::{AirflowClient, AirflowSource};
use super::alertmanager::AlertmanagerSource;
use super::docker::cluster::SwarmSource;
use super::docker::{DockerSource, Focus};
use super::github::{self, GithubSource};
use super::mlflow::MlflowSource;
use super::prometheus::PrometheusSource;
use super::{Payload, Source, SourceId, SourceKind, SourceSpec, Update};
use crate::config::Config;
use crate::error::SourceError;
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
    if let Some(a) = &config.airflow {
        specs.push(SourceSpec {
            kind: SourceKind::Airflow,
            name: "airflow".into(),
            interval: a.interval,
        });
    }
    specs
}

/// Polls every supported source once, concurrently, within `timeout`.
pub async fn poll_all_once(config: &Config, store: &mut Store, timeout: Duration) {
    let cancel = CancellationToken::new();
    let mut polls = JoinSet::new();
    let mut owners: HashMap<task::Id, SourceId> = HashMap::new();
    for (id, cfg) in docker_ids(store).into_iter().zip(&config.docker) {
        let (_focus, rx) = watch::channel(Focus::default());
        let src = DockerSource::lazy(cfg.clone(), rx, Arc::new(Notify::new()), cancel.clone());
        owners.insert(polls.spawn(poll_bounded(id, src, timeout)).id(), id);
        if cfg.swarm {
            polls.spawn(poll_swarm_once(id, SwarmSource::new(cfg.clone()), timeout));
        }
    }
    for (id, source) in http_sources(config, store) {
        owners.insert(polls.spawn(poll_once(id, source, timeout)).id(), id);
    }
    for (id, cfg) in mlflow_ids(store).into_iter().zip(&config.mlflow) {
        let task = polls.spawn(poll_bounded(id, MlflowSource::new(cfg), timeout));
        owners.insert(task.id(), id);
    }
    if let (Some(id), Some(cfg)) = (store.ids_of(SourceKind::Github).next(), &config.github) {
        let client = github::Client::new(cfg.clone());
        let (_focus, rx) = watch::channel(github::Focus::default());
        let src = GithubSource::new(client, rx, Arc::new(AtomicBool::new(false)));
        owners.insert(polls.spawn(poll_bounded(id, src, timeout)).id(), id);
    }
    while let Some(done) = polls.join_next_with_id().await {
        match done {
            Ok((_, update)) => store.apply(update),
            // A poll that panicked still reports, as crashed, instead of vanishing.
            Err(e) => match owners.get(&e.id()) {
                Some(&source) => store.apply(Update::Crashed {
                    source,
                    at: Utc::now(),
                    message: super::redact::strip_urls(&super::pollers::panic_message(e)),
                }),
                None => false,
            },
        };
    }
    cancel.cancel();
}

/// One poll of `source`, cut off after `timeout`.
async fn poll_bounded<S: Source>(id: SourceId, mut source: S, timeout: Duration) -> Update {
    let target = source.target();
    let result = tokio::time::timeout(timeout, source.poll())
        .await
        .unwrap_or(Err(SourceError::Timeout {
            target,
            secs: timeout.as_secs(),
        }))
        .map_err(|e| e.map_text(super::redact::strip_urls));
    Update::Polled {
        source: id,
        at: Utc::now(),
        result,
    }
}

/// One swarm poll cut off after `timeout`; even a timeout travels inside
/// `Payload::Swarm`, so it never marks the engine's containers unreadable.
async fn poll_swarm_once(id: SourceId, mut source: SwarmSource, timeout: Duration) -> Update {
    let target = source.target();
    let poll = tokio::time::timeout(timeout, source.read())
        .await
        .unwrap_or(Err(SourceError::Timeout {
            target,
            secs: timeout.as_secs(),
        }));
    Update::Polled {
        source: id,
        at: Utc::now(),
        result: Ok(Payload::Swarm(poll)),
    }
}

/// The HTTP sources (Prometheus, Alertmanager) that poll like any `Source`.
enum HttpSource {
    Prometheus(PrometheusSource),
    Alertmanager(AlertmanagerSource),
    Airflow(Box<AirflowSource>),
}

fn http_sources(config: &Config, store: &Store) -> Vec<(SourceId, HttpSource)> {
    let mut out = Vec::new();
    if let (Some(cfg), Some(id)) = (
        &config.prometheus,
        store.ids_of(SourceKind::Prometheus).next(),
    ) {
        out.push((id, HttpSource::Prometheus(PrometheusSource::new(cfg))));
    }
    if let (Some(cfg), Some(id)) = (
        &config.alertmanager,
        store.ids_of(SourceKind::Alertmanager).next(),
    ) {
        out.push((id, HttpSource::Alertmanager(AlertmanagerSource::new(cfg))));
    }
    if let (Some(cfg), Some(id)) = (&config.airflow, store.ids_of(SourceKind::Airflow).next()) {
        let source = AirflowSource::new(cfg, AirflowClient::new(cfg));
        out.push((id, HttpSource::Airflow(Box::new(source))));
    }
    out
}

async fn poll_once(id: SourceId, source: HttpSource, timeout: Duration) -> Update {
    match source {
        HttpSource::Prometheus(s) => poll_bounded(id, s, timeout).await,
        HttpSource::Alertmanager(s) => poll_bounded(id, s, timeout).await,
        HttpSource::Airflow(s) => poll_bounded(id, *s, timeout).await,
    }
}

/// The configured interval of a source (15 s when unknown).
pub(super) fn config_interval(store: &Store, id: SourceId) -> Duration {
    store
        .source(id)
        .map_or(Duration::from_secs(15), |s| s.spec.interval)
}

pub(super) fn docker_ids(store: &Store) -> Vec<SourceId> {
    store.ids_of(SourceKind::Docker).collect()
}

pub(super) fn mlflow_ids(store: &Store) -> Vec<SourceId> {
    store.ids_of(SourceKind::Mlflow).collect()
}

//! The Docker source: lists containers every interval, inspects only what changed,
//! samples one-shot stats for what is on screen (the selected row every poll, the
//! visible rows every 5th, everything running every 30th), and follows the engine's
//! event stream so state changes show within a second.

mod convert;
pub mod errors;
mod events;
pub mod logs;
mod stats;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bollard::Docker;
use bollard::models::{ContainerInspectResponse, ContainerSummary};
use bollard::query_parameters::{ListContainersOptions, StatsOptions};
use chrono::Utc;
use futures_util::{StreamExt, stream};
use tokio::sync::{Notify, watch};
use tokio_util::sync::CancellationToken;

use super::{Payload, Source};
use crate::config::DockerConfig;
use crate::error::SourceError;
use crate::state::container::{Container, ContainerStats};
use stats::CpuSample;

/// Requests in flight at once per engine (inspects, stats).
const CONCURRENCY: usize = 8;
/// Visible rows get fresh stats every this many polls.
const VISIBLE_EVERY: u64 = 5;
/// Every running container gets fresh stats every this many polls.
const SWEEP_EVERY: u64 = 30;

/// Which containers are on screen, so stats go where they are seen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Focus {
    /// The selected container's id.
    pub selected: Option<String>,
    /// Ids of the containers in visible rows.
    pub visible: Vec<String>,
}

/// Connects to the engine named by a `[[docker]]` table (no request is made yet).
pub fn connect(cfg: &DockerConfig) -> Result<Docker, SourceError> {
    const TIMEOUT_SECS: u64 = 30;
    let version = bollard::API_DEFAULT_VERSION;
    let host = cfg.host.as_str();
    let fail = |e: &bollard::errors::Error| errors::map(host, e);
    if host.starts_with("unix://") {
        return Docker::connect_with_unix(host, TIMEOUT_SECS, version).map_err(|e| fail(&e));
    }
    if host.starts_with("ssh://") {
        return Docker::connect_with_ssh(host, TIMEOUT_SECS, version, None).map_err(|e| fail(&e));
    }
    if host.starts_with("tcp://") {
        if let Some(dir) = cfg.cert_path.as_ref().filter(|_| cfg.tls_verify) {
            let (key, cert, ca) = (
                dir.join("key.pem"),
                dir.join("cert.pem"),
                dir.join("ca.pem"),
            );
            return Docker::connect_with_ssl(host, &key, &cert, &ca, TIMEOUT_SECS, version)
                .map_err(|e| fail(&e));
        }
        return Docker::connect_with_http(host, TIMEOUT_SECS, version).map_err(|e| fail(&e));
    }
    Err(SourceError::Other(format!(
        "docker host '{host}': this platform supports unix://, tcp:// and ssh://"
    )))
}

/// A Docker engine polled for its containers.
pub struct DockerSource {
    client: Option<Docker>,
    config: Option<DockerConfig>,
    refresh: Arc<Notify>,
    cancel: CancellationToken,
    target: String,
    cache: HashMap<String, (convert::Brief, Container)>,
    dirty: Arc<Mutex<HashSet<String>>>,
    cpu: HashMap<String, CpuSample>,
    stats: HashMap<String, ContainerStats>,
    focus: watch::Receiver<Focus>,
    polls: u64,
}

impl DockerSource {
    /// A source on a connected `client`; starts the event follower, which pokes `refresh`.
    pub fn new(
        client: Docker,
        target: &str,
        focus: watch::Receiver<Focus>,
        refresh: Arc<Notify>,
        cancel: CancellationToken,
    ) -> Self {
        let mut source = Self::empty(None, target, focus, refresh, cancel);
        source.start_events(&client);
        source.client = Some(client);
        source
    }

    /// A source that connects on its first poll, and again after each failure to
    /// connect (a socket missing at start-up may appear later).
    pub fn lazy(
        config: DockerConfig,
        focus: watch::Receiver<Focus>,
        refresh: Arc<Notify>,
        cancel: CancellationToken,
    ) -> Self {
        let target = config.host.clone();
        Self::empty(Some(config), &target, focus, refresh, cancel)
    }

    fn empty(
        config: Option<DockerConfig>,
        target: &str,
        focus: watch::Receiver<Focus>,
        refresh: Arc<Notify>,
        cancel: CancellationToken,
    ) -> Self {
        DockerSource {
            client: None,
            config,
            refresh,
            cancel,
            dirty: Arc::new(Mutex::new(HashSet::new())),
            target: target.to_owned(),
            cache: HashMap::new(),
            cpu: HashMap::new(),
            stats: HashMap::new(),
            focus,
            polls: 0,
        }
    }

    fn start_events(&self, client: &Docker) {
        let (dirty, refresh) = (Arc::clone(&self.dirty), Arc::clone(&self.refresh));
        tokio::spawn(events::follow(
            client.clone(),
            dirty,
            refresh,
            self.cancel.clone(),
        ));
    }

    /// The client, connecting first when there is none yet.
    fn client(&mut self) -> Result<Docker, SourceError> {
        if let Some(c) = &self.client {
            return Ok(c.clone());
        }
        let Some(config) = &self.config else {
            return Err(SourceError::Other("no Docker client".to_owned()));
        };
        let client = connect(config)?;
        self.start_events(&client);
        self.client = Some(client.clone());
        Ok(client)
    }

    async fn inspect_changed(
        &mut self,
        client: &Docker,
        list: &[ContainerSummary],
    ) -> Result<(), SourceError> {
        let dirty: HashSet<String> = match self.dirty.lock() {
            Ok(mut d) => std::mem::take(&mut *d),
            Err(_) => HashSet::new(),
        };
        let selected = self.focus.borrow().selected.clone();
        let stale: Vec<(convert::Brief, ContainerSummary)> = list
            .iter()
            .filter_map(|s| Some((convert::brief(s)?, s.clone())))
            .filter(|(b, _)| {
                dirty.contains(&b.id)
                    || selected.as_deref() == Some(b.id.as_str())
                    || self.cache.get(&b.id).is_none_or(|(old, _)| old != b)
            })
            .collect();
        let answers: Vec<_> = stream::iter(stale)
            .map(|(b, s)| {
                let client = client.clone();
                async move {
                    let answer = client.inspect_container(&b.id, None).await;
                    (b, s, answer)
                }
            })
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
        for (b, summary, answer) in answers {
            match answer {
                Ok(inspect) => self.remember(b, &summary, &inspect),
                // Removed between list and inspect: it is gone from the next list too.
                Err(bollard::errors::Error::DockerResponseServerError {
                    status_code: 404, ..
                }) => {}
                Err(e) => return Err(errors::map(&self.target, &e)),
            }
        }
        let alive: HashSet<&str> = list.iter().filter_map(|s| s.id.as_deref()).collect();
        self.cache.retain(|id, _| alive.contains(id.as_str()));
        self.cpu.retain(|id, _| alive.contains(id.as_str()));
        self.stats.retain(|id, _| alive.contains(id.as_str()));
        Ok(())
    }

    fn remember(&mut self, b: convert::Brief, s: &ContainerSummary, i: &ContainerInspectResponse) {
        if let Some(c) = convert::container(s, i) {
            self.cache.insert(b.id.clone(), (b, c));
        }
    }

    /// Ids that get a fresh stats sample this poll.
    fn stats_targets(&self) -> Vec<String> {
        let focus = self.focus.borrow();
        let running = |id: &str| self.cache.get(id).is_some_and(|(_, c)| c.is_running());
        let mut ids: Vec<String> = Vec::new();
        let unsampled = |id: &&String| !self.stats.contains_key(*id);
        if self.polls % SWEEP_EVERY == SWEEP_EVERY - 1 {
            ids.extend(self.cache.keys().filter(|id| running(id)).cloned());
        } else if self.polls.is_multiple_of(VISIBLE_EVERY) {
            ids.extend(focus.visible.iter().filter(|id| running(id)).cloned());
        } else {
            ids.extend(
                focus
                    .visible
                    .iter()
                    .filter(unsampled)
                    .filter(|id| running(id))
                    .cloned(),
            );
        }
        if let Some(sel) = focus.selected.as_ref().filter(|id| running(id)) {
            ids.push(sel.clone());
        }
        ids.sort();
        ids.dedup();
        ids
    }

    async fn sample_stats(&mut self, client: &Docker) {
        let ids = self.stats_targets();
        let options = StatsOptions {
            stream: false,
            one_shot: true,
        };
        let answers: Vec<_> = stream::iter(ids)
            .map(|id| {
                let options = options.clone();
                let client = client.clone();
                async move {
                    let first = client.stats(&id, Some(options)).next().await;
                    (id, first)
                }
            })
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
        let now = Utc::now();
        for (id, answer) in answers {
            let Some(Ok(sample)) = answer else { continue };
            let prev = self.cpu.get(&id).copied();
            if let Some(s) = stats::to_stats(&sample, prev, now) {
                // The first sample has no previous one: keep CPU unknown until the second.
                if prev.is_some() || !self.stats.contains_key(&id) {
                    self.stats.insert(id.clone(), s);
                }
            }
            if let Some(cpu) = stats::cpu_sample(&sample) {
                self.cpu.insert(id, cpu);
            }
        }
    }
}

impl Source for DockerSource {
    async fn poll(&mut self) -> Result<Payload, SourceError> {
        let options = ListContainersOptions {
            all: true,
            ..Default::default()
        };
        let client = self.client()?;
        let list = client
            .list_containers(Some(options))
            .await
            .map_err(|e| errors::map(&self.target, &e))?;
        self.inspect_changed(&client, &list).await?;
        self.sample_stats(&client).await;
        self.polls += 1;
        let mut containers: Vec<Container> = self
            .cache
            .values()
            .map(|(_, c)| {
                let mut c = c.clone();
                c.stats = self.stats.get(&c.id).copied().filter(|_| c.is_running());
                c
            })
            .collect();
        containers.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Payload::Containers(containers))
    }

    fn target(&self) -> String {
        self.target.clone()
    }
}

/// How long the event follower waits before reconnecting, by consecutive failures.
fn reconnect_delay(failures: u32) -> Duration {
    Duration::from_secs(1u64 << failures.min(5))
}

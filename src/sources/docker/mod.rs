//! The Docker source: lists containers every interval, inspects only what changed,
//! and follows the engine's event stream so state changes show within a second.
//! Stats are sampled by a background task (`sampler`) for what is on screen, and
//! each poll attaches the latest samples.

pub mod cluster;
pub(crate) mod convert;
pub mod errors;
pub mod events;
pub(crate) mod lifecycle;
pub mod logs;
mod sampler;
pub mod service_logs;
pub(crate) mod stats;
pub mod swarm;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bollard::Docker;
use bollard::models::{ContainerInspectResponse, ContainerSummary};
use bollard::query_parameters::ListContainersOptions;
use chrono::Utc;
use futures_util::{StreamExt, stream};
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::{Payload, Source};
use crate::config::DockerConfig;
use crate::error::SourceError;
use crate::state::container::Container;

/// Inspects in flight at once per engine.
const CONCURRENCY: usize = 8;
/// While the event stream is followed, the full list is read every this many
/// polls as a check (each event triggers a list at once); the polls between
/// carry the kept containers with fresh stats and verdicts.
const LIST_EVERY: u32 = 5;
/// How long reading the engine's buffered events may take.
const REPLAY_TIMEOUT: Duration = Duration::from_secs(5);
/// Which containers are on screen, so stats go where they are seen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Focus {
    /// The selected container's id.
    pub selected: Option<String>,
    /// Ids of the containers in visible rows.
    pub visible: Vec<String>,
    /// Which Swarm tasks are on screen.
    pub swarm: SwarmFocus,
}

/// Which Swarm tasks the screen shows, so the Swarm poller reads them every poll.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SwarmFocus {
    /// No view needs tasks (service rows count from the service list).
    #[default]
    None,
    /// The tasks of this service (by id) are open.
    Service(String),
    /// Every task: the nodes view counts running tasks per node.
    All,
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
    lifecycle: Arc<Mutex<lifecycle::Lifecycle>>,
    /// Whether the event follower is on a live stream.
    following: Arc<AtomicBool>,
    /// Polls since the last full list, and whether its inspections all finished.
    since_list: u32,
    listed: bool,
    /// Whether the engine's buffered events were read since the last connect.
    replayed: bool,
    samples: sampler::Samples,
    running: watch::Sender<HashSet<String>>,
    focus: watch::Receiver<Focus>,
    interval: Duration,
    /// Where service and node events go, when this engine's Swarm is polled.
    swarm: Option<Arc<events::SwarmLink>>,
    /// The event follower and the stats sampler: aborted with the source, and a
    /// panic in either fails the next poll, so the supervisor restarts them all.
    children: JoinSet<()>,
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
        let (target, interval) = (config.host.clone(), config.interval);
        let mut source = Self::empty(Some(config), &target, focus, refresh, cancel);
        source.interval = interval;
        source
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
            lifecycle: Arc::default(),
            following: Arc::default(),
            since_list: 0,
            listed: false,
            replayed: false,
            target: target.to_owned(),
            cache: HashMap::new(),
            samples: sampler::Samples::default(),
            running: watch::channel(HashSet::new()).0,
            focus,
            interval: Duration::from_secs(2),
            swarm: None,
            children: JoinSet::new(),
        }
    }

    /// Also follows the engine's `service` and `node` events into `link`.
    #[must_use]
    pub fn with_swarm(mut self, link: Arc<events::SwarmLink>) -> Self {
        self.swarm = Some(link);
        // A connected source already follows events: follow them again with the link.
        if let Some(client) = self.client.clone() {
            self.start_events(&client);
        }
        self
    }

    /// Starts the event follower and the stats sampler on `client`.
    fn start_events(&mut self, client: &Docker) {
        let (dirty, refresh) = (Arc::clone(&self.dirty), Arc::clone(&self.refresh));
        self.replayed = false;
        self.children.abort_all();
        self.following.store(false, Ordering::SeqCst);
        let sinks = events::Sinks {
            following: Arc::clone(&self.following),
            dirty,
            lifecycle: Arc::clone(&self.lifecycle),
            refresh,
            swarm: self.swarm.clone(),
        };
        self.children
            .spawn(events::follow(client.clone(), sinks, self.cancel.clone()));
        let links = sampler::SamplerLinks {
            focus: self.focus.clone(),
            running: self.running.subscribe(),
            out: Arc::clone(&self.samples),
            cancel: self.cancel.clone(),
        };
        self.children
            .spawn(sampler::run(client.clone(), self.interval, links));
    }

    /// Re-raises a panic of the event follower or the stats sampler here, in the
    /// poller, so the source shows as crashed and the supervisor starts it afresh
    /// (a dead sampler must not leave stats gone while the source reads "ok").
    fn check_children(&mut self) {
        while let Some(joined) = self.children.try_join_next() {
            if let Err(e) = joined
                && e.is_panic()
            {
                std::panic::resume_unwind(e.into_panic());
            }
        }
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
        let mut answers = stream::iter(stale)
            .map(|(b, s)| {
                let client = client.clone();
                async move {
                    let answer = client.inspect_container(&b.id, None).await;
                    (b, s, answer)
                }
            })
            .buffer_unordered(CONCURRENCY);
        // Each answer is kept as it comes: a first poll of 1,000 containers cut
        // off by the poll timeout still leaves them inspected for the next one.
        while let Some((b, summary, answer)) = answers.next().await {
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
        Ok(())
    }

    /// Brings the kept containers up to date: the full list and inspections of
    /// what changed when due (`ListCheck`), else the selected container alone.
    async fn refresh_cache(&mut self, client: &Docker) -> Result<(), SourceError> {
        let check = ListCheck {
            listed: self.listed,
            following: self.following.load(Ordering::SeqCst),
            dirty: self.dirty.lock().map_or(true, |d| !d.is_empty()),
            since_list: self.since_list,
        };
        if !check.due() {
            self.since_list = self.since_list.saturating_add(1);
            return self.inspect_selected(client).await;
        }
        self.listed = false;
        let options = ListContainersOptions {
            all: true,
            ..Default::default()
        };
        let list = client
            .list_containers(Some(options))
            .await
            .map_err(|e| errors::map(&self.target, &e))?;
        self.inspect_changed(client, &list).await?;
        self.listed = true;
        self.since_list = 0;
        Ok(())
    }

    /// Inspects the selected container again (its health probes change between
    /// events), else pings the engine: either way a poll asks the engine something,
    /// so an engine gone shows at the next poll even while an old event stream lingers.
    async fn inspect_selected(&mut self, client: &Docker) -> Result<(), SourceError> {
        let selected = self.focus.borrow().selected.clone();
        let Some((id, (brief, kept))) =
            selected.and_then(|id| self.cache.get(&id).map(|kept| (id.clone(), kept)))
        else {
            return client
                .ping()
                .await
                .map(|_| ())
                .map_err(|e| errors::map(&self.target, &e));
        };
        let (brief, kept) = (brief.clone(), kept.clone());
        match client.inspect_container(&id, None).await {
            Ok(inspect) => {
                self.cache
                    .insert(id, (brief, convert::refreshed(&kept, &inspect)));
                Ok(())
            }
            // Gone: its destroy event lists again.
            Err(bollard::errors::Error::DockerResponseServerError {
                status_code: 404, ..
            }) => Ok(()),
            Err(e) => Err(errors::map(&self.target, &e)),
        }
    }

    fn remember(&mut self, b: convert::Brief, s: &ContainerSummary, i: &ContainerInspectResponse) {
        if let Some(c) = convert::container(s, i) {
            self.cache.insert(b.id.clone(), (b, c));
        }
    }
}

impl Source for DockerSource {
    async fn poll(&mut self) -> Result<Payload, SourceError> {
        self.check_children();
        let client = self.client()?;
        self.refresh_cache(&client).await?;
        let running: HashSet<String> = self
            .cache
            .values()
            .filter(|(_, c)| c.is_running())
            .map(|(b, _)| b.id.clone())
            .collect();
        self.running.send_replace(running);
        let samples = self.samples.lock().map(|m| m.clone()).unwrap_or_default();
        let now = Utc::now();
        if !self.replayed {
            self.replayed = events::replay(&client, &self.lifecycle, now, REPLAY_TIMEOUT).await;
        }
        let verdicts: HashMap<&str, lifecycle::Verdict> = match self.lifecycle.lock() {
            Ok(mut l) => {
                let recent = now.checked_sub_signed(chrono::Duration::minutes(1));
                l.retain(|id| self.cache.contains_key(id), recent.unwrap_or(now));
                let judged = self.cache.values().map(|(_, c)| c);
                judged
                    .map(|c| (c.id.as_str(), l.verdict(&c.id, c.started_at, now)))
                    .collect()
            }
            Err(_) => HashMap::new(),
        };
        let mut containers: Vec<Container> = self
            .cache
            .values()
            .map(|(_, c)| {
                let mut c = c.clone();
                c.stats = samples.get(&c.id).copied().filter(|_| c.is_running());
                let verdict = verdicts.get(c.id.as_str()).copied().unwrap_or_default();
                lifecycle::judge(&mut c, verdict, now);
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

/// What decides whether a poll reads the full list.
#[derive(Debug, Clone, Copy)]
struct ListCheck {
    /// The last list was read and all its inspections finished.
    listed: bool,
    /// The event follower is on a live stream.
    following: bool,
    /// Events marked containers to inspect since.
    dirty: bool,
    /// Polls since that list.
    since_list: u32,
}

impl ListCheck {
    /// List unless everything since the last complete list came through events.
    fn due(self) -> bool {
        !self.listed || !self.following || self.dirty || self.since_list + 1 >= LIST_EVERY
    }
}

/// How long the event follower waits before reconnecting, by consecutive failures.
fn reconnect_delay(failures: u32) -> Duration {
    Duration::from_secs(1u64 << failures.min(5))
}

#[cfg(test)]
mod tests {
    use futures_util::FutureExt as _;

    use super::*;

    fn source() -> DockerSource {
        let config = DockerConfig {
            name: "local".into(),
            host: "unix:///nonexistent/docker.sock".into(),
            interval: Duration::from_secs(2),
            cert_path: None,
            tls_verify: false,
            swarm: false,
        };
        let (_tx, focus) = watch::channel(Focus::default());
        DockerSource::lazy(config, focus, Arc::default(), CancellationToken::new())
    }

    #[test]
    fn the_list_is_read_every_fifth_poll_while_events_follow_and_else_always() {
        let quiet = ListCheck {
            listed: true,
            following: true,
            dirty: false,
            since_list: 0,
        };
        let due: Vec<bool> = (0..10)
            .map(|n| ListCheck {
                since_list: n % LIST_EVERY,
                ..quiet
            })
            .map(ListCheck::due)
            .collect();
        assert_eq!(
            due,
            [
                false, false, false, false, true, false, false, false, false, true
            ]
        );
        assert!(
            ListCheck {
                following: false,
                ..quiet
            }
            .due(),
            "no stream"
        );
        assert!(
            ListCheck {
                dirty: true,
                ..quiet
            }
            .due(),
            "an event came"
        );
        assert!(
            ListCheck {
                listed: false,
                ..quiet
            }
            .due(),
            "first or cut-off list"
        );
    }

    #[tokio::test]
    async fn a_panicking_helper_task_fails_the_next_poll_so_the_supervisor_restarts_it() {
        let mut source = source();
        source.children.spawn(async { panic!("sampler fell over") });
        tokio::task::yield_now().await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        let caught = std::panic::AssertUnwindSafe(source.poll())
            .catch_unwind()
            .await;
        let panic = caught.expect_err("the poll must re-raise the helper's panic");
        assert_eq!(
            crate::sources::driver::panic_text(panic.as_ref()),
            "sampler fell over"
        );
    }

    #[tokio::test]
    async fn helper_tasks_end_with_their_source() {
        let mut source = source();
        let (tx, mut rx) = tokio::sync::mpsc::channel::<()>(1);
        source.children.spawn(async move {
            let _keep = tx;
            std::future::pending::<()>().await;
        });
        drop(source);
        assert!(
            rx.recv().await.is_none(),
            "the helper task outlived its source"
        );
    }
}

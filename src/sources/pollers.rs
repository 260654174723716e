//! The TUI's pollers: each configured source under the generic driver's
//! supervisor in one `JoinSet`, so a poller that panics is reported as crashed and
//! restarted after a backoff instead of vanishing; and the loop's handles to them
//! (poll policy, refresh-now, what is on screen).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::{Notify, mpsc, watch};
use tokio::task::{self, JoinSet};
use tokio_util::sync::CancellationToken;

use super::airflow::{AirflowClient, AirflowSource};
use super::alertmanager::AlertmanagerSource;
use super::build::{config_interval, docker_ids, mlflow_ids};
use super::docker::cluster::SwarmSource;
use super::docker::events::SwarmLink;
use super::docker::{DockerSource, Focus};
use super::driver::{self, DriverHandle, PollPolicy, Schedule};
use super::github::{self, GithubSource};
use super::mlflow::{MlflowClient, MlflowSource};
use super::prometheus::PrometheusSource;
use super::{Source, SourceId, SourceKind, Update};
use crate::config::{
    AlertmanagerConfig, Config, DockerConfig, GithubConfig, MlflowConfig, PrometheusConfig,
};
use crate::state::Store;

/// The running pollers and the loop's handles to them.
#[derive(Default)]
pub struct Pollers {
    pub(super) handles: HashMap<SourceId, DriverHandle>,
    pub(super) focus: HashMap<SourceId, watch::Sender<Focus>>,
    pub(super) docker: HashMap<SourceId, DockerConfig>,
    pub(super) swarm_refresh: HashMap<SourceId, Arc<Notify>>,
    pub(super) alertmanager: HashMap<SourceId, AlertmanagerConfig>,
    pub(super) mlflow: HashMap<SourceId, MlflowClient>,
    pub(super) airflow: HashMap<SourceId, AirflowClient>,
    pub(super) github: HashMap<SourceId, GithubLinks>,
    pub(super) tasks: JoinSet<()>,
    pub(super) owners: HashMap<task::Id, SourceId>,
    pub(super) logs: Option<CancellationToken>,
    /// Whether the followed task log is read on (its viewer follows), when one is.
    pub(super) log_follow: Option<watch::Sender<bool>>,
    /// On-demand fetches (logs, run details, dispatch inputs), aborted with the pollers.
    pub(super) fetches: JoinSet<()>,
}

impl Pollers {
    /// Starts a poller for every source this build supports; marks the rest in the store.
    pub fn start(
        config: &Config,
        store: &mut Store,
        tx: &mpsc::Sender<Update>,
        cancel: &CancellationToken,
    ) -> Pollers {
        let mut pollers = Pollers::default();
        for (id, cfg) in docker_ids(store).into_iter().zip(&config.docker) {
            pollers.start_docker(id, cfg, tx, cancel);
        }
        if let (Some(cfg), Some(id)) = (
            &config.prometheus,
            store.ids_of(SourceKind::Prometheus).next(),
        ) {
            let cfg: PrometheusConfig = cfg.clone();
            let make = move || PrometheusSource::new(&cfg);
            pollers.start_source(id, make, config_interval(store, id), tx, cancel);
        }
        if let (Some(cfg), Some(id)) = (
            &config.alertmanager,
            store.ids_of(SourceKind::Alertmanager).next(),
        ) {
            pollers.alertmanager.insert(id, cfg.clone());
            let cfg = cfg.clone();
            let make = move || AlertmanagerSource::new(&cfg);
            pollers.start_source(id, make, config_interval(store, id), tx, cancel);
        }
        for (id, cfg) in mlflow_ids(store).into_iter().zip(&config.mlflow) {
            pollers.start_mlflow(id, cfg, tx, cancel);
        }
        if let (Some(cfg), Some(id)) = (&config.airflow, store.ids_of(SourceKind::Airflow).next()) {
            // One client for the poller's restarts and the actions: they share the JWT.
            let client = AirflowClient::new(cfg);
            pollers.airflow.insert(id, client.clone());
            let cfg = cfg.clone();
            let make = move || AirflowSource::new(&cfg, client.clone());
            pollers.start_source(id, make, config_interval(store, id), tx, cancel);
        }
        if let (Some(id), Some(cfg)) = (store.ids_of(SourceKind::Github).next(), &config.github) {
            pollers.start_github(id, cfg, tx, cancel);
        }
        pollers
    }

    fn start_github(
        &mut self,
        id: SourceId,
        cfg: &GithubConfig,
        tx: &mpsc::Sender<Update>,
        cancel: &CancellationToken,
    ) {
        let (handle, links) = driver::links(tx.clone(), cancel.clone(), PollPolicy::Visible);
        let (focus_tx, focus_rx) = watch::channel(github::Focus::default());
        let forced = Arc::new(AtomicBool::new(false));
        let client = github::Client::new(cfg.clone());
        let (c, f) = (client.clone(), Arc::clone(&forced));
        let make = move || GithubSource::new(c.clone(), focus_rx.clone(), Arc::clone(&f));
        let schedule = Schedule::for_interval(cfg.interval);
        let task = self
            .tasks
            .spawn(driver::supervise(make, id, schedule, links));
        self.owners.insert(task.id(), id);
        self.handles.insert(id, handle);
        let links = GithubLinks {
            client,
            focus: focus_tx,
            forced,
        };
        self.github.insert(id, links);
    }

    /// Tells a GitHub poller which runs are on screen (a no-op when unchanged).
    pub fn set_run_focus(&self, id: SourceId, focus: github::Focus) {
        if let Some(l) = self.github.get(&id) {
            l.focus.send_if_modified(|f| {
                if *f == focus {
                    false
                } else {
                    *f = focus;
                    true
                }
            });
        }
    }

    fn start_docker(
        &mut self,
        id: SourceId,
        cfg: &DockerConfig,
        tx: &mpsc::Sender<Update>,
        cancel: &CancellationToken,
    ) {
        let (handle, links) = driver::links(tx.clone(), cancel.clone(), PollPolicy::Visible);
        let (focus_tx, focus_rx) = watch::channel(Focus::default());
        let refresh = Arc::clone(&handle.refresh);
        let (c, token) = (cfg.clone(), cancel.clone());
        let link = cfg.swarm.then(|| Arc::new(SwarmLink::default()));
        let (events, swarm_focus) = (link.clone(), focus_rx.clone());
        let make = move || {
            let source = DockerSource::lazy(
                c.clone(),
                focus_rx.clone(),
                Arc::clone(&refresh),
                token.clone(),
            );
            match &events {
                Some(l) => source.with_swarm(Arc::clone(l)),
                None => source,
            }
        };
        let schedule = Schedule::for_interval(cfg.interval);
        let task = self
            .tasks
            .spawn(driver::supervise(make, id, schedule, links));
        self.owners.insert(task.id(), id);
        self.handles.insert(id, handle);
        self.focus.insert(id, focus_tx);
        self.docker.insert(id, cfg.clone());
        if let Some(link) = link {
            self.start_swarm(id, cfg, (swarm_focus, link), tx, cancel);
        }
    }

    /// Starts the Swarm poller of a Docker source: same id, poll policy and focus,
    /// its own refresh-now (one `Notify` wakes only one waiter), which the Docker
    /// source's event follower also pokes on `service` and `node` events.
    fn start_swarm(
        &mut self,
        id: SourceId,
        cfg: &DockerConfig,
        (focus, link): (watch::Receiver<Focus>, Arc<SwarmLink>),
        tx: &mpsc::Sender<Update>,
        cancel: &CancellationToken,
    ) {
        let Some(policy) = self.handles.get(&id).map(|h| h.policy.subscribe()) else {
            return;
        };
        let refresh = Arc::clone(&link.refresh);
        let links = driver::DriverLinks {
            tx: tx.clone(),
            policy,
            refresh: Arc::clone(&refresh),
            cancel: cancel.clone(),
        };
        let cfg = cfg.clone();
        let schedule = Schedule::for_interval(cfg.interval);
        let make =
            move || SwarmSource::new(cfg.clone()).with_links(focus.clone(), Arc::clone(&link));
        let task = self
            .tasks
            .spawn(driver::supervise(make, id, schedule, links));
        self.owners.insert(task.id(), id);
        self.swarm_refresh.insert(id, refresh);
    }

    fn start_source<S: Source>(
        &mut self,
        id: SourceId,
        make: impl FnMut() -> S + Send + 'static,
        interval: Duration,
        tx: &mpsc::Sender<Update>,
        cancel: &CancellationToken,
    ) {
        let (handle, links) = driver::links(tx.clone(), cancel.clone(), PollPolicy::Visible);
        let schedule = Schedule::for_interval(interval);
        let task = self
            .tasks
            .spawn(driver::supervise(make, id, schedule, links));
        self.owners.insert(task.id(), id);
        self.handles.insert(id, handle);
    }

    fn start_mlflow(
        &mut self,
        id: SourceId,
        cfg: &MlflowConfig,
        tx: &mpsc::Sender<Update>,
        cancel: &CancellationToken,
    ) {
        let client = MlflowClient::new(cfg);
        if let Ok(c) = &client {
            self.mlflow.insert(id, c.clone());
        }
        let (url, models) = (cfg.url.clone(), cfg.models.clone());
        let make = move || MlflowSource::with_client(client.clone(), &url, models.clone());
        self.start_source(id, make, cfg.interval, tx, cancel);
    }

    /// Tells a Docker poller which containers are on screen (a no-op when unchanged).
    pub fn set_focus(&self, id: SourceId, focus: Focus) {
        if let Some(tx) = self.focus.get(&id) {
            tx.send_if_modified(|f| {
                if *f == focus {
                    false
                } else {
                    *f = focus;
                    true
                }
            });
        }
    }

    /// Wakes the pollers of these sources for an immediate poll.
    pub fn refresh(&self, ids: &[SourceId]) {
        for id in ids {
            if let Some(l) = self.github.get(id) {
                l.forced.store(true, Ordering::Relaxed);
            }
            if let Some(h) = self.handles.get(id) {
                h.refresh.notify_one();
            }
            if let Some(r) = self.swarm_refresh.get(id) {
                r.notify_one();
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

/// The loop's links to one GitHub poller.
pub(super) struct GithubLinks {
    pub(super) client: github::Client,
    pub(super) focus: watch::Sender<github::Focus>,
    pub(super) forced: Arc<AtomicBool>,
}

pub(super) fn panic_message(e: task::JoinError) -> String {
    if !e.is_panic() {
        return "poller cancelled".to_owned();
    }
    driver::panic_text(e.into_panic().as_ref())
}

//! Builds the configured sources and runs each under the generic driver's
//! supervisor in one `JoinSet`: a poller that panics is reported as crashed and
//! restarted after a backoff instead of vanishing.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::Utc;
use tokio::sync::{Notify, mpsc, watch};
use tokio::task::{self, JoinSet};
use tokio_util::sync::CancellationToken;

use super::airflow::{AirflowClient, AirflowSource};
use super::alertmanager::AlertmanagerSource;
use super::docker::cluster::SwarmSource;
use super::docker::{self, DockerSource, Focus};
use super::driver::{self, DriverHandle, PollPolicy, Schedule};
use super::github::{self, GithubSource};
use super::mlflow::{self, MlflowClient, MlflowSource};
use super::prometheus::PrometheusSource;
use super::{DispatchTarget, Payload, Source, SourceId, SourceKind, SourceSpec, Update};
use crate::config::{
    AlertmanagerConfig, Config, DockerConfig, GithubConfig, MlflowConfig, PrometheusConfig,
};
use crate::error::SourceError;
use crate::state::Store;

/// Lines of history fetched when a log opens.
pub const LOG_TAIL: usize = 500;

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
    mark_unsupported(store);
    while let Some(done) = polls.join_next_with_id().await {
        match done {
            Ok((_, update)) => store.apply(update),
            // A poll that panicked still reports, as crashed, instead of vanishing.
            Err(e) => match owners.get(&e.id()) {
                Some(&source) => store.apply(Update::Crashed {
                    source,
                    at: Utc::now(),
                    message: super::redact::strip_urls(&panic_message(e)),
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
fn config_interval(store: &Store, id: SourceId) -> Duration {
    store
        .source(id)
        .map_or(Duration::from_secs(15), |s| s.spec.interval)
}

fn docker_ids(store: &Store) -> Vec<SourceId> {
    store.ids_of(SourceKind::Docker).collect()
}

fn mlflow_ids(store: &Store) -> Vec<SourceId> {
    store.ids_of(SourceKind::Mlflow).collect()
}

/// Whether this build runs a poller for `kind`.
fn has_poller(kind: SourceKind) -> bool {
    matches!(kind, SourceKind::Docker | SourceKind::Mlflow)
}

/// Marks every source without a poller in this build.
fn mark_unsupported(store: &mut Store) {
    let ids: Vec<(SourceId, SourceKind)> = store
        .sources
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            !matches!(
                s.spec.kind,
                SourceKind::Docker
                    | SourceKind::Prometheus
                    | SourceKind::Alertmanager
                    | SourceKind::Airflow
            )
        })
        .filter(|(_, s)| !has_poller(s.spec.kind))
        .filter(|(_, s)| !matches!(s.spec.kind, SourceKind::Docker | SourceKind::Github))
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
    focus: HashMap<SourceId, watch::Sender<Focus>>,
    docker: HashMap<SourceId, DockerConfig>,
    swarm_refresh: HashMap<SourceId, Arc<Notify>>,
    alertmanager: HashMap<SourceId, AlertmanagerConfig>,
    mlflow: HashMap<SourceId, MlflowClient>,
    airflow: HashMap<SourceId, AirflowClient>,
    github: HashMap<SourceId, GithubLinks>,
    tasks: JoinSet<()>,
    owners: HashMap<task::Id, SourceId>,
    logs: Option<CancellationToken>,
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
        mark_unsupported(store);
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

    /// The GitHub clients by source, for the executor.
    pub fn github_clients(&self) -> HashMap<SourceId, github::Client> {
        self.github
            .iter()
            .map(|(id, l)| (*id, l.client.clone()))
            .collect()
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

    /// Fetches a job's log into the viewer, stopping any log followed before.
    pub fn fetch_job_log(
        &mut self,
        source: SourceId,
        repo: &str,
        job_id: u64,
        stream_id: u64,
        tx: &mpsc::Sender<Update>,
        cancel: &CancellationToken,
    ) {
        self.stop_logs();
        let Some(links) = self.github.get(&source) else {
            return;
        };
        let token = cancel.child_token();
        let task = github::logs::fetch(
            links.client.clone(),
            repo.to_owned(),
            job_id,
            stream_id,
            tx.clone(),
            token.clone(),
        );
        tokio::spawn(task);
        self.logs = Some(token);
    }

    /// Reads a workflow's dispatch inputs and reports them as `Update::DispatchInputs`.
    pub fn load_dispatch(&self, target: DispatchTarget, tx: &mpsc::Sender<Update>) {
        let Some(links) = self.github.get(&target.source) else {
            return;
        };
        let (client, tx) = (links.client.clone(), tx.clone());
        tokio::spawn(async move {
            let result = match client.api().await {
                Ok(api) => {
                    github::inputs::fetch(&api, &target.repo, &target.path, &target.git_ref).await
                }
                Err(e) => Err(e),
            };
            let _ = tx.send(Update::DispatchInputs { target, result }).await;
        });
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
        let make = move || {
            DockerSource::lazy(
                c.clone(),
                focus_rx.clone(),
                Arc::clone(&refresh),
                token.clone(),
            )
        };
        let schedule = Schedule::for_interval(cfg.interval);
        let task = self
            .tasks
            .spawn(driver::supervise(make, id, schedule, links));
        self.owners.insert(task.id(), id);
        self.handles.insert(id, handle);
        self.focus.insert(id, focus_tx);
        self.docker.insert(id, cfg.clone());
        if cfg.swarm {
            self.start_swarm(id, cfg, tx, cancel);
        }
    }

    /// Starts the Swarm poller of a Docker source: same id and poll policy, its own
    /// refresh-now (one `Notify` wakes only one waiter).
    fn start_swarm(
        &mut self,
        id: SourceId,
        cfg: &DockerConfig,
        tx: &mpsc::Sender<Update>,
        cancel: &CancellationToken,
    ) {
        let Some(policy) = self.handles.get(&id).map(|h| h.policy.subscribe()) else {
            return;
        };
        let refresh = Arc::new(Notify::new());
        let links = driver::DriverLinks {
            tx: tx.clone(),
            policy,
            refresh: Arc::clone(&refresh),
            cancel: cancel.clone(),
        };
        let cfg = cfg.clone();
        let schedule = Schedule::for_interval(cfg.interval);
        let make = move || SwarmSource::new(cfg.clone());
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

    /// The Airflow clients by source, for task instances, logs and DAG actions.
    pub fn airflow_clients(&self) -> HashMap<SourceId, AirflowClient> {
        self.airflow.clone()
    }

    /// The Alertmanagers by source, for the executor's silence actions.
    pub fn alertmanager_configs(&self) -> HashMap<SourceId, AlertmanagerConfig> {
        self.alertmanager.clone()
    }

    /// The MLflow clients by source, for the executor.
    pub fn mlflow_clients(&self) -> HashMap<SourceId, MlflowClient> {
        self.mlflow.clone()
    }

    /// Reads a source run off the UI task and reports it as `Update::RunDetail`.
    pub fn fetch_run(&self, source: SourceId, run_id: String, tx: &mpsc::Sender<Update>) {
        let Some(client) = self.mlflow.get(&source).cloned() else {
            let result = Err(SourceError::Other(
                "no MLflow client: check [mlflow] url (or MLFLOW_TRACKING_URI)".to_owned(),
            ));
            let _ = tx.try_send(Update::RunDetail {
                source,
                run_id,
                result,
            });
            return;
        };
        let tx = tx.clone();
        tokio::spawn(async move {
            let result = mlflow::run_detail(&client, &run_id).await;
            let _ = tx
                .send(Update::RunDetail {
                    source,
                    run_id,
                    result,
                })
                .await;
        });
    }

    /// The Docker engines by source, for the executor (which connects per action).
    pub fn docker_configs(&self) -> HashMap<SourceId, DockerConfig> {
        self.docker.clone()
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

    /// Starts following a container's log, stopping any log followed before.
    pub fn follow_logs(
        &mut self,
        source: SourceId,
        container: &str,
        stream_id: u64,
        tx: &mpsc::Sender<Update>,
        cancel: &CancellationToken,
    ) {
        self.stop_logs();
        let Some(cfg) = self.docker.get(&source) else {
            return;
        };
        let client = match docker::connect(cfg) {
            Ok(c) => c,
            Err(e) => {
                let ended = Update::LogEnded {
                    stream_id,
                    reason: e.to_string(),
                };
                let _ = tx.try_send(ended);
                return;
            }
        };
        let token = cancel.child_token();
        let task = docker::logs::follow(
            client,
            container.to_owned(),
            stream_id,
            LOG_TAIL,
            tx.clone(),
            token.clone(),
        );
        tokio::spawn(task);
        self.logs = Some(token);
    }

    /// Stops following the current log, if any.
    pub fn stop_logs(&mut self) {
        if let Some(token) = self.logs.take() {
            token.cancel();
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
struct GithubLinks {
    client: github::Client,
    focus: watch::Sender<github::Focus>,
    forced: Arc<AtomicBool>,
}

fn panic_message(e: task::JoinError) -> String {
    if !e.is_panic() {
        return "poller cancelled".to_owned();
    }
    driver::panic_text(e.into_panic().as_ref())
}

//! The Swarm side of a Docker engine: a poller that reads a manager's services,
//! tasks and nodes, and the service and node updates the executor runs. Services
//! are listed every poll; tasks only of the services on screen or changed
//! (`plan`), all of them every `FULL_EVERY` polls; nodes on a `node` event or
//! every `NODES_EVERY` polls; `/info` only while the engine is not known to be a
//! manager. Its errors travel inside `Payload::Swarm`, so they never mark the
//! containers stale.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use bollard::Docker;
use bollard::errors::Error;
use bollard::models::{
    Node as WireNode, NodeSpecAvailabilityEnum, Service as WireService, ServiceSpec,
    ServiceUpdateStatusStateEnum, Task as WireTask,
};
use bollard::query_parameters::{
    ListServicesOptions, ListTasksOptions, UpdateNodeOptions, UpdateServiceOptions,
};
use chrono::{DateTime, TimeDelta, Utc};
use tokio::sync::watch;
use tokio::time::Instant;

use super::events::{SwarmEvents, SwarmLink};
use super::{Focus, SwarmFocus, connect, errors, swarm};
use crate::config::DockerConfig;
use crate::error::SourceError;
use crate::sources::{Payload, Source};
use crate::state::swarm::{Availability, FAILURE_WINDOW_SECS, SwarmPoll};

/// How long an engine that is not a manager waits before `/info` is asked again.
const RECHECK: Duration = Duration::from_secs(30);

/// Every how many polls all tasks are read, whatever changed (a safety net for
/// what the service list cannot tell, such as a task moved to another node).
pub const FULL_EVERY: u64 = 30;
/// Every how many polls the nodes are read when no `node` event came.
pub const NODES_EVERY: u64 = 15;

/// What one service looked like in the last service list, to tell a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Seen {
    version: u64,
    running: Option<u64>,
    desired: Option<u64>,
}

/// Polls the Swarm of one `[[docker]]` engine with `swarm = true`.
pub struct SwarmSource {
    config: DockerConfig,
    client: Option<Docker>,
    /// Whether the last answer came from a manager (then `/info` is skipped).
    is_manager: bool,
    /// When a non-manager is asked again.
    recheck_at: Option<Instant>,
    /// Requests sent so far, for the cost figure in tests and the note.
    pub requests: u64,
    /// Polls of a manager so far.
    polls: u64,
    /// The services as last listed.
    services: Vec<WireService>,
    /// The tasks of each service as last read (by service id).
    tasks: HashMap<String, Vec<WireTask>>,
    /// The nodes as last read.
    nodes: Option<Vec<WireNode>>,
    /// Each service as the last service list showed it.
    seen: HashMap<String, Seen>,
    /// Which tasks are on screen.
    focus: Option<watch::Receiver<Focus>>,
    /// Service and node events from the Docker source's event follower.
    link: Option<Arc<SwarmLink>>,
}

impl SwarmSource {
    /// A poller for this engine; it connects on its first poll.
    pub fn new(config: DockerConfig) -> Self {
        SwarmSource {
            config,
            client: None,
            is_manager: false,
            recheck_at: None,
            requests: 0,
            polls: 0,
            services: Vec::new(),
            tasks: HashMap::new(),
            nodes: None,
            seen: HashMap::new(),
            focus: None,
            link: None,
        }
    }

    /// Reads the tasks `focus` names every poll, and is told of changes by `link`.
    #[must_use]
    pub fn with_links(mut self, focus: watch::Receiver<Focus>, link: Arc<SwarmLink>) -> Self {
        self.focus = Some(focus);
        self.link = Some(link);
        self
    }

    /// Reads the swarm: `None` when the engine is not a manager.
    pub async fn read(&mut self) -> SwarmPoll {
        // Shorter than the poll driver's own timeout, so a slow manager reports
        // here and not as a failure of the container poll.
        let limit = self
            .config
            .interval
            .clamp(Duration::from_secs(4), Duration::from_secs(25));
        let target = self.config.host.clone();
        match tokio::time::timeout(limit, self.read_unbounded()).await {
            Ok(poll) => poll,
            Err(_) => Err(SourceError::Timeout {
                target,
                secs: limit.as_secs(),
            }),
        }
    }

    async fn read_unbounded(&mut self) -> SwarmPoll {
        if self.recheck_at.is_some_and(|at| Instant::now() < at) {
            return Ok(None);
        }
        let client = if let Some(c) = &self.client {
            c.clone()
        } else {
            let c = connect(&self.config)?;
            self.client = Some(c.clone());
            c
        };
        let fail = |e: &Error| errors::map(&self.config.host, e);
        if !self.is_manager {
            self.requests += 1;
            let info = client.info().await.map_err(|e| fail(&e))?;
            self.is_manager = info
                .swarm
                .and_then(|s| s.control_available)
                .unwrap_or(false);
            if !self.is_manager {
                self.recheck_at = Instant::now().checked_add(RECHECK);
                return Ok(None);
            }
        }
        match self.read_lists(&client).await {
            Ok(()) => {}
            // 503 "This node is not a swarm manager": it left or was demoted.
            Err(Error::DockerResponseServerError {
                status_code: 503, ..
            }) => {
                self.is_manager = false;
                self.tasks.clear();
                self.nodes = None;
                return Ok(None);
            }
            Err(e) => return Err(errors::map(&self.config.host, &e)),
        }
        Ok(Some(self.snapshot()))
    }

    /// Lists the services, then the tasks and nodes `plan` asks for.
    async fn read_lists(&mut self, client: &Docker) -> Result<(), Error> {
        let options = ListServicesOptions {
            status: Some(true),
            ..Default::default()
        };
        self.requests += 1;
        let services = client.list_services(Some(options)).await?;
        let events = self.link.as_ref().map(|l| l.take()).unwrap_or_default();
        let focus = self
            .focus
            .as_ref()
            .map(|f| f.borrow().swarm.clone())
            .unwrap_or_default();
        let full = self.polls.is_multiple_of(FULL_EVERY) || focus == SwarmFocus::All;
        let wanted = plan(
            &services,
            &self.seen,
            &self.tasks,
            &events,
            &focus,
            Utc::now(),
        );
        let read_nodes =
            self.nodes.is_none() || events.nodes || self.polls.is_multiple_of(NODES_EVERY);
        self.polls = self.polls.saturating_add(1);
        let tasks = async {
            if full {
                client.list_tasks(None).await.map(Some)
            } else if wanted.is_empty() {
                Ok(None)
            } else {
                let filters = HashMap::from([("service".to_owned(), wanted.clone())]);
                let options = ListTasksOptions {
                    filters: Some(filters),
                };
                client.list_tasks(Some(options)).await.map(Some)
            }
        };
        let nodes = async {
            if read_nodes {
                client.list_nodes(None).await.map(Some)
            } else {
                Ok(None)
            }
        };
        let (tasks, nodes) = tokio::try_join!(tasks, nodes)?;
        self.requests += u64::from(tasks.is_some()) + u64::from(nodes.is_some());
        if let Some(list) = tasks {
            self.keep_tasks(list, &wanted, full);
        }
        if let Some(list) = nodes {
            self.nodes = Some(list);
        }
        self.remember(services);
        Ok(())
    }

    /// Keeps the service list, forgetting the tasks of services gone.
    fn remember(&mut self, services: Vec<WireService>) {
        let alive: HashSet<&str> = services.iter().filter_map(|s| s.id.as_deref()).collect();
        self.tasks.retain(|id, _| alive.contains(id.as_str()));
        self.seen = services
            .iter()
            .filter_map(|s| Some((s.id.clone()?, seen(s))))
            .collect();
        self.services = services;
    }

    /// Files a task list under its services: all of them when `full`, else the
    /// `wanted` ones (a wanted service with no tasks left gets an empty list).
    fn keep_tasks(&mut self, list: Vec<WireTask>, wanted: &[String], full: bool) {
        if full {
            self.tasks.clear();
        } else {
            for id in wanted {
                self.tasks.insert(id.clone(), Vec::new());
            }
        }
        for t in list {
            if let Some(service) = t.service_id.clone() {
                self.tasks.entry(service).or_default().push(t);
            }
        }
    }

    fn snapshot(&self) -> crate::state::swarm::SwarmSnapshot {
        let tasks: Vec<WireTask> = self.tasks.values().flatten().cloned().collect();
        let nodes = self.nodes.as_deref().unwrap_or_default();
        swarm::snapshot(&self.services, &tasks, nodes, Utc::now())
    }
}

/// How a service looks in the list, to tell whether it changed.
fn seen(s: &WireService) -> Seen {
    let status = s.service_status.as_ref();
    Seen {
        version: s.version.as_ref().and_then(|v| v.index).unwrap_or(0),
        running: status.and_then(|x| x.running_tasks),
        desired: status.and_then(|x| x.desired_tasks),
    }
}

/// The services whose tasks to read this poll: the one on screen, those an event
/// named, new ones, those whose spec or counts changed, those not all running,
/// those updating, and those with a task failed within the crash-loop window
/// (so a crash loop is sampled at every poll, even when its counts look full).
fn plan(
    services: &[WireService],
    before: &HashMap<String, Seen>,
    tasks: &HashMap<String, Vec<WireTask>>,
    events: &SwarmEvents,
    focus: &SwarmFocus,
    now: DateTime<Utc>,
) -> Vec<String> {
    let since = TimeDelta::try_seconds(FAILURE_WINDOW_SECS).and_then(|d| now.checked_sub_signed(d));
    let failed_lately = |id: &str| {
        tasks.get(id).is_some_and(|list| {
            list.iter().any(|t| {
                let status = t.status.as_ref();
                let failed = status.and_then(|s| s.state).is_some_and(|s| {
                    matches!(
                        s,
                        bollard::models::TaskState::FAILED | bollard::models::TaskState::REJECTED
                    )
                });
                let at = status.and_then(|s| s.timestamp);
                failed && matches!((since, at), (Some(since), Some(at)) if at >= since)
            })
        })
    };
    let mut wanted: Vec<String> = services
        .iter()
        .filter_map(|s| {
            let id = s.id.as_deref()?;
            let now = seen(s);
            let updating = s
                .update_status
                .as_ref()
                .and_then(|u| u.state)
                .is_some_and(|u| {
                    matches!(
                        u,
                        ServiceUpdateStatusStateEnum::UPDATING
                            | ServiceUpdateStatusStateEnum::ROLLBACK_STARTED
                            | ServiceUpdateStatusStateEnum::PAUSED
                            | ServiceUpdateStatusStateEnum::ROLLBACK_PAUSED
                    )
                });
            let changed = before.get(id) != Some(&now) || !tasks.contains_key(id);
            let short = now.running.is_none() || now.running < now.desired;
            let shown = matches!(focus, SwarmFocus::Service(f) if f == id);
            (shown
                || changed
                || short
                || updating
                || events.services.contains(id)
                || failed_lately(id))
            .then(|| id.to_owned())
        })
        .collect();
    wanted.sort();
    wanted
}

impl Source for SwarmSource {
    async fn poll(&mut self) -> Result<Payload, SourceError> {
        Ok(Payload::Swarm(self.read().await))
    }

    fn target(&self) -> String {
        self.config.host.clone()
    }
}

/// Reads a service's spec and the version index an update must name.
async fn service_spec(
    client: &Docker,
    target: &str,
    service: &str,
) -> Result<(String, ServiceSpec, i32), SourceError> {
    let current = client
        .inspect_service(service, None)
        .await
        .map_err(|e| errors::map(target, &e))?;
    let index = current.version.and_then(|v| v.index).unwrap_or(0);
    let version = i32::try_from(index).map_err(|_| {
        SourceError::Other(format!(
            "service '{service}': version {index} is too large for this client"
        ))
    })?;
    let id = current.id.unwrap_or_else(|| service.to_owned());
    Ok((id, current.spec.unwrap_or_default(), version))
}

async fn update_service(
    client: &Docker,
    target: &str,
    (id, spec, version): (String, ServiceSpec, i32),
    rollback: bool,
) -> Result<(), SourceError> {
    let options = UpdateServiceOptions {
        version,
        rollback: rollback.then(|| "previous".to_owned()),
        ..Default::default()
    };
    client
        .update_service(&id, spec, options, None)
        .await
        .map(|_| ())
        .map_err(|e| errors::map(target, &e))
}

/// Sets a replicated service's replica count on the manager at `target`; returns
/// the count it had before (for undo; `None` when the spec had none).
pub async fn scale(
    client: &Docker,
    target: &str,
    service: &str,
    replicas: u64,
) -> Result<Option<u64>, SourceError> {
    let (id, mut spec, version) = service_spec(client, target, service).await?;
    let Some(replicated) = spec.mode.as_mut().and_then(|m| m.replicated.as_mut()) else {
        return Err(SourceError::Other(format!(
            "service '{service}' is not replicated: only replicated services can be scaled"
        )));
    };
    let count = i64::try_from(replicas)
        .map_err(|_| SourceError::Other(format!("{replicas} replicas is too many")))?;
    let before = replicated.replicas.and_then(|n| u64::try_from(n).ok());
    replicated.replicas = Some(count);
    update_service(client, target, (id, spec, version), false).await?;
    Ok(before)
}

/// Restarts every task of a service, one batch at a time (`docker service update --force`).
pub async fn force_update(client: &Docker, target: &str, service: &str) -> Result<(), SourceError> {
    let (id, mut spec, version) = service_spec(client, target, service).await?;
    let template = spec.task_template.get_or_insert_with(Default::default);
    let next = template
        .force_update
        .unwrap_or(0)
        .checked_add(1)
        .unwrap_or(0);
    template.force_update = Some(next);
    update_service(client, target, (id, spec, version), false).await
}

/// Rolls a service back to its previous spec (`docker service rollback`).
pub async fn rollback(client: &Docker, target: &str, service: &str) -> Result<(), SourceError> {
    let current = service_spec(client, target, service).await?;
    update_service(client, target, current, true).await
}

/// Sets a node's availability (active, pause, drain); returns the one it had
/// before (for undo).
pub async fn set_availability(
    client: &Docker,
    target: &str,
    node: &str,
    availability: Availability,
) -> Result<Availability, SourceError> {
    let fail = |e: &Error| errors::map(target, e);
    let current = client.inspect_node(node).await.map_err(|e| fail(&e))?;
    let version = current.version.and_then(|v| v.index).unwrap_or(0);
    let version = i64::try_from(version).map_err(|_| {
        SourceError::Other(format!("node '{node}': version {version} is too large"))
    })?;
    let mut spec = current.spec.unwrap_or_default();
    let before = swarm::availability(spec.availability);
    spec.availability = Some(match availability {
        Availability::Active => NodeSpecAvailabilityEnum::ACTIVE,
        Availability::Pause => NodeSpecAvailabilityEnum::PAUSE,
        Availability::Drain => NodeSpecAvailabilityEnum::DRAIN,
    });
    let id = current.id.unwrap_or_else(|| node.to_owned());
    client
        .update_node(&id, spec, UpdateNodeOptions { version })
        .await
        .map_err(|e| fail(&e))?;
    Ok(before)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A service as the list shows it: spec version, running and desired tasks.
    fn wire(id: &str, version: u64, running: u64, desired: u64) -> WireService {
        serde_json::from_value(serde_json::json!({
            "ID": id,
            "Version": {"Index": version},
            "ServiceStatus": {"RunningTasks": running, "DesiredTasks": desired},
        }))
        .unwrap()
    }

    fn task(service: &str, state: &str, at: DateTime<Utc>) -> WireTask {
        serde_json::from_value(serde_json::json!({
            "ID": format!("{service}-{state}"),
            "ServiceID": service,
            "Status": {"State": state, "Timestamp": at.to_rfc3339()},
        }))
        .unwrap()
    }

    #[test]
    fn only_services_on_screen_changed_short_or_failing_have_their_tasks_read() {
        let now = Utc::now();
        let old = now - TimeDelta::minutes(10);
        let services = [
            wire("settled", 5, 2, 2),
            wire("respecced", 6, 2, 2),
            wire("short", 5, 1, 2),
            wire("named", 5, 2, 2),
            wire("shown", 5, 2, 2),
            wire("failing", 5, 2, 2),
            wire("new", 1, 1, 1),
        ];
        let before: HashMap<String, Seen> = services
            .iter()
            .filter(|s| s.id.as_deref() != Some("new"))
            .map(|s| (s.id.clone().unwrap(), seen(s)))
            .map(|(id, s)| match id.as_str() {
                "respecced" => (id, Seen { version: 5, ..s }),
                _ => (id, s),
            })
            .collect();
        let tasks: HashMap<String, Vec<WireTask>> = before
            .keys()
            .map(|id| {
                let mut list = vec![task(id, "running", old)];
                if id == "failing" {
                    list.push(task(id, "failed", now - TimeDelta::minutes(1)));
                }
                if id == "settled" {
                    list.push(task(id, "failed", old));
                }
                (id.clone(), list)
            })
            .collect();
        let events = SwarmEvents {
            services: HashSet::from(["named".to_owned()]),
            nodes: false,
        };
        let focus = SwarmFocus::Service("shown".to_owned());
        let wanted = plan(&services, &before, &tasks, &events, &focus, now);
        assert_eq!(
            wanted,
            ["failing", "named", "new", "respecced", "short", "shown"],
            "a failure older than the window does not count"
        );
        let quiet = plan(
            &services[..1],
            &before,
            &tasks,
            &SwarmEvents::default(),
            &SwarmFocus::None,
            now,
        );
        assert!(quiet.is_empty(), "{quiet:?}");
    }
}

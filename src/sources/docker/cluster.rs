//! The Swarm side of a Docker engine: a poller that reads a manager's services,
//! tasks and nodes (three list requests per poll; `/info` only while the engine is
//! not known to be a manager), and the service and node updates the executor runs.
//! Its errors travel inside `Payload::Swarm`, so they never mark the containers stale.

use std::time::Duration;

use bollard::Docker;
use bollard::errors::Error;
use bollard::models::{NodeSpecAvailabilityEnum, ServiceSpec};
use bollard::query_parameters::{UpdateNodeOptions, UpdateServiceOptions};
use chrono::Utc;
use tokio::time::Instant;

use super::{connect, errors, swarm};
use crate::config::DockerConfig;
use crate::error::SourceError;
use crate::sources::{Payload, Source};
use crate::state::swarm::{Availability, SwarmPoll};

/// How long an engine that is not a manager waits before `/info` is asked again.
const RECHECK: Duration = Duration::from_secs(30);

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
        }
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
        self.requests += 3;
        let lists = tokio::try_join!(
            client.list_services(None),
            client.list_tasks(None),
            client.list_nodes(None)
        );
        match lists {
            Ok((services, tasks, nodes)) => {
                Ok(Some(swarm::snapshot(&services, &tasks, &nodes, Utc::now())))
            }
            // 503 "This node is not a swarm manager": it left or was demoted.
            Err(Error::DockerResponseServerError {
                status_code: 503, ..
            }) => {
                self.is_manager = false;
                Ok(None)
            }
            Err(e) => Err(fail(&e)),
        }
    }
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

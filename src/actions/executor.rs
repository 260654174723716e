//! The executor: runs confirmed actions off the UI task, one at a time in order,
//! refuses them all under `--read-only`, audits each, and reports back.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;

use bollard::Docker;
use bollard::query_parameters::{KillContainerOptions, RemoveContainerOptions};

use chrono::{DateTime, Utc};
use futures_util::FutureExt as _;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::audit::{AuditLog, Entry};
use super::undo::Expect;
use super::{Action, ContainerOp, SwarmOp};
use crate::config::{AlertmanagerConfig, DockerConfig};
use crate::error::SourceError;
use crate::sources::airflow::{self, AirflowClient};
use crate::sources::alertmanager::AlertmanagerSource;
use crate::sources::docker::{self, cluster, errors};
use crate::sources::github::{self, Api};
use crate::sources::mlflow::{self, MlflowClient};
use crate::state::undo::{self, Prior};
use crate::state::{SourceId, Update};

/// What one action came to: when it finished, whether it worked, what reverses it.
#[derive(Debug)]
pub struct Done {
    /// When it finished (the time of its audit line).
    pub at: DateTime<Utc>,
    /// Whether it worked.
    pub result: Result<(), SourceError>,
    /// What reverses it (`None`: irreversible, failed, or itself an undo).
    pub inverse: Option<Action>,
}

/// Runs actions against the clients it owns.
pub struct Executor {
    docker: HashMap<SourceId, (Docker, String)>,
    configs: HashMap<SourceId, DockerConfig>,
    alertmanager: HashMap<SourceId, AlertmanagerConfig>,
    mlflow: HashMap<SourceId, MlflowClient>,
    github: HashMap<SourceId, github::Client>,
    airflow: HashMap<SourceId, AirflowClient>,
    read_only: bool,
    audit: AuditLog,
}

impl Executor {
    /// An executor with these Docker clients (by source, with their address).
    pub fn new(
        docker: HashMap<SourceId, (Docker, String)>,
        read_only: bool,
        audit: AuditLog,
    ) -> Self {
        Executor {
            docker,
            configs: HashMap::new(),
            alertmanager: HashMap::new(),
            mlflow: HashMap::new(),
            github: HashMap::new(),
            airflow: HashMap::new(),
            read_only,
            audit,
        }
    }

    /// An executor that connects to each engine when an action needs it, so an
    /// engine that was down at start-up can still be acted on once it is back.
    pub fn with_configs(
        configs: HashMap<SourceId, DockerConfig>,
        read_only: bool,
        audit: AuditLog,
    ) -> Self {
        Executor {
            configs,
            ..Executor::new(HashMap::new(), read_only, audit)
        }
    }

    /// Adds the Alertmanagers that silence actions go to (by source).
    pub fn with_alertmanager(mut self, configs: HashMap<SourceId, AlertmanagerConfig>) -> Self {
        self.alertmanager = configs;
        self
    }
    /// The same executor with these MLflow clients (by source).
    pub fn with_mlflow(mut self, clients: HashMap<SourceId, MlflowClient>) -> Self {
        self.mlflow = clients;
        self
    }
    /// Adds the Airflow clients (by source) for DAG and run actions.
    pub fn with_airflow(mut self, clients: HashMap<SourceId, AirflowClient>) -> Self {
        self.airflow = clients;
        self
    }
    /// Adds the GitHub clients (by source) for run and workflow actions.
    pub fn with_github(mut self, clients: HashMap<SourceId, github::Client>) -> Self {
        self.github = clients;
        self
    }

    /// Executes one action and writes its audit line.
    pub async fn execute(&self, action: &Action) -> Result<(), SourceError> {
        self.act(action).await.result
    }

    /// Executes one action, works out what reverses it from the state it found,
    /// and writes its audit line (naming the inverse, or the action an undo reverses).
    pub async fn act(&self, action: &Action) -> Done {
        let acted = if self.read_only {
            Err(SourceError::ReadOnly)
        } else {
            self.dispatch(action).await
        };
        let at = Utc::now();
        let (result, inverse) = match acted {
            Ok(prior) => (Ok(()), undo::inverse(action, &prior)),
            Err(e) => (Err(e), None),
        };
        let (outcome, error) = match &result {
            Ok(()) => ("ok", None),
            Err(SourceError::ReadOnly) => ("refused", Some(SourceError::ReadOnly.to_string())),
            Err(e) => ("error", Some(e.to_string())),
        };
        let entry = Entry::new(action, at, outcome, error).with_inverse(inverse.as_ref());
        self.audit.write(&entry);
        Done {
            at,
            result,
            inverse,
        }
    }

    /// Acts; returns what was true before that an inverse needs.
    pub(super) async fn dispatch(&self, action: &Action) -> Result<Prior, SourceError> {
        let nothing = |()| Prior::Nothing;
        match action {
            Action::Container { source, id, op, .. } => {
                self.container(*source, id, op).await.map(nothing)
            }
            Action::Swarm { source, id, op, .. } => self.swarm(*source, id, *op).await,
            Action::Silence {
                source,
                matchers,
                duration,
                comment,
                creator,
                ..
            } => {
                let am = self.alertmanager_for(*source)?;
                let start = Utc::now();
                let end = start + chrono::Duration::from_std(*duration).unwrap_or_default();
                am.create_silence(matchers, start, end, creator, comment)
                    .await
                    .map(Prior::Silence)
            }
            Action::ExpireSilence { source, id, .. } => self
                .alertmanager_for(*source)?
                .expire_silence(id)
                .await
                .map(nothing),
            Action::SetAlias { .. } | Action::DeleteAlias { .. } => {
                self.alias(action, Expect::Anywhere).await
            }
            Action::TransitionStage {
                source,
                model,
                version,
                stage,
                ..
            } => {
                let client = self.mlflow_client(*source)?;
                mlflow::transition_stage(client, model, version, stage)
                    .await
                    .map(nothing)
            }
            Action::Dag { .. } => self.dag(action).await.map(nothing),
            Action::Undo(u) => self.undo(u).await,
            Action::Rerun(_)
            | Action::RerunFailed(_)
            | Action::Cancel(_)
            | Action::Dispatch { .. } => {
                let Some(client) = self.github.get(&action.source()) else {
                    return Err(SourceError::Other(
                        "no GitHub client for this source".into(),
                    ));
                };
                github_action(&client.api().await?, action)
                    .await
                    .map(nothing)
            }
        }
    }

    async fn container(
        &self,
        source: SourceId,
        id: &str,
        op: &ContainerOp,
    ) -> Result<(), SourceError> {
        let (client, target) = self.engine(source)?;
        container(&client, id, op)
            .await
            .map_err(|e| errors::map(&target, &e))
    }

    /// Updates a Swarm service or node through the manager of `source`; returns the
    /// replica count or availability it had.
    async fn swarm(&self, source: SourceId, id: &str, op: SwarmOp) -> Result<Prior, SourceError> {
        let (client, target) = self.engine(source)?;
        let (client, target) = (&client, target.as_str());
        match op {
            SwarmOp::Scale(n) => cluster::scale(client, target, id, n)
                .await
                .map(|before| before.map_or(Prior::Nothing, Prior::Replicas)),
            SwarmOp::ForceUpdate => cluster::force_update(client, target, id)
                .await
                .map(|()| Prior::Nothing),
            SwarmOp::Rollback => cluster::rollback(client, target, id)
                .await
                .map(|()| Prior::Nothing),
            SwarmOp::Availability(a) => cluster::set_availability(client, target, id, a)
                .await
                .map(Prior::Availability),
        }
    }

    /// The client of a Docker source and its address, connecting when needed.
    fn engine(&self, source: SourceId) -> Result<(Docker, String), SourceError> {
        match (self.docker.get(&source), self.configs.get(&source)) {
            (Some((client, target)), _) => Ok((client.clone(), target.clone())),
            (None, Some(cfg)) => Ok((docker::connect(cfg)?, cfg.host.clone())),
            (None, None) => Err(SourceError::Other(
                "no Docker engine for this source".into(),
            )),
        }
    }

    async fn dag(&self, action: &Action) -> Result<(), SourceError> {
        let Action::Dag {
            source,
            dag_id,
            run_id,
            op,
            ..
        } = action
        else {
            return Err(SourceError::Other("not a DAG action".into()));
        };
        let Some(client) = self.airflow.get(source) else {
            return Err(SourceError::Other(
                "no Airflow client: check [airflow] url".into(),
            ));
        };
        airflow::act(client, dag_id, run_id.as_deref(), op).await
    }

    fn alertmanager_for(&self, source: SourceId) -> Result<AlertmanagerSource, SourceError> {
        self.alertmanager
            .get(&source)
            .map(AlertmanagerSource::new)
            .ok_or_else(|| {
                SourceError::Other(
                    "Alertmanager is not configured: add [alertmanager] with url = \"http://127.0.0.1:9093\""
                        .into(),
                )
            })
    }
    pub(super) fn mlflow_client(&self, source: SourceId) -> Result<&MlflowClient, SourceError> {
        self.mlflow.get(&source).ok_or_else(|| {
            SourceError::Other("no MLflow server for this source: check [mlflow] url".into())
        })
    }

    /// Receives actions until cancelled, sending one `Update::ActionDone` each.
    pub async fn run(
        self,
        mut rx: mpsc::Receiver<Action>,
        tx: mpsc::Sender<Update>,
        cancel: CancellationToken,
    ) {
        loop {
            let action = tokio::select! {
                () = cancel.cancelled() => return,
                a = rx.recv() => match a { Some(a) => a, None => return },
            };
            // A panic while acting fails that action, not the executor: the user
            // gets a toast at once instead of an "in progress" that never ends.
            let done = match AssertUnwindSafe(self.act(&action)).catch_unwind().await {
                Ok(done) => done,
                Err(panic) => {
                    let message = crate::sources::driver::panic_text(panic.as_ref());
                    tracing::error!("the executor panicked on {}: {message}", action.label());
                    Done {
                        at: Utc::now(),
                        result: Err(SourceError::Other(format!(
                            "flightdeck failed while acting (a bug): {message}"
                        ))),
                        inverse: None,
                    }
                }
            };
            let done = Update::ActionDone {
                action,
                at: done.at,
                result: done.result,
                inverse: done.inverse.map(Box::new),
            };
            if tx.send(done).await.is_err() {
                return;
            }
        }
    }
}

async fn container(
    client: &Docker,
    id: &str,
    op: &ContainerOp,
) -> Result<(), bollard::errors::Error> {
    match op {
        ContainerOp::Restart => client.restart_container(id, None).await,
        ContainerOp::Stop => client.stop_container(id, None).await,
        ContainerOp::Start => client.start_container(id, None).await,
        ContainerOp::Pause => client.pause_container(id).await,
        ContainerOp::Unpause => client.unpause_container(id).await,
        ContainerOp::Kill(signal) => {
            let options = KillContainerOptions {
                signal: signal.clone(),
            };
            client.kill_container(id, Some(options)).await
        }
        ContainerOp::Remove => {
            let options = RemoveContainerOptions {
                force: false,
                v: false,
                link: false,
            };
            client.remove_container(id, Some(options)).await
        }
    }
}

/// Sends a run or workflow action: the method, route and body GitHub documents.
async fn github_action(api: &Api, action: &Action) -> Result<(), SourceError> {
    let (route, body, what) = match action {
        Action::Rerun(r) => (
            format!("/repos/{}/actions/runs/{}/rerun", r.repo, r.id),
            None,
            format!("run {} in '{}'", r.id, r.repo),
        ),
        Action::RerunFailed(r) => (
            format!("/repos/{}/actions/runs/{}/rerun-failed-jobs", r.repo, r.id),
            None,
            format!("run {} in '{}'", r.id, r.repo),
        ),
        Action::Cancel(r) => (
            format!("/repos/{}/actions/runs/{}/cancel", r.repo, r.id),
            None,
            format!("run {} in '{}'", r.id, r.repo),
        ),
        Action::Dispatch {
            repo,
            workflow_id,
            git_ref,
            inputs,
            ..
        } => {
            let inputs: serde_json::Map<String, serde_json::Value> = inputs
                .iter()
                .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                .collect();
            let body = serde_json::json!({ "ref": git_ref, "inputs": inputs });
            (
                format!("/repos/{repo}/actions/workflows/{workflow_id}/dispatches"),
                Some(body),
                format!("workflow {workflow_id} in '{repo}'"),
            )
        }
        Action::Container { .. }
        | Action::Swarm { .. }
        | Action::Silence { .. }
        | Action::ExpireSilence { .. }
        | Action::SetAlias { .. }
        | Action::DeleteAlias { .. }
        | Action::TransitionStage { .. }
        | Action::Dag { .. }
        | Action::Undo(_) => {
            return Err(SourceError::Other("not a GitHub action".into()));
        }
    };
    api.send(http::Method::POST, &route, body.as_ref(), &what)
        .await
        .map(|_| ())
}

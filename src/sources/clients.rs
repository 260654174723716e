//! The clients and configs the executor acts through, one per source, shared
//! with the pollers that built them.

use std::collections::HashMap;

use super::SourceId;
use super::airflow::AirflowClient;
use super::github;
use super::mlflow::MlflowClient;
use super::pollers::Pollers;
use crate::config::{AlertmanagerConfig, DockerConfig};

impl Pollers {
    /// The GitHub clients by source, for the executor.
    pub fn github_clients(&self) -> HashMap<SourceId, github::Client> {
        self.github
            .iter()
            .map(|(id, l)| (*id, l.client.clone()))
            .collect()
    }

    /// The MLflow clients by source, for the executor.
    pub fn mlflow_clients(&self) -> HashMap<SourceId, MlflowClient> {
        self.mlflow.clone()
    }

    /// The Docker engines by source, for the executor (which connects per action).
    pub fn docker_configs(&self) -> HashMap<SourceId, DockerConfig> {
        self.docker.clone()
    }

    /// The Alertmanagers by source, for the executor's silence actions.
    pub fn alertmanager_configs(&self) -> HashMap<SourceId, AlertmanagerConfig> {
        self.alertmanager.clone()
    }

    /// The Airflow clients by source, for task instances, logs and DAG actions.
    pub fn airflow_clients(&self) -> HashMap<SourceId, AirflowClient> {
        self.airflow.clone()
    }
}

//! What pollers and the executor send to the event loop: `Update`, and the
//! complete snapshot of one poll, `Payload`. Plain data, owned, no clients.

use chrono::{DateTime, Utc};

use super::action::Action;
use super::airflow::AirflowSnapshot;
use super::alert::AlertsSnapshot;
use super::container::Container;
use super::metric::MetricsSnapshot;
use super::model::{ModelsSnapshot, RunDetail};
use super::pipeline::{Pipelines, WorkflowInput};
use super::source::SourceId;
use super::swarm::SwarmPoll;
use crate::error::SourceError;

/// The data of one successful poll: a complete snapshot of that source's slice.
#[derive(Debug, Clone, PartialEq)]
pub enum Payload {
    /// Every container on one Docker engine.
    Containers(Vec<Container>),
    /// Panels, targets and alerts of a Prometheus server.
    Metrics(MetricsSnapshot),
    /// Alerts and silences of an Alertmanager.
    Alerts(AlertsSnapshot),
    /// Every watched registered model of one MLflow server.
    Models(ModelsSnapshot),
    /// Recent workflow runs of every watched repository, with the rate limit.
    Pipelines(Pipelines),
    /// A Docker engine's Swarm, polled apart from its containers: the store keeps it
    /// beside them (`SourceState::swarm`), so it never replaces them nor their health.
    Swarm(SwarmPoll),
    /// The watched DAGs of an Airflow server, each with its recent runs.
    Airflow(AirflowSnapshot),
}

/// What the dispatch form needs to know about one workflow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DispatchTarget {
    /// The GitHub source.
    pub source: SourceId,
    /// `owner/name`.
    pub repo: String,
    /// The workflow's id.
    pub workflow_id: u64,
    /// The workflow's name.
    pub workflow: String,
    /// The workflow file.
    pub path: String,
    /// The ref the form starts with (the default branch).
    pub git_ref: String,
}

/// What a poller (or the action executor) sends to the event loop.
#[derive(Debug, Clone)]
pub enum Update {
    /// One poll finished, well or badly.
    Polled {
        /// Which source polled.
        source: SourceId,
        /// When the poll finished.
        at: DateTime<Utc>,
        /// The snapshot, or why there is none.
        result: Result<Payload, SourceError>,
    },
    /// New lines of the followed log.
    Log {
        /// Which log stream (a newer stream makes older lines stale).
        stream_id: u64,
        /// The lines, oldest first.
        lines: Vec<LogLine>,
    },
    /// The followed task log moved on to a later try of its task instance.
    LogTry {
        /// Which log stream.
        stream_id: u64,
        /// The try now followed.
        try_number: u32,
    },
    /// The followed log ended.
    LogEnded {
        /// Which log stream.
        stream_id: u64,
        /// Why, in words.
        reason: String,
    },
    /// A source run read on demand for a model version's detail.
    RunDetail {
        /// The MLflow source it was read from.
        source: SourceId,
        /// The run's id.
        run_id: String,
        /// The run, or why it could not be read.
        result: Result<RunDetail, SourceError>,
    },
    /// A DAG run's tasks were read on demand (or could not be).
    DagTasks {
        /// The Airflow source.
        source: SourceId,
        /// The DAG.
        dag_id: String,
        /// The run.
        run_id: String,
        /// Its tasks and the DAG's recent task states, or why not.
        result: Result<super::dag_tasks::RunTasks, SourceError>,
    },
    /// A workflow's dispatch inputs were read (or could not be).
    DispatchInputs {
        /// The workflow the form is for.
        target: DispatchTarget,
        /// Its declared inputs, or why they could not be read.
        result: Result<Vec<WorkflowInput>, SourceError>,
    },
    /// The executor finished an action.
    ActionDone {
        /// What was done.
        action: Action,
        /// When it finished.
        at: DateTime<Utc>,
        /// Whether it worked.
        result: Result<(), SourceError>,
        /// What reverses it, captured as it ran (`None`: irreversible, failed or an undo).
        inverse: Option<Box<Action>>,
    },
    /// A file was written off the event loop (an incident snapshot).
    Saved {
        /// Its path, or why it could not be written.
        result: Result<String, String>,
    },
    /// The poller task died; the pane says so instead of going quiet.
    Crashed {
        /// Which source's poller died.
        source: SourceId,
        /// When the loop noticed.
        at: DateTime<Utc>,
        /// The panic message.
        message: String,
    },
}

/// One line of a container's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    /// Whether it came from stderr.
    pub stderr: bool,
    /// The engine's timestamp (RFC 3339), when it sent one.
    pub timestamp: Option<String>,
    /// The text, possibly with ANSI colour codes.
    pub text: String,
}

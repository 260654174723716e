//! `Effect`: what `update` asks the event loop to do; the loop alone performs I/O.

use crate::actions::Action;
use crate::sources::driver::PollPolicy;
use crate::state::{DispatchTarget, SourceId};

/// A request from `update` to the event loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Restore the terminal and exit.
    Quit,
    /// Poll these sources now.
    Refresh(Vec<SourceId>),
    /// Change how eagerly a source is polled.
    SetPolicy(SourceId, PollPolicy),
    /// Restore the terminal and stop the process (Ctrl-Z); resume on `fg`.
    Suspend,
    /// Ring the terminal bell once.
    Bell,
    /// Put this text on the user's clipboard (OSC 52, so it reaches their machine over SSH).
    Copy(String),
    /// Hand a confirmed action to the executor.
    Execute(Action),
    /// Start following a container's log (stopping any other).
    FollowLogs {
        /// The engine's source.
        source: SourceId,
        /// Container id.
        container: String,
        /// Id that tags this stream's updates.
        stream_id: u64,
    },
    /// Start following a Swarm service's logs through its manager (stopping any other).
    FollowServiceLogs {
        /// The manager's source.
        source: SourceId,
        /// The service id.
        service: String,
        /// The service's name, for tasks found after the start.
        name: String,
        /// Names of its running tasks by id (`web.2@worker1`), to mark each line.
        tasks: Vec<(String, String)>,
        /// Id that tags this stream's updates.
        stream_id: u64,
    },
    /// Read a model version's source run (params, metrics, histories).
    FetchRun {
        /// The MLflow source.
        source: SourceId,
        /// The run's id.
        run_id: String,
    },
    /// Fetch a GitHub Actions job's log into the viewer (stopping any other log).
    FetchJobLog {
        /// The GitHub source.
        source: SourceId,
        /// `owner/name`.
        repo: String,
        /// The job's id.
        job_id: u64,
        /// Id that tags this stream's updates.
        stream_id: u64,
    },
    /// Read a DAG run's tasks and the DAG's recent task states (the Data tab).
    FetchDagTasks {
        /// The Airflow source.
        source: SourceId,
        /// The DAG.
        dag_id: String,
        /// The run in view.
        run_id: String,
        /// The DAG's recent run ids, newest first (the grid's columns).
        recent: Vec<String>,
    },
    /// Read one try of a task's log into the viewer (stopping any other log).
    FetchTaskLog {
        /// The Airflow source.
        source: SourceId,
        /// The task and try.
        task: crate::state::dag_tasks::TaskLogRef,
        /// Id that tags this stream's updates.
        stream_id: u64,
        /// Whether to keep reading it while the task instance is unfinished.
        follow: bool,
    },
    /// Pause (false) or resume (true) re-reading a followed task log (`f`).
    SetLogFollow(bool),
    /// Read a workflow's dispatch inputs, for the dispatch form.
    LoadDispatch(DispatchTarget),
    /// Stop following the log.
    StopLogs,
    /// Write an incident snapshot of the store (with failing containers' logs) to a file.
    Snapshot,
    /// Write text to a new file in the current directory.
    Save {
        /// A name for the file (`web-1`), sanitised by the loop.
        name: String,
        /// The text.
        text: String,
    },
}

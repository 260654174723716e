//! On-demand fetches for what the user opened — a container's or job's log, a
//! model version's source run, a workflow's dispatch inputs — each in the
//! pollers' fetch set: aborted at shutdown, and a panic reported to the view that
//! waits for it instead of leaving it "loading" forever.

use std::future::Future;
use std::panic::AssertUnwindSafe;

use futures_util::FutureExt as _;
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

use super::pollers::Pollers;
use super::{DispatchTarget, SourceId, Update, airflow, docker, driver, github, mlflow};
use crate::error::SourceError;
pub use crate::state::dag_tasks::TaskLogRef;

/// Lines of history fetched when a log opens.
pub const LOG_TAIL: usize = 500;

impl Pollers {
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
        self.spawn_log(task, stream_id, token, tx);
    }

    /// Reads a workflow's dispatch inputs and reports them as `Update::DispatchInputs`.
    pub fn load_dispatch(&mut self, target: DispatchTarget, tx: &mpsc::Sender<Update>) {
        let Some(links) = self.github.get(&target.source) else {
            return;
        };
        let (client, out) = (links.client.clone(), tx.clone());
        let fallback = target.clone();
        let task = async move {
            let result = match client.api().await {
                Ok(api) => {
                    github::inputs::fetch(&api, &target.repo, &target.path, &target.git_ref).await
                }
                Err(e) => Err(e),
            };
            let _ = out.send(Update::DispatchInputs { target, result }).await;
        };
        self.spawn_fetch(task, tx, move |m| Update::DispatchInputs {
            target: fallback,
            result: Err(failed(&m)),
        });
    }

    /// Reads a source run off the UI task and reports it as `Update::RunDetail`.
    pub fn fetch_run(&mut self, source: SourceId, run_id: String, tx: &mpsc::Sender<Update>) {
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
        let (out, fallback) = (tx.clone(), run_id.clone());
        let task = async move {
            let result = mlflow::run_detail(&client, &run_id).await;
            let _ = out
                .send(Update::RunDetail {
                    source,
                    run_id,
                    result,
                })
                .await;
        };
        self.spawn_fetch(task, tx, move |m| Update::RunDetail {
            source,
            run_id: fallback,
            result: Err(failed(&m)),
        });
    }

    /// Reads a DAG run's tasks and the DAG's recent task states as `Update::DagTasks`.
    pub fn fetch_dag_tasks(
        &mut self,
        source: SourceId,
        dag_id: String,
        run_id: String,
        recent: Vec<String>,
        tx: &mpsc::Sender<Update>,
    ) {
        let client = self.airflow.get(&source).cloned();
        let (out, fallback) = (tx.clone(), (dag_id.clone(), run_id.clone()));
        let task = async move {
            let result = match client {
                Some(c) => airflow::tasks::run_tasks(&c, &dag_id, &run_id, &recent).await,
                None => Err(SourceError::Other(
                    "no Airflow client: check [airflow] url".to_owned(),
                )),
            };
            let update = Update::DagTasks {
                source,
                dag_id,
                run_id,
                result,
            };
            let _ = out.send(update).await;
        };
        self.spawn_fetch(task, tx, move |m| Update::DagTasks {
            source,
            dag_id: fallback.0,
            run_id: fallback.1,
            result: Err(failed(&m)),
        });
    }

    /// Reads one try of a task's log into the viewer, stopping any log followed
    /// before; when `follow`, keeps reading it while the task instance is
    /// unfinished and the viewer follows (`set_log_follow`).
    pub fn fetch_task_log(
        &mut self,
        source: SourceId,
        task: TaskLogRef,
        (stream_id, follow): (u64, bool),
        tx: &mpsc::Sender<Update>,
        cancel: &CancellationToken,
    ) {
        self.stop_logs();
        let Some(client) = self.airflow.get(&source).cloned() else {
            let reason = "no Airflow client: check [airflow] url".to_owned();
            let _ = tx.try_send(Update::LogEnded { stream_id, reason });
            return;
        };
        let (on, watching) = watch::channel(true);
        let sink = airflow::follow::Sink {
            tx: tx.clone(),
            stream_id,
            follow: watching,
        };
        let token = cancel.child_token();
        let stop = token.clone();
        let read = airflow::follow::run(client, task, follow, sink);
        let task = async move {
            tokio::select! {
                () = stop.cancelled() => {}
                () = read => {}
            }
        };
        self.spawn_log(task, stream_id, token, tx);
        self.log_follow = Some(on);
    }

    /// Pauses (false) or resumes (true) re-reading the followed task log; streamed
    /// logs ignore it (their viewer only stops scrolling).
    pub fn set_log_follow(&self, follow: bool) {
        if let Some(on) = &self.log_follow {
            let _ = on.send(follow);
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
        let (container, out) = (container.to_owned(), tx.clone());
        self.follow_docker_log(source, stream_id, tx, cancel, move |client, token| {
            docker::logs::follow(client, container, stream_id, LOG_TAIL, out, token)
        });
    }

    /// Follows the logs of every running task of a Swarm service (id, name), one
    /// stream per task, stopping any other log.
    pub fn follow_service_logs(
        &mut self,
        source: SourceId,
        service: (String, String),
        tasks: Vec<(String, String)>,
        stream_id: u64,
        tx: &mpsc::Sender<Update>,
        cancel: &CancellationToken,
    ) {
        let out = tx.clone();
        self.follow_docker_log(source, stream_id, tx, cancel, move |client, token| {
            docker::service_logs::follow(client, service, tasks, stream_id, LOG_TAIL, out, token)
        });
    }

    /// Stops any followed log, connects to a Docker source and runs the reader
    /// `start` builds as the followed log; a failed connect ends the log with why.
    fn follow_docker_log<F>(
        &mut self,
        source: SourceId,
        stream_id: u64,
        tx: &mpsc::Sender<Update>,
        cancel: &CancellationToken,
        start: impl FnOnce(bollard::Docker, CancellationToken) -> F,
    ) where
        F: Future<Output = ()> + Send + 'static,
    {
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
        let task = start(client, token.clone());
        self.spawn_log(task, stream_id, token, tx);
    }

    /// Stops following the current log, if any.
    pub fn stop_logs(&mut self) {
        if let Some(token) = self.logs.take() {
            token.cancel();
        }
        self.log_follow = None;
    }

    /// Runs a log reader as the one followed log; a panic ends the log with why.
    fn spawn_log(
        &mut self,
        task: impl Future<Output = ()> + Send + 'static,
        stream_id: u64,
        token: CancellationToken,
        tx: &mpsc::Sender<Update>,
    ) {
        self.spawn_fetch(task, tx, move |m| Update::LogEnded {
            stream_id,
            reason: format!("the log reader failed (a bug): {m}"),
        });
        self.logs = Some(token);
    }

    /// Runs `task` in the fetch set; a panic sends `on_panic(message)` instead.
    fn spawn_fetch(
        &mut self,
        task: impl Future<Output = ()> + Send + 'static,
        tx: &mpsc::Sender<Update>,
        on_panic: impl FnOnce(String) -> Update + Send + 'static,
    ) {
        // Finished fetches are reaped here, so the set never grows.
        while self.fetches.try_join_next().is_some() {}
        let tx = tx.clone();
        self.fetches.spawn(async move {
            if let Err(panic) = AssertUnwindSafe(task).catch_unwind().await {
                let message = driver::panic_text(panic.as_ref());
                tracing::error!("a fetch panicked: {message}");
                let _ = tx.send(on_panic(message)).await;
            }
        });
    }
}

/// The error a view shows when its fetch panicked.
fn failed(message: &str) -> SourceError {
    SourceError::Other(format!("reading it failed (a bug): {message}"))
}

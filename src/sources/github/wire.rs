//! GitHub's REST payloads as lenient serde structs: every field is optional or
//! defaulted, so a field GitHub adds, drops or nulls never fails a whole page.
//! `convert` turns them into the plain `state::pipeline` types.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};

use crate::state::pipeline::{Job, PipelineRun, RunConclusion, RunStatus, Step};

/// `GET /repos/{owner}/{repo}/actions/runs`.
#[derive(Debug, Default, Deserialize)]
pub struct RunList {
    /// The runs on this page, newest first.
    #[serde(default)]
    pub workflow_runs: Vec<WireRun>,
}

/// A user (only the login is used).
#[derive(Debug, Default, Deserialize)]
pub struct WireUser {
    /// The login.
    #[serde(default)]
    pub login: String,
}

/// A run's head commit.
#[derive(Debug, Default, Deserialize)]
pub struct WireCommit {
    /// The full message.
    #[serde(default)]
    pub message: String,
}

/// One workflow run.
#[derive(Debug, Deserialize)]
pub struct WireRun {
    /// Run id (a number, or a string of digits from a proxy that quotes them).
    #[serde(deserialize_with = "number")]
    pub id: u64,
    /// Workflow name.
    pub name: Option<String>,
    /// Head branch.
    pub head_branch: Option<String>,
    /// Head SHA.
    #[serde(default)]
    pub head_sha: String,
    /// Workflow file path.
    #[serde(default)]
    pub path: String,
    /// The run's title (commit message or PR title).
    pub display_title: Option<String>,
    /// Run number.
    #[serde(default, deserialize_with = "number")]
    pub run_number: u64,
    /// Attempt.
    pub run_attempt: Option<u32>,
    /// Trigger.
    #[serde(default)]
    pub event: String,
    /// Status word.
    pub status: Option<String>,
    /// Conclusion word.
    pub conclusion: Option<String>,
    /// Workflow id.
    #[serde(default, deserialize_with = "number")]
    pub workflow_id: u64,
    /// Web page.
    #[serde(default)]
    pub html_url: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: Option<DateTime<Utc>>,
    /// This attempt's start.
    pub run_started_at: Option<DateTime<Utc>>,
    /// Who triggered it.
    pub actor: Option<WireUser>,
    /// Head commit.
    pub head_commit: Option<WireCommit>,
}

/// `GET /repos/{owner}/{repo}/actions/runs/{id}/jobs`.
#[derive(Debug, Default, Deserialize)]
pub struct JobList {
    /// The jobs on this page.
    #[serde(default)]
    pub jobs: Vec<WireJob>,
}

/// One job.
#[derive(Debug, Deserialize)]
pub struct WireJob {
    /// Job id (a number or a string of digits).
    #[serde(deserialize_with = "number")]
    pub id: u64,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Status word.
    pub status: Option<String>,
    /// Conclusion word.
    pub conclusion: Option<String>,
    /// Start.
    pub started_at: Option<DateTime<Utc>>,
    /// End.
    pub completed_at: Option<DateTime<Utc>>,
    /// Web page.
    #[serde(default)]
    pub html_url: String,
    /// Steps.
    #[serde(default)]
    pub steps: Vec<WireStep>,
}

/// One step.
#[derive(Debug, Deserialize)]
pub struct WireStep {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Number.
    #[serde(default)]
    pub number: u32,
    /// Status word.
    pub status: Option<String>,
    /// Conclusion word.
    pub conclusion: Option<String>,
    /// Start.
    pub started_at: Option<DateTime<Utc>>,
    /// End.
    pub completed_at: Option<DateTime<Utc>>,
}

/// A repository (`GET /repos/{owner}/{repo}` or one entry of a listing).
#[derive(Debug, Deserialize)]
pub struct WireRepo {
    /// `owner/name`.
    pub full_name: String,
    /// Default branch.
    pub default_branch: Option<String>,
    /// Whether it is archived (archived repos run nothing).
    #[serde(default)]
    pub archived: bool,
}

/// `GET /repos/{owner}/{repo}/contents/{path}` for a file.
#[derive(Debug, Deserialize)]
pub struct WireContent {
    /// `base64` for files.
    #[serde(default)]
    pub encoding: String,
    /// The encoded body, with line breaks.
    #[serde(default)]
    pub content: String,
}

/// `GET /repos/{owner}/{repo}/actions/workflows`.
#[derive(Debug, Default, Deserialize)]
pub struct WorkflowList {
    /// The workflows.
    #[serde(default)]
    pub workflows: Vec<WireWorkflow>,
}

/// One workflow.
#[derive(Debug, Clone, Deserialize)]
pub struct WireWorkflow {
    /// Workflow id.
    pub id: u64,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// File path.
    #[serde(default)]
    pub path: String,
    /// `active`, `disabled_manually`…
    #[serde(default)]
    pub state: String,
}

/// A `u64` sent as a JSON number or as a string of digits; anything else is an error.
fn number<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum NumberOrText {
        Number(u64),
        Text(String),
    }
    match NumberOrText::deserialize(d)? {
        NumberOrText::Number(n) => Ok(n),
        NumberOrText::Text(t) => t.trim().parse().map_err(|_| {
            serde::de::Error::custom(format!("expected a number, got the string '{t}'"))
        }),
    }
}

/// A run as state, given its repository and that repository's default branch.
pub fn run(repo: &str, default_branch: Option<&str>, w: WireRun) -> PipelineRun {
    let branch = w.head_branch.unwrap_or_default();
    let title = w
        .head_commit
        .map(|c| c.message)
        .filter(|m| !m.trim().is_empty())
        .or(w.display_title)
        .unwrap_or_default();
    PipelineRun {
        id: w.id,
        repo: repo.to_owned(),
        workflow: w.name.unwrap_or_else(|| w.path.clone()),
        workflow_id: w.workflow_id,
        workflow_path: w.path,
        number: w.run_number,
        attempt: w.run_attempt.unwrap_or(1),
        on_default_branch: default_branch.is_some_and(|d| d == branch),
        branch,
        event: w.event,
        actor: w.actor.map(|a| a.login).unwrap_or_default(),
        head_sha: w.head_sha,
        title: title.lines().next().unwrap_or_default().to_owned(),
        status: RunStatus::parse(w.status.as_deref().unwrap_or_default()),
        conclusion: w.conclusion.as_deref().and_then(RunConclusion::parse),
        created_at: w.created_at,
        started_at: w.run_started_at,
        updated_at: w.updated_at.unwrap_or(w.created_at),
        url: w.html_url,
        jobs: None,
    }
}

/// A job as state.
pub fn job(w: WireJob) -> Job {
    Job {
        id: w.id,
        name: w.name,
        status: RunStatus::parse(w.status.as_deref().unwrap_or_default()),
        conclusion: w.conclusion.as_deref().and_then(RunConclusion::parse),
        started_at: w.started_at,
        completed_at: w.completed_at,
        url: w.html_url,
        steps: w.steps.into_iter().map(step).collect(),
    }
}

fn step(w: WireStep) -> Step {
    Step {
        number: w.number,
        name: w.name,
        status: RunStatus::parse(w.status.as_deref().unwrap_or_default()),
        conclusion: w.conclusion.as_deref().and_then(RunConclusion::parse),
        started_at: w.started_at,
        completed_at: w.completed_at,
    }
}

/// Default branches by repository, for `run`.
pub type DefaultBranches = HashMap<String, String>;

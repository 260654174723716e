//! GitHub Actions runs, jobs and steps as the GitHub source reports them, and the
//! rules that turn a run's status and conclusion into one outcome and a severity.
//! Plain data: no octocrab or serde-of-the-wire types leak in here.

use chrono::{DateTime, Utc};

use super::Severity;

/// Where a run, job or step is in its life (GitHub's `status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RunStatus {
    /// Waiting for a runner (`queued`, `requested`, `pending`).
    Queued,
    /// Waiting for an approval or a deployment protection rule.
    Waiting,
    /// Running.
    InProgress,
    /// Finished; see the conclusion.
    Completed,
}

impl RunStatus {
    /// Parses GitHub's word; unknown words count as queued.
    pub fn parse(word: &str) -> RunStatus {
        match word {
            "in_progress" => RunStatus::InProgress,
            "completed" => RunStatus::Completed,
            "waiting" => RunStatus::Waiting,
            _ => RunStatus::Queued,
        }
    }

    /// GitHub's word for it.
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Queued => "queued",
            RunStatus::Waiting => "waiting",
            RunStatus::InProgress => "in_progress",
            RunStatus::Completed => "completed",
        }
    }
}

/// How a finished run, job or step ended (GitHub's `conclusion`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RunConclusion {
    /// Passed.
    Success,
    /// Failed (also `startup_failure`).
    Failure,
    /// Cancelled by someone or by concurrency.
    Cancelled,
    /// Skipped by a condition.
    Skipped,
    /// Ran past its timeout.
    TimedOut,
    /// Needs someone to act (approve, re-run).
    ActionRequired,
    /// Neither passed nor failed (`neutral`, `stale`).
    Neutral,
}

impl RunConclusion {
    /// Parses GitHub's word; `None` for an absent or unknown one.
    pub fn parse(word: &str) -> Option<RunConclusion> {
        Some(match word {
            "success" => RunConclusion::Success,
            "failure" | "startup_failure" => RunConclusion::Failure,
            "cancelled" => RunConclusion::Cancelled,
            "skipped" => RunConclusion::Skipped,
            "timed_out" => RunConclusion::TimedOut,
            "action_required" => RunConclusion::ActionRequired,
            "neutral" | "stale" => RunConclusion::Neutral,
            _ => return None,
        })
    }

    /// GitHub's word for it.
    pub fn as_str(self) -> &'static str {
        match self {
            RunConclusion::Success => "success",
            RunConclusion::Failure => "failure",
            RunConclusion::Cancelled => "cancelled",
            RunConclusion::Skipped => "skipped",
            RunConclusion::TimedOut => "timed_out",
            RunConclusion::ActionRequired => "action_required",
            RunConclusion::Neutral => "neutral",
        }
    }
}

/// Status and conclusion folded into the one thing a table shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Outcome {
    /// Waiting for a runner.
    Queued,
    /// Waiting for an approval.
    Waiting,
    /// Running.
    InProgress,
    /// Finished, passed.
    Success,
    /// Finished, failed.
    Failure,
    /// Finished, cancelled.
    Cancelled,
    /// Finished, skipped.
    Skipped,
    /// Finished, timed out.
    TimedOut,
    /// Finished, needs someone to act.
    ActionRequired,
    /// Finished, neutral.
    Neutral,
}

impl Outcome {
    /// The outcome of a status and conclusion.
    pub fn of(status: RunStatus, conclusion: Option<RunConclusion>) -> Outcome {
        match (status, conclusion) {
            (RunStatus::Queued, _) => Outcome::Queued,
            (RunStatus::Waiting, _) => Outcome::Waiting,
            (RunStatus::InProgress, _) => Outcome::InProgress,
            (RunStatus::Completed, Some(c)) => match c {
                RunConclusion::Success => Outcome::Success,
                RunConclusion::Failure => Outcome::Failure,
                RunConclusion::Cancelled => Outcome::Cancelled,
                RunConclusion::Skipped => Outcome::Skipped,
                RunConclusion::TimedOut => Outcome::TimedOut,
                RunConclusion::ActionRequired => Outcome::ActionRequired,
                RunConclusion::Neutral => Outcome::Neutral,
            },
            (RunStatus::Completed, None) => Outcome::Neutral,
        }
    }

    /// The word shown in tables (`in progress`, `timed out`).
    pub fn word(self) -> &'static str {
        match self {
            Outcome::Queued => "queued",
            Outcome::Waiting => "waiting",
            Outcome::InProgress => "in progress",
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Cancelled => "cancelled",
            Outcome::Skipped => "skipped",
            Outcome::TimedOut => "timed out",
            Outcome::ActionRequired => "action required",
            Outcome::Neutral => "neutral",
        }
    }

    /// How worried to be: failure and timeout are critical; cancelled and action required warn.
    pub fn severity(self) -> Severity {
        match self {
            Outcome::Failure | Outcome::TimedOut => Severity::Critical,
            Outcome::Cancelled | Outcome::ActionRequired => Severity::Warning,
            _ => Severity::Ok,
        }
    }

    /// Whether it has not finished yet.
    pub fn is_active(self) -> bool {
        matches!(
            self,
            Outcome::Queued | Outcome::Waiting | Outcome::InProgress
        )
    }
}

/// One step of a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// Its 1-based number in the job.
    pub number: u32,
    /// Its name (`Run cargo test`).
    pub name: String,
    /// Where it is.
    pub status: RunStatus,
    /// How it ended.
    pub conclusion: Option<RunConclusion>,
    /// When it started.
    pub started_at: Option<DateTime<Utc>>,
    /// When it finished.
    pub completed_at: Option<DateTime<Utc>>,
}

/// One job of a run, with its steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// GitHub's job id.
    pub id: u64,
    /// Its name (`test (ubuntu-latest)`).
    pub name: String,
    /// Where it is.
    pub status: RunStatus,
    /// How it ended.
    pub conclusion: Option<RunConclusion>,
    /// When it started.
    pub started_at: Option<DateTime<Utc>>,
    /// When it finished.
    pub completed_at: Option<DateTime<Utc>>,
    /// Its steps, in order.
    pub steps: Vec<Step>,
    /// Its page on GitHub.
    pub url: String,
}

/// One workflow run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PipelineRun {
    /// GitHub's run id (stable across attempts).
    pub id: u64,
    /// `owner/name`.
    pub repo: String,
    /// The workflow's name.
    pub workflow: String,
    /// The workflow's id.
    pub workflow_id: u64,
    /// The workflow file (`.github/workflows/ci.yml`).
    pub workflow_path: String,
    /// The run number within the workflow.
    pub number: u64,
    /// The attempt (1 unless re-run).
    pub attempt: u32,
    /// The head branch (empty for tags and some events).
    pub branch: String,
    /// Whether `branch` is the repository's default branch.
    pub on_default_branch: bool,
    /// What triggered it (`push`, `pull_request`, `workflow_dispatch`…).
    pub event: String,
    /// Who triggered it.
    pub actor: String,
    /// The full head commit SHA.
    pub head_sha: String,
    /// The first line of the head commit's message (or the run's title).
    pub title: String,
    /// Where it is.
    pub status: RunStatus,
    /// How it ended.
    pub conclusion: Option<RunConclusion>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When this attempt started.
    pub started_at: Option<DateTime<Utc>>,
    /// When it last changed (its end, once completed).
    pub updated_at: DateTime<Utc>,
    /// Its page on GitHub.
    pub url: String,
    /// Its jobs, when fetched (only for runs in view).
    pub jobs: Option<Vec<Job>>,
}

impl PipelineRun {
    /// Status and conclusion as one outcome.
    pub fn outcome(&self) -> Outcome {
        Outcome::of(self.status, self.conclusion)
    }

    /// How worried to be about it.
    pub fn severity(&self) -> Severity {
        self.outcome().severity()
    }

    /// How long it ran: up to `now` while active, up to its last update once done.
    pub fn duration(&self, now: DateTime<Utc>) -> Option<chrono::Duration> {
        let start = self.started_at.unwrap_or(self.created_at);
        let end = if self.outcome().is_active() {
            now
        } else {
            self.updated_at
        };
        (self.status != RunStatus::Queued).then(|| (end - start).max(chrono::Duration::zero()))
    }

    /// The first 7 characters of the head SHA.
    pub fn short_sha(&self) -> &str {
        self.head_sha.get(..7).unwrap_or(&self.head_sha)
    }
}

impl Job {
    /// Status and conclusion as one outcome.
    pub fn outcome(&self) -> Outcome {
        Outcome::of(self.status, self.conclusion)
    }
}

impl Step {
    /// Status and conclusion as one outcome.
    pub fn outcome(&self) -> Outcome {
        Outcome::of(self.status, self.conclusion)
    }
}

/// How long something between `start` and `end` took, running up to `now` while open.
pub fn span(
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<chrono::Duration> {
    let start = start?;
    Some((end.unwrap_or(now) - start).max(chrono::Duration::zero()))
}

/// The API's rate limit as its last answer stated it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests left in this window.
    pub remaining: u32,
    /// Requests per window.
    pub limit: u32,
    /// When the window resets.
    pub reset: DateTime<Utc>,
}

/// Everything one poll of the GitHub source saw.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Pipelines {
    /// Recent runs of every watched repository, newest first.
    pub runs: Vec<PipelineRun>,
    /// The watched repositories (`owner/name`) with their default branches.
    pub repos: Vec<(String, String)>,
    /// Repositories that could not be read, with why (the others still show).
    pub problems: Vec<(String, String)>,
    /// The rate limit after this poll, when the API sent one.
    pub rate: Option<RateLimit>,
    /// Whether a token was sent (false: anonymous, 60 requests an hour).
    pub authenticated: bool,
}

/// What kind of value an input takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputKind {
    /// Free text (`string`, `number`, `environment` and unknown types).
    Text,
    /// One of the listed options.
    Choice(Vec<String>),
    /// `true` or `false`.
    Bool,
}

/// One declared input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkflowInput {
    /// Its key, sent in the dispatch body.
    pub name: String,
    /// Its description, when given.
    pub description: String,
    /// Whether a value must be given.
    pub required: bool,
    /// Its default, as text.
    pub default: Option<String>,
    /// What it takes.
    pub kind: InputKind,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_and_severities() {
        use RunConclusion as C;
        use RunStatus as S;
        let sev = |s, c| Outcome::of(s, c).severity();
        assert_eq!(sev(S::Completed, Some(C::Failure)), Severity::Critical);
        assert_eq!(sev(S::Completed, Some(C::TimedOut)), Severity::Critical);
        assert_eq!(sev(S::Completed, Some(C::Cancelled)), Severity::Warning);
        assert_eq!(
            sev(S::Completed, Some(C::ActionRequired)),
            Severity::Warning
        );
        assert_eq!(sev(S::Completed, Some(C::Success)), Severity::Ok);
        assert_eq!(sev(S::InProgress, None), Severity::Ok);
        assert_eq!(C::parse("startup_failure"), Some(C::Failure));
        assert_eq!(C::parse(""), None);
        assert_eq!(S::parse("requested"), S::Queued);
    }
}

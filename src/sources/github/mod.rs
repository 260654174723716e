//! The GitHub Actions source. Every poll asks each watched repository for its
//! recent runs with `If-None-Match` (a 304 costs no rate limit); repositories
//! whose runs have all settled are asked only every `SETTLED_EVERY`th poll, unless
//! the user refreshes. Jobs are fetched only for the runs on screen, and only
//! again while they run. Requests are serial, as GitHub asks of integrators.

pub mod api;
pub mod errors;
pub mod inputs;
pub mod logs;
mod repos;
pub mod wire;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, Utc};
use tokio::sync::{OnceCell, watch};

use super::{Payload, Source};
use crate::config::GithubConfig;
use crate::error::SourceError;
use crate::state::pipeline::{Job, PipelineRun, Pipelines};
pub use api::Api;
use repos::Repo;

/// Runs asked for per repository (one page).
pub const RUNS_PER_PAGE: usize = 30;
/// A repository whose runs have all finished is polled every this many polls.
pub const SETTLED_EVERY: u64 = 4;
/// Most jobs lists fetched per poll for visible rows (the selected run always is).
const JOBS_PER_POLL: usize = 6;
/// Most pages followed through `Link: rel="next"` for one list.
pub const MAX_PAGES: usize = 10;

/// Which runs are on screen, so jobs are fetched only for them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Focus {
    /// The selected (or drilled-into) run's id.
    pub selected: Option<u64>,
    /// Ids of the runs in visible rows.
    pub visible: Vec<u64>,
}

/// A lazily built client shared by the poller, the log fetcher and the executor, so
/// the token lookup (which may run `gh auth token`) happens once, off the UI task.
#[derive(Debug, Clone)]
pub struct Client {
    config: GithubConfig,
    cell: Arc<OnceCell<Api>>,
}

impl Client {
    /// A client for `[github]`; nothing is looked up until first use.
    pub fn new(config: GithubConfig) -> Client {
        Client {
            config,
            cell: Arc::new(OnceCell::new()),
        }
    }

    /// A client around an already built `Api` (tests, fakes).
    pub fn with_api(config: GithubConfig, api: Api) -> Client {
        Client {
            config,
            cell: Arc::new(OnceCell::new_with(Some(api))),
        }
    }

    /// The API client, building it on first use.
    pub async fn api(&self) -> Result<Api, SourceError> {
        self.cell
            .get_or_try_init(|| Api::connect(&self.config))
            .await
            .cloned()
    }

    /// The configuration.
    pub fn config(&self) -> &GithubConfig {
        &self.config
    }
}

/// One repository's runs as last fetched.
#[derive(Debug, Default)]
struct RepoRuns {
    etag: Option<String>,
    runs: Vec<PipelineRun>,
    fetched_at_poll: Option<u64>,
}

/// One run's jobs as last fetched, keyed by what makes them stale.
#[derive(Debug)]
struct RunJobs {
    attempt: u32,
    updated_at: DateTime<Utc>,
    etag: Option<String>,
    jobs: Vec<Job>,
}

/// GitHub Actions across the configured repositories.
pub struct GithubSource {
    client: Client,
    focus: watch::Receiver<Focus>,
    forced: Arc<AtomicBool>,
    repos: repos::RepoCache,
    runs: HashMap<String, RepoRuns>,
    jobs: HashMap<u64, RunJobs>,
    polls: u64,
}

impl GithubSource {
    /// A source on `client`; `forced` is set by a user refresh to poll every repository.
    pub fn new(client: Client, focus: watch::Receiver<Focus>, forced: Arc<AtomicBool>) -> Self {
        GithubSource {
            repos: repos::RepoCache::default(),
            client,
            focus,
            forced,
            runs: HashMap::new(),
            jobs: HashMap::new(),
            polls: 0,
        }
    }

    /// Whether a repository's runs are due this poll.
    fn is_due(&self, repo: &str, forced: bool) -> bool {
        let Some(cached) = self.runs.get(repo) else {
            return true;
        };
        let active = cached.runs.iter().any(|r| r.outcome().is_active());
        forced
            || active
            || cached
                .fetched_at_poll
                .is_none_or(|p| self.polls.saturating_sub(p) >= SETTLED_EVERY)
    }

    async fn poll_runs(&mut self, api: &Api, repo: &Repo) -> Result<(), SourceError> {
        let route = format!(
            "/repos/{}/actions/runs?per_page={RUNS_PER_PAGE}",
            repo.full_name
        );
        let entry = self.runs.entry(repo.full_name.clone()).or_default();
        let what = format!("the runs of repository '{}'", repo.full_name);
        let answer = api.get(&route, entry.etag.as_deref(), &what).await?;
        entry.fetched_at_poll = Some(self.polls);
        if answer.not_modified() {
            return Ok(());
        }
        let list: wire::RunList = answer.json(api.target(), &route)?;
        entry.etag = answer.etag();
        entry.runs = list
            .workflow_runs
            .into_iter()
            .map(|w| wire::run(&repo.full_name, repo.default_branch.as_deref(), w))
            .collect();
        Ok(())
    }

    /// Fetches jobs for the selected run and a few visible ones that need it.
    async fn poll_jobs(&mut self, api: &Api) -> Result<(), SourceError> {
        let focus = self.focus.borrow().clone();
        let runs: HashMap<u64, &PipelineRun> = self
            .runs
            .values()
            .flat_map(|r| &r.runs)
            .map(|r| (r.id, r))
            .collect();
        let stale = |id: &u64| {
            let Some(run) = runs.get(id) else {
                return false;
            };
            self.jobs.get(id).is_none_or(|j| {
                run.outcome().is_active()
                    || j.attempt != run.attempt
                    || j.updated_at != run.updated_at
            })
        };
        let mut wanted: Vec<(u64, String, u32, DateTime<Utc>)> = Vec::new();
        let ids = focus.selected.iter().chain(
            focus
                .visible
                .iter()
                .filter(|id| Some(**id) != focus.selected),
        );
        for id in ids.filter(|id| stale(id)).take(JOBS_PER_POLL + 1) {
            if let Some(run) = runs.get(id) {
                wanted.push((*id, run.repo.clone(), run.attempt, run.updated_at));
            }
        }
        let live: std::collections::HashSet<u64> = runs.keys().copied().collect();
        self.jobs.retain(|id, _| live.contains(id));
        for (id, repo, attempt, updated_at) in wanted {
            let etag = self
                .jobs
                .get(&id)
                .filter(|j| j.attempt == attempt)
                .and_then(|j| j.etag.clone());
            let fetched = fetch_jobs(api, &repo, id, etag.as_deref()).await?;
            match (fetched, self.jobs.get_mut(&id)) {
                (None, Some(cached)) => cached.updated_at = updated_at,
                (None, None) => {}
                (Some((jobs, etag)), _) => {
                    let entry = RunJobs {
                        attempt,
                        updated_at,
                        etag,
                        jobs,
                    };
                    self.jobs.insert(id, entry);
                }
            }
        }
        Ok(())
    }

    fn snapshot(&self, api: &Api, problems: Vec<(String, String)>) -> Pipelines {
        let mut runs: Vec<PipelineRun> = self
            .repos
            .repos()
            .iter()
            .filter_map(|r| self.runs.get(&r.full_name))
            .flat_map(|r| r.runs.iter().cloned())
            .collect();
        for run in &mut runs {
            run.jobs = self.jobs.get(&run.id).map(|j| j.jobs.clone());
        }
        runs.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
        Pipelines {
            runs,
            repos: self
                .repos
                .repos()
                .iter()
                .map(|r| {
                    let branch = r.default_branch.clone().unwrap_or_default();
                    (r.full_name.clone(), branch)
                })
                .collect(),
            problems,
            rate: api.rate(),
            authenticated: api.is_authenticated(),
        }
    }
}

/// One run's jobs (all pages), or `None` when unchanged since `etag`.
pub async fn fetch_jobs(
    api: &Api,
    repo: &str,
    run_id: u64,
    etag: Option<&str>,
) -> Result<Option<(Vec<Job>, Option<String>)>, SourceError> {
    let what = format!("the jobs of run {run_id} in '{repo}'");
    let mut jobs = Vec::new();
    let mut first_etag = None;
    for page in 1..=MAX_PAGES {
        let route = format!("/repos/{repo}/actions/runs/{run_id}/jobs?per_page=100&page={page}");
        let tag = if page == 1 { etag } else { None };
        let answer = api.get(&route, tag, &what).await?;
        if answer.not_modified() {
            return Ok(None);
        }
        if page == 1 {
            first_etag = answer.etag();
        }
        let list: wire::JobList = answer.json(api.target(), &route)?;
        // An empty page ends the list, whatever `Link` says.
        let is_empty = list.jobs.is_empty();
        jobs.extend(list.jobs.into_iter().map(wire::job));
        if is_empty || !answer.has_next() {
            break;
        }
    }
    Ok(Some((jobs, first_etag)))
}

/// Whether an error is about one repository (others may still be read) rather
/// than about the token, the network or the rate limit.
fn is_per_repo(e: &SourceError) -> bool {
    matches!(e, SourceError::NotFound { .. } | SourceError::Http { .. })
}

impl Source for GithubSource {
    async fn poll(&mut self) -> Result<Payload, SourceError> {
        let api = self.client.api().await?;
        let forced = self.forced.swap(false, Ordering::Relaxed);
        let mut problems = self
            .repos
            .refresh(&api, &self.client.config.repos, self.polls)
            .await?;
        let repos: Vec<Repo> = self.repos.repos().to_vec();
        let mut failures = 0;
        let mut first_error = None;
        for repo in &repos {
            if !self.is_due(&repo.full_name, forced) {
                continue;
            }
            match self.poll_runs(&api, repo).await {
                Ok(()) => {}
                Err(e) if is_per_repo(&e) => {
                    failures += 1;
                    problems.push((repo.full_name.clone(), e.to_string()));
                    first_error.get_or_insert(e);
                }
                Err(e) => return Err(e),
            }
        }
        self.runs
            .retain(|name, _| repos.iter().any(|r| &r.full_name == name));
        if failures == repos.len()
            && let Some(e) = first_error
        {
            return Err(e);
        }
        self.poll_jobs(&api).await?;
        self.polls += 1;
        Ok(Payload::Pipelines(self.snapshot(&api, problems)))
    }

    fn target(&self) -> String {
        self.client.config.api_url.clone()
    }
}

//! A wiremock fake of the GitHub REST API serving payloads shaped as GitHub
//! documents them (workflow runs, jobs with steps, repositories, contents, job
//! logs through a redirect), plus builders of the JSON bodies.
#![allow(dead_code, reason = "each test file uses a different subset")]
#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use flightdeck::config::{GithubConfig, RepoSpec};
use flightdeck::sources::github::{Api, Client, Focus, GithubSource};
use serde_json::{Value, json};
use tokio::sync::watch;
use wiremock::MockServer;

/// The reset time the fake's rate-limit headers state (2026-11-27T13:00:00Z).
pub const RESET: i64 = 1_795_784_400;

/// A config watching `repos` on the fake.
pub fn config(server: &MockServer, repos: &[&str]) -> GithubConfig {
    GithubConfig {
        api_url: server.uri(),
        token_env: None,
        repos: repos.iter().map(|r| RepoSpec::parse(r).unwrap()).collect(),
        interval: std::time::Duration::from_secs(15),
    }
}

/// A client on the fake with a test token.
pub fn client(server: &MockServer, repos: &[&str]) -> Client {
    let api = Api::new(&server.uri(), Some("test-token".into())).unwrap();
    Client::with_api(config(server, repos), api)
}

/// A source on the fake, with the sender of its focus.
pub fn source(server: &MockServer, repos: &[&str]) -> (GithubSource, watch::Sender<Focus>) {
    let (tx, rx) = watch::channel(Focus::default());
    let src = GithubSource::new(client(server, repos), rx, Arc::new(AtomicBool::new(false)));
    (src, tx)
}

/// The rate-limit headers GitHub sends with every answer.
pub fn rate_headers(remaining: u32) -> Vec<(&'static str, String)> {
    vec![
        ("x-ratelimit-limit", "5000".into()),
        ("x-ratelimit-remaining", remaining.to_string()),
        ("x-ratelimit-reset", RESET.to_string()),
        ("x-ratelimit-used", (5000 - remaining).to_string()),
        ("x-ratelimit-resource", "core".into()),
    ]
}

/// A 200 answer with this JSON body and GitHub's rate-limit headers.
pub fn ok_json(body: Value) -> wiremock::ResponseTemplate {
    let mut t = wiremock::ResponseTemplate::new(200).set_body_json(body);
    for (k, v) in rate_headers(4990) {
        t = t.insert_header(k, v.as_str());
    }
    t
}

/// `GET /repos/{owner}/{repo}`.
pub fn repo_json(full: &str, default_branch: &str) -> Value {
    let (owner, name) = full.split_once('/').unwrap();
    json!({
        "id": 1_296_269, "node_id": "MDEwOlJlcG9zaXRvcnkxMjk2MjY5", "name": name,
        "full_name": full, "private": false, "archived": false, "disabled": false,
        "owner": { "login": owner, "id": 1, "type": "Organization" },
        "html_url": format!("https://github.com/{full}"),
        "default_branch": default_branch, "visibility": "public",
        "pushed_at": "2026-11-27T11:00:00Z", "created_at": "2020-01-01T00:00:00Z",
        "updated_at": "2026-11-27T11:00:00Z"
    })
}

/// One run, shaped like an entry of `workflow_runs`.
pub struct RunSpec<'a> {
    /// Run id.
    pub id: u64,
    /// `owner/name`.
    pub repo: &'a str,
    /// Workflow name.
    pub workflow: &'a str,
    /// Head branch.
    pub branch: &'a str,
    /// `completed`, `in_progress`, `queued`.
    pub status: &'a str,
    /// `success`, `failure`, … or `None`.
    pub conclusion: Option<&'a str>,
    /// Minutes before 12:00 it was created.
    pub minutes_ago: i64,
}

/// A run as GitHub's list-runs endpoint returns it.
pub fn run_json(r: &RunSpec) -> Value {
    let created = chrono::DateTime::parse_from_rfc3339("2026-11-27T12:00:00Z").unwrap()
        - chrono::Duration::minutes(r.minutes_ago);
    let updated = created + chrono::Duration::seconds(194);
    let ts = |t: chrono::DateTime<chrono::FixedOffset>| {
        t.to_utc().format("%Y-%m-%dT%H:%M:%SZ").to_string()
    };
    let file = r.workflow.to_lowercase().replace(' ', "-");
    let (owner, name) = r.repo.split_once('/').unwrap();
    let api = format!("https://api.github.com/repos/{}", r.repo);
    json!({
        "id": r.id, "name": r.workflow, "node_id": "WFR_kwLOBhJ6", "check_suite_id": 42,
        "check_suite_node_id": "CS_kwDO", "head_branch": r.branch,
        "head_sha": format!("{:0>40}", format!("{:x}", r.id * 7919)),
        "path": format!(".github/workflows/{file}.yml"),
        "display_title": "Fix the flaky cache test", "run_number": r.id % 1000,
        "event": "push", "status": r.status, "conclusion": r.conclusion,
        "workflow_id": 1000 + (file.len() as u64), "url": format!("{api}/actions/runs/{}", r.id),
        "html_url": format!("https://github.com/{}/actions/runs/{}", r.repo, r.id),
        "pull_requests": [], "created_at": ts(created), "updated_at": ts(updated),
        "actor": { "login": "octocat", "id": 1, "type": "User" },
        "run_attempt": 1, "referenced_workflows": [], "run_started_at": ts(created),
        "triggering_actor": { "login": "octocat", "id": 1, "type": "User" },
        "jobs_url": format!("{api}/actions/runs/{}/jobs", r.id),
        "logs_url": format!("{api}/actions/runs/{}/logs", r.id),
        "check_suite_url": format!("{api}/check-suites/42"),
        "artifacts_url": format!("{api}/actions/runs/{}/artifacts", r.id),
        "cancel_url": format!("{api}/actions/runs/{}/cancel", r.id),
        "rerun_url": format!("{api}/actions/runs/{}/rerun", r.id),
        "previous_attempt_url": null,
        "workflow_url": format!("{api}/actions/workflows/{file}.yml"),
        "head_commit": {
            "id": "acb5820ced9479c074f688cc328bf03f341a511d", "tree_id": "d23f6eedb1e1b9610bbc754ddb5197bfe7271223",
            "message": "Fix the flaky cache test\n\nThe cache key now includes the lockfile.",
            "timestamp": ts(created),
            "author": { "name": "Mona Octocat", "email": "octocat@github.com" },
            "committer": { "name": "GitHub", "email": "noreply@github.com" }
        },
        "repository": { "id": 1_296_269, "name": name, "full_name": r.repo, "private": false,
            "owner": { "login": owner, "id": 1 } },
        "head_repository": { "id": 1_296_269, "name": name, "full_name": r.repo, "private": false,
            "owner": { "login": owner, "id": 1 } }
    })
}

/// The list-runs body.
pub fn runs_json(runs: &[Value]) -> Value {
    json!({ "total_count": runs.len(), "workflow_runs": runs })
}

/// The list-jobs body: one job with a checkout, build and test step.
pub fn jobs_json(run_id: u64, job_id: u64, failed: bool) -> Value {
    let end = if failed { "failure" } else { "success" };
    json!({
        "total_count": 1,
        "jobs": [{
            "id": job_id, "run_id": run_id, "run_attempt": 1, "node_id": "CR_kwDO",
            "head_sha": "acb5820ced9479c074f688cc328bf03f341a511d",
            "url": format!("https://api.github.com/repos/acme/api/actions/jobs/{job_id}"),
            "html_url": format!("https://github.com/acme/api/actions/runs/{run_id}/job/{job_id}"),
            "status": "completed", "conclusion": end,
            "created_at": "2026-11-27T11:49:55Z",
            "started_at": "2026-11-27T11:50:00Z", "completed_at": "2026-11-27T11:53:14Z",
            "name": "test (ubuntu-latest)", "workflow_name": "CI", "head_branch": "main",
            "labels": ["ubuntu-latest"], "runner_id": 1, "runner_name": "GitHub Actions 1",
            "runner_group_id": 1, "runner_group_name": "GitHub Actions",
            "check_run_url": "https://api.github.com/repos/acme/api/check-runs/1",
            "steps": [
                { "name": "Set up job", "status": "completed", "conclusion": "success", "number": 1,
                  "started_at": "2026-11-27T11:50:00Z", "completed_at": "2026-11-27T11:50:02Z" },
                { "name": "Run actions/checkout@v4", "status": "completed", "conclusion": "success", "number": 2,
                  "started_at": "2026-11-27T11:50:02Z", "completed_at": "2026-11-27T11:50:05Z" },
                { "name": "Run cargo test", "status": "completed", "conclusion": end, "number": 3,
                  "started_at": "2026-11-27T11:50:05Z", "completed_at": "2026-11-27T11:53:13Z" }
            ]
        }]
    })
}

/// A job log as the download URL serves it: timestamps and workflow commands.
pub const JOB_LOG: &str = "\u{feff}2026-11-27T11:50:00.1234567Z ##[group]Run cargo test\n\
2026-11-27T11:50:00.2234567Z cargo test --locked\n\
2026-11-27T11:50:00.3234567Z ##[endgroup]\n\
2026-11-27T11:53:10.0000000Z test cache::flaky ... FAILED\n\
2026-11-27T11:53:13.0000000Z ##[error]Process completed with exit code 101.\n";

/// The contents-API body of a workflow file with dispatch inputs.
pub fn workflow_file_json(path: &str) -> Value {
    use base64::Engine as _;
    let yaml = "name: Deploy\non:\n  workflow_dispatch:\n    inputs:\n      environment:\n        description: Where to deploy\n        type: choice\n        required: true\n        default: staging\n        options:\n          - staging\n          - production\n      dry_run:\n        type: boolean\n        default: false\n      note:\n        type: string\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo deploy\n";
    let encoded = base64::engine::general_purpose::STANDARD.encode(yaml);
    // GitHub wraps the base64 at 60 characters.
    let wrapped: Vec<String> = encoded
        .as_bytes()
        .chunks(60)
        .map(|c| String::from_utf8(c.to_vec()).unwrap())
        .collect();
    json!({
        "type": "file", "encoding": "base64", "size": yaml.len(),
        "name": path.rsplit('/').next().unwrap(), "path": path,
        "content": wrapped.join("\n") + "\n", "sha": "3d21ec53a331a6f037a91c368710b99387d012c1",
        "url": "https://api.github.com/repos/acme/api/contents/x", "git_url": null,
        "html_url": null, "download_url": null, "_links": {}
    })
}

/// A fake serving one repository `full` (default branch `main`) and its `runs`.
#[allow(dead_code, reason = "not every test binary serves a whole repository")]
pub async fn serve_repo(full: &str, runs: &[Value]) -> MockServer {
    use wiremock::matchers::{method, path};
    let server = MockServer::start().await;
    wiremock::Mock::given(method("GET"))
        .and(path(format!("/repos/{full}")))
        .respond_with(ok_json(repo_json(full, "main")))
        .mount(&server)
        .await;
    wiremock::Mock::given(method("GET"))
        .and(path(format!("/repos/{full}/actions/runs")))
        .respond_with(ok_json(runs_json(runs)))
        .mount(&server)
        .await;
    server
}

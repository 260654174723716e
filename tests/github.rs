//! The GitHub source, log fetcher, dispatch inputs and executor against a local
//! wiremock fake of the GitHub REST API (payloads shaped as GitHub documents them).
#![recursion_limit = "256"]
#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

#[path = "common/github.rs"]
mod gh;

use std::time::Duration;

use flightdeck::actions::audit::AuditLog;
use flightdeck::actions::executor::Executor;
use flightdeck::actions::{Action, RunRef};
use flightdeck::error::SourceError;
use flightdeck::sources::github::{Api, Client, Focus, inputs, logs};
use flightdeck::sources::{Payload, Source, SourceId, Update};
use flightdeck::state::pipeline::{Outcome, Pipelines};
use gh::{RunSpec, jobs_json, rate_headers, repo_json, run_json, runs_json};
use serde_json::json;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn ok(body: serde_json::Value) -> ResponseTemplate {
    let mut t = ResponseTemplate::new(200).set_body_json(body);
    for (k, v) in rate_headers(4990) {
        t = t.insert_header(k, v.as_str());
    }
    t
}

fn run(
    id: u64,
    repo: &str,
    branch: &str,
    status: &str,
    conclusion: Option<&str>,
    ago: i64,
) -> serde_json::Value {
    run_json(&RunSpec {
        id,
        repo,
        workflow: "CI",
        branch,
        status,
        conclusion,
        minutes_ago: ago,
    })
}

async fn mount_repo(server: &MockServer, full: &str) {
    Mock::given(method("GET"))
        .and(path(format!("/repos/{full}")))
        .respond_with(ok(repo_json(full, "main")))
        .mount(server)
        .await;
}

async fn mount_runs(server: &MockServer, full: &str, runs: Vec<serde_json::Value>, etag: &str) {
    Mock::given(method("GET"))
        .and(path(format!("/repos/{full}/actions/runs")))
        .and(header("if-none-match", etag))
        .respond_with(ResponseTemplate::new(304).insert_header("etag", etag))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/repos/{full}/actions/runs")))
        .respond_with(ok(runs_json(&runs)).insert_header("etag", etag))
        .mount(server)
        .await;
}

fn pipelines(p: Result<Payload, SourceError>) -> Pipelines {
    match p {
        Ok(Payload::Pipelines(p)) => p,
        other => panic!("expected pipelines, got {other:?}"),
    }
}

#[tokio::test]
async fn lists_runs_of_several_repos_newest_first_with_rate_limit() {
    let server = MockServer::start().await;
    mount_repo(&server, "acme/api").await;
    mount_repo(&server, "acme/web").await;
    mount_runs(
        &server,
        "acme/api",
        vec![run(
            11,
            "acme/api",
            "main",
            "completed",
            Some("failure"),
            30,
        )],
        "\"a1\"",
    )
    .await;
    mount_runs(
        &server,
        "acme/web",
        vec![
            run(21, "acme/web", "feature", "in_progress", None, 5),
            run(20, "acme/web", "main", "completed", Some("success"), 60),
        ],
        "\"w1\"",
    )
    .await;
    let (mut src, _focus) = gh::source(&server, &["acme/api", "acme/web"]);
    let p = pipelines(src.poll().await);
    let ids: Vec<u64> = p.runs.iter().map(|r| r.id).collect();
    assert_eq!(ids, vec![21, 11, 20]);
    assert_eq!(p.runs[1].outcome(), Outcome::Failure);
    assert!(p.runs[1].on_default_branch);
    assert!(!p.runs[0].on_default_branch);
    assert_eq!(p.runs[1].title, "Fix the flaky cache test");
    assert_eq!(p.runs[1].actor, "octocat");
    let rate = p.rate.unwrap();
    assert_eq!(
        (rate.remaining, rate.limit, rate.reset.timestamp()),
        (4990, 5000, gh::RESET)
    );
    assert!(p.authenticated);
    let sent = server.received_requests().await.unwrap();
    assert!(sent.iter().all(|r| {
        r.headers
            .get("authorization")
            .unwrap()
            .to_str()
            .unwrap()
            .ends_with("test-token")
    }));
}

#[tokio::test]
async fn unchanged_runs_answer_304_and_keep_the_data() {
    let server = MockServer::start().await;
    mount_repo(&server, "acme/api").await;
    mount_runs(
        &server,
        "acme/api",
        vec![run(11, "acme/api", "main", "in_progress", None, 1)],
        "\"e1\"",
    )
    .await;
    let (mut src, _focus) = gh::source(&server, &["acme/api"]);
    let first = pipelines(src.poll().await);
    let second = pipelines(src.poll().await);
    assert_eq!(first.runs, second.runs);
    let sent = server.received_requests().await.unwrap();
    let runs: Vec<_> = sent
        .iter()
        .filter(|r| r.url.path().ends_with("/actions/runs"))
        .collect();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[1].headers.get("if-none-match").unwrap(), "\"e1\"");
}

/// Two pages of `GET /orgs/acme/repos`, linked by `Link: rel="next"`.
async fn mount_org(server: &MockServer) {
    let next = format!(
        "<{}/organizations/1/repos?per_page=100&page=2>; rel=\"next\", <{}/organizations/1/repos?per_page=100&page=2>; rel=\"last\"",
        server.uri(),
        server.uri()
    );
    Mock::given(method("GET"))
        .and(path("/orgs/acme/repos"))
        .and(query_param("page", "1"))
        .respond_with(
            ok(json!([
                repo_json("acme/api-gw", "main"),
                repo_json("acme/web", "main")
            ]))
            .insert_header("link", next.as_str()),
        )
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/orgs/acme/repos"))
        .and(query_param("page", "2"))
        .respond_with(ok(json!([repo_json("acme/api-core", "trunk")])))
        .mount(server)
        .await;
}

#[tokio::test]
async fn globs_page_through_link_headers_and_jobs_load_for_focused_runs() {
    let server = MockServer::start().await;
    mount_org(&server).await;
    mount_runs(
        &server,
        "acme/api-gw",
        vec![run(
            31,
            "acme/api-gw",
            "main",
            "completed",
            Some("success"),
            3,
        )],
        "\"g\"",
    )
    .await;
    mount_runs(
        &server,
        "acme/api-core",
        vec![run(
            41,
            "acme/api-core",
            "trunk",
            "completed",
            Some("failure"),
            2,
        )],
        "\"c\"",
    )
    .await;
    Mock::given(method("GET"))
        .and(path("/repos/acme/api-core/actions/runs/41/jobs"))
        .respond_with(ok(jobs_json(41, 901, true)))
        .mount(&server)
        .await;
    let (mut src, focus) = gh::source(&server, &["acme/api-*"]);
    let p = pipelines(src.poll().await);
    assert_eq!(p.repos.len(), 2, "{:?}", p.repos);
    assert!(
        p.runs.iter().all(|r| r.jobs.is_none()),
        "no jobs before focus"
    );
    focus.send_replace(Focus {
        selected: Some(41),
        visible: vec![41, 31],
    });
    Mock::given(method("GET"))
        .and(path("/repos/acme/api-gw/actions/runs/31/jobs"))
        .respond_with(ok(jobs_json(31, 801, false)))
        .mount(&server)
        .await;
    let p = pipelines(src.poll().await);
    let core = p.runs.iter().find(|r| r.id == 41).unwrap();
    assert!(core.on_default_branch, "trunk is api-core's default branch");
    let jobs = core.jobs.as_ref().unwrap();
    assert_eq!(jobs[0].steps.len(), 3);
    assert_eq!(jobs[0].steps[2].outcome(), Outcome::Failure);
}

async fn error_for(template: ResponseTemplate) -> SourceError {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(template)
        .mount(&server)
        .await;
    let (mut src, _focus) = gh::source(&server, &["acme/api"]);
    src.poll().await.unwrap_err()
}

#[tokio::test]
async fn token_rejected_is_an_auth_error() {
    let body = json!({"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest", "status": "401"});
    let e = error_for(ResponseTemplate::new(401).set_body_json(body)).await;
    assert!(matches!(e, SourceError::Auth { .. }), "{e:?}");
    assert!(e.to_string().contains("token rejected"), "{e}");
    assert!(e.to_string().contains("Bad credentials"), "{e}");
    assert!(!e.to_string().contains("test-token"));
}

#[tokio::test]
async fn forbidden_without_rate_headers_names_the_missing_scope() {
    let body =
        json!({"message": "Resource not accessible by personal access token", "status": "403"});
    let t = ResponseTemplate::new(403)
        .set_body_json(body)
        .insert_header("x-accepted-github-permissions", "actions=read");
    let e = error_for(t).await;
    assert!(matches!(e, SourceError::Auth { .. }), "{e:?}");
    assert!(e.to_string().contains("'actions=read' permission"), "{e}");
    assert_eq!(e.retry_at(), None);
}

#[tokio::test]
async fn missing_repo_says_not_found_or_no_access() {
    let body = json!({"message": "Not Found", "documentation_url": "https://docs.github.com/rest/repos/repos#get-a-repository", "status": "404"});
    let e = error_for(ResponseTemplate::new(404).set_body_json(body)).await;
    assert!(matches!(e, SourceError::NotFound { .. }), "{e:?}");
    assert!(e.to_string().contains("acme/api"), "{e}");
    assert!(e.to_string().contains("no access"), "{e}");
}

#[tokio::test]
async fn malformed_payload_is_an_error_value() {
    let server = MockServer::start().await;
    mount_repo(&server, "acme/api").await;
    Mock::given(method("GET"))
        .and(path("/repos/acme/api/actions/runs"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw("{\"workflow_runs\": [{\"id\": \"x\"}]}", "application/json"),
        )
        .mount(&server)
        .await;
    let (mut src, _focus) = gh::source(&server, &["acme/api"]);
    let e = src.poll().await.unwrap_err();
    assert!(matches!(e, SourceError::Malformed { .. }), "{e:?}");
    assert!(e.to_string().contains("workflow_runs[0].id"), "{e}");
}

#[tokio::test]
async fn network_down_is_unreachable() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let url = format!("http://{addr}");
    let api = Api::new(&url, None).unwrap();
    let cfg = flightdeck::config::GithubConfig {
        api_url: url,
        token_env: None,
        repos: vec![flightdeck::config::RepoSpec::parse("acme/api").unwrap()],
        interval: Duration::from_secs(15),
    };
    let (_tx, rx) = tokio::sync::watch::channel(Focus::default());
    let mut src = flightdeck::sources::github::GithubSource::new(
        Client::with_api(cfg, api),
        rx,
        std::sync::Arc::default(),
    );
    let e = src.poll().await.unwrap_err();
    assert!(matches!(e, SourceError::Unreachable { .. }), "{e:?}");
}

#[tokio::test]
async fn rate_limit_spent_backs_off_until_reset() {
    let mut t = ResponseTemplate::new(403)
        .set_body_json(json!({"message": "API rate limit exceeded for user ID 1."}));
    for (k, v) in rate_headers(0) {
        t = t.insert_header(k, v.as_str());
    }
    let e = error_for(t).await;
    assert_eq!(e.retry_at().map(|t| t.timestamp()), Some(gh::RESET));
    assert!(e.to_string().contains("rate limited"), "{e}");
    let before = chrono::Utc::now();
    let e = error_for(ResponseTemplate::new(429).insert_header("retry-after", "120")).await;
    let wait = e.retry_at().unwrap() - before;
    assert!(
        wait >= chrono::Duration::seconds(119) && wait <= chrono::Duration::seconds(125),
        "{wait}"
    );
}

#[tokio::test]
async fn one_missing_repo_does_not_hide_the_others() {
    let server = MockServer::start().await;
    mount_repo(&server, "acme/api").await;
    mount_runs(
        &server,
        "acme/api",
        vec![run(11, "acme/api", "main", "completed", Some("success"), 3)],
        "\"a\"",
    )
    .await;
    Mock::given(method("GET"))
        .and(path("/repos/acme/gone"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found"})))
        .mount(&server)
        .await;
    let (mut src, _focus) = gh::source(&server, &["acme/api", "acme/gone"]);
    let p = pipelines(src.poll().await);
    assert_eq!(p.runs.len(), 1);
    assert_eq!(p.problems.len(), 1);
    assert!(p.problems[0].1.contains("no access"), "{:?}", p.problems);
}

#[tokio::test]
async fn job_log_follows_the_redirect_and_keeps_markers() {
    let server = MockServer::start().await;
    let blob = format!("{}/blob/job-901.txt", server.uri());
    Mock::given(method("GET"))
        .and(path("/repos/acme/api/actions/jobs/901/logs"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", blob.as_str()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/blob/job-901.txt"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(gh::JOB_LOG, "text/plain"))
        .mount(&server)
        .await;
    let (tx, mut rx) = mpsc::channel(8);
    logs::fetch(
        gh::client(&server, &["acme/api"]),
        "acme/api".into(),
        901,
        7,
        tx,
        CancellationToken::new(),
    )
    .await;
    let Some(Update::Log {
        stream_id: 7,
        lines,
    }) = rx.recv().await
    else {
        panic!("no lines")
    };
    assert_eq!(lines.len(), 5);
    assert_eq!(
        lines[0].timestamp.as_deref(),
        Some("2026-11-27T11:50:00.1234567Z")
    );
    assert_eq!(
        lines[4].text,
        "##[error]Process completed with exit code 101."
    );
    let Some(Update::LogEnded { reason, .. }) = rx.recv().await else {
        panic!("no end")
    };
    assert!(reason.contains("5 lines"), "{reason}");
}

#[tokio::test]
async fn dispatch_inputs_come_from_the_workflow_file() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(
            "/repos/acme/api/contents/.github/workflows/deploy.yml",
        ))
        .and(query_param("ref", "main"))
        .respond_with(ok(gh::workflow_file_json(".github/workflows/deploy.yml")))
        .mount(&server)
        .await;
    let api = gh::client(&server, &["acme/api"]).api().await.unwrap();
    let got = inputs::fetch(&api, "acme/api", ".github/workflows/deploy.yml", "main")
        .await
        .unwrap();
    let names: Vec<&str> = got.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["environment", "dry_run", "note"]);
    assert_eq!(
        got[0].kind,
        inputs::InputKind::Choice(vec!["staging".into(), "production".into()])
    );
    assert_eq!(got[1].kind, inputs::InputKind::Bool);
}

fn executor(server: &MockServer, read_only: bool, audit: &std::path::Path) -> Executor {
    let clients = [(SourceId(0), gh::client(server, &["acme/api"]))]
        .into_iter()
        .collect();
    Executor::with_configs(
        std::collections::HashMap::default(),
        read_only,
        AuditLog::new(Some(audit.to_owned())),
    )
    .with_github(clients)
}

fn run_ref() -> RunRef {
    RunRef {
        source: SourceId(0),
        repo: "acme/api".into(),
        id: 11,
        name: "CI #11".into(),
    }
}

#[tokio::test]
async fn actions_hit_the_documented_method_path_and_body() {
    let server = MockServer::start().await;
    for (p, status) in [("rerun", 201), ("rerun-failed-jobs", 201), ("cancel", 202)] {
        Mock::given(method("POST"))
            .and(path(format!("/repos/acme/api/actions/runs/11/{p}")))
            .respond_with(ResponseTemplate::new(status).set_body_json(json!({})))
            .expect(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("POST"))
        .and(path("/repos/acme/api/actions/workflows/1006/dispatches"))
        .and(body_json(
            json!({"ref": "main", "inputs": {"environment": "production", "dry_run": "true"}}),
        ))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.jsonl");
    let ex = executor(&server, false, &audit);
    ex.execute(&Action::Rerun(run_ref())).await.unwrap();
    ex.execute(&Action::RerunFailed(run_ref())).await.unwrap();
    ex.execute(&Action::Cancel(run_ref())).await.unwrap();
    let dispatch = Action::Dispatch {
        source: SourceId(0),
        repo: "acme/api".into(),
        workflow_id: 1006,
        workflow: "Deploy".into(),
        git_ref: "main".into(),
        inputs: vec![
            ("environment".into(), "production".into()),
            ("dry_run".into(), "true".into()),
        ],
    };
    ex.execute(&dispatch).await.unwrap();
    let text = std::fs::read_to_string(&audit).unwrap();
    let actions: Vec<String> = text
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["action"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        actions,
        ["rerun", "rerun_failed", "cancel", "dispatch:main"]
    );
    assert!(!text.contains("test-token"));
}

#[tokio::test]
async fn read_only_refuses_without_a_request() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201))
        .expect(0)
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.jsonl");
    let ex = executor(&server, true, &audit);
    let e = ex.execute(&Action::Cancel(run_ref())).await.unwrap_err();
    assert_eq!(e, SourceError::ReadOnly);
    assert!(
        std::fs::read_to_string(&audit)
            .unwrap()
            .contains("\"refused\"")
    );
}

#[tokio::test]
async fn action_errors_say_what_went_wrong() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(409).set_body_json(
                json!({"message": "Cannot cancel a workflow run that is completed."}),
            ),
        )
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let ex = executor(&server, false, &dir.path().join("a.jsonl"));
    let e = ex.execute(&Action::Cancel(run_ref())).await.unwrap_err();
    assert!(
        e.to_string()
            .contains("Cannot cancel a workflow run that is completed"),
        "{e}"
    );
}

#[tokio::test]
async fn status_reports_a_failing_default_branch_run_as_critical() {
    let server = MockServer::start().await;
    mount_repo(&server, "acme/api").await;
    let runs = vec![
        run(12, "acme/api", "feature", "completed", Some("success"), 1),
        run(11, "acme/api", "main", "completed", Some("failure"), 30),
        run(10, "acme/api", "main", "completed", Some("success"), 60),
    ];
    mount_runs(&server, "acme/api", runs, "\"s\"").await;
    let toml = format!(
        "[github]\napi_url = \"{}\"\ntoken_env = \"FLIGHTDECK_TEST_UNSET_TOKEN\"\nrepos = [\"acme/api\"]\n",
        server.uri()
    );
    let env = |_: &str| None;
    let mut config =
        flightdeck::config::parse_in(&toml, std::path::Path::new("t.toml"), None, &env).unwrap();
    config.docker.clear();
    let report = flightdeck::status::collect(&config, Duration::from_secs(10)).await;
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["status"], "critical", "{json:#}");
    let items = json["items"].as_array().unwrap();
    assert_eq!(
        items.len(),
        1,
        "latest default-branch run per workflow: {json:#}"
    );
    let item = &items[0];
    assert_eq!(item["kind"], "pipeline_run");
    assert_eq!(item["severity"], "critical");
    for field in [
        "repo",
        "workflow",
        "branch",
        "head_sha",
        "status",
        "conclusion",
        "url",
    ] {
        assert!(item.get(field).is_some(), "missing {field}: {item:#}");
    }
    assert_eq!(
        (item["repo"].as_str(), item["conclusion"].as_str()),
        (Some("acme/api"), Some("failure"))
    );
}

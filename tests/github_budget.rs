//! What polling costs: 10 repositories polled every 15 s for one simulated hour
//! (240 polls) against the fake, counting requests and 304 answers. Polls run back
//! to back; the source counts polls, not wall time, so no sleeping is needed.
#![recursion_limit = "256"]
#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

#[path = "common/github.rs"]
mod gh;

use flightdeck::sources::Source;
use gh::{RunSpec, rate_headers, repo_json, run_json, runs_json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Polls in one hour at a 15 s interval.
const POLLS: usize = 240;

async fn fake(repos: &[String], active: usize) -> MockServer {
    let server = MockServer::start().await;
    for (i, full) in repos.iter().enumerate() {
        let etag = format!("\"r{i}\"");
        let mut ok = ResponseTemplate::new(200).set_body_json(repo_json(full, "main"));
        for (k, v) in rate_headers(4990) {
            ok = ok.insert_header(k, v.as_str());
        }
        Mock::given(method("GET"))
            .and(path(format!("/repos/{full}")))
            .and(header("if-none-match", etag.as_str()))
            .respond_with(ResponseTemplate::new(304))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path(format!("/repos/{full}")))
            .respond_with(ok.insert_header("etag", etag.as_str()))
            .mount(&server)
            .await;
        let (status, conclusion) = if i < active {
            ("in_progress", None)
        } else {
            ("completed", Some("success"))
        };
        let spec = RunSpec {
            id: 100 + i as u64,
            repo: full,
            workflow: "CI",
            branch: "main",
            status,
            conclusion,
            minutes_ago: 5,
        };
        let runs_etag = format!("\"w{i}\"");
        Mock::given(method("GET"))
            .and(path(format!("/repos/{full}/actions/runs")))
            .and(header("if-none-match", runs_etag.as_str()))
            .respond_with(ResponseTemplate::new(304))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path(format!("/repos/{full}/actions/runs")))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(runs_json(&[run_json(&spec)]))
                    .insert_header("etag", runs_etag.as_str()),
            )
            .mount(&server)
            .await;
    }
    server
}

async fn hour(active: usize) -> (usize, usize) {
    let repos: Vec<String> = (0..10).map(|i| format!("acme/svc-{i}")).collect();
    let refs: Vec<&str> = repos.iter().map(String::as_str).collect();
    let server = fake(&repos, active).await;
    let (mut src, _focus) = gh::source(&server, &refs);
    for _ in 0..POLLS {
        src.poll().await.unwrap();
    }
    let sent = server.received_requests().await.unwrap();
    let not_modified = sent
        .iter()
        .filter(|r| r.headers.contains_key("if-none-match"))
        .count();
    (sent.len(), not_modified)
}

#[tokio::test]
async fn ten_settled_repos_cost_little_per_hour() {
    let (total, cached) = hour(0).await;
    println!("10 repos, all settled, 15 s: {total} requests/hour, {cached} of them 304");
    // Runs every 4th poll (60 per repo) plus repository lookups every 40th (6 per repo).
    assert_eq!(total, 10 * (POLLS / 4) + 10 * (POLLS / 40));
    assert_eq!(
        total - cached,
        20,
        "only the first answers count against the limit"
    );
}

#[tokio::test]
async fn running_repos_are_polled_every_interval() {
    let (total, cached) = hour(2).await;
    println!("10 repos, 2 with running runs, 15 s: {total} requests/hour, {cached} of them 304");
    assert_eq!(total, 2 * POLLS + 8 * (POLLS / 4) + 10 * (POLLS / 40));
    assert_eq!(total - cached, 20);
}

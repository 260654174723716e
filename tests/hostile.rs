//! Every HTTP source (MLflow, Prometheus, Alertmanager, GitHub) against hostile
//! servers: empty, truncated, wrongly shaped, huge, endless, deeply nested, cut
//! off or non-UTF-8 bodies, server errors, absurd Retry-After values, echoed
//! credentials, paging that never ends. Each ends as a clear error on that
//! source (or correct data) and nothing panics.
#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

#[path = "common/hostile.rs"]
mod hostile;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use chrono::Utc;
use flightdeck::config::{Panel, Unit};
use flightdeck::error::SourceError;
use flightdeck::sources::driver::{self, PollPolicy, Schedule};
use flightdeck::sources::prometheus::PrometheusSource;
use flightdeck::sources::{Payload, Source, SourceId, Update};
use hostile::{ALL, Kind, Raw, poll, raw_server, token};
use serde_json::{Value, json};
use wiremock::matchers::{any, path, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// A server answering every request with `template`.
async fn serve(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(template)
        .mount(&server)
        .await;
    server
}

/// Polls every source against a server answering `template`, returning each error.
async fn errors_for(template: ResponseTemplate) -> Vec<(Kind, SourceError)> {
    let server = serve(template).await;
    let mut out = Vec::new();
    for kind in ALL {
        match poll(kind, &server.uri()).await {
            Ok(p) => panic!("{kind:?} accepted a hostile answer: {p:?}"),
            Err(e) => out.push((kind, e)),
        }
    }
    out
}

fn assert_malformed(errors: &[(Kind, SourceError)], words: &str) {
    for (kind, e) in errors {
        assert!(
            matches!(e, SourceError::Malformed { .. }),
            "{kind:?}: {e:?}"
        );
        assert!(e.to_string().contains(words), "{kind:?}: {e}");
    }
}

// ---- bodies ----

#[tokio::test]
async fn an_empty_body_is_an_error_saying_so() {
    let errors =
        errors_for(ResponseTemplate::new(200).insert_header("content-type", "application/json"))
            .await;
    assert_malformed(&errors, "empty");
}

#[tokio::test]
async fn truncated_json_is_malformed() {
    let t = ResponseTemplate::new(200)
        .set_body_raw("{\"data\": {\"resultType\": \"mat", "application/json");
    for (kind, e) in errors_for(t).await {
        assert!(
            matches!(e, SourceError::Malformed { .. }),
            "{kind:?}: {e:?}"
        );
    }
}

#[tokio::test]
async fn json_of_the_wrong_shape_is_malformed() {
    let t = ResponseTemplate::new(200).set_body_json(json!([1, 2, 3]));
    for (kind, e) in errors_for(t).await {
        assert!(
            matches!(e, SourceError::Malformed { .. }),
            "{kind:?}: {e:?}"
        );
    }
}

#[tokio::test]
async fn json_nested_100_000_deep_is_malformed_not_a_stack_overflow() {
    let body = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let t = ResponseTemplate::new(200).set_body_raw(body, "application/json");
    let errors = errors_for(t).await;
    assert_malformed(&errors, "");
    // MLflow reads any JSON value first, so it meets the depth limit itself.
    assert!(
        errors[0].1.to_string().contains("recursion limit"),
        "{}",
        errors[0].1
    );
}

#[tokio::test]
async fn html_with_the_wrong_content_type_is_malformed() {
    let t = ResponseTemplate::new(200)
        .set_body_raw("<html><body>Welcome to nginx!</body></html>", "text/html");
    for (kind, e) in errors_for(t).await {
        assert!(
            matches!(e, SourceError::Malformed { .. }),
            "{kind:?}: {e:?}"
        );
    }
}

#[tokio::test]
async fn invalid_utf8_says_the_body_is_not_utf8() {
    let body = b"{\"data\": \"\xff\xfe\xfd\"}".to_vec();
    let t = ResponseTemplate::new(200).set_body_raw(body, "application/json");
    let errors = errors_for(t).await;
    assert_malformed(&errors, "not valid UTF-8");
    for (kind, e) in &errors {
        assert!(!e.to_string().contains("network"), "{kind:?}: {e}");
    }
}

#[tokio::test]
async fn a_50_mb_body_stops_at_the_cap() {
    for kind in ALL {
        let server = raw_server(Raw::Big(50 << 20)).await;
        let e = poll(kind, &server.url).await.unwrap_err();
        assert!(
            e.to_string().contains("response body over 16 MiB"),
            "{kind:?}: {e}"
        );
        let sent = server.sent.load(Ordering::Relaxed);
        assert!(sent < 40 << 20, "{kind:?}: the server wrote {sent} bytes");
    }
}

#[tokio::test]
async fn an_endless_body_stops_at_the_cap() {
    for kind in ALL {
        let server = raw_server(Raw::Endless).await;
        let e = poll(kind, &server.url).await.unwrap_err();
        assert!(
            e.to_string().contains("response body over 16 MiB"),
            "{kind:?}: {e}"
        );
        let sent = server.sent.load(Ordering::Relaxed);
        assert!(sent < 40 << 20, "{kind:?}: the server wrote {sent} bytes");
    }
}

#[tokio::test]
async fn a_connection_closed_mid_body_is_an_error() {
    for kind in ALL {
        let server = raw_server(Raw::CutOff).await;
        let e = poll(kind, &server.url).await.unwrap_err();
        assert!(
            matches!(e, SourceError::Malformed { .. }),
            "{kind:?}: {e:?}"
        );
        assert!(e.to_string().contains("cut off"), "{kind:?}: {e}");
    }
}

#[tokio::test]
async fn a_stalled_body_times_out_on_the_configured_timeout() {
    let server = raw_server(Raw::Stall).await;
    let client = hostile::mlflow_client(&server.url).with_timeout(Duration::from_secs(1));
    let started = std::time::Instant::now();
    let e = client
        .get("registered-models/search", &[])
        .await
        .unwrap_err();
    assert!(matches!(e, SourceError::Timeout { secs: 1, .. }), "{e:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

// ---- statuses ----

#[tokio::test]
async fn server_errors_say_server_error_with_their_status() {
    for (code, retry_after) in [
        (500, None),
        (502, None),
        (503, None),
        (502, Some("99999999999999")),
        (500, Some("30")),
    ] {
        let mut t = ResponseTemplate::new(code).set_body_string("upstream connect error");
        if let Some(value) = retry_after {
            t = t.insert_header("retry-after", value);
        }
        for (kind, e) in errors_for(t).await {
            assert!(
                matches!(e, SourceError::Http { status, .. } if status == code),
                "{kind:?}: {e:?}"
            );
            let text = e.to_string();
            assert!(text.contains(&format!("HTTP {code}")), "{kind:?}: {text}");
            assert!(text.contains("server error"), "{kind:?}: {text}");
            assert!(!text.contains("not found"), "{kind:?}: {text}");
        }
    }
}

/// The wait a rate-limit error asks for, in seconds from now.
fn wait_secs(kind: Kind, e: &SourceError) -> i64 {
    let until = e
        .retry_at()
        .unwrap_or_else(|| panic!("{kind:?} not rate limited: {e:?}"));
    (until - Utc::now()).num_seconds()
}

#[tokio::test]
async fn too_many_requests_without_retry_after_waits_a_minute() {
    for (kind, e) in errors_for(ResponseTemplate::new(429)).await {
        assert!((50..=61).contains(&wait_secs(kind, &e)), "{kind:?}: {e}");
    }
}

#[tokio::test]
async fn too_many_requests_with_retry_after_waits_that_long() {
    let t = ResponseTemplate::new(429).insert_header("retry-after", "120");
    for (kind, e) in errors_for(t).await {
        assert!((110..=121).contains(&wait_secs(kind, &e)), "{kind:?}: {e}");
    }
}

#[tokio::test]
async fn an_absurd_retry_after_waits_the_backoff_cap_and_never_panics() {
    for value in [
        "99999999999999",
        "999999999999999999999999999",
        "Fri, 31 Dec 9999 23:59:59 GMT",
    ] {
        let t = ResponseTemplate::new(429).insert_header("retry-after", value);
        for (kind, e) in errors_for(t).await {
            let wait = wait_secs(kind, &e);
            assert!((290..=301).contains(&wait), "{kind:?} {value}: {e}");
        }
    }
}

#[tokio::test]
async fn a_rate_limit_reset_days_ahead_is_not_believed_and_shows_its_date() {
    let reset = (Utc::now() + chrono::Duration::days(3)).timestamp();
    let t = ResponseTemplate::new(403)
        .set_body_json(json!({"message": "API rate limit exceeded"}))
        .insert_header("x-ratelimit-remaining", "0")
        .insert_header("x-ratelimit-reset", reset.to_string().as_str());
    let server = serve(t).await;
    let e = poll(Kind::Github, &server.uri()).await.unwrap_err();
    assert!((290..=301).contains(&wait_secs(Kind::Github, &e)), "{e}");
    let soon = (Utc::now() + chrono::Duration::seconds(3 * 3600 + 20 * 60 + 30)).timestamp();
    let t = ResponseTemplate::new(403)
        .set_body_json(json!({"message": "API rate limit exceeded"}))
        .insert_header("x-ratelimit-remaining", "0")
        .insert_header("x-ratelimit-reset", soon.to_string().as_str());
    let server = serve(t).await;
    let e = poll(Kind::Github, &server.uri()).await.unwrap_err();
    assert!(e.to_string().contains("in 3 h 20 m"), "{e}");
}

// ---- credentials ----

/// Answers with `status` and a body repeating the request's `Authorization`.
struct Echo {
    status: u16,
    json: bool,
}

impl Respond for Echo {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let auth = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("none")
            .to_owned();
        let text = format!("rejected header 'Authorization: {auth}'");
        let t = ResponseTemplate::new(self.status);
        if self.json {
            t.set_body_json(
                json!({"message": text, "error": text, "error_code": text, "data": text}),
            )
        } else {
            t.set_body_string(text)
        }
    }
}

#[tokio::test]
async fn echoed_credentials_never_reach_an_error() {
    let token = token();
    for status in [200, 400, 401, 403, 404, 429, 500] {
        for json in [true, false] {
            let server = MockServer::start().await;
            Mock::given(any())
                .respond_with(Echo { status, json })
                .mount(&server)
                .await;
            for kind in ALL {
                // A 200 may be lenient data (MLflow's `{}`); it must not hold the token either.
                let shown = match poll(kind, &server.uri()).await {
                    Ok(p) if status == 200 => format!("{p:?}"),
                    Ok(p) => panic!("{kind:?} {status}: accepted {p:?}"),
                    Err(e) => format!("{e} {e:?}"),
                };
                assert!(
                    !shown.contains(&token),
                    "{kind:?} {status} json={json}: {shown}"
                );
                let sent = server.received_requests().await.unwrap();
                assert!(
                    sent.iter()
                        .any(|r| r.headers.get("authorization").is_some())
                );
            }
        }
    }
}

#[tokio::test]
async fn urls_with_credentials_lose_them_in_errors() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let url = format!("http://admin:hunter22@{addr}");
    for kind in ALL {
        let e = poll(kind, &url).await.unwrap_err();
        let shown = format!("{e} {e:?}");
        assert!(!shown.contains("hunter22"), "{kind:?}: {shown}");
        assert!(shown.contains(&addr.to_string()), "{kind:?}: {shown}");
    }
}

// ---- data ----

#[tokio::test]
async fn ten_thousand_items_are_read() {
    let server = MockServer::start().await;
    let models: Vec<Value> = (0..10_000)
        .map(|i| json!({"name": format!("m{i}")}))
        .collect();
    Mock::given(path("/api/2.0/mlflow/registered-models/search"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"registered_models": models})),
        )
        .mount(&server)
        .await;
    Mock::given(path("/api/2.0/mlflow/model-versions/search"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    let alerts: Vec<Value> = (0..10_000)
        .map(|i| json!({"labels": {"alertname": format!("a{i}")}, "annotations": {}, "status": {"state": "active"}}))
        .collect();
    Mock::given(path("/api/v2/alerts"))
        .respond_with(ResponseTemplate::new(200).set_body_json(alerts))
        .mount(&server)
        .await;
    Mock::given(path("/api/v2/silences"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    let series: Vec<Value> = (0..10_000)
        .map(|i| json!({"metric": {"job": format!("j{i}")}, "value": [1.7e9, "1"]}))
        .collect();
    prometheus_basics(&server, json!({"resultType": "vector", "result": series})).await;
    github_runs(&server, (0..10_000).map(|i| run(&json!(i + 1))).collect()).await;
    for (kind, expected) in [
        (Kind::Mlflow, 10_000),
        (Kind::Alertmanager, 10_000),
        (Kind::Prometheus, 10_000),
        (Kind::Github, 10_000),
    ] {
        let count = match poll(kind, &server.uri()).await.unwrap() {
            Payload::Models(m) => m.models.len(),
            Payload::Alerts(a) => a.alerts.len(),
            Payload::Metrics(m) => m.up_by_job.len(),
            Payload::Pipelines(p) => p.runs.len(),
            Payload::Containers(_) | Payload::Swarm(_) | Payload::Airflow(_) => {
                panic!("{kind:?} answered another source's data")
            }
        };
        assert_eq!(count, expected, "{kind:?}");
    }
}

async fn prometheus_basics(server: &MockServer, query: Value) {
    let ok = |data: Value| {
        ResponseTemplate::new(200).set_body_json(json!({"status": "success", "data": data}))
    };
    Mock::given(path("/api/v1/targets"))
        .respond_with(ok(json!({"activeTargets": []})))
        .mount(server)
        .await;
    Mock::given(path("/api/v1/alerts"))
        .respond_with(ok(json!({"alerts": []})))
        .mount(server)
        .await;
    Mock::given(path_regex("^/api/v1/query"))
        .respond_with(ok(query))
        .mount(server)
        .await;
}

fn run(id: &Value) -> Value {
    json!({"id": id, "name": "ci", "head_branch": "main", "head_sha": "abc", "path": ".github/workflows/ci.yml",
           "run_number": "7", "event": "push", "status": "completed", "conclusion": "success",
           "workflow_id": "3", "html_url": "", "created_at": "2026-11-27T12:00:00Z"})
}

async fn github_runs(server: &MockServer, runs: Vec<Value>) {
    Mock::given(path("/repos/acme/api"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"full_name": "acme/api", "default_branch": "main"})),
        )
        .mount(server)
        .await;
    Mock::given(path("/repos/acme/api/actions/runs"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"total_count": runs.len(), "workflow_runs": runs})),
        )
        .mount(server)
        .await;
}

#[tokio::test]
async fn github_numbers_as_strings_are_read_and_junk_ids_are_errors() {
    let server = MockServer::start().await;
    github_runs(&server, vec![run(&json!("12345")), run(&json!(678))]).await;
    let Payload::Pipelines(p) = poll(Kind::Github, &server.uri()).await.unwrap() else {
        panic!("not pipelines");
    };
    let ids: Vec<u64> = p.runs.iter().map(|r| r.id).collect();
    assert!(ids.contains(&12_345) && ids.contains(&678), "{ids:?}");
    assert_eq!(p.runs[0].number, 7);
    let server = MockServer::start().await;
    github_runs(&server, vec![run(&json!("12x"))]).await;
    let e = poll(Kind::Github, &server.uri()).await.unwrap_err();
    assert!(e.to_string().contains("workflow_runs[0].id"), "{e}");
}

#[tokio::test]
async fn prometheus_numbers_as_strings_nan_and_inf_never_panic() {
    let server = MockServer::start().await;
    let result = json!([
        {"metric": {"job": "a"}, "value": [1.7e9, "NaN"]},
        {"metric": {"job": "b"}, "value": [1.7e9, "+Inf"]},
        {"metric": {"job": "c"}, "value": [1.7e9, "-Inf"]},
        {"metric": {"job": "d"}, "value": [1.7e9, "not a number"]},
    ]);
    prometheus_basics(&server, json!({"resultType": "vector", "result": result})).await;
    let Payload::Metrics(m) = poll(Kind::Prometheus, &server.uri()).await.unwrap() else {
        panic!("not metrics");
    };
    assert_eq!(m.up_by_job.len(), 4);
    // Timestamps as strings are not Prometheus's shape: an error, not a panic.
    let server = MockServer::start().await;
    let result = json!([{"metric": {}, "value": ["1700000000", "1"]}]);
    prometheus_basics(&server, json!({"resultType": "vector", "result": result})).await;
    let e = poll(Kind::Prometheus, &server.uri()).await.unwrap_err();
    assert!(matches!(e, SourceError::Malformed { .. }), "{e:?}");
}

#[tokio::test]
async fn a_window_of_a_million_years_never_panics() {
    let server = MockServer::start().await;
    let series = json!([{"metric": {}, "values": [[1.7e9, "1"]]}]);
    prometheus_basics(&server, json!({"resultType": "matrix", "result": series})).await;
    let mut cfg = hostile::prometheus_config(&server.uri());
    cfg.panels = vec![Panel {
        title: "forever".into(),
        query: "up".into(),
        unit: Unit::None,
        warn: None,
        crit: None,
        window: Duration::from_secs(9_999_999_999 * 3600),
    }];
    let Payload::Metrics(m) = PrometheusSource::new(&cfg).poll().await.unwrap() else {
        panic!("not metrics");
    };
    assert_eq!(m.panels[0].start, chrono::DateTime::UNIX_EPOCH);
}

// ---- paging ----

#[tokio::test]
async fn mlflow_stops_paging_on_empty_pages_and_repeated_tokens() {
    for page in [
        json!({"next_page_token": "again"}),
        json!({"registered_models": [{"name": "m"}], "model_versions": [], "next_page_token": "same"}),
    ] {
        let server = serve(ResponseTemplate::new(200).set_body_json(page)).await;
        let url = server.uri();
        let work = poll(Kind::Mlflow, &url);
        let result = tokio::time::timeout(Duration::from_secs(5), work).await;
        let requests = server.received_requests().await.unwrap().len();
        assert!(
            result.is_ok(),
            "still paging after 5 s ({requests} requests)"
        );
        assert!(requests <= 4, "{requests} requests");
    }
}

#[tokio::test]
async fn mlflow_paging_with_fresh_tokens_stops_at_the_page_cap() {
    struct Fresh(AtomicUsize);
    impl Respond for Fresh {
        fn respond(&self, _: &Request) -> ResponseTemplate {
            let n = self.0.fetch_add(1, Ordering::Relaxed);
            ResponseTemplate::new(200).set_body_json(json!({
                "registered_models": [{"name": format!("m{n}")}],
                "model_versions": [{"name": format!("m{n}"), "version": "1"}],
                "next_page_token": format!("t{n}"),
            }))
        }
    }
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(Fresh(AtomicUsize::new(0)))
        .mount(&server)
        .await;
    let _ = poll(Kind::Mlflow, &server.uri()).await;
    let requests = server.received_requests().await.unwrap().len();
    // Two lists of at most `MAX_PAGES` pages each.
    assert!(requests <= 2 * 50, "{requests} requests");
}

#[tokio::test]
async fn github_stops_listing_on_an_empty_page() {
    let server = MockServer::start().await;
    let next = format!("<{}/orgs/acme/repos?page=2>; rel=\"next\"", server.uri());
    Mock::given(path("/orgs/acme/repos"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!([]))
                .insert_header("link", next.as_str()),
        )
        .mount(&server)
        .await;
    let _ = hostile::github(&server.uri(), &["acme/*"]).poll().await;
    let requests = server.received_requests().await.unwrap().len();
    assert_eq!(requests, 1);
}

// ---- pollers ----

/// A source whose first poll panics.
struct Fragile {
    panicked: Arc<AtomicBool>,
}

impl Source for Fragile {
    async fn poll(&mut self) -> Result<Payload, SourceError> {
        assert!(
            self.panicked.swap(true, Ordering::SeqCst),
            "DateTime + TimeDelta overflowed"
        );
        Ok(Payload::Containers(vec![]))
    }

    fn target(&self) -> String {
        "fragile".into()
    }
}

#[tokio::test]
async fn a_poller_that_panics_is_reported_and_restarted() {
    let (tx, mut rx) = tokio::sync::mpsc::channel(8);
    let cancel = tokio_util::sync::CancellationToken::new();
    let (_handle, links) = driver::links(tx, cancel.clone(), PollPolicy::Visible);
    let schedule = Schedule {
        interval: Duration::from_millis(20),
        timeout: Duration::from_secs(1),
        max_backoff: Duration::from_millis(100),
    };
    let panicked = Arc::new(AtomicBool::new(false));
    let p = Arc::clone(&panicked);
    let make = move || Fragile {
        panicked: Arc::clone(&p),
    };
    let task = tokio::spawn(driver::supervise(make, SourceId(3), schedule, links));
    let first = tokio::time::timeout(Duration::from_secs(5), rx.recv())
        .await
        .unwrap()
        .unwrap();
    assert!(
        matches!(&first, Update::Crashed { source: SourceId(3), message, .. } if message.contains("overflowed")),
        "{first:?}"
    );
    let second = tokio::time::timeout(Duration::from_secs(5), rx.recv())
        .await
        .unwrap()
        .unwrap();
    assert!(
        matches!(second, Update::Polled { result: Ok(_), .. }),
        "{second:?}"
    );
    cancel.cancel();
    task.await.unwrap();
}

// ---- status ----

#[tokio::test]
async fn status_json_never_shows_an_echoed_token_or_a_password() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(Echo {
            status: 500,
            json: true,
        })
        .mount(&server)
        .await;
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let url = server.uri();
    let toml = format!(
        "[[docker]]\nname = \"edge\"\nhost = \"tcp://ops:hunter22@{closed}\"\n\
         [github]\napi_url = \"{url}\"\ntoken_env = \"PATH\"\nrepos = [\"acme/api\"]\n\
         [mlflow]\nurl = \"{url}\"\ntoken_env = \"PATH\"\n\
         [prometheus]\nurl = \"{url}\"\ntoken_env = \"PATH\"\n\
         [alertmanager]\nurl = \"{url}\"\ntoken_env = \"PATH\"\n"
    );
    let env = |_: &str| None;
    let config =
        flightdeck::config::parse_in(&toml, std::path::Path::new("t.toml"), None, &env).unwrap();
    let report = flightdeck::status::collect(&config, Duration::from_secs(10)).await;
    let json = serde_json::to_string(&report).unwrap();
    let text = flightdeck::status::render_text(&report);
    for shown in [&json, &text] {
        assert!(!shown.contains(&token()), "{shown}");
        assert!(!shown.contains("hunter22"), "{shown}");
    }
    // Every source failed, and says so (the echo reached each of them).
    for name in ["github", "mlflow", "prometheus", "alertmanager", "edge"] {
        assert!(text.contains(name), "{name}: {text}");
    }
    assert!(json.matches("HTTP 500").count() >= 4, "{json}");
}

// ---- docker ----

async fn docker_poll(host: &str) -> SourceError {
    let cfg = flightdeck::config::DockerConfig {
        name: "edge".into(),
        host: host.to_owned(),
        interval: Duration::from_secs(2),
        cert_path: None,
        tls_verify: false,
        swarm: false,
    };
    let (_focus, rx) = tokio::sync::watch::channel(flightdeck::sources::docker::Focus::default());
    let cancel = tokio_util::sync::CancellationToken::new();
    let mut source =
        flightdeck::sources::docker::DockerSource::lazy(cfg, rx, Arc::default(), cancel);
    let polled = tokio::time::timeout(Duration::from_secs(20), source.poll()).await;
    polled.unwrap().unwrap_err()
}

#[tokio::test]
async fn docker_pointed_at_another_server_asks_whether_it_is_docker() {
    let server =
        serve(ResponseTemplate::new(404).set_body_raw("<html>Not Found</html>", "text/html")).await;
    let host = server.uri().replace("http://", "tcp://ops:hunter22@");
    let e = docker_poll(&host).await;
    let text = e.to_string();
    assert!(text.contains("is this a Docker engine?"), "{text}");
    assert!(!text.contains("hunter22"), "{text}");
}

#[tokio::test]
async fn docker_host_at_a_file_or_directory_says_it_is_not_a_socket() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("docker.sock");
    std::fs::write(&file, b"not a socket").unwrap();
    let e = docker_poll(&format!("unix://{}", file.display())).await;
    assert!(e.to_string().contains("is a file, not a socket"), "{e}");
    let e = docker_poll(&format!("unix://{}", dir.path().display())).await;
    assert!(
        e.to_string().contains("is a directory, not a socket"),
        "{e}"
    );
}

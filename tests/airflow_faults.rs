//! The Airflow source against faults a real server will not show on demand, served
//! by wiremock: an expired JWT (401, then a renewed one works), 403, a missing DAG,
//! 500, malformed JSON; the cost of a poll with 50 DAGs; and a followed log's pace
//! and end on a 500.
#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

use std::time::Duration;

use flightdeck::config::AirflowConfig;
use flightdeck::error::SourceError;
use flightdeck::sources::airflow::{self, AirflowClient, AirflowSource};
use flightdeck::sources::{Payload, Source};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const PASSWORD: &str = "pa55-w0rd-never-shown";

fn config(url: &str) -> AirflowConfig {
    AirflowConfig {
        url: url.to_owned(),
        username_env: Some("AF_USER".into()),
        password_env: Some("AF_PASS".into()),
        token_env: None,
        dags: vec![],
        interval: Duration::from_secs(15),
    }
}

fn client(url: &str) -> AirflowClient {
    let env = |k: &str| match k {
        "AF_USER" => Some("ops".to_owned()),
        "AF_PASS" => Some(PASSWORD.to_owned()),
        _ => None,
    };
    AirflowClient::with_env(&config(url), &env).with_timeout(Duration::from_secs(2))
}

fn source(url: &str) -> AirflowSource {
    AirflowSource::new(&config(url), client(url))
}

/// `/auth/token` answers the JWTs in turn (the last one from then on).
async fn tokens(server: &MockServer, jwts: &'static [&'static str]) {
    let n = std::sync::atomic::AtomicUsize::new(0);
    Mock::given(method("POST"))
        .and(path("/auth/token"))
        .and(body_json(json!({"username": "ops", "password": PASSWORD})))
        .respond_with(move |_: &Request| {
            let i = n.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let jwt = jwts[i.min(jwts.len() - 1)];
            ResponseTemplate::new(201).set_body_json(json!({"access_token": jwt}))
        })
        .mount(server)
        .await;
}

fn dag(id: &str) -> Value {
    json!({"dag_id": id, "is_paused": false, "owners": ["data"], "tags": []})
}

fn run(dag: &str, n: usize, state: &str) -> Value {
    json!({"dag_id": dag, "dag_run_id": format!("manual__{n}"), "state": state,
           "run_type": "manual", "logical_date": null,
           "start_date": "2026-01-01T00:00:00Z", "end_date": "2026-01-01T00:01:00Z"})
}

async fn lists(server: &MockServer, jwt: &str, dags: Vec<Value>, runs: Vec<Value>) {
    let total = dags.len();
    Mock::given(path("/api/v2/dags"))
        .and(header("authorization", format!("Bearer {jwt}").as_str()))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"dags": dags, "total_entries": total})),
        )
        .mount(server)
        .await;
    let total = runs.len();
    Mock::given(path("/api/v2/dags/~/dagRuns"))
        .and(header("authorization", format!("Bearer {jwt}").as_str()))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"dag_runs": runs, "total_entries": total})),
        )
        .mount(server)
        .await;
}

async fn auth_posts(server: &MockServer) -> usize {
    let received = server.received_requests().await.unwrap();
    received
        .iter()
        .filter(|r| r.url.path() == "/auth/token")
        .count()
}

#[tokio::test]
async fn an_expired_jwt_is_renewed_once_and_the_poll_succeeds() {
    let server = MockServer::start().await;
    tokens(&server, &["jwt-old-aaaa", "jwt-new-bbbb"]).await;
    // The first JWT is refused everywhere, as an expired one is.
    Mock::given(header("authorization", "Bearer jwt-old-aaaa"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"detail": "Token expired"})))
        .mount(&server)
        .await;
    lists(
        &server,
        "jwt-new-bbbb",
        vec![dag("etl")],
        vec![run("etl", 1, "failed")],
    )
    .await;
    let mut src = source(&server.uri());
    let Payload::Airflow(snap) = src.poll().await.unwrap() else {
        panic!("not airflow data")
    };
    assert_eq!(snap.dags.len(), 1);
    assert_eq!(snap.dags[0].runs.len(), 1);
    assert_eq!(auth_posts(&server).await, 2);
    // The renewed JWT is kept: the next poll logs in no more.
    src.poll().await.unwrap();
    assert_eq!(auth_posts(&server).await, 2);
}

#[tokio::test]
async fn wrong_password_is_an_auth_error_naming_airflow_and_401_never_the_password() {
    let server = MockServer::start().await;
    Mock::given(path("/auth/token"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"detail": format!("Invalid credentials for {PASSWORD}")})),
        )
        .mount(&server)
        .await;
    let err = source(&server.uri()).poll().await.unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, SourceError::Auth { .. }), "{err:?}");
    assert!(text.contains("airflow") && text.contains("401"), "{text}");
    assert!(!text.contains(PASSWORD), "{text}");
}

#[tokio::test]
async fn forbidden_says_so_and_names_airflow() {
    let server = MockServer::start().await;
    tokens(&server, &["jwt-cccc"]).await;
    Mock::given(path("/api/v2/dags"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({"detail": "Forbidden"})))
        .mount(&server)
        .await;
    let err = source(&server.uri()).poll().await.unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, SourceError::Auth { .. }), "{err:?}");
    assert!(text.contains("airflow") && text.contains("403"), "{text}");
    // A 403 is not an expired JWT: no second login.
    assert_eq!(auth_posts(&server).await, 1);
}

#[tokio::test]
async fn a_missing_dag_is_a_404() {
    let server = MockServer::start().await;
    tokens(&server, &["jwt-dddd"]).await;
    Mock::given(path("/api/v2/dags/gone/dagRuns/r1/taskInstances"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(json!({"detail": "DAG gone not found"})),
        )
        .mount(&server)
        .await;
    let err = airflow::task_instances(&client(&server.uri()), "gone", "r1")
        .await
        .unwrap_err();
    assert!(
        matches!(err, SourceError::Http { status: 404, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn server_errors_and_malformed_json_are_source_errors() {
    let server = MockServer::start().await;
    tokens(&server, &["jwt-eeee"]).await;
    Mock::given(path("/api/v2/dags"))
        .respond_with(ResponseTemplate::new(500).set_body_string("boom"))
        .mount(&server)
        .await;
    let err = source(&server.uri()).poll().await.unwrap_err();
    assert!(
        matches!(err, SourceError::Http { status: 500, .. }),
        "{err:?}"
    );

    let server = MockServer::start().await;
    tokens(&server, &["jwt-ffff"]).await;
    Mock::given(path("/api/v2/dags"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"dags\": [tru"))
        .mount(&server)
        .await;
    let err = source(&server.uri()).poll().await.unwrap_err();
    assert!(matches!(err, SourceError::Malformed { .. }), "{err:?}");
}

/// With 50 DAGs a poll costs one DAG list and one run list (after the one login):
/// at the default 15 s interval that is 8 requests a minute.
#[tokio::test]
async fn fifty_dags_cost_two_requests_a_poll() {
    let server = MockServer::start().await;
    tokens(&server, &["jwt-gggg"]).await;
    let dags: Vec<Value> = (0..50).map(|i| dag(&format!("dag_{i:02}"))).collect();
    let runs: Vec<Value> = (0..50)
        .flat_map(|i| (0..2).map(move |n| run(&format!("dag_{i:02}"), n, "success")))
        .collect();
    lists(&server, "jwt-gggg", dags, runs).await;
    let mut src = source(&server.uri());
    for _ in 0..4 {
        let Payload::Airflow(snap) = src.poll().await.unwrap() else {
            panic!()
        };
        assert_eq!(snap.dags.len(), 50);
        assert!(snap.dags.iter().all(|d| d.runs.len() == 2));
    }
    let received = server.received_requests().await.unwrap();
    let api = received
        .iter()
        .filter(|r| r.url.path().starts_with("/api/v2/"))
        .count();
    assert_eq!(api, 8, "four polls");
    let per_minute = api / 4 * 60 / 15;
    eprintln!("airflow: {per_minute} requests a minute with 50 DAGs at a 15 s interval");
    assert_eq!(per_minute, 8);
}

/// A followed log: with the try running (a token each answer), one read every
/// 2 s and no state reads; a 500 ends the log with a reason naming the status.
#[tokio::test]
async fn a_followed_log_reads_every_two_seconds_and_a_500_ends_it() {
    let server = MockServer::start().await;
    tokens(&server, &["jwt-hhhh"]).await;
    let ti = "/api/v2/dags/d/dagRuns/r/taskInstances/t";
    Mock::given(path(ti))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"task_id": "t", "dag_run_id": "r", "map_index": -1, "state": "running", "try_number": 1}),
        ))
        .mount(&server)
        .await;
    let n = std::sync::atomic::AtomicUsize::new(0);
    Mock::given(path(format!("{ti}/logs/1")))
        .respond_with(move |_: &Request| {
            let i = n.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            if i < 3 {
                ResponseTemplate::new(200).set_body_json(
                    json!({"content": [{"event": format!("line {i}")}], "continuation_token": "T"}),
                )
            } else {
                ResponseTemplate::new(500).set_body_string("boom")
            }
        })
        .mount(&server)
        .await;
    let (tx, mut rx) = tokio::sync::mpsc::channel(16);
    let (_on, follow) = tokio::sync::watch::channel(true);
    let sink = airflow::follow::Sink {
        tx,
        stream_id: 7,
        follow,
    };
    let task = flightdeck::state::dag_tasks::TaskLogRef {
        dag_id: "d".into(),
        run_id: "r".into(),
        task_id: "t".into(),
        try_number: 1,
        map_index: -1,
    };
    let start = std::time::Instant::now();
    airflow::follow::run(client(&server.uri()), task, true, sink).await;
    let took = start.elapsed();
    let mut lines = Vec::new();
    let mut ended = None;
    while let Ok(u) = rx.try_recv() {
        match u {
            flightdeck::state::Update::Log { lines: l, .. } => {
                lines.extend(l.into_iter().map(|l| l.text));
            }
            flightdeck::state::Update::LogEnded { reason, .. } => ended = Some(reason),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(lines, ["line 0", "line 1", "line 2"]);
    let ended = ended.unwrap();
    assert!(ended.contains("500"), "{ended}");
    // Four reads 2 s apart, and the state read once, before the first.
    assert!(took >= Duration::from_secs(6), "{took:?}");
    let received = server.received_requests().await.unwrap();
    let states = received.iter().filter(|r| r.url.path() == ti).count();
    assert_eq!(states, 1);
}

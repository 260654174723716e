//! Prometheus and Alertmanager faults, served by wiremock: nothing listening,
//! 401, 429 with Retry-After, malformed JSON, a missing credential variable.
//! Each becomes a `SourceError` that says what to do; none panics.
#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

#[path = "common/prometheus.rs"]
mod fixtures;

use fixtures::{alertmanager_config, prometheus_config};
use flightdeck::error::SourceError;
use flightdeck::sources::Source;
use flightdeck::sources::alertmanager::AlertmanagerSource;
use flightdeck::sources::prometheus::PrometheusSource;
use wiremock::matchers::{header_exists, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn poll_error(url: &str) -> SourceError {
    let mut source = PrometheusSource::new(&prometheus_config(url, vec![]));
    source.poll().await.unwrap_err()
}

#[tokio::test]
async fn nothing_listening_is_unreachable_with_a_hint() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let err = poll_error(&url).await;
    assert!(matches!(err, SourceError::Unreachable { .. }), "{err:?}");
    assert!(
        err.to_string().contains("is Prometheus running at"),
        "{err}"
    );
}

#[tokio::test]
async fn unauthorized_is_auth_and_never_shows_the_token() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_string("Unauthorized"))
        .mount(&server)
        .await;
    // The crate forbids unsafe code (so no `set_var`): PATH is always set and
    // stands in for a token variable.
    let token = std::env::var("PATH").unwrap();
    let mut cfg = prometheus_config(&server.uri(), vec![]);
    cfg.token_env = Some("PATH".into());
    let err = PrometheusSource::new(&cfg).poll().await.unwrap_err();
    assert!(matches!(err, SourceError::Auth { .. }), "{err:?}");
    assert!(!err.to_string().contains(&token), "{err}");
    assert!(err.to_string().contains("token_env"), "{err}");
    let requests = server.received_requests().await.unwrap();
    let sent = requests[0].headers.get("authorization").unwrap();
    assert_eq!(sent.to_str().unwrap(), format!("Bearer {token}"));
}

#[tokio::test]
async fn a_missing_credential_variable_says_which() {
    let mut cfg = prometheus_config("http://127.0.0.1:9", vec![]);
    cfg.token_env = Some("FD_TEST_UNSET_VARIABLE".into());
    let err = PrometheusSource::new(&cfg).poll().await.unwrap_err();
    assert!(
        err.to_string().contains("'FD_TEST_UNSET_VARIABLE'"),
        "{err}"
    );
}

#[tokio::test]
async fn rate_limits_carry_retry_after() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "120"))
        .mount(&server)
        .await;
    let err = poll_error(&server.uri()).await;
    let until = err.retry_at().expect("rate limited");
    let wait = (until - chrono::Utc::now()).num_seconds();
    assert!((100..=121).contains(&wait), "{wait}");
}

#[tokio::test]
async fn malformed_json_is_malformed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"data\": [1, 2"))
        .mount(&server)
        .await;
    let err = poll_error(&server.uri()).await;
    assert!(matches!(err, SourceError::Malformed { .. }), "{err:?}");
    let mut am = AlertmanagerSource::new(&alertmanager_config(&server.uri()));
    let err = am.poll().await.unwrap_err();
    assert!(matches!(err, SourceError::Malformed { .. }), "{err:?}");
}

#[tokio::test]
async fn basic_auth_goes_to_alertmanager() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/alerts"))
        .and(header_exists("authorization"))
        .respond_with(ResponseTemplate::new(200).set_body_string("[]"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/silences"))
        .respond_with(ResponseTemplate::new(200).set_body_string("[]"))
        .mount(&server)
        .await;
    let mut cfg = alertmanager_config(&server.uri());
    cfg.username_env = Some("PATH".into());
    cfg.password_env = Some("PATH".into());
    AlertmanagerSource::new(&cfg).poll().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let sent = requests[0].headers.get("authorization").unwrap();
    assert!(sent.to_str().unwrap().starts_with("Basic "));
}

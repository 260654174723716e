//! The MLflow source against faults a real server will not show on demand, served
//! by wiremock: 401 (the token never appears in the error), a server without a
//! registry, malformed JSON, page tokens, an unreachable address; and the
//! severities `status` gives failed and pending versions.
#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;
#[path = "common/models.rs"]
mod fixtures;

use flightdeck::error::SourceError;
use flightdeck::sources::mlflow::{Auth, MlflowClient, MlflowSource};
use flightdeck::sources::{Payload, Source, SourceId, SourceKind, Update};
use flightdeck::state::{Severity, Store};
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const API: &str = "/api/2.0/mlflow/";

fn source(url: &str, auth: Auth, models: &[&str]) -> MlflowSource {
    let client = MlflowClient::with_auth(url, auth);
    MlflowSource::with_client(
        client,
        url,
        models.iter().map(|m| (*m).to_owned()).collect(),
    )
}

async fn answer(server: &MockServer, endpoint: &str, response: ResponseTemplate) {
    Mock::given(path(format!("{API}{endpoint}")))
        .respond_with(response)
        .mount(server)
        .await;
}

#[tokio::test]
async fn unauthorised_says_which_variables_and_never_the_token() {
    let server = MockServer::start().await;
    let body = json!({"error_code": "UNAUTHENTICATED", "message": "bad token"});
    Mock::given(header("authorization", "Bearer s3cr3t-t0ken"))
        .respond_with(ResponseTemplate::new(401).set_body_json(body))
        .mount(&server)
        .await;
    let auth = Auth::Bearer {
        token: "s3cr3t-t0ken".into(),
        from: "MLFLOW_TRACKING_TOKEN".into(),
    };
    let err = source(&server.uri(), auth, &[]).poll().await.unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, SourceError::Auth { .. }), "{err:?}");
    assert!(
        text.contains("the token from MLFLOW_TRACKING_TOKEN"),
        "{text}"
    );
    assert!(text.contains("MLFLOW_TRACKING_USERNAME"), "{text}");
    assert!(!text.contains("s3cr3t"), "{text}");
}

#[tokio::test]
async fn basic_auth_is_sent_when_configured() {
    let server = MockServer::start().await;
    // "u:p" in base64.
    Mock::given(header("authorization", "Basic dTpw"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    let auth = Auth::Basic {
        user: "u".into(),
        password: "p".into(),
        from: "U/P".into(),
    };
    let snap = source(&server.uri(), auth, &[]).poll().await.unwrap();
    assert_eq!(
        snap,
        Payload::Models(flightdeck::state::model::ModelsSnapshot::default())
    );
}

#[tokio::test]
async fn a_server_without_a_registry_is_named_as_such() {
    let server = MockServer::start().await;
    answer(
        &server,
        "registered-models/search",
        ResponseTemplate::new(404).set_body_string("<html>Not Found</html>"),
    )
    .await;
    let err = source(&server.uri(), Auth::None, &[])
        .poll()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("no model registry here"), "{err}");
}

#[tokio::test]
async fn malformed_answers_are_errors_not_panics() {
    let server = MockServer::start().await;
    answer(
        &server,
        "registered-models/search",
        ResponseTemplate::new(200).set_body_string("{not json"),
    )
    .await;
    let err = source(&server.uri(), Auth::None, &[])
        .poll()
        .await
        .unwrap_err();
    assert!(matches!(err, SourceError::Malformed { .. }), "{err:?}");
    let server = MockServer::start().await;
    answer(
        &server,
        "registered-models/search",
        ResponseTemplate::new(200).set_body_json(json!([1, 2])),
    )
    .await;
    let err = source(&server.uri(), Auth::None, &[])
        .poll()
        .await
        .unwrap_err();
    assert!(matches!(err, SourceError::Malformed { .. }), "{err:?}");
}

#[tokio::test]
async fn page_tokens_are_followed_and_odd_items_skipped() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{API}registered-models/search")))
        .and(query_param("page_token", "p2"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"registered_models": [{"name": "b"}]})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{API}registered-models/search")))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"registered_models": [{"name": "a"}, {"nameless": true}], "next_page_token": "p2"}),
        ))
        .mount(&server)
        .await;
    let versions = json!({"model_versions": [
        {"name": "a", "version": "1", "status": "FAILED_REGISTRATION"},
        {"name": "a", "status": "READY"},
        {"name": "b", "version": "2"},
        {"name": "b", "version": "10"},
    ]});
    answer(
        &server,
        "model-versions/search",
        ResponseTemplate::new(200).set_body_json(versions),
    )
    .await;
    let Payload::Models(snap) = source(&server.uri(), Auth::None, &[]).poll().await.unwrap() else {
        panic!("not models");
    };
    let names: Vec<&str> = snap.models.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["a", "b"]);
    assert_eq!(snap.models[0].versions.len(), 1);
    let b: Vec<&str> = snap.models[1]
        .versions
        .iter()
        .map(|v| v.version.as_str())
        .collect();
    assert_eq!(b, ["10", "2"]);
}

#[tokio::test]
async fn an_unreachable_server_says_where_to_look() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}");
    let err = source(&url, Auth::None, &[]).poll().await.unwrap_err();
    assert!(matches!(err, SourceError::Unreachable { .. }), "{err:?}");
    assert!(err.to_string().contains("MLFLOW_TRACKING_URI"), "{err}");
    let bad = MlflowSource::new(&flightdeck::config::MlflowConfig {
        url: "file:./mlruns".into(),
        token_env: None,
        username_env: None,
        password_env: None,
        models: vec![],
        interval: std::time::Duration::from_secs(30),
    })
    .poll()
    .await
    .unwrap_err();
    assert!(bad.to_string().contains("not http"), "{bad}");
}

#[test]
fn status_severity_follows_registration_status() {
    let mut store = Store::new(vec![common::spec(SourceKind::Mlflow, "mlflow")]);
    let poll = Update::Polled {
        source: SourceId(0),
        at: common::at(0),
        result: Ok(Payload::Models(fixtures::registry())),
    };
    store.apply(poll);
    let report = flightdeck::status::report(&store, common::at(0));
    let churn = report.items.iter().find(|i| i.id == "churn/1").unwrap();
    assert_eq!(churn.severity, Severity::Warning);
    assert_eq!(churn.state, "PENDING_REGISTRATION");
    // fraud-detector v3 failed but is neither newest nor aliased: not an item.
    assert!(report.items.iter().all(|i| i.id != "fraud-detector/3"));
    assert_eq!(report.status, Severity::Warning);
    let text = flightdeck::status::render_text(&report);
    assert!(
        text.contains("WARNING  model_version churn v1 (mlflow): PENDING_REGISTRATION"),
        "{text}"
    );
}

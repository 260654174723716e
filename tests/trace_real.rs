//! Deploy traceability joining real data: a container started on the real engine
//! from the test image (labelled `org.opencontainers.image.revision`) links to the
//! run that the GitHub fake reports with that `head_sha`.
#![recursion_limit = "256"]
#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

#[path = "common/docker.rs"]
mod docker_fixtures;
#[path = "common/github.rs"]
mod gh;

use std::time::Duration;

use chrono::Utc;
use docker_fixtures::{Engine, Fixture, REVISION};
use flightdeck::sources::{Payload, Source, SourceId, SourceKind, SourceSpec, Update};
use flightdeck::state::{Store, trace};
use gh::{RunSpec, run_json};
use wiremock::MockServer;

/// A fake with one repository whose only run built `sha`.
async fn github_with_run_of(sha: &str) -> MockServer {
    let mut run = run_json(&RunSpec {
        id: 4242,
        repo: "acme/shop",
        workflow: "Build image",
        branch: "main",
        status: "completed",
        conclusion: Some("success"),
        minutes_ago: 20,
    });
    run["head_sha"] = serde_json::Value::String(sha.to_owned());
    gh::serve_repo("acme/shop", &[run]).await
}

fn spec(kind: SourceKind, name: &str) -> SourceSpec {
    SourceSpec {
        kind,
        name: name.to_owned(),
        interval: Duration::from_secs(15),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_container_built_from_a_known_commit_links_to_its_run() {
    if !docker_fixtures::engine() {
        return;
    }
    let fx = Fixture::new();
    let started = fx.idle("traced");
    let mut engine = Engine::connect();
    let container = engine
        .wait_for(&started.name, "running", Duration::from_secs(15), |c| {
            c.is_running()
        })
        .await;
    let server = github_with_run_of(REVISION).await;
    let (mut github, _focus) = gh::source(&server, &["acme/shop"]);
    let runs = github.poll().await.unwrap();

    let mut store = Store::new(vec![
        spec(SourceKind::Github, "github"),
        spec(SourceKind::Docker, "local"),
    ]);
    store.apply(Update::Polled {
        source: SourceId(0),
        at: Utc::now(),
        result: Ok(runs),
    });
    let containers = engine.poll().await;
    store.apply(Update::Polled {
        source: SourceId(1),
        at: Utc::now(),
        result: Ok(Payload::Containers(containers)),
    });

    let commit = trace::container_commit(&container).unwrap();
    assert_eq!(
        commit, REVISION,
        "the image's revision label, read from the real engine"
    );
    let built = trace::built_by(&store, &commit).unwrap();
    assert!(built.starts_with("built by Build image #"), "{built}");
    assert!(built.ends_with("(success)"), "{built}");
    let (source, run) = trace::run_for_commit(&store, &commit).unwrap();
    assert_eq!((source, run.id), (SourceId(0), 4242));
}

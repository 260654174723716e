//! Apps joined from real data: a container started on the real engine from the test
//! image (revision label `REVISION`), and the GitHub fake's runs of its repository.
//! The run that built it is followed by newer green runs of the same workflow (the
//! lag) and the newest CI run failed (critical). A real crash-looping container
//! makes the snapshot carry its log.
#![recursion_limit = "256"]
#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

#[path = "common/docker.rs"]
mod docker_fixtures;
#[path = "common/github.rs"]
mod gh;
#[path = "common/mlflow.rs"]
mod ml;

use std::time::Duration;

use chrono::Utc;
use docker_fixtures::{Engine, Fixture, REVISION};
use flightdeck::config::{AppSpec, ModelRef, Selector};
use flightdeck::sources::{Payload, Source, SourceId, SourceKind, SourceSpec, Update};
use flightdeck::state::apps::{PartKind, join};
use flightdeck::state::{Severity, Store};
use gh::{RunSpec, run_json};
use wiremock::MockServer;

fn run(id: u64, workflow: &str, conclusion: &str, minutes_ago: i64) -> serde_json::Value {
    run_json(&RunSpec {
        id,
        repo: "acme/shop",
        workflow,
        branch: "main",
        status: "completed",
        conclusion: Some(conclusion),
        minutes_ago,
    })
}

/// acme/shop: "Build image" #1 built `REVISION`, #2 and #3 came after (green), a
/// failed "Build image" #4 (not counted), and the newest run, CI #5, failed.
async fn github() -> MockServer {
    let mut built = run(4001, "Build image", "success", 120);
    built["head_sha"] = REVISION.into();
    let runs = [
        run(4005, "CI", "failure", 5),
        run(4004, "Build image", "failure", 10),
        run(4003, "Build image", "success", 30),
        run(4002, "Build image", "success", 60),
        built,
    ];
    gh::serve_repo("acme/shop", &runs).await
}

fn spec(kind: SourceKind, name: &str) -> SourceSpec {
    SourceSpec {
        kind,
        name: name.to_owned(),
        interval: Duration::from_secs(15),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_ci_run_is_critical_and_the_lag_counts_newer_green_builds() {
    if !docker_fixtures::engine() {
        return;
    }
    let fx = Fixture::new();
    let started = fx.idle("app");
    let mut engine = Engine::connect();
    engine
        .wait_for(&started.name, "running", Duration::from_secs(15), |c| {
            c.is_running()
        })
        .await;
    let server = github().await;
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
    let app = AppSpec {
        name: "shop".into(),
        repo: Some("acme/shop".into()),
        containers: vec![Selector::Name(started.name.clone())],
        ..AppSpec::default()
    };
    let joined = join(&store, &app, Utc::now());
    let build = joined.part(PartKind::Build).unwrap();
    assert_eq!(
        (build.severity, build.word.as_str()),
        (Severity::Critical, "CI #5 failure")
    );
    let deploy = joined.part(PartKind::Deploy).unwrap();
    assert_eq!(deploy.word, "0123456 2 runs behind", "{deploy:?}");
    assert_eq!(deploy.severity, Severity::Warning);
    assert_eq!(joined.part(PartKind::Containers).unwrap().word, "1/1 ok");
    assert_eq!(joined.severity, Severity::Critical);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_snapshot_carries_the_last_lines_of_a_failed_container() {
    if !docker_fixtures::engine() {
        return;
    }
    let fx = Fixture::new();
    let script = "for i in $(seq 1 150); do echo line $i; done; echo token-s3cr3t-value; exit 3";
    let started = fx.run("failing", &[], &["sh", "-c", script]);
    let mut engine = Engine::connect();
    engine
        .wait_for(&started.name, "exited", Duration::from_secs(15), |c| {
            c.exit_code == Some(3)
        })
        .await;
    let mut store = Store::new(vec![spec(SourceKind::Docker, "local")]);
    store.apply(Update::Polled {
        source: SourceId(0),
        at: Utc::now(),
        result: Ok(Payload::Containers(engine.poll().await)),
    });
    let config = flightdeck::config::Config {
        docker: vec![docker_fixtures::local_config()],
        ..flightdeck::config::Config::default()
    };
    let logs =
        flightdeck::status::snapshot::tail_logs(&config, &store, Duration::from_secs(10)).await;
    let log = logs.iter().find(|l| l.container == started.name).unwrap();
    assert_eq!(log.error, None);
    assert_eq!(log.lines.len(), 100, "the last 100 lines");
    assert_eq!(log.lines[0], "line 52");
    assert_eq!(log.lines[99], "token-s3cr3t-value");
    let mut snap = flightdeck::status::snapshot::build(&store, Utc::now(), false);
    snap.logs = logs;
    let env = |k: &str| (k == "GITHUB_TOKEN").then(|| "token-s3cr3t-value".to_owned());
    let secrets = flightdeck::status::snapshot::secrets(&config, &env).await;
    let md = flightdeck::status::snapshot::markdown(&snap, &secrets);
    assert!(md.contains("line 150"), "{md}");
    assert!(!md.contains("s3cr3t"), "the token never appears");
    let json = flightdeck::status::snapshot::to_json(&snap, &secrets);
    assert!(!json.contains("s3cr3t") && json.contains("line 150"));
}

/// Runs the built binary with a clean environment but for `GITHUB_TOKEN`.
fn flightdeck(args: Vec<String>) -> (Option<i32>, String, String) {
    let home = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_flightdeck"))
        .args(args)
        .env_clear()
        .env("HOME", home.path())
        .env("GITHUB_TOKEN", "ghp_apps_test_token_0123456789")
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

/// The (kind, id) of the items of `list` that are not ok, sorted; apps left out on request.
fn non_ok(list: &serde_json::Value, skip_apps: bool) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["severity"] != "ok" && !(skip_apps && i["kind"] == "app"))
        .map(|i| (i["kind"].to_string(), i["id"].to_string()))
        .collect();
    v.sort();
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_snapshot_command_lists_what_status_lists_and_hides_the_token() {
    use std::os::unix::fs::PermissionsExt as _;
    let server = github().await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("c.toml");
    let text = format!(
        "docker = []\n[github]\napi_url = '{}'\nrepos = ['acme/shop']\n\
         [[app]]\nname = 'shop'\nrepo = 'acme/shop'\n",
        server.uri()
    );
    std::fs::write(&config, text).unwrap();
    let out = dir.path().join("snap.json");
    let cfg = config.to_str().unwrap().to_owned();
    let args = vec![
        "--config".to_owned(),
        cfg.clone(),
        "snapshot".to_owned(),
        "--format".to_owned(),
        "json".to_owned(),
        "--out".to_owned(),
        out.to_str().unwrap().to_owned(),
    ];
    let (code, _, err) = tokio::task::spawn_blocking(move || flightdeck(args))
        .await
        .unwrap();
    assert_eq!(code, Some(0), "{err}");
    let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(
        !written.contains("ghp_apps_test_token"),
        "the token never appears"
    );
    let snap: serde_json::Value = serde_json::from_str(&written).unwrap();
    let args = vec![
        "--config".to_owned(),
        cfg,
        "status".to_owned(),
        "--json".to_owned(),
    ];
    let (code, status, err) = tokio::task::spawn_blocking(move || flightdeck(args))
        .await
        .unwrap();
    assert_eq!(code, Some(2), "the failed CI run is critical: {err}");
    let status: serde_json::Value = serde_json::from_str(&status).unwrap();
    let listed = non_ok(&snap["attention"], false);
    assert_eq!(listed, non_ok(&status["items"], true));
    // The newest default-branch run of each workflow failed: CI #5 and Build image #4.
    let runs = ["\"4004\"", "\"4005\""].map(|id| ("\"pipeline_run\"".to_owned(), id.to_owned()));
    assert_eq!(listed, runs);
    assert_eq!(snap["apps"][0]["severity"], "critical");
    let app = status["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "app");
    assert_eq!(app.unwrap()["build"], "CI #5 failure");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_model_part_reads_the_alias_and_its_commit_from_the_real_mlflow() {
    let Some(url) = ml::server() else { return };
    if !docker_fixtures::engine() {
        return;
    }
    let seeded = ml::seed(&ml::Api::new(&url)).await;
    let fx = Fixture::new();
    // The app runs the commit champion (v2) was trained on.
    let label = format!("org.opencontainers.image.revision={}", ml::commit(2));
    let started = fx.run(
        "model",
        &["--label", &label],
        &["sh", "-c", docker_fixtures::IDLE],
    );
    Fixture::wait_ready(&started);
    let mut engine = Engine::connect();
    let mut mlflow =
        flightdeck::sources::mlflow::MlflowSource::new(&ml::config(&url, &[&seeded.model]));
    let mut store = Store::new(vec![
        spec(SourceKind::Docker, "local"),
        spec(SourceKind::Mlflow, "mlflow"),
    ]);
    store.apply(Update::Polled {
        source: SourceId(0),
        at: Utc::now(),
        result: Ok(Payload::Containers(engine.poll().await)),
    });
    store.apply(Update::Polled {
        source: SourceId(1),
        at: Utc::now(),
        result: mlflow.poll().await,
    });
    let part = |alias: &str| {
        let app = AppSpec {
            name: "scoring".into(),
            containers: vec![Selector::Name(started.name.clone())],
            model: Some(ModelRef::parse(&format!("{}@{alias}", seeded.model)).unwrap()),
            ..AppSpec::default()
        };
        let joined = join(&store, &app, Utc::now());
        let p = joined.part(PartKind::Model).unwrap();
        (p.word.clone(), p.severity)
    };
    let trained_here = "champion → v2 READY, trained on the deployed commit";
    assert_eq!(part("champion"), (trained_here.to_owned(), Severity::Ok));
    let elsewhere = "challenger → v3 READY, trained on another commit";
    assert_eq!(part("challenger"), (elsewhere.to_owned(), Severity::Ok));
    assert_eq!(
        part("nope"),
        ("no nope alias".to_owned(), Severity::Critical)
    );
}

//! The Swarm source, `status` items and the service and node updates against the
//! real three-node swarm `scripts/lib/swarm.sh` starts (FLIGHTDECK_SWARM_HOST is its
//! manager). Without it these tests skip, except under `CI`, where they fail.
//! Tests that change the swarm hold `LOCK`, and change only what they create or
//! put back what they touch, so the others always see the services the script made.
#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use std::collections::HashMap;

use bollard::Docker;
use chrono::Utc;
use flightdeck::actions::audit::AuditLog;
use flightdeck::actions::executor::Executor;
use flightdeck::actions::{Action, SwarmOp};
use flightdeck::config::{self, Config, DockerConfig};
use flightdeck::error::SourceError;
use flightdeck::sources::docker::cluster::{self, SwarmSource};
use flightdeck::sources::{Payload, SourceId, SourceKind, SourceSpec, Update};
use flightdeck::state::Severity;
use flightdeck::state::Store;
use flightdeck::state::swarm::{
    Availability, CRASH_LOOP_FAILURES, Service, SwarmSnapshot, UpdateState,
};
use flightdeck::status::{self, Item};
use std::sync::Arc;

use flightdeck::sources::docker::events::{self, SwarmLink};
use flightdeck::sources::docker::service_logs;
use flightdeck::sources::docker::{Focus, SwarmFocus};
use tokio::sync::Mutex;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// Serialises the tests that change the swarm.
static LOCK: Mutex<()> = Mutex::const_new(());

/// The manager's address, when the swarm answers; panics under `CI` when it does not.
fn swarm_host() -> Option<String> {
    let why = match std::env::var("FLIGHTDECK_SWARM_HOST") {
        Ok(host) if !host.is_empty() => {
            let path = host.trim_start_matches("unix://");
            match docker(&host, &["info", "--format", "{{.Swarm.ControlAvailable}}"]) {
                Ok(out) if out.trim() == "true" => return Some(host),
                Ok(out) => format!("'{host}' is not a Swarm manager (ControlAvailable {out})"),
                Err(e) if !Path::new(path).exists() => format!("no socket at '{path}': {e}"),
                Err(e) => format!("the manager at '{host}' does not answer: {e}"),
            }
        }
        _ => "FLIGHTDECK_SWARM_HOST is not set (scripts/test starts the swarm)".to_owned(),
    };
    assert!(
        std::env::var_os("CI").is_none(),
        "CI is set, so the Swarm tests must run, but: {why}"
    );
    eprintln!("skipping: {why} (set CI=1 to make this a failure)");
    None
}

/// Runs the docker CLI against `host`; its stdout, or why it failed.
fn docker(host: &str, args: &[&str]) -> Result<String, String> {
    let out = Command::new("docker")
        .arg("-H")
        .arg(host)
        .args(args)
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_owned())
    }
}

fn engine(host: &str) -> DockerConfig {
    DockerConfig {
        name: "swarm".to_owned(),
        host: host.to_owned(),
        interval: Duration::from_secs(2),
        cert_path: None,
        tls_verify: false,
        swarm: true,
    }
}

fn client(host: &str) -> Docker {
    Docker::connect_with_unix(host, 30, bollard::API_DEFAULT_VERSION).unwrap()
}

async fn read(source: &mut SwarmSource) -> SwarmSnapshot {
    source
        .read()
        .await
        .unwrap()
        .expect("the engine is a manager")
}

fn service<'a>(s: &'a SwarmSnapshot, name: &str) -> &'a Service {
    s.services
        .iter()
        .find(|x| x.name == name)
        .unwrap_or_else(|| panic!("no service '{name}' in {:?}", s.services))
}

/// Polls until `done` holds for a snapshot, for at most 60 s; returns that snapshot.
async fn until(
    source: &mut SwarmSource,
    what: &str,
    done: impl Fn(&SwarmSnapshot) -> bool,
) -> SwarmSnapshot {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let s = read(source).await;
        if done(&s) {
            return s;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}: {s:#?}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

fn item<'a>(items: &'a [Item], kind: &str, name: &str) -> &'a Item {
    items
        .iter()
        .find(|i| i.kind == kind && i.name == name)
        .unwrap_or_else(|| panic!("no {kind} '{name}' in {items:#?}"))
}

#[tokio::test]
async fn status_lists_services_and_nodes_with_the_contract_severities() {
    let Some(host) = swarm_host() else { return };
    let mut source = crash_loop_started(&host).await;
    until(&mut source, "web and unplaceable to settle", |s| {
        let web = service(s, "fdstack_web");
        let unplaceable = service(s, "unplaceable");
        web.replicas_running == 3 && unplaceable.replicas_running == 2
    })
    .await;
    let config = Config {
        docker: vec![engine(&host)],
        ..Config::default()
    };
    let report = status::collect(&config, Duration::from_secs(10)).await;
    let web = item(&report.items, "service", "fdstack_web");
    assert_eq!(
        (web.severity, web.state.as_str()),
        (Severity::Ok, "running")
    );
    let mut keys: Vec<&str> = web.fields.keys().map(String::as_str).collect();
    keys.sort_unstable();
    let expected = [
        "host",
        "image",
        "mode",
        "replicas_desired",
        "replicas_running",
        "update_state",
    ];
    assert_eq!(keys, expected);
    assert_eq!(web.fields["host"], "swarm");
    assert_eq!(web.fields["mode"], "replicated");
    assert_eq!(web.fields["image"], "flightdeck-test:busybox");
    let unplaceable = item(&report.items, "service", "unplaceable");
    assert_eq!(unplaceable.severity, Severity::Warning);
    assert_eq!(unplaceable.fields["replicas_desired"], 3);
    assert_eq!(unplaceable.fields["replicas_running"], 2);
    assert_eq!(
        item(&report.items, "service", "crasher").severity,
        Severity::Critical
    );
    let worker2 = item(&report.items, "node", "worker2");
    assert_eq!(
        (worker2.severity, worker2.state.as_str()),
        (Severity::Warning, "ready")
    );
    let mut keys: Vec<&str> = worker2.fields.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["availability", "host", "role"]);
    assert_eq!(worker2.fields["role"], "worker");
    let manager = item(&report.items, "node", "manager");
    assert_eq!(
        (manager.severity, manager.fields["role"].as_str()),
        (Severity::Ok, Some("manager"))
    );
    assert_eq!(
        item(&report.items, "node", "worker1").severity,
        Severity::Ok
    );
    assert_eq!(report.status, Severity::Critical);
}

#[tokio::test]
async fn a_drained_node_shows_as_drained_with_no_tasks() {
    let Some(host) = swarm_host() else { return };
    let _guard = LOCK.lock().await;
    let s = read(&mut SwarmSource::new(engine(&host))).await;
    let worker2 = s.nodes.iter().find(|n| n.hostname == "worker2").unwrap();
    assert_eq!(worker2.availability, Availability::Drain);
    assert_eq!(
        (worker2.tasks_running, worker2.severity()),
        (0, Severity::Warning)
    );
    assert_eq!(s.nodes.len(), 3);
    // And in the Containers tab's nodes view, as rows built from the store.
    let mut store = Store::new(vec![flightdeck::state::SourceSpec {
        kind: flightdeck::state::SourceKind::Docker,
        name: "manager".into(),
        interval: std::time::Duration::from_secs(15),
    }]);
    store.apply(flightdeck::state::Update::Polled {
        source: flightdeck::state::SourceId(0),
        at: chrono::Utc::now(),
        result: Ok(flightdeck::state::Payload::Swarm(Ok(Some(s)))),
    });
    let table = flightdeck::view::table::TableView::default();
    let rows = flightdeck::view::swarm::node_rows(&store, &table);
    let shown: Vec<(String, &str)> = rows
        .iter()
        .filter_map(|r| match r {
            flightdeck::view::swarm::SwarmRow::Node { node, .. } => {
                Some((node.hostname.clone(), node.availability.as_str()))
            }
            _ => None,
        })
        .collect();
    assert!(
        shown.contains(&("worker2".to_owned(), "drain")),
        "{shown:?}"
    );
}

/// Waits until the crash-looping service has failed often enough to count as one
/// (a fresh swarm needs a few seconds); returns the source used.
async fn crash_loop_started(host: &str) -> SwarmSource {
    let mut source = SwarmSource::new(engine(host));
    until(&mut source, "crasher to fail 3 times", |s| {
        service(s, "crasher").recent_failures >= CRASH_LOOP_FAILURES
    })
    .await;
    source
}

#[tokio::test]
async fn a_crash_looping_service_is_critical_at_every_poll() {
    let Some(host) = swarm_host() else { return };
    let mut source = crash_loop_started(&host).await;
    // Its tasks run ~1 s and restart after 1 s: twelve polls over ~6 s see it
    // with tasks up, and it must read critical then too, not only when all are down.
    let mut seen_up = false;
    for _ in 0..12 {
        let s = read(&mut source).await;
        let crasher = service(&s, "crasher");
        seen_up |= crasher.replicas_running > 0;
        assert_eq!(crasher.severity(), Severity::Critical, "{crasher:?}");
        assert_eq!(crasher.state_word(), "crash_loop");
        let failed = s
            .tasks
            .iter()
            .filter(|t| t.service_id == crasher.id && t.state == "failed");
        assert!(
            failed
                .clone()
                .all(|t| t.exit_code == Some(1) && t.error.is_some())
        );
        assert!(failed.count() >= 3);
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert!(seen_up, "no poll saw a crasher task running");
}

#[tokio::test]
async fn a_poll_reads_tasks_only_of_services_not_settled_or_on_screen() {
    let Some(host) = swarm_host() else { return };
    let (focus_tx, focus) = tokio::sync::watch::channel(Focus::default());
    let link = Arc::new(SwarmLink::default());
    let mut source = SwarmSource::new(engine(&host)).with_links(focus, Arc::clone(&link));
    let first = read(&mut source).await;
    assert_eq!(
        source.requests, 4,
        "/info, then services, all tasks and nodes"
    );
    let web = service(&first, "fdstack_web").clone();
    assert_eq!(
        web.revision.as_deref(),
        Some("3f2a9c1e0b5d4c3a2b1f0e9d8c7b6a5f4e3d2c1b"),
        "the revision label scripts/lib/swarm.sh gives its containers"
    );
    let second = read(&mut source).await;
    // crasher and unplaceable are short of replicas: their tasks are read again
    // (one filtered list); the settled web's are kept; nodes wait for an event.
    assert_eq!(
        source.requests, 6,
        "services and the unsettled services' tasks"
    );
    let kept = |s: &SwarmSnapshot| {
        let mut ids: Vec<&str> = s
            .tasks
            .iter()
            .filter(|t| t.service_id == web.id)
            .map(|t| t.id.as_str())
            .collect();
        ids.sort_unstable();
        ids.join(",")
    };
    assert_eq!(kept(&first), kept(&second), "web's tasks are kept");
    assert_eq!(service(&second, "fdstack_web").replicas_running, 3);
    assert_eq!(second.nodes.len(), 3, "nodes are kept");

    // A node event makes the next poll read the nodes.
    link.note(&bollard::models::EventMessage {
        typ: Some(bollard::models::EventMessageTypeEnum::NODE),
        ..Default::default()
    });
    read(&mut source).await;
    assert_eq!(source.requests, 9, "services, unsettled tasks and nodes");

    // The nodes view on screen reads every task (nodes count them).
    focus_tx.send_modify(|f| f.swarm = SwarmFocus::All);
    let before = source.requests;
    read(&mut source).await;
    assert_eq!(source.requests - before, 2, "services and all tasks");
}

#[tokio::test]
async fn a_worker_is_not_a_manager_so_it_reports_no_swarm() {
    let Some(host) = swarm_host() else { return };
    // scripts/lib/swarm.sh puts every node's socket in a directory named after it.
    let worker = host.replace("/manager/", "/worker1/");
    let mut source = SwarmSource::new(engine(&worker));
    assert_eq!(source.read().await.unwrap(), None);
    assert_eq!(source.read().await.unwrap(), None);
    assert_eq!(
        source.requests, 1,
        "a worker is asked /info again only after 30 s"
    );
}

/// A service this test made; removed when dropped, panic or not.
struct TempService {
    host: String,
    name: String,
}

impl TempService {
    fn create(host: &str, name: &str, replicas: u32) -> TempService {
        let replicas = replicas.to_string();
        let args = [
            "service",
            "create",
            "--detach",
            "--no-resolve-image",
            "--stop-grace-period",
            "2s",
            "--name",
            name,
            "--replicas",
            &replicas,
            "flightdeck-test:busybox",
            "sh",
            "-c",
            r#"trap "exit 0" TERM; while :; do sleep 1 & wait; done"#,
        ];
        docker(host, &args).unwrap();
        TempService {
            host: host.to_owned(),
            name: name.to_owned(),
        }
    }
}

impl Drop for TempService {
    fn drop(&mut self) {
        let _ = docker(&self.host, &["service", "rm", &self.name]);
    }
}

#[tokio::test]
async fn scale_three_to_one_changes_the_spec_on_the_manager() {
    let Some(host) = swarm_host() else { return };
    let _guard = LOCK.lock().await;
    let name = format!("scale-{}", std::process::id());
    let _service = TempService::create(&host, &name, 3);
    let mut source = SwarmSource::new(engine(&host));
    until(&mut source, "3 replicas", |s| {
        service(s, &name).replicas_running == 3
    })
    .await;
    let client = client(&host);
    cluster::scale(&client, &host, &name, 1).await.unwrap();
    let spec = client
        .inspect_service(&name, None)
        .await
        .unwrap()
        .spec
        .unwrap();
    let replicas = spec.mode.unwrap().replicated.unwrap().replicas;
    assert_eq!(replicas, Some(1));
    let s = until(&mut source, "1 replica", |s| {
        let x = service(s, &name);
        x.replicas_desired == 1 && x.replicas_running == 1
    })
    .await;
    assert_eq!(service(&s, &name).severity(), Severity::Ok);
}

#[tokio::test]
async fn scaling_a_missing_service_fails_naming_it() {
    let Some(host) = swarm_host() else { return };
    let client = client(&host);
    let err = cluster::scale(&client, &host, "no-such-service", 1)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("no-such-service"), "{err}");
}

#[tokio::test]
async fn force_update_restarts_tasks_and_rollback_restores_the_spec() {
    let Some(host) = swarm_host() else { return };
    let _guard = LOCK.lock().await;
    let name = format!("restart-{}", std::process::id());
    let _service = TempService::create(&host, &name, 1);
    let mut source = SwarmSource::new(engine(&host));
    let before = until(&mut source, "1 replica", |s| {
        service(s, &name).replicas_running == 1
    })
    .await;
    let first = before
        .tasks
        .iter()
        .find(|t| t.is_running() && t.service_id == service(&before, &name).id)
        .unwrap()
        .id
        .clone();
    let client = client(&host);
    cluster::force_update(&client, &host, &name).await.unwrap();
    let after = until(&mut source, "a new task", |s| {
        let id = &service(s, &name).id;
        s.tasks
            .iter()
            .any(|t| t.is_running() && &t.service_id == id && t.id != first)
    })
    .await;
    assert_eq!(service(&after, &name).replicas_running, 1);
    let forced = |c: &Docker| {
        let c = c.clone();
        let name = name.clone();
        async move {
            let spec = c.inspect_service(&name, None).await.unwrap().spec.unwrap();
            spec.task_template.unwrap().force_update.unwrap_or(0)
        }
    };
    assert_eq!(forced(&client).await, 1);
    until(&mut source, "the update to complete", |s| {
        service(s, &name).update_state == Some(UpdateState::Completed)
    })
    .await;
    cluster::rollback(&client, &host, &name).await.unwrap();
    assert_eq!(
        forced(&client).await,
        0,
        "rolled back to the spec before the restart"
    );
}

#[tokio::test]
async fn node_availability_changes_on_the_manager_and_back() {
    let Some(host) = swarm_host() else { return };
    let _guard = LOCK.lock().await;
    let client = client(&host);
    let (cancel, link) = follow_events(&client);
    let (_focus_tx, focus) = tokio::sync::watch::channel(Focus::default());
    let mut source = SwarmSource::new(engine(&host)).with_links(focus, Arc::clone(&link));
    read(&mut source).await;
    cluster::set_availability(&client, &host, "worker2", Availability::Pause)
        .await
        .unwrap();
    // Nodes are read again because the engine sent a `node` event, not by polling.
    wait_for_node_event(&link).await;
    let paused = read(&mut source).await;
    let restore = cluster::set_availability(&client, &host, "worker2", Availability::Drain).await;
    let worker2 = paused
        .nodes
        .iter()
        .find(|n| n.hostname == "worker2")
        .unwrap();
    assert_eq!(worker2.availability, Availability::Pause);
    assert_eq!(worker2.severity(), Severity::Warning);
    restore.unwrap();
    wait_for_node_event(&link).await;
    let s = read(&mut source).await;
    let worker2 = s.nodes.iter().find(|n| n.hostname == "worker2").unwrap();
    assert_eq!(worker2.availability, Availability::Drain);
    cancel.cancel();
}

/// Follows the manager's events as the Docker source does, into a Swarm link.
fn follow_events(client: &Docker) -> (CancellationToken, Arc<SwarmLink>) {
    let (cancel, link) = (CancellationToken::new(), Arc::new(SwarmLink::default()));
    let sinks = events::Sinks {
        following: Arc::default(),
        dirty: Arc::default(),
        lifecycle: Arc::default(),
        refresh: Arc::default(),
        swarm: Some(Arc::clone(&link)),
    };
    tokio::spawn(events::follow(client.clone(), sinks, cancel.clone()));
    (cancel, link)
}

/// Waits (at most 10 s) until the event follower passed on a `node` event.
async fn wait_for_node_event(link: &SwarmLink) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !link.events.lock().unwrap().nodes {
        assert!(
            Instant::now() < deadline,
            "the manager sent no node event within 10 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn replicas(spec: bollard::models::ServiceSpec) -> Option<i64> {
    spec.mode?.replicated?.replicas
}

#[tokio::test]
async fn the_executor_scales_through_an_action_audits_it_and_refuses_under_read_only() {
    let Some(host) = swarm_host() else { return };
    let _guard = LOCK.lock().await;
    let name = format!("exec-{}", std::process::id());
    let _service = TempService::create(&host, &name, 3);
    let client = client(&host);
    let id = client
        .inspect_service(&name, None)
        .await
        .unwrap()
        .id
        .unwrap();
    let audit = std::env::temp_dir().join(format!(
        "flightdeck-swarm-audit-{}.jsonl",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&audit);
    let configs = HashMap::from([(SourceId(0), engine(&host))]);
    let action = Action::Swarm {
        source: SourceId(0),
        host: "docker swarm".to_owned(),
        id: id.clone(),
        name: name.clone(),
        op: SwarmOp::Scale(1),
    };
    let read_only =
        Executor::with_configs(configs.clone(), true, AuditLog::new(Some(audit.clone())));
    let refused = read_only.execute(&action).await.unwrap_err();
    assert_eq!(refused, SourceError::ReadOnly);
    let spec = client
        .inspect_service(&name, None)
        .await
        .unwrap()
        .spec
        .unwrap();
    assert_eq!(
        replicas(spec),
        Some(3),
        "read-only left the service as it was"
    );
    let executor = Executor::with_configs(configs, false, AuditLog::new(Some(audit.clone())));
    executor.execute(&action).await.unwrap();
    let spec = client
        .inspect_service(&name, None)
        .await
        .unwrap()
        .spec
        .unwrap();
    assert_eq!(replicas(spec), Some(1));
    assert_audit(&audit, &name, &id);
}

/// The audit log holds the refusal, then the success, both naming the service.
fn assert_audit(audit: &Path, name: &str, id: &str) {
    let text = std::fs::read_to_string(audit).unwrap();
    let _ = std::fs::remove_file(audit);
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{text}");
    for (line, outcome) in lines.iter().zip(["refused", "ok"]) {
        assert_eq!(line["outcome"], outcome);
        assert_eq!(line["action"], "service_scale:1");
        assert_eq!(line["target"], name);
        assert_eq!(line["target_id"], id);
        assert_eq!(line["host"], "docker swarm");
    }
}

fn feed_texts(store: &Store) -> Vec<String> {
    store
        .feed
        .newest_first()
        .map(|e| format!("{} {:?} {}", e.kind.word(), e.severity, e.text))
        .collect()
}

async fn poll_into(store: &mut Store, source: &mut SwarmSource) {
    let update = Update::Polled {
        source: SourceId(0),
        at: Utc::now(),
        result: Ok(Payload::Swarm(source.read().await)),
    };
    store.apply(update);
}

#[tokio::test]
async fn the_feed_records_a_scale_and_failed_tasks() {
    let Some(host) = swarm_host() else { return };
    let _guard = LOCK.lock().await;
    let name = format!("feed-{}", std::process::id());
    let _service = TempService::create(&host, &name, 2);
    let mut source = SwarmSource::new(engine(&host));
    until(&mut source, "2 replicas", |s| {
        service(s, &name).replicas_running == 2
    })
    .await;
    let spec = SourceSpec {
        kind: SourceKind::Docker,
        name: "swarm".into(),
        interval: Duration::from_secs(2),
    };
    let mut store = Store::new(vec![spec]);
    poll_into(&mut store, &mut source).await;
    assert!(store.source(SourceId(0)).unwrap().swarm.is_some());
    assert!(store.feed.is_empty(), "a first snapshot feeds nothing");
    cluster::scale(&client(&host), &host, &name, 1)
        .await
        .unwrap();
    // Poll until a crasher task fails between two polls (every ~2 s once it loops).
    let scaled = format!("service Ok service {name} scaled 2 → 1");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        poll_into(&mut store, &mut source).await;
        let texts = feed_texts(&store);
        let failed = texts
            .iter()
            .find(|t| t.starts_with("service Critical") && t.contains("of crasher failed"));
        if let Some(failed) = failed {
            assert!(failed.ends_with("task: non-zero exit (1)"), "{failed}");
            assert!(texts.contains(&scaled), "{texts:#?}");
            let scale_lines = texts.iter().filter(|t| t.contains("scaled")).count();
            assert_eq!(scale_lines, 1, "a scale is fed once: {texts:#?}");
            return;
        }
        assert!(Instant::now() < deadline, "no failed task fed: {texts:#?}");
    }
}

#[test]
fn swarm_actions_name_their_target_host_and_audit_verb() {
    let action = |op| Action::Swarm {
        source: SourceId(2),
        host: "docker edge".to_owned(),
        id: "abc123".to_owned(),
        name: "api".to_owned(),
        op,
    };
    let cases = [
        (
            SwarmOp::Scale(3),
            "Scale to 3 replicas service",
            "service_scale:3",
        ),
        (
            SwarmOp::ForceUpdate,
            "Rolling restart of service",
            "service_force_update",
        ),
        (SwarmOp::Rollback, "Roll back service", "service_rollback"),
        (
            SwarmOp::Availability(Availability::Drain),
            "Set availability 'drain' of node",
            "node_availability:drain",
        ),
    ];
    for (op, label, audit) in cases {
        let a = action(op);
        assert_eq!(
            (a.label().as_str(), a.target(), a.host()),
            (label, "api", "docker edge")
        );
        assert_eq!(a.audit_name(), (audit.to_owned(), "abc123".to_owned()));
        assert_eq!(a.source(), SourceId(2));
        assert!(!a.is_destructive() && !a.needs_double_confirm());
    }
}

#[test]
fn the_swarm_key_defaults_to_true_and_can_be_turned_off() {
    let env = |_: &str| -> Option<String> { None };
    let on = config::parse(
        "[[docker]]\nhost = \"unix:///x.sock\"\n",
        Path::new("c.toml"),
        &env,
    );
    assert!(on.unwrap().docker[0].swarm);
    let off = "[[docker]]\nhost = \"unix:///x.sock\"\nswarm = false\n";
    assert!(
        !config::parse(off, Path::new("c.toml"), &env)
            .unwrap()
            .docker[0]
            .swarm
    );
    let wrong = "[[docker]]\nhost = \"unix:///x.sock\"\nswarm = \"yes\"\n";
    assert!(config::parse(wrong, Path::new("c.toml"), &env).is_err());
}

/// Lines of a service's logs, as the `l` follower sends them, until `enough` holds.
async fn service_log_lines(
    host: &str,
    (id, name): (&str, &str),
    tasks: Vec<(String, String)>,
    enough: impl Fn(&[String]) -> bool,
) -> Vec<String> {
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    let cancel = CancellationToken::new();
    let follower = tokio::spawn(service_logs::follow(
        client(host),
        (id.to_owned(), name.to_owned()),
        tasks,
        1,
        100,
        tx,
        cancel.clone(),
    ));
    let mut lines = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !enough(&lines) {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, rx.recv()).await {
            Ok(Some(Update::Log { lines: got, .. })) => {
                lines.extend(got.into_iter().map(|l| l.text));
            }
            other => panic!("no more log lines ({other:?}); so far: {lines:#?}"),
        }
    }
    cancel.cancel();
    follower.await.unwrap();
    lines
}

/// A service of two tasks that each print their slot (through their hostname)
/// every second, so a line's mark can be checked against its text.
fn create_logger(host: &str, name: &str) {
    let _ = docker(host, &["service", "rm", name]);
    docker(
        host,
        &[
            "service",
            "create",
            "--detach",
            "--no-resolve-image",
            "--name",
            name,
            "--replicas",
            "2",
            "--stop-grace-period",
            "2s",
            "--hostname",
            "slot-{{.Task.Slot}}",
            "flightdeck-test:busybox",
            "sh",
            "-c",
            "trap 'exit 0' TERM; while :; do echo \"from $(hostname)\"; sleep 1 & wait; done",
        ],
    )
    .unwrap();
}

#[tokio::test]
async fn service_logs_mark_each_line_with_the_task_that_wrote_it() {
    let Some(host) = swarm_host() else { return };
    let _guard = LOCK.lock().await;
    let name = "logger";
    create_logger(&host, name);
    let mut source = SwarmSource::new(engine(&host));
    let s = until(&mut source, "logger to run 2 tasks", |s| {
        s.services
            .iter()
            .any(|x| x.name == name && x.replicas_running == 2)
    })
    .await;
    let logger = service(&s, name).clone();
    // Slot 1 is named here as the app names it; slot 2 is left for the follower
    // to find by listing the service's tasks, as it finds tasks started later.
    let tasks: Vec<(String, String)> = s
        .tasks
        .iter()
        .filter(|t| t.service_id == logger.id && t.is_running() && t.slot == Some(1))
        .map(|t| {
            (
                t.id.clone(),
                format!("logger.1@{}", t.node.clone().unwrap()),
            )
        })
        .collect();
    assert_eq!(tasks.len(), 1);
    let lines = service_log_lines(&host, (&logger.id, name), tasks, |lines| {
        let has = |slot: &str| {
            lines
                .iter()
                .any(|l| l.ends_with(&format!("from slot-{slot}")))
        };
        has("1") && has("2")
    })
    .await;
    docker(&host, &["service", "rm", name]).unwrap();
    for line in &lines {
        let (mark, text) = line
            .split_once("] ")
            .unwrap_or_else(|| panic!("unmarked: {line}"));
        let slot = text.strip_prefix("from slot-").unwrap();
        let expected = if slot == "1" {
            "[logger.1@"
        } else {
            "[logger.2"
        };
        assert!(
            mark.starts_with(expected),
            "{line} is marked with another task"
        );
    }
}

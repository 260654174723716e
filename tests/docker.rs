//! The Docker source, executor, log follower and `status` against the real engine.
//! Each test starts its own labelled containers (removed on drop, panic or not) and
//! waits for conditions with deadline loops, never with fixed sleeps. Without an
//! engine these tests skip, except under `CI`, where they fail.
#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

#[path = "common/docker.rs"]
mod docker_fixtures;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use docker_fixtures::{Engine, Fixture, HOST, IDLE, IMAGE, REVISION, Started, brief, docker_ok};
use flightdeck::actions::audit::AuditLog;
use flightdeck::actions::executor::Executor;
use flightdeck::actions::{Action, ContainerOp};
use flightdeck::error::SourceError;
use flightdeck::sources::docker::{self, DockerSource, Focus};
use flightdeck::sources::{LogLine, Source, SourceId, Update};
use flightdeck::state::Severity;
use flightdeck::state::container::{
    Container, ContainerHealth, ContainerState, REVISION_LABEL, SOURCE_LABEL,
};
use serde_json::Value;
use tokio::sync::{Notify, mpsc, watch};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// Returns from the test early when there is no engine (never under `CI`).
macro_rules! require_engine {
    () => {
        if !docker_fixtures::engine() {
            return;
        }
    };
}

/// How long a health check or restart loop may take to settle.
const SETTLE: Duration = Duration::from_secs(15);
/// How long an action's effect may take to show in a poll.
const SHOWS: Duration = Duration::from_secs(5);

// -- the five containers ----------------------------------------------------------

/// One container in each state the source must tell apart.
struct Zoo {
    healthy: Started,
    unhealthy: Started,
    exited: Started,
    looping: Started,
    paused: Started,
    starting: Started,
}

fn zoo(fx: &Fixture) -> Zoo {
    let health = |cmd| ["--health-cmd", cmd, "--health-interval", "1s"];
    let healthy = fx.run("healthy", &health("true"), &["sh", "-c", IDLE]);
    let unhealthy_opts = [&health("exit 1")[..], &["--health-retries", "1"]].concat();
    let unhealthy = fx.run("unhealthy", &unhealthy_opts, &["sh", "-c", IDLE]);
    let exited = fx.run("exited", &[], &["sh", "-c", "exit 3"]);
    let looping = fx.run(
        "looping",
        &["--restart", "always"],
        &["sh", "-c", "sleep 1; exit 1"],
    );
    let paused = fx.idle("paused");
    docker_ok(&["pause", &paused.id]);
    // The first check runs only after a minute: health stays `starting` for the test.
    let slow = ["--health-cmd", "true", "--health-interval", "60s"];
    let starting = fx.run("starting", &slow, &["sh", "-c", IDLE]);
    Zoo {
        healthy,
        unhealthy,
        exited,
        looping,
        paused,
        starting,
    }
}

/// The image's labels and this fixture's label all reach the container.
fn assert_labels(c: &Container, fx: &Fixture) {
    let label = |key: &str| c.labels.get(key).map(String::as_str);
    assert_eq!(c.revision(), Some(REVISION));
    assert_eq!(label(REVISION_LABEL), Some(REVISION));
    assert_eq!(
        label(SOURCE_LABEL),
        Some("https://github.com/flightdeck/fixture")
    );
    assert_eq!(label(docker_fixtures::LABEL), Some(fx.value()));
}

/// Health checks: passing, failing, not run yet.
async fn assert_health(e: &mut Engine, z: &Zoo, fx: &Fixture) {
    let healthy = e
        .wait_for(&z.healthy.name, "healthy", SETTLE, |c| {
            c.health == ContainerHealth::Healthy
        })
        .await;
    assert_eq!(healthy.state, ContainerState::Running);
    assert_eq!(healthy.severity(), Severity::Ok);
    assert_eq!(healthy.id, z.healthy.id);
    assert_eq!(healthy.image, IMAGE);
    assert_labels(&healthy, fx);
    assert!(healthy.detail.probes.iter().any(|p| p.exit_code == 0));

    let unhealthy = e
        .wait_for(&z.unhealthy.name, "unhealthy", SETTLE, |c| {
            c.health == ContainerHealth::Unhealthy
        })
        .await;
    assert_eq!(unhealthy.state, ContainerState::Running);
    assert_eq!(unhealthy.severity(), Severity::Critical);
    assert!(unhealthy.detail.probes.iter().any(|p| p.exit_code == 1));

    let starting = e
        .wait_for(&z.starting.name, "starting", SHOWS, |c| {
            c.health == ContainerHealth::Starting
        })
        .await;
    assert_eq!(starting.severity(), Severity::Warning);
}

/// Lifecycle states: exited non-zero, in a restart loop, paused.
async fn assert_lifecycle(e: &mut Engine, z: &Zoo) {
    let exited = e
        .wait_for(&z.exited.name, "exited", SETTLE, |c| {
            c.state == ContainerState::Exited
        })
        .await;
    assert_eq!(exited.exit_code, Some(3));
    assert_eq!(exited.severity(), Severity::Critical);
    assert!(exited.finished_at.is_some());
    assert_eq!(exited.stats, None);

    let looping = e
        .wait_for(&z.looping.name, "restarting", SETTLE, |c| {
            c.state == ContainerState::Restarting && c.restart_count > 0
        })
        .await;
    assert_eq!(looping.severity(), Severity::Critical);
    assert_eq!(looping.detail.restart_policy, "always");

    let paused = e
        .wait_for(&z.paused.name, "paused", SHOWS, |c| {
            c.state == ContainerState::Paused
        })
        .await;
    assert_eq!(paused.severity(), Severity::Ok);
    assert!(paused.is_running());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_state_health_exit_code_restarts_and_revision() {
    require_engine!();
    let fx = Fixture::new();
    let z = zoo(&fx);
    let mut e = Engine::connect();
    assert_health(&mut e, &z, &fx).await;
    assert_lifecycle(&mut e, &z).await;
}

// -- events -----------------------------------------------------------------------

/// Waits until the event follower is subscribed: a container created now must wake it.
async fn until_subscribed(e: &Engine, fx: &Fixture) {
    for attempt in 0..10 {
        fx.create_only(&format!("warm{attempt}"), &[], &["true"]);
        let woke = tokio::time::timeout(Duration::from_secs(1), e.refresh.notified()).await;
        if woke.is_ok() {
            return;
        }
    }
    panic!("the event follower never woke the poller after ten container creations");
}

/// Waits (at most 2 s) for refresh-now notifications until a poll right after one
/// shows `name` satisfying `ok`.
async fn refreshed_within_2s(e: &mut Engine, name: &str, what: &str, ok: Check) {
    let deadline = Instant::now() + Duration::from_secs(2);
    let mut seen = None;
    loop {
        let woke = tokio::time::timeout_at(deadline, e.refresh.notified()).await;
        assert!(
            woke.is_ok(),
            "no refresh showing '{name}' {what} within 2 s; last seen after a refresh: {}",
            seen.as_ref().map_or_else(|| "nothing".to_owned(), brief)
        );
        seen = e.find(name).await;
        if seen.as_ref().is_some_and(ok) {
            return;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn engine_events_refresh_within_two_seconds() {
    require_engine!();
    let fx = Fixture::new();
    let mut e = Engine::connect();
    e.poll().await;
    until_subscribed(&e, &fx).await;

    let c = fx.run("late", &[], &["sh", "-c", IDLE]);
    refreshed_within_2s(&mut e, &c.name, "running", |c| {
        c.state == ContainerState::Running
    })
    .await;

    Fixture::wait_ready(&c);

    docker_ok(&["stop", &c.id]);
    refreshed_within_2s(&mut e, &c.name, "exited", |c| {
        c.state == ContainerState::Exited
    })
    .await;
}

// -- actions ----------------------------------------------------------------------

/// An executor on the local engine as source 0, auditing to `audit`.
fn executor(e: &Engine, read_only: bool, audit: &Path) -> Executor {
    let clients = HashMap::from([(SourceId(0), (e.client.clone(), HOST.to_owned()))]);
    Executor::new(clients, read_only, AuditLog::new(Some(audit.to_path_buf())))
}

fn action(c: &Started, op: ContainerOp) -> Action {
    Action::Container {
        source: SourceId(0),
        host: "docker local".to_owned(),
        id: c.id.clone(),
        name: c.name.clone(),
        op,
    }
}

/// The audit file's records.
fn audit_lines(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad audit line {l:?}: {e}")))
        .collect()
}

fn assert_audited(line: &Value, c: &Started, action: &str, outcome: &str) {
    assert_eq!(line["action"], action, "{line}");
    assert_eq!(line["outcome"], outcome, "{line}");
    assert_eq!(line["target"], c.name.as_str(), "{line}");
    assert_eq!(line["target_id"], c.id.as_str(), "{line}");
    assert_eq!(line["host"], "docker local", "{line}");
}

/// A condition on a polled container.
type Check = fn(&Container) -> bool;

fn is_running(c: &Container) -> bool {
    c.state == ContainerState::Running
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_changes_started_at_and_is_audited() {
    require_engine!();
    let fx = Fixture::new();
    let c = fx.idle("web");
    let mut e = Engine::connect();
    let before = e.wait_for(&c.name, "running", SHOWS, is_running).await;
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.jsonl");

    executor(&e, false, &audit)
        .execute(&action(&c, ContainerOp::Restart))
        .await
        .expect("restart");

    let after = e
        .wait_for(&c.name, "restarted", SHOWS, |x| {
            is_running(x) && x.started_at != before.started_at
        })
        .await;
    assert!(
        after.started_at > before.started_at,
        "{} then {}",
        brief(&before),
        brief(&after)
    );
    let lines = audit_lines(&audit);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_audited(&lines[0], &c, "restart", "ok");
    assert_eq!(lines[0]["error"], Value::Null);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_start_pause_unpause_through_the_executor() {
    require_engine!();
    let fx = Fixture::new();
    let c = fx.idle("cycle");
    let mut e = Engine::connect();
    e.wait_for(&c.name, "running", SHOWS, is_running).await;
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.jsonl");
    let ex = executor(&e, false, &audit);

    let steps: [(ContainerOp, &str, Check); 4] = [
        (ContainerOp::Stop, "stopped on request", |c| {
            c.state == ContainerState::Exited && c.exit_code == Some(0) && c.stopped_on_request
        }),
        (ContainerOp::Start, "started", is_running),
        (ContainerOp::Pause, "paused", |c| {
            c.state == ContainerState::Paused
        }),
        (ContainerOp::Unpause, "unpaused", is_running),
    ];
    for (op, what, ok) in steps {
        let name = op.name();
        ex.execute(&action(&c, op))
            .await
            .unwrap_or_else(|err| panic!("{name}: {err}"));
        e.wait_for(&c.name, what, SHOWS, ok).await;
    }
    let lines = audit_lines(&audit);
    assert_eq!(lines.len(), 4, "{lines:?}");
    for (line, name) in lines.iter().zip(["stop", "start", "pause", "unpause"]) {
        assert_audited(line, &c, name, "ok");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_refuses_and_leaves_the_container_alone() {
    require_engine!();
    let fx = Fixture::new();
    let c = fx.idle("guarded");
    let mut e = Engine::connect();
    let before = e.wait_for(&c.name, "running", SHOWS, is_running).await;
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.jsonl");
    let ex = executor(&e, true, &audit);

    for op in [ContainerOp::Stop, ContainerOp::Remove] {
        let got = ex.execute(&action(&c, op)).await;
        assert_eq!(got, Err(SourceError::ReadOnly));
    }

    let after = e.find(&c.name).await.expect("still listed");
    assert_eq!(after.state, ContainerState::Running, "{}", brief(&after));
    assert_eq!(after.started_at, before.started_at);
    let lines = audit_lines(&audit);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_audited(&lines[0], &c, "stop", "refused");
    assert_audited(&lines[1], &c, "remove", "refused");
    let error = lines[0]["error"].as_str().unwrap_or_default();
    assert!(error.contains("read-only"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_with_sigkill_then_remove_only_when_stopped() {
    require_engine!();
    let fx = Fixture::new();
    let victim = fx.idle("victim");
    let bystander = fx.idle("bystander");
    let mut e = Engine::connect();
    e.wait_for(&victim.name, "running", SHOWS, is_running).await;
    e.wait_for(&bystander.name, "running", SHOWS, is_running)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.jsonl");
    let ex = executor(&e, false, &audit);

    let kill = ContainerOp::Kill("SIGKILL".to_owned());
    ex.execute(&action(&victim, kill)).await.expect("kill");
    let killed = e
        .wait_for(&victim.name, "killed", SHOWS, |c| {
            c.state == ContainerState::Exited
        })
        .await;
    assert_eq!(killed.exit_code, Some(137), "128 + SIGKILL");

    // The engine refuses to remove a running container without force (409).
    let refused = ex.execute(&action(&bystander, ContainerOp::Remove)).await;
    assert!(
        matches!(&refused, Err(SourceError::Http { status: 409, .. })),
        "{refused:?}"
    );
    let still = e
        .find(&bystander.name)
        .await
        .expect("a running container survives remove");
    assert_eq!(still.state, ContainerState::Running);

    ex.execute(&action(&victim, ContainerOp::Remove))
        .await
        .expect("remove");
    e.wait_gone(&victim.name, SHOWS).await;

    let lines = audit_lines(&audit);
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_audited(&lines[0], &victim, "kill:SIGKILL", "ok");
    assert_audited(&lines[1], &bystander, "remove", "error");
    assert_audited(&lines[2], &victim, "remove", "ok");
}

// -- logs -------------------------------------------------------------------------

/// Receives log updates of `stream_id` until `done` holds for the lines so far.
async fn collect_logs(
    rx: &mut mpsc::Receiver<Update>,
    stream_id: u64,
    done: impl Fn(&[LogLine]) -> bool,
) -> Vec<LogLine> {
    let deadline = Instant::now() + SHOWS;
    let mut lines = Vec::new();
    while !done(&lines) {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(Update::Log {
                stream_id: s,
                lines: more,
            })) => {
                assert_eq!(s, stream_id);
                lines.extend(more);
            }
            Ok(other) => panic!("expected log lines, got {other:?}; lines so far: {lines:?}"),
            Err(elapsed) => panic!("log lines incomplete ({elapsed}): {lines:?}"),
        }
    }
    lines
}

fn has_text(lines: &[LogLine], text: &str) -> bool {
    lines.iter().any(|l| l.text == text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_keep_stdout_and_stderr_apart() {
    require_engine!();
    let fx = Fixture::new();
    let script = format!("echo out-one; echo err-one >&2; echo out-two; {IDLE}");
    let c = fx.run("talker", &[], &["sh", "-c", &script]);
    let e = Engine::connect();
    let (tx, mut rx) = mpsc::channel(16);
    let cancel = CancellationToken::new();
    tokio::spawn(docker::logs::follow(
        e.client.clone(),
        c.id.clone(),
        1,
        100,
        tx,
        cancel.clone(),
    ));

    let want = ["out-one", "err-one", "out-two", "ready"];
    let lines = collect_logs(&mut rx, 1, |l| want.iter().all(|w| has_text(l, w))).await;
    cancel.cancel();

    let stream_of = |text| lines.iter().find(|l| l.text == text).map(|l| l.stderr);
    assert_eq!(stream_of("out-one"), Some(false), "{lines:?}");
    assert_eq!(stream_of("err-one"), Some(true), "{lines:?}");
    assert_eq!(stream_of("out-two"), Some(false), "{lines:?}");
    let stdout: Vec<&str> = lines
        .iter()
        .filter(|l| !l.stderr)
        .map(|l| l.text.as_str())
        .collect();
    assert_eq!(
        stdout,
        ["out-one", "out-two", "ready"],
        "stdout in order, nothing else"
    );
    assert!(lines.iter().all(|l| l.timestamp.is_some()), "{lines:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_removed_container_ends_its_log() {
    require_engine!();
    let fx = Fixture::new();
    let script = format!("echo hello; {IDLE}");
    let c = fx.run("doomed", &[], &["sh", "-c", &script]);
    let e = Engine::connect();
    let (tx, mut rx) = mpsc::channel(16);
    let cancel = CancellationToken::new();
    tokio::spawn(docker::logs::follow(
        e.client.clone(),
        c.id.clone(),
        7,
        100,
        tx,
        cancel.clone(),
    ));
    // Once a line arrived, the stream is surely open.
    collect_logs(&mut rx, 7, |l| has_text(l, "hello")).await;

    docker_ok(&["rm", "-f", &c.id]);

    let ended = loop {
        match tokio::time::timeout(SHOWS, rx.recv()).await {
            Ok(Some(Update::LogEnded { stream_id, reason })) => break (stream_id, reason),
            Ok(Some(Update::Log { .. })) => {}
            other => panic!("no LogEnded within {SHOWS:?} of the removal: {other:?}"),
        }
    };
    cancel.cancel();
    assert_eq!(ended.0, 7);
    assert!(
        ended.1.contains("removed") || ended.1.contains("stopped"),
        "reason: {}",
        ended.1
    );
}

// -- stats ------------------------------------------------------------------------

/// Stats are sampled off the poll's path, one tick per interval (2 s), so the first
/// sample of a newly selected row may take up to two ticks to show in a poll.
const SAMPLED: Duration = Duration::from_secs(10);

/// Puts `c` on screen, selected.
fn select(e: &Engine, c: &Started) {
    e.focus.send_replace(Focus {
        selected: Some(c.id.clone()),
        visible: vec![c.id.clone()],
        ..Focus::default()
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_selected_container_gets_memory_stats() {
    require_engine!();
    let fx = Fixture::new();
    let c = fx.idle("measured");
    let mut e = Engine::connect();
    let unseen = e.wait_for(&c.name, "running", SHOWS, is_running).await;
    assert_eq!(unseen.stats, None, "not on screen: not sampled");

    select(&e, &c);
    let seen = e
        .wait_for(&c.name, "sampled", SAMPLED, |c| c.stats.is_some())
        .await;

    let stats = seen.stats.unwrap();
    assert!(stats.mem_used > 0, "{}", brief(&seen));
    assert!(stats.mem_limit > 0, "{}", brief(&seen));
    assert!(stats.mem_used <= stats.mem_limit, "{}", brief(&seen));
    assert!(
        stats.cpu_percent.is_finite() && stats.cpu_percent >= 0.0,
        "{stats:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_container_shows_cpu_between_samples() {
    require_engine!();
    let fx = Fixture::new();
    // Half a CPU, so the spinner cannot starve the tests running beside it.
    let c = fx.run(
        "spinner",
        &["--cpus", "0.5"],
        &["sh", "-c", "while :; do :; done"],
    );
    let mut e = Engine::connect();
    e.wait_for(&c.name, "running", SHOWS, is_running).await;
    select(&e, &c);

    // CPU needs two samples; until then it reads 0.
    let seen = e
        .wait_for(&c.name, "using CPU", SAMPLED, |c| {
            c.stats.is_some_and(|s| s.cpu_percent > 10.0)
        })
        .await;
    let stats = seen.stats.unwrap();
    assert!(stats.cpu_percent < 80.0, "capped at 0.5 CPU: {stats:?}");
}

// -- errors -----------------------------------------------------------------------

const MISSING: &str = "unix:///nonexistent/docker.sock";

/// The error names the socket and says what to do.
fn assert_unreachable_with_hint(err: &SourceError) {
    assert!(
        matches!(err, SourceError::Unreachable { target, .. } if target == MISSING),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(
        message.contains("/nonexistent/docker.sock"),
        "names the socket: {message}"
    );
    assert!(
        message.contains("DOCKER_HOST") && message.contains("engine running"),
        "says what to do: {message}"
    );
}

// Permission denied (SourceError::Auth) is not tested: as root every socket opens.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_socket_is_unreachable_and_says_what_to_do() {
    let cfg = docker_fixtures::engine_config(MISSING);
    let cancel = CancellationToken::new();
    let links = || (watch::channel(Focus::default()).1, Arc::new(Notify::new()));

    // Connected up front (`new`): unix sockets are only opened by the first request.
    let (focus, refresh) = links();
    let connected = match docker::connect(&cfg) {
        Ok(client) => DockerSource::new(client, MISSING, focus, refresh, cancel.clone())
            .poll()
            .await
            .err(),
        Err(e) => Some(e),
    };
    // Connected by the first poll (`lazy`), as the app and `status` do.
    let (focus, refresh) = links();
    let lazy = DockerSource::lazy(cfg, focus, refresh, cancel.clone())
        .poll()
        .await
        .err();
    cancel.cancel();

    assert_unreachable_with_hint(&connected.expect("polling a missing socket failed"));
    assert_unreachable_with_hint(&lazy.expect("polling a missing socket failed"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_executor_connects_per_action() {
    require_engine!();
    let fx = Fixture::new();
    let c = fx.idle("peruse");
    let mut e = Engine::connect();
    e.wait_for(&c.name, "running", SHOWS, is_running).await;
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.jsonl");
    let configs = |host| HashMap::from([(SourceId(0), docker_fixtures::engine_config(host))]);

    let up = Executor::with_configs(configs(HOST), false, AuditLog::new(Some(audit.clone())));
    up.execute(&action(&c, ContainerOp::Stop))
        .await
        .expect("stop");
    e.wait_for(&c.name, "stopped", SHOWS, |c| {
        c.state == ContainerState::Exited
    })
    .await;

    let down = Executor::with_configs(configs(MISSING), false, AuditLog::new(Some(audit.clone())));
    let err = down.execute(&action(&c, ContainerOp::Start)).await;
    assert_unreachable_with_hint(&err.expect_err("start through a missing socket"));

    let lines = audit_lines(&audit);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_audited(&lines[0], &c, "stop", "ok");
    assert_audited(&lines[1], &c, "start", "error");
}

// -- status -----------------------------------------------------------------------

fn local_only_config() -> flightdeck::config::Config {
    let src = "[[docker]]\nname = \"local\"\nhost = \"unix:///var/run/docker.sock\"\n";
    flightdeck::config::parse_in(src, Path::new("docker-test.toml"), None, &|_| None)
        .expect("config")
}

/// Why the report's item for `c` does not match, or `None` when it does.
fn item_mismatch(
    items: &[Value],
    c: &Started,
    state: &str,
    health: &str,
    severity: &str,
) -> Option<String> {
    let Some(item) = items.iter().find(|i| i["name"] == c.name.as_str()) else {
        return Some(format!("no item named '{}'", c.name));
    };
    let want = [
        ("kind", Value::from("container")),
        ("source", Value::from("local")),
        ("host", Value::from("local")),
        ("id", Value::from(c.id.as_str())),
        ("image", Value::from(IMAGE)),
        ("state", Value::from(state)),
        ("health", Value::from(health)),
        ("severity", Value::from(severity)),
    ];
    let wrong: Vec<String> = want
        .iter()
        .filter(|(k, v)| item[*k] != *v)
        .map(|(k, v)| format!("{k}: want {v}, got {}", item[*k]))
        .collect();
    let missing = ["restart_count", "exit_code"]
        .iter()
        .filter(|k| item.get(**k).is_none())
        .map(|k| format!("{k}: missing"));
    let wrong: Vec<String> = wrong.into_iter().chain(missing).collect();
    (!wrong.is_empty()).then(|| format!("'{}': {}", c.name, wrong.join(", ")))
}

fn zoo_mismatches(items: &[Value], z: &Zoo) -> Vec<String> {
    let expect = [
        (&z.healthy, "running", "healthy", "ok"),
        (&z.unhealthy, "running", "unhealthy", "critical"),
        (&z.exited, "exited", "none", "critical"),
        (&z.looping, "restarting", "none", "critical"),
        (&z.paused, "paused", "none", "ok"),
        (&z.starting, "running", "starting", "warning"),
    ];
    let mut out: Vec<String> = expect
        .iter()
        .filter_map(|(c, st, h, sev)| item_mismatch(items, c, st, h, sev))
        .collect();
    let field = |c: &Started, k: &str| {
        items
            .iter()
            .find(|i| i["name"] == c.name.as_str())
            .map(|i| i[k].clone())
    };
    if field(&z.exited, "exit_code") != Some(Value::from(3)) {
        out.push(format!(
            "exited: exit_code {:?}",
            field(&z.exited, "exit_code")
        ));
    }
    let restarts = field(&z.looping, "restart_count").and_then(|v| v.as_u64());
    if restarts.is_none_or(|n| n == 0) {
        out.push(format!(
            "looping: restart_count {:?}",
            field(&z.looping, "restart_count")
        ));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_reports_each_container_with_its_severity() {
    require_engine!();
    let fx = Fixture::new();
    let z = zoo(&fx);
    let config = local_only_config();
    let deadline = Instant::now() + SETTLE;
    loop {
        let report = flightdeck::status::collect(&config, Duration::from_secs(10)).await;
        let json = serde_json::to_value(&report).unwrap();
        let items = json["items"].as_array().cloned().unwrap_or_default();
        let wrong = zoo_mismatches(&items, &z);
        if wrong.is_empty() {
            assert_eq!(report.status, Severity::Critical);
            let source = &json["sources"][0];
            assert_eq!(source["kind"], "docker", "{source}");
            assert_eq!(source["health"], "ok", "{source}");
            return;
        }
        assert!(
            Instant::now() < deadline,
            "status after {SETTLE:?}: {}",
            wrong.join("; ")
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

// -- what is reported is true at every poll ----------------------------------------

/// Waits (CLI `inspect`, deadline loop) until `c` has been restarted `n` times by its policy.
async fn wait_restarts(c: &Started, n: u64, timeout: Duration) {
    let deadline = std::time::Instant::now() + timeout;
    loop {
        let count = docker_ok(&["inspect", "-f", "{{.RestartCount}}", &c.id]);
        if count.parse::<u64>().is_ok_and(|k| k >= n) {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "'{}' restarted {count} times, not {n}, within {timeout:?}",
            c.name
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The status item of `c` in one fresh `flightdeck status` run.
async fn status_item(c: &Started) -> (Value, Vec<String>) {
    let report = flightdeck::status::collect(&local_only_config(), Duration::from_secs(10)).await;
    let lines: Vec<String> = report
        .attention
        .iter()
        .map(flightdeck::status::Attention::text)
        .collect();
    let json = serde_json::to_value(&report).unwrap();
    let item = json["items"]
        .as_array()
        .and_then(|items| items.iter().find(|i| i["name"] == c.name.as_str()).cloned())
        .unwrap_or_else(|| panic!("no status item for '{}'", c.name));
    (item, lines)
}

/// A container that exits 1 two seconds after each start, restarted by its policy.
async fn crash_looping(fx: &Fixture) -> Started {
    let c = fx.run(
        "crashloop",
        &["--restart", "always"],
        &["sh", "-c", "sleep 2; exit 1"],
    );
    wait_restarts(&c, 3, Duration::from_secs(30)).await;
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_loop_is_critical_at_every_one_of_ten_status_polls() {
    require_engine!();
    let fx = Fixture::new();
    let c = crash_looping(&fx).await;
    let mut wrong = Vec::new();
    for poll in 0..10 {
        let (item, lines) = status_item(&c).await;
        let listed = lines.iter().any(|l| l.contains(&c.name));
        if item["severity"] != "critical" || item["crash_loop"] != true || !listed {
            wrong.push(format!(
                "poll {poll}: state={} severity={} crash_loop={} in attention={listed}",
                item["state"], item["severity"], item["crash_loop"]
            ));
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert!(
        wrong.is_empty(),
        "{} of 10 polls wrong: {wrong:#?}",
        wrong.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_loop_is_critical_at_every_poll_of_the_source() {
    require_engine!();
    let fx = Fixture::new();
    let c = crash_looping(&fx).await;
    let mut e = Engine::connect();
    let mut wrong = Vec::new();
    for poll in 0..10 {
        let seen = e.find(&c.name).await.expect("listed");
        if seen.severity() != Severity::Critical || !seen.crash_loop {
            wrong.push(format!("poll {poll}: {}", brief(&seen)));
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert!(
        wrong.is_empty(),
        "{} of 10 polls wrong: {wrong:#?}",
        wrong.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_that_was_asked_for_is_not_critical() {
    require_engine!();
    let fx = Fixture::new();
    // No TERM handler as PID 1: the stop waits out --stop-timeout and kills (exit 137).
    let c = fx.run("asked", &[], &["sleep", "100000"]);
    let mut e = Engine::connect();
    e.wait_for(&c.name, "running", SHOWS, is_running).await;
    docker_ok(&["stop", &c.id]);
    let (item, lines) = status_item(&c).await;
    assert_eq!(item["state"], "exited", "{item}");
    assert_eq!(item["exit_code"], 137, "{item}");
    assert_eq!(item["severity"], "ok", "{item}");
    assert_eq!(item["stopped_on_request"], true, "{item}");
    assert!(!lines.iter().any(|l| l.contains(&c.name)), "{lines:#?}");
    let seen = e
        .wait_for(&c.name, "exited", SHOWS, |x| {
            x.state == ContainerState::Exited
        })
        .await;
    assert_eq!(seen.severity(), Severity::Ok, "{}", brief(&seen));
    assert!(seen.stopped_on_request, "{}", brief(&seen));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_start_is_critical_with_its_error() {
    require_engine!();
    let fx = Fixture::new();
    let c = fx.create_only("nostart", &[], &["/nonexistent"]);
    assert!(docker_fixtures::docker(&["start", &c.id]).is_err());
    let (item, lines) = status_item(&c).await;
    assert_eq!(item["severity"], "critical", "{item}");
    let error = item["error"].as_str().unwrap_or_default();
    assert!(error.contains("/nonexistent"), "{item}");
    let line = lines.iter().find(|l| l.contains(&c.name));
    assert!(
        line.is_some_and(|l| l.starts_with("CRITICAL") && l.contains("/nonexistent")),
        "{lines:#?}"
    );
    let mut e = Engine::connect();
    let seen = e.find(&c.name).await.expect("listed");
    assert_eq!(seen.severity(), Severity::Critical, "{}", brief(&seen));
    assert!(seen.detail.error.contains("/nonexistent"), "{seen:?}");
}

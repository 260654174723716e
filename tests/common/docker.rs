//! Fixtures for the tests against the real Docker engine: labelled containers
//! started through the `docker` CLI, removed by a `Drop` guard even when a test
//! panics, and deadline loops that poll a `DockerSource` until a condition holds.
#![allow(dead_code, reason = "not every test uses every helper")]

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use flightdeck::config::DockerConfig;
use flightdeck::sources::Source;
use flightdeck::sources::docker::{self, DockerSource, Focus};
use flightdeck::state::Payload;
use flightdeck::state::container::Container;
use tokio::sync::{Notify, watch};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// The engine every test talks to (the CLI is pointed at it too, whatever DOCKER_HOST says).
pub const SOCKET: &str = "/var/run/docker.sock";
/// The engine's address as configured.
pub const HOST: &str = "unix:///var/run/docker.sock";
/// The image built by `scripts/test-image`.
pub const IMAGE: &str = "flightdeck-test:busybox";
/// The label that marks every container a test starts.
pub const LABEL: &str = "flightdeck.test";
/// The commit the test image is labelled with.
pub const REVISION: &str = "0123456789abcdef0123456789abcdef01234567";
/// A long-running command that exits at once (code 0) on SIGTERM, so stops are fast;
/// it prints `ready` once the trap is set.
pub const IDLE: &str = "trap 'exit 0' TERM; echo ready; sleep 100000 & wait";

/// Whether the engine is there; panics when `CI` is set and it is not (CI must not
/// skip), else says why the test is skipped. Builds the test image when missing.
pub fn engine() -> bool {
    static READY: OnceLock<Result<(), String>> = OnceLock::new();
    let ready = READY.get_or_init(|| {
        if !Path::new(SOCKET).exists() {
            return Err(format!("no Docker socket at '{SOCKET}'"));
        }
        docker(&["version", "--format", "{{.Server.APIVersion}}"])
            .map_err(|e| format!("the Docker engine does not answer: {e}"))?;
        build_image()
    });
    match ready {
        Ok(()) => true,
        Err(why) if std::env::var_os("CI").is_some() => {
            panic!("CI is set, so the Docker tests must run, but: {why}")
        }
        Err(why) => {
            eprintln!("skipping: {why} (set CI=1 to make this a failure)");
            false
        }
    }
}

fn build_image() -> Result<(), String> {
    if docker(&["image", "inspect", IMAGE]).is_ok() {
        return Ok(());
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/test-image");
    let out = Command::new(&script)
        .env("DOCKER_HOST", HOST)
        .output()
        .map_err(|e| format!("cannot run '{}': {e}", script.display()))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "'{}' failed: {}",
            script.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Runs the docker CLI against the test engine; its trimmed stdout, or why it failed.
pub fn docker(args: &[&str]) -> Result<String, String> {
    let out = Command::new("docker")
        .env("DOCKER_HOST", HOST)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run docker: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    } else {
        Err(format!(
            "docker {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Like [`docker`], panicking with the CLI's message on failure.
pub fn docker_ok(args: &[&str]) -> String {
    docker(args).unwrap_or_else(|e| panic!("{e}"))
}

/// A container this test started.
#[derive(Debug, Clone)]
pub struct Started {
    /// Full id.
    pub id: String,
    /// Unique name.
    pub name: String,
}

/// One test's containers: all carry `flightdeck.test=<run>` and are force-removed
/// on drop, panic or not. Each fixture has its own run value, so tests running in
/// parallel never remove each other's containers.
pub struct Fixture {
    run: String,
}

impl Fixture {
    /// A fixture with a label value unique to this process, time and fixture.
    pub fn new() -> Fixture {
        static SEQ: AtomicU32 = AtomicU32::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let seq = SEQ.fetch_add(1, Ordering::Relaxed);
        Fixture {
            run: format!("{}-{nanos}-{seq}", std::process::id()),
        }
    }

    /// The value of this fixture's label.
    pub fn value(&self) -> &str {
        &self.run
    }

    /// The `key=value` label of this fixture's containers.
    pub fn label(&self) -> String {
        format!("{LABEL}={}", self.run)
    }

    /// The unique container name for `role`.
    pub fn name(&self, role: &str) -> String {
        format!("fdt-{}-{role}", self.run)
    }

    /// `docker run -d` of the test image as `role` with extra options, then `cmd`.
    pub fn run(&self, role: &str, options: &[&str], cmd: &[&str]) -> Started {
        self.create("run", role, &[&["-d"], options].concat(), cmd)
    }

    /// `docker create` (not started) of the test image as `role`.
    pub fn create_only(&self, role: &str, options: &[&str], cmd: &[&str]) -> Started {
        self.create("create", role, options, cmd)
    }

    /// A running container that stops at once (code 0) on SIGTERM; returns once it
    /// is [ready](Self::wait_ready).
    pub fn idle(&self, role: &str) -> Started {
        let c = self.run(role, &[], &["sh", "-c", IDLE]);
        Self::wait_ready(&c);
        c
    }

    /// Waits until a container running [`IDLE`] has set its SIGTERM trap (a PID 1
    /// without one ignores SIGTERM, and a stop then waits for the timeout and kills).
    pub fn wait_ready(c: &Started) {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while !docker_ok(&["logs", &c.id]).contains("ready") {
            assert!(
                std::time::Instant::now() < deadline,
                "'{}' never printed 'ready'",
                c.name
            );
        }
    }

    fn create(&self, verb: &str, role: &str, options: &[&str], cmd: &[&str]) -> Started {
        let name = self.name(role);
        let label = self.label();
        let mut args = vec![
            verb,
            "--name",
            &name,
            "--label",
            &label,
            "--stop-timeout",
            "2",
        ];
        args.extend_from_slice(options);
        args.push(IMAGE);
        args.extend_from_slice(cmd);
        let id = docker_ok(&args);
        Started { id, name }
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let filter = format!("label={}", self.label());
        let ids = match docker(&["ps", "-aq", "--filter", &filter]) {
            Ok(ids) => ids,
            Err(e) => {
                eprintln!("cleanup: {e}");
                return;
            }
        };
        let ids: Vec<&str> = ids.split_whitespace().collect();
        if ids.is_empty() {
            return;
        }
        let args = [&["rm", "-f", "-v"], ids.as_slice()].concat();
        if let Err(e) = docker(&args) {
            eprintln!("cleanup: {e}");
        }
    }
}

/// The `[[docker]]` table of the local engine.
pub fn local_config() -> DockerConfig {
    engine_config(HOST)
}

/// A `[[docker]]` table named `local` for `host`, polled every 2 s.
pub fn engine_config(host: &str) -> DockerConfig {
    DockerConfig {
        name: "local".to_owned(),
        host: host.to_owned(),
        interval: Duration::from_secs(2),
        cert_path: None,
        tls_verify: false,
        swarm: true,
    }
}

/// A source on the local engine and the loop's ends of its links.
pub struct Engine {
    /// The source under test.
    pub source: DockerSource,
    /// What the event follower pokes.
    pub refresh: Arc<Notify>,
    /// Tells the source which containers are on screen.
    pub focus: watch::Sender<Focus>,
    /// The client, for the executor and the log follower.
    pub client: bollard::Docker,
    cancel: CancellationToken,
}

impl Engine {
    /// Connects to the local engine and starts the source's event follower.
    pub fn connect() -> Engine {
        let cfg = local_config();
        let client = docker::connect(&cfg).expect("connect to the local engine");
        let (focus, focus_rx) = watch::channel(Focus::default());
        let refresh = Arc::new(Notify::new());
        let cancel = CancellationToken::new();
        let source = DockerSource::new(
            client.clone(),
            &cfg.host,
            focus_rx,
            Arc::clone(&refresh),
            cancel.clone(),
        );
        Engine {
            source,
            refresh,
            focus,
            client,
            cancel,
        }
    }

    /// Polls once; panics on an error.
    pub async fn poll(&mut self) -> Vec<Container> {
        match self.source.poll().await {
            Ok(Payload::Containers(list)) => list,
            Ok(other) => panic!("not a Docker payload: {other:?}"),
            Err(e) => panic!("poll failed: {e}"),
        }
    }

    /// The container named `name` in one poll, if listed.
    pub async fn find(&mut self, name: &str) -> Option<Container> {
        self.poll().await.into_iter().find(|c| c.name == name)
    }

    /// Polls until `name` satisfies `ok` or `timeout` passes; then panics with the
    /// last state seen. Returns the container that satisfied it.
    pub async fn wait_for(
        &mut self,
        name: &str,
        what: &str,
        timeout: Duration,
        ok: impl Fn(&Container) -> bool,
    ) -> Container {
        let deadline = Instant::now() + timeout;
        loop {
            let seen = self.find(name).await;
            if let Some(c) = seen.as_ref().filter(|c| ok(c)) {
                return c.clone();
            }
            assert!(
                Instant::now() < deadline,
                "'{name}' not {what} within {timeout:?}; last seen: {}",
                seen.as_ref().map_or_else(|| "not listed".to_owned(), brief)
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Polls until `name` is no longer listed, or panics after `timeout`.
    pub async fn wait_gone(&mut self, name: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            let Some(c) = self.find(name).await else {
                return;
            };
            assert!(
                Instant::now() < deadline,
                "'{name}' still listed after {timeout:?}: {}",
                brief(&c)
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

/// The fields a failing assertion needs, on one line.
pub fn brief(c: &Container) -> String {
    let mut out = format!(
        "state={} health={} exit_code={:?} restart_count={} started_at={:?}",
        c.state.as_str(),
        c.health.as_str(),
        c.exit_code,
        c.restart_count,
        c.started_at
    );
    if let Some(s) = c.stats {
        let _ = write!(
            out,
            " mem={}/{} cpu={:.1}%",
            s.mem_used, s.mem_limit, s.cpu_percent
        );
    }
    out
}

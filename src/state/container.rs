//! Containers as the Docker source reports them, and the rules that turn a
//! container's state into a severity. Plain data: no bollard types leak in here.

use std::collections::{BTreeMap, HashMap, VecDeque};

use chrono::{DateTime, Utc};

use super::Severity;
use crate::state::SourceId;

/// The engine's lifecycle state of a container.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ContainerState {
    /// Created, never started.
    Created,
    /// Running.
    Running,
    /// Paused (processes frozen).
    Paused,
    /// Being restarted by its restart policy.
    Restarting,
    /// Being removed.
    Removing,
    /// Stopped.
    Exited,
    /// Dead (removal failed).
    Dead,
}

impl ContainerState {
    /// Parses the engine's word (`running`, `exited`, …); unknown words are `Dead`.
    pub fn parse(word: &str) -> ContainerState {
        match word {
            "created" => ContainerState::Created,
            "running" => ContainerState::Running,
            "paused" => ContainerState::Paused,
            "restarting" => ContainerState::Restarting,
            "removing" => ContainerState::Removing,
            "exited" => ContainerState::Exited,
            _ => ContainerState::Dead,
        }
    }

    /// The engine's word for this state.
    pub fn as_str(self) -> &'static str {
        match self {
            ContainerState::Created => "created",
            ContainerState::Running => "running",
            ContainerState::Paused => "paused",
            ContainerState::Restarting => "restarting",
            ContainerState::Removing => "removing",
            ContainerState::Exited => "exited",
            ContainerState::Dead => "dead",
        }
    }
}

/// The result of the container's HEALTHCHECK.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ContainerHealth {
    /// No health check defined.
    None,
    /// The check has not passed yet.
    Starting,
    /// The last checks passed.
    Healthy,
    /// The check failed its retries.
    Unhealthy,
}

impl ContainerHealth {
    /// Parses the engine's word (`healthy`, `unhealthy`, `starting`, `none`).
    pub fn parse(word: &str) -> ContainerHealth {
        match word {
            "healthy" => ContainerHealth::Healthy,
            "unhealthy" => ContainerHealth::Unhealthy,
            "starting" => ContainerHealth::Starting,
            _ => ContainerHealth::None,
        }
    }

    /// The word shown and reported (`none` when there is no check).
    pub fn as_str(self) -> &'static str {
        match self {
            ContainerHealth::None => "none",
            ContainerHealth::Starting => "starting",
            ContainerHealth::Healthy => "healthy",
            ContainerHealth::Unhealthy => "unhealthy",
        }
    }
}

/// One resource sample, computed as `docker stats` computes it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ContainerStats {
    /// CPU use in percent of one CPU (can exceed 100 on several CPUs).
    pub cpu_percent: f64,
    /// Memory in use, page cache excluded, in bytes.
    pub mem_used: u64,
    /// Memory limit in bytes (the host's memory when unlimited).
    pub mem_limit: u64,
    /// When the engine read the sample.
    pub at: DateTime<Utc>,
}

/// One run of the health check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    /// When it started.
    pub start: Option<DateTime<Utc>>,
    /// Its exit code (0 passed).
    pub exit_code: i64,
    /// What it printed (trimmed).
    pub output: String,
}

/// What only `inspect` tells, shown in the detail view.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ContainerDetail {
    /// The last health probes, oldest first.
    pub probes: Vec<Probe>,
    /// Restart policy, e.g. `on-failure:3` or `no`.
    pub restart_policy: String,
    /// Environment as `(key, value)`; values of secret-looking keys are already masked.
    pub env: Vec<(String, String)>,
    /// Mounts as `source → destination (mode)`.
    pub mounts: Vec<String>,
    /// Networks with the container's address on each.
    pub networks: Vec<String>,
    /// The command line.
    pub command: String,
    /// Why the engine could not start it (`State.Error`); empty when it could.
    pub error: String,
    /// Whether the kernel's OOM killer ended its last run (`State.OOMKilled`).
    pub oom_killed: bool,
}

/// One container on one engine.
#[derive(Debug, Clone, PartialEq)]
pub struct Container {
    /// Full container id.
    pub id: String,
    /// Name without the leading `/`.
    pub name: String,
    /// Image reference as created (`web:1.2`).
    pub image: String,
    /// Compose project (`com.docker.compose.project`), if any.
    pub project: Option<String>,
    /// Lifecycle state.
    pub state: ContainerState,
    /// Health check result.
    pub health: ContainerHealth,
    /// When it last started.
    pub started_at: Option<DateTime<Utc>>,
    /// When it last stopped.
    pub finished_at: Option<DateTime<Utc>>,
    /// Exit code of the last run (meaningful when not running).
    pub exit_code: Option<i64>,
    /// Restarts by the restart policy.
    pub restart_count: u64,
    /// Restarting over and over: restarted at least `CRASH_LOOP_RESTARTS` times
    /// in the last `CRASH_WINDOW_SECS`, or being restarted now.
    pub crash_loop: bool,
    /// Restarts after deaths nobody asked for in the last `CRASH_WINDOW_SECS`,
    /// as the engine's events tell.
    pub recent_restarts: u32,
    /// Stopped or killed on request (`docker stop`/`kill`, or flightdeck's own action).
    pub stopped_on_request: bool,
    /// Published ports, `0.0.0.0:8080->80/tcp`.
    pub ports: Vec<String>,
    /// The container's labels (which include the image's).
    pub labels: BTreeMap<String, String>,
    /// The latest resource sample, when one was taken.
    pub stats: Option<ContainerStats>,
    /// Inspect-only details.
    pub detail: ContainerDetail,
}

/// The OCI label that names the commit an image was built from.
pub const REVISION_LABEL: &str = "org.opencontainers.image.revision";
/// The OCI label that names the repository an image was built from.
pub const SOURCE_LABEL: &str = "org.opencontainers.image.source";

/// How far back restarts count towards a crash loop.
pub const CRASH_WINDOW_SECS: i64 = 300;
/// Restarts within `CRASH_WINDOW_SECS` that make a crash loop.
pub const CRASH_LOOP_RESTARTS: u32 = 2;

impl Container {
    /// How worried to be: critical in a crash loop, when unhealthy, restarting,
    /// dead, after a failed start or a non-zero exit nobody asked for; warning
    /// while the health check is starting. A stop on request and a removal in
    /// progress are never critical.
    pub fn severity(&self) -> Severity {
        if self.state == ContainerState::Removing || (self.stopped_on_request && !self.is_running())
        {
            return Severity::Ok;
        }
        let failed_exit =
            self.state == ContainerState::Exited && self.exit_code.is_some_and(|c| c != 0);
        if self.crash_loop
            || self.health == ContainerHealth::Unhealthy
            || self.state == ContainerState::Restarting
            || self.state == ContainerState::Dead
            || failed_exit
            || self.has_failed_start()
        {
            Severity::Critical
        } else if self.health == ContainerHealth::Starting {
            Severity::Warning
        } else {
            Severity::Ok
        }
    }

    /// Whether the engine could not start it (its `State.Error`, kept until a start succeeds).
    pub fn has_failed_start(&self) -> bool {
        !self.detail.error.is_empty() && !self.is_running()
    }

    /// Whether the container is running (paused counts as running).
    pub fn is_running(&self) -> bool {
        matches!(self.state, ContainerState::Running | ContainerState::Paused)
    }

    /// The image's build commit, if labelled.
    pub fn revision(&self) -> Option<&str> {
        self.labels.get(REVISION_LABEL).map(String::as_str)
    }
}

/// Masks values of environment keys that look secret (TOKEN, SECRET, PASSWORD, KEY…).
pub fn mask_env(key: &str, value: &str) -> String {
    const SECRET_WORDS: [&str; 6] = ["TOKEN", "SECRET", "PASSWORD", "PASSWD", "KEY", "CREDENTIAL"];
    let upper = key.to_ascii_uppercase();
    if SECRET_WORDS.iter().any(|w| upper.contains(w)) && !value.is_empty() {
        "••••••".to_owned()
    } else {
        value.to_owned()
    }
}

/// Samples kept per container for sparklines (at 2 s, the last four minutes).
pub const HISTORY_LEN: usize = 120;

/// Bounded CPU and memory history per container, for sparklines.
#[derive(Debug, Clone, Default)]
pub struct StatsHistory {
    series: HashMap<(SourceId, String), Series>,
}

/// The kept samples of one container and how many were ever recorded.
#[derive(Debug, Clone, Default)]
struct Series {
    ring: VecDeque<ContainerStats>,
    recorded: u64,
}

impl StatsHistory {
    /// Records new samples of `containers` and forgets containers that are gone.
    pub fn record(&mut self, source: SourceId, containers: &[Container]) {
        let listed: std::collections::HashSet<&str> =
            containers.iter().map(|c| c.id.as_str()).collect();
        self.series
            .retain(|(s, id), _| *s != source || listed.contains(id.as_str()));
        for c in containers {
            let Some(stats) = c.stats else { continue };
            let series = self.series.entry((source, c.id.clone())).or_default();
            if series.ring.back().is_some_and(|last| last.at >= stats.at) {
                continue;
            }
            if series.ring.len() == HISTORY_LEN {
                series.ring.pop_front();
            }
            series.ring.push_back(stats);
            series.recorded = series.recorded.saturating_add(1);
        }
    }

    /// The samples of one container, oldest first.
    pub fn of(&self, source: SourceId, id: &str) -> impl Iterator<Item = &ContainerStats> {
        self.numbered(source, id).map(|(_, s)| s)
    }

    /// The samples of one container, oldest first, each with its ordinal (how many
    /// samples of it were recorded before), which stays with a sample as older ones drop.
    pub fn numbered(
        &self,
        source: SourceId,
        id: &str,
    ) -> impl Iterator<Item = (u64, &ContainerStats)> {
        let series = self.series.get(&(source, id.to_owned()));
        let first = series.map_or(0, |s| s.recorded.saturating_sub(s.ring.len() as u64));
        series
            .into_iter()
            .flat_map(|s| s.ring.iter())
            .enumerate()
            .map(move |(i, s)| (first.saturating_add(i as u64), s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::testkit;

    fn container(state: ContainerState, health: ContainerHealth, exit: Option<i64>) -> Container {
        Container {
            id: "abc".into(),
            state,
            health,
            exit_code: exit,
            ..testkit::container("web")
        }
    }

    #[test]
    fn severity_rules() {
        use ContainerHealth as H;
        use ContainerState as S;
        assert_eq!(
            container(S::Running, H::Unhealthy, None).severity(),
            Severity::Critical
        );
        assert_eq!(
            container(S::Restarting, H::None, Some(1)).severity(),
            Severity::Critical
        );
        assert_eq!(
            container(S::Exited, H::None, Some(3)).severity(),
            Severity::Critical
        );
        assert_eq!(
            container(S::Exited, H::None, Some(0)).severity(),
            Severity::Ok
        );
        assert_eq!(
            container(S::Running, H::Starting, None).severity(),
            Severity::Warning
        );
        assert_eq!(
            container(S::Paused, H::Healthy, None).severity(),
            Severity::Ok
        );
    }

    #[test]
    fn crash_loops_failed_starts_requested_stops_and_removals() {
        use ContainerHealth as H;
        use ContainerState as S;
        let mut looping = container(S::Running, H::None, Some(1));
        looping.crash_loop = true;
        assert_eq!(looping.severity(), Severity::Critical);
        let mut asked = container(S::Exited, H::None, Some(137));
        assert_eq!(asked.severity(), Severity::Critical);
        asked.stopped_on_request = true;
        assert_eq!(asked.severity(), Severity::Ok);
        let mut failed = container(S::Created, H::None, Some(127));
        assert_eq!(failed.severity(), Severity::Ok);
        failed.detail.error = "exec: \"/nonexistent\": no such file or directory".into();
        assert!(failed.has_failed_start());
        assert_eq!(failed.severity(), Severity::Critical);
        assert_eq!(
            container(S::Removing, H::Unhealthy, None).severity(),
            Severity::Ok
        );
    }

    #[test]
    fn secrets_are_masked() {
        assert_eq!(mask_env("GITHUB_TOKEN", "ghp_x"), "••••••");
        assert_eq!(mask_env("db_password", "hunter2"), "••••••");
        assert_eq!(mask_env("API_KEY", "k"), "••••••");
        assert_eq!(mask_env("PATH", "/bin"), "/bin");
    }

    #[test]
    fn history_is_bounded_and_forgets_removed_containers() {
        let mut h = StatsHistory::default();
        let t0 = chrono::DateTime::<Utc>::UNIX_EPOCH;
        let mut c = container(ContainerState::Running, ContainerHealth::None, None);
        for i in 0..200 {
            c.stats = Some(ContainerStats {
                cpu_percent: f64::from(i),
                mem_used: 1,
                mem_limit: 2,
                at: t0 + chrono::Duration::seconds(i64::from(i)),
            });
            h.record(SourceId(0), std::slice::from_ref(&c));
            h.record(SourceId(0), std::slice::from_ref(&c));
        }
        assert_eq!(h.of(SourceId(0), "abc").count(), HISTORY_LEN);
        let ordinals: Vec<u64> = h.numbered(SourceId(0), "abc").map(|(n, _)| n).collect();
        // 200 recorded (the repeats are skipped), the newest 120 kept.
        assert_eq!(ordinals.first(), Some(&80));
        assert_eq!(ordinals.last(), Some(&199));
        h.record(SourceId(0), &[]);
        assert_eq!(h.of(SourceId(0), "abc").count(), 0);
    }
}

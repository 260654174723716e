//! The incident snapshot: the time, the overall status, every attention item, every
//! app card, the recent change feed (TUI only), the last log lines of each failing
//! container and the firing alerts with their labels — as Markdown a person pastes
//! into an incident channel, or JSON a script reads. Every text is scrubbed of the
//! configured secrets before it leaves.

mod logs;
mod render;

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

pub use logs::{LOG_LINES, failing_containers, tail_logs};
pub use render::{markdown, secrets, to_json};

use super::Attention;
use crate::config::Config;
use crate::state::apps::{AppStatus, apps};
use crate::state::{Severity, Store};

/// Change-feed lines a snapshot taken in the TUI carries.
pub const FEED_LINES: usize = 50;

/// One incident snapshot.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Snapshot {
    /// When it was taken (RFC 3339).
    pub generated_at: String,
    /// The overall status, as `flightdeck status` gives it.
    pub status: Severity,
    /// What needs attention, worst first, as the Overview lists it.
    pub attention: Vec<Attention>,
    /// Every app's card.
    pub apps: Vec<AppCard>,
    /// The newest change-feed lines, newest first (TUI only: one poll sees no changes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feed: Option<Vec<String>>,
    /// The last log lines of each failing container.
    pub logs: Vec<ContainerLog>,
    /// The firing alerts, with their labels.
    pub alerts: Vec<FiringAlert>,
}

/// One app's card.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppCard {
    /// The app's name.
    pub name: String,
    /// The worst of its parts.
    pub severity: Severity,
    /// Its parts in full.
    pub parts: Vec<PartCard>,
}

/// One part of an app card.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartCard {
    /// `build`, `deploy`, `containers`, `model`, `data` or `signals`.
    pub part: &'static str,
    /// How worried to be.
    pub severity: Severity,
    /// Its glyph.
    pub glyph: &'static str,
    /// Its word.
    pub word: String,
    /// Its details, one line each.
    pub details: Vec<String>,
}

/// The log tail of one failing container.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContainerLog {
    /// The engine's source name.
    pub source: String,
    /// The container's name.
    pub container: String,
    /// Its state.
    pub state: String,
    /// Its last log lines, oldest first.
    pub lines: Vec<String>,
    /// Why the log could not be read, when it could not.
    pub error: Option<String>,
}

/// One firing alert.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FiringAlert {
    /// `alertname`.
    pub name: String,
    /// How worried to be.
    pub severity: Severity,
    /// Its summary annotation.
    pub summary: String,
    /// Every label.
    pub labels: BTreeMap<String, String>,
}

/// Builds the snapshot of `store` at `now` (pure; logs are added by the caller).
pub fn build(store: &Store, now: DateTime<Utc>, with_feed: bool) -> Snapshot {
    let report = super::report(store, now);
    let feed = with_feed.then(|| {
        store
            .feed
            .newest_first()
            .take(FEED_LINES)
            .map(|e| {
                let at = e.at.format("%H:%M:%S");
                let glyph = crate::state::apps::glyph(e.severity);
                format!("{at} {glyph} {} {}: {}", e.source, e.kind.word(), e.text)
            })
            .collect()
    });
    Snapshot {
        generated_at: now.to_rfc3339_opts(SecondsFormat::Secs, true),
        status: report.status,
        attention: report.attention,
        apps: apps(store, now).iter().map(card).collect(),
        feed,
        logs: Vec::new(),
        alerts: firing(store),
    }
}

fn card(app: &AppStatus) -> AppCard {
    AppCard {
        name: app.name.clone(),
        severity: app.severity,
        parts: app
            .parts
            .iter()
            .map(|p| PartCard {
                part: p.kind.name(),
                severity: p.severity,
                glyph: p.glyph,
                word: p.word.clone(),
                details: p.details.clone(),
            })
            .collect(),
    }
}

/// Every firing alert, with its labels.
fn firing(store: &Store) -> Vec<FiringAlert> {
    crate::state::apps::firing(store)
        .into_iter()
        .map(|a| FiringAlert {
            name: a.name().to_owned(),
            severity: a.severity(),
            summary: a.summary().to_owned(),
            labels: a.labels,
        })
        .collect()
}

/// `flightdeck snapshot`: polls every source once (at most `timeout`), then reads
/// the failing containers' logs (at most `timeout` again).
pub async fn take(config: &Config, timeout: Duration) -> Snapshot {
    let mut store = Store::new(crate::sources::build::specs(config));
    store.apps.clone_from(&config.apps);
    crate::sources::build::poll_all_once(config, &mut store, timeout).await;
    let mut snapshot = build(&store, Utc::now(), false);
    snapshot.logs = tail_logs(config, &store, timeout).await;
    snapshot
}

/// Writes `text` to `path`, readable by its owner only (0600): a report names hosts,
/// containers and log lines that are nobody else's business.
pub fn write_private(path: &std::path::Path, text: &str) -> Result<(), String> {
    use std::io::Write as _;
    use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
    let fail = |e: std::io::Error| format!("cannot write '{}': {e}", path.display());
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .map_err(fail)?;
    // An existing file keeps its mode on open: narrow it too.
    file.set_permissions(std::fs::Permissions::from_mode(0o600))
        .map_err(fail)?;
    file.write_all(text.as_bytes()).map_err(fail)
}

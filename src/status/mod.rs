//! `flightdeck status`: poll every configured source once (bounded by a timeout),
//! print a summary and exit with the monitoring-plugin convention. Reuses
//! `sources/` and `state/`, never the TUI. The JSON fields are a contract.

mod airflow_items;
mod app_items;
mod attention;
mod items;
pub mod snapshot;
mod swarm_items;

use std::fmt::Write as _;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

pub use app_items::app_item;
pub use attention::{Attention, attention, item_detail};
pub use items::source_items;

use crate::config::Config;
use crate::sources::SourceKind;
pub use crate::state::Severity;
use crate::state::{Health, Store};

/// One source's line in the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceReport {
    /// The source's name (`local`, `github`).
    pub name: String,
    /// Its kind (`docker`, `github`, …).
    pub kind: SourceKind,
    /// `ok`, `error` or `not_configured`.
    pub health: &'static str,
    /// Why it could not be read, when it could not.
    pub error: Option<String>,
}

/// One thing a source reported (a container, a run, an alert…).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    /// `container`, `pipeline_run`, `model_version`, `panel` or `alert`.
    pub kind: &'static str,
    /// The name of the source that reported it.
    pub source: String,
    /// A stable id.
    pub id: String,
    /// A human name.
    pub name: String,
    /// Its state in the backend's words.
    pub state: String,
    /// How worried to be.
    pub severity: Severity,
    /// Kind-specific fields, flattened into the item.
    #[serde(flatten)]
    pub fields: serde_json::Map<String, serde_json::Value>,
}

/// The whole `status --json` object.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Worst of everything: critical beats unknown beats warning beats ok.
    pub status: Severity,
    /// When the report was made (RFC 3339).
    pub generated_at: String,
    /// Every source kind, configured or not.
    pub sources: Vec<SourceReport>,
    /// Every item, worst first.
    pub items: Vec<Item>,
    /// What needs attention, worst first: exactly what the overview lists.
    #[serde(skip)]
    pub attention: Vec<Attention>,
}

/// Polls every source once, waiting at most `timeout` in all.
pub async fn collect(config: &Config, timeout: Duration) -> Report {
    let mut store = Store::new(crate::sources::build::specs(config));
    store.apps.clone_from(&config.apps);
    crate::sources::build::poll_all_once(config, &mut store, timeout).await;
    report(&store, Utc::now())
}

/// Builds the report from a store (pure; `now` is the report's time).
pub fn report(store: &Store, now: DateTime<Utc>) -> Report {
    let mut sources = Vec::new();
    let mut unreadable = false;
    for s in &store.sources {
        let error = match &s.health {
            Health::Ok { .. } => None,
            Health::Error { error, .. } => Some(error.to_string()),
            Health::Crashed { message, .. } => Some(format!("poller crashed: {message}")),
            Health::NeverPolled => Some("no answer before the timeout".to_owned()),
        };
        unreadable |= error.is_some();
        let health = if error.is_some() { "error" } else { "ok" };
        sources.push(SourceReport {
            name: s.spec.name.clone(),
            kind: s.spec.kind,
            health,
            error,
        });
    }
    for kind in SourceKind::ALL.into_iter().filter(|k| !store.has_kind(*k)) {
        let name = kind.name().to_owned();
        sources.push(SourceReport {
            name,
            kind,
            health: "not_configured",
            error: None,
        });
    }
    let mut items: Vec<Item> = store
        .sources
        .iter()
        .flat_map(|s| source_items(s, now))
        .chain(app_items::items(store, now))
        .collect();
    items.sort_by(|a, b| {
        b.severity
            .rank()
            .cmp(&a.severity.rank())
            .then_with(|| a.name.cmp(&b.name))
    });
    let worst = items
        .iter()
        .map(|i| i.severity)
        .max_by_key(|s| s.rank())
        .unwrap_or(Severity::Ok);
    let status = match worst {
        Severity::Critical => Severity::Critical,
        _ if unreadable => Severity::Unknown,
        other => other,
    };
    Report {
        status,
        generated_at: now.to_rfc3339_opts(SecondsFormat::Secs, true),
        sources,
        items,
        attention: attention(store, now),
    }
}

/// The compact text form: a summary line, then what needs attention (as the
/// overview lists it), then the sources.
pub fn render_text(report: &Report) -> String {
    let count = |sev| report.items.iter().filter(|i| i.severity == sev).count();
    let mut out = format!(
        "{} - {} critical, {} warning, {} ok\n",
        report.status.word(),
        count(Severity::Critical),
        count(Severity::Warning),
        count(Severity::Ok)
    );
    for entry in &report.attention {
        let _ = writeln!(out, "{}", entry.text());
    }
    for s in report
        .sources
        .iter()
        .filter(|s| s.health != "not_configured")
    {
        let detail = s
            .error
            .as_deref()
            .map(|e| format!(": {e}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "source   {} {} {}{detail}",
            s.kind.name(),
            s.name,
            s.health
        );
    }
    out
}

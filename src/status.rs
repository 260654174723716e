//! `flightdeck status`: poll every configured source once (bounded by a timeout),
//! print a summary and exit with the monitoring-plugin convention. Reuses
//! `sources/` and `state/`, never the TUI. The JSON fields are a contract.

use std::fmt::Write as _;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use crate::config::Config;
use crate::config::Unit;
use crate::sources::Payload;
use crate::sources::{SourceKind, registry};
pub use crate::state::Severity;
use crate::state::alert::Alert;
use crate::state::container::Container;
use crate::state::metric::{PanelData, format_value};
use crate::state::model::{ModelVersion, ModelsSnapshot};
use crate::state::pipeline::{PipelineRun, RunConclusion};
use crate::state::{Health, SourceState, Store};

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
}

/// Polls every source once, waiting at most `timeout` in all.
pub async fn collect(config: &Config, timeout: Duration) -> Report {
    let mut store = Store::new(registry::specs(config));
    registry::poll_all_once(config, &mut store, timeout).await;
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
            Health::Unsupported { reason } => Some(reason.clone()),
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
    let mut items: Vec<Item> = store.sources.iter().flat_map(source_items).collect();
    items.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.name.cmp(&b.name))
    });
    let worst = items
        .iter()
        .map(|i| i.severity)
        .max()
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
    }
}

/// Extra words for the text form: a health other than none, an exit code.
fn item_detail(item: &Item) -> String {
    let mut out = String::new();
    if let Some(h) = item
        .fields
        .get("health")
        .and_then(|h| h.as_str())
        .filter(|h| *h != "none")
    {
        let _ = write!(out, ", {h}");
    }
    let code = item
        .fields
        .get("exit_code")
        .and_then(serde_json::Value::as_i64);
    if let (true, Some(code)) = (item.state == "exited", code) {
        let _ = write!(out, ", exit code {code}");
    }
    out
}

/// The items of one source's last good data.
pub fn source_items(s: &SourceState) -> Vec<Item> {
    match &s.data {
        Some(Payload::Containers(list)) => list
            .iter()
            .map(|c| container_item(&s.spec.name, c))
            .collect(),
        Some(Payload::Metrics(m)) => {
            let panels = m.panels.iter().map(|p| panel_item(&s.spec.name, p));
            let alerts = m.alerts.iter().map(|a| alert_item(&s.spec.name, a));
            panels.chain(alerts).collect()
        }
        Some(Payload::Alerts(a)) => a
            .alerts
            .iter()
            .map(|a| alert_item(&s.spec.name, a))
            .collect(),
        Some(Payload::Models(snapshot)) => model_items(&s.spec.name, snapshot),
        Some(Payload::Pipelines(p)) => latest_default_branch_runs(&p.runs)
            .into_iter()
            .map(|r| run_item(&s.spec.name, r))
            .collect(),
        None => Vec::new(),
    }
}

/// One item per watched version: the newest of each model and each one behind an alias.
fn model_items(source: &str, snapshot: &ModelsSnapshot) -> Vec<Item> {
    let mut items = Vec::new();
    for model in &snapshot.models {
        for v in model.watched() {
            items.push(version_item(source, &model.name, v));
        }
    }
    for name in &snapshot.missing {
        items.push(Item {
            kind: "model_version",
            source: source.to_owned(),
            id: name.clone(),
            name: name.clone(),
            state: "NOT_FOUND".to_owned(),
            severity: Severity::Unknown,
            fields: object(serde_json::json!({
                "model": name,
                "version": null,
                "aliases": [],
                "status": "NOT_FOUND",
                "run_id": null,
                "git_commit": null,
            })),
        });
    }
    items
}

fn version_item(source: &str, model: &str, v: &ModelVersion) -> Item {
    let fields = serde_json::json!({
        "model": model,
        "version": v.version,
        "aliases": v.aliases,
        "status": v.status.as_str(),
        "run_id": v.run_id,
        "git_commit": v.git_commit,
    });
    Item {
        kind: "model_version",
        source: source.to_owned(),
        id: format!("{model}/{}", v.version),
        name: format!("{model} v{}", v.version),
        state: v.status.as_str().to_owned(),
        severity: v.severity(),
        fields: object(fields),
    }
}

fn object(value: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
    match value {
        serde_json::Value::Object(map) => map,
        _ => serde_json::Map::new(),
    }
}

fn panel_item(source: &str, p: &PanelData) -> Item {
    let severity = p.severity();
    let value = p.value();
    let unit = Unit::NAMES
        .iter()
        .find(|(_, u)| *u == p.panel.unit)
        .map_or("none", |(name, _)| *name);
    let fields = serde_json::json!({
        "value": value.filter(|v| v.is_finite()),
        "unit": unit,
        "formatted": value.map(|v| format_value(v, p.panel.unit)),
        "warn": p.panel.warn,
        "crit": p.panel.crit,
        "query": p.panel.query,
        "error": p.result.as_ref().err(),
    });
    let state = match (&p.result, severity) {
        (Err(_), _) => "error",
        (_, Severity::Critical) => "critical",
        (_, Severity::Warning) => "warning",
        _ => "ok",
    };
    Item {
        kind: "panel",
        source: source.to_owned(),
        id: p.panel.title.clone(),
        name: p.panel.title.clone(),
        state: state.to_owned(),
        severity,
        fields: object(fields),
    }
}

fn alert_item(source: &str, a: &Alert) -> Item {
    let fields = serde_json::json!({
        "severity_label": a.severity_label(),
        "since": a.since.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true)),
        "summary": a.summary(),
        "labels": a.labels,
    });
    Item {
        kind: "alert",
        source: source.to_owned(),
        id: a.key(),
        name: a.name().to_owned(),
        state: a.state.as_str().to_owned(),
        severity: a.severity(),
        fields: object(fields),
    }
}
/// The newest run of each repository and workflow on its default branch.
fn latest_default_branch_runs(runs: &[PipelineRun]) -> Vec<&PipelineRun> {
    let mut seen = std::collections::HashSet::new();
    let mut sorted: Vec<&PipelineRun> = runs.iter().filter(|r| r.on_default_branch).collect();
    sorted.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
    sorted
        .into_iter()
        .filter(|r| seen.insert((r.repo.clone(), r.workflow_id)))
        .collect()
}

fn run_item(source: &str, r: &PipelineRun) -> Item {
    let fields = serde_json::json!({
        "repo": r.repo,
        "workflow": r.workflow,
        "branch": r.branch,
        "head_sha": r.head_sha,
        "status": r.status.as_str(),
        "conclusion": r.conclusion.map(RunConclusion::as_str),
        "url": r.url,
    });
    Item {
        kind: "pipeline_run",
        source: source.to_owned(),
        id: r.id.to_string(),
        name: format!("{} {}", r.repo, r.workflow),
        state: r.outcome().word().to_owned(),
        severity: r.severity(),
        fields: match fields {
            serde_json::Value::Object(map) => map,
            _ => serde_json::Map::new(),
        },
    }
}

fn container_item(host: &str, c: &Container) -> Item {
    let fields = serde_json::json!({
        "host": host,
        "image": c.image,
        "health": c.health.as_str(),
        "restart_count": c.restart_count,
        "exit_code": c.exit_code,
    });
    Item {
        kind: "container",
        source: host.to_owned(),
        id: c.id.clone(),
        name: c.name.clone(),
        state: c.state.as_str().to_owned(),
        severity: c.severity(),
        fields: object(fields),
    }
}

/// The compact text form: a summary line, then problems, then sources.
pub fn render_text(report: &Report) -> String {
    let count = |sev| report.items.iter().filter(|i| i.severity == sev).count();
    let mut out = format!(
        "{} - {} critical, {} warning, {} ok\n",
        report.status.word(),
        count(Severity::Critical),
        count(Severity::Warning),
        count(Severity::Ok)
    );
    for item in report.items.iter().filter(|i| i.severity != Severity::Ok) {
        let sev = item.severity.word();
        let _ = writeln!(
            out,
            "{sev:<8} {} {} ({}): {}{}",
            item.kind,
            item.name,
            item.source,
            item.state,
            item_detail(item)
        );
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

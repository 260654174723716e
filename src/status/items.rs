//! The items of one source's last good data, each with its severity: the one
//! definition of "needs attention" that `flightdeck status` and the overview share.

use chrono::{DateTime, SecondsFormat, Utc};

use super::Item;
use crate::config::Unit;
use crate::state::Payload;
use crate::state::alert::Alert;
use crate::state::container::Container;
use crate::state::metric::{PanelData, format_value};
use crate::state::model::{ModelVersion, ModelsSnapshot};
use crate::state::pipeline::{PipelineRun, RunConclusion};
use crate::state::stuck::{Stuck, stuck};
use crate::state::{Severity, SourceState};

/// The items of one source's last good data at `now` (a run can turn stuck).
pub fn source_items(s: &SourceState, now: DateTime<Utc>) -> Vec<Item> {
    let mut items = data_items(s, now);
    if let Some(swarm) = &s.swarm {
        items.extend(super::swarm_items::items(&s.spec.name, &swarm.snapshot));
    }
    items
}

fn data_items(s: &SourceState, now: DateTime<Utc>) -> Vec<Item> {
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
            .map(|r| run_item(&s.spec.name, r, stuck(r, &p.runs, now)))
            .collect(),
        Some(Payload::Airflow(a)) => super::airflow_items::items(&s.spec.name, a, now),
        Some(Payload::Swarm(_)) | None => Vec::new(),
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

pub(super) fn object(value: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
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

/// A run's item; a stuck run warns even though its outcome is still "in progress".
fn run_item(source: &str, r: &PipelineRun, stuck: Option<Stuck>) -> Item {
    let fields = serde_json::json!({
        "repo": r.repo,
        "workflow": r.workflow,
        "branch": r.branch,
        "head_sha": r.head_sha,
        "status": r.status.as_str(),
        "conclusion": r.conclusion.map(RunConclusion::as_str),
        "url": r.url,
        "stuck": stuck.is_some(),
        "elapsed_seconds": stuck.map(|s| s.elapsed.num_seconds()),
        "usual_seconds": stuck.map(|s| s.usual.num_seconds()),
    });
    let severity = match stuck {
        Some(_) => r.severity().max(Severity::Warning),
        None => r.severity(),
    };
    Item {
        kind: "pipeline_run",
        source: source.to_owned(),
        id: r.id.to_string(),
        name: format!("{} {}", r.repo, r.workflow),
        state: r.outcome().word().to_owned(),
        severity,
        fields: object(fields),
    }
}

fn container_item(host: &str, c: &Container) -> Item {
    let fields = serde_json::json!({
        "host": host,
        "image": c.image,
        "health": c.health.as_str(),
        "restart_count": c.restart_count,
        "exit_code": c.exit_code,
        "crash_loop": c.crash_loop,
        "recent_restarts": c.recent_restarts,
        "stopped_on_request": c.stopped_on_request,
        "oom_killed": c.detail.oom_killed,
        "error": Some(c.detail.error.as_str()).filter(|e| !e.is_empty()),
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

//! Transition detection: compares the previous and the new snapshot of one source.
//! A source's first snapshot yields nothing, so starting flightdeck floods nothing.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::{FeedEntry, FeedKind, Fold};
use crate::state::Payload;
use crate::state::Severity;
use crate::state::alert::{Alert, AlertState};
use crate::state::container::{Container, ContainerHealth, ContainerState};
use crate::state::model::{ModelsSnapshot, VersionStatus};
use crate::state::pipeline::{Outcome, PipelineRun};

/// The transitions from `old` to `new` of the source labelled `source`, seen at `at`.
pub fn transitions(
    source: &str,
    old: Option<&Payload>,
    new: &Payload,
    at: DateTime<Utc>,
) -> Vec<FeedEntry> {
    let Some(old) = old else {
        return Vec::new();
    };
    if let (Payload::Containers(a), Payload::Containers(b)) = (old, new) {
        return containers(a, b)
            .into_iter()
            .map(|(severity, text, fold)| FeedEntry {
                id: 0,
                at,
                source: source.to_owned(),
                kind: FeedKind::Container,
                severity,
                text,
                fold: fold.map(|id| Fold::new(id, at)),
            })
            .collect();
    }
    let found: Vec<(FeedKind, Severity, String)> = match (old, new) {
        (Payload::Pipelines(a), Payload::Pipelines(b)) => runs(&a.runs, &b.runs),
        (Payload::Models(a), Payload::Models(b)) => models(a, b),
        (Payload::Alerts(a), Payload::Alerts(b)) => alerts(&a.alerts, &b.alerts),
        (Payload::Metrics(a), Payload::Metrics(b)) => alerts(&a.alerts, &b.alerts),
        (Payload::Airflow(a), Payload::Airflow(b)) => super::dags::dags(a, b),
        _ => Vec::new(),
    };
    entries(source, at, found)
}

/// Feed entries (numbered when pushed) for transitions found in `source`.
pub(super) fn entries(
    source: &str,
    at: DateTime<Utc>,
    found: Vec<(FeedKind, Severity, String)>,
) -> Vec<FeedEntry> {
    found
        .into_iter()
        .map(|(kind, severity, text)| FeedEntry {
            id: 0,
            at,
            source: source.to_owned(),
            kind,
            severity,
            text,
            fold: None,
        })
        .collect()
}

type Found = (FeedKind, Severity, String);

/// A container's sentence, and the container id when it is a death or restart (which fold).
type ContainerFound = (Severity, String, Option<String>);

fn containers(old: &[Container], new: &[Container]) -> Vec<ContainerFound> {
    let before: HashMap<&str, &Container> = old.iter().map(|c| (c.id.as_str(), c)).collect();
    let mut out = Vec::new();
    for c in new {
        let Some(o) = before.get(c.id.as_str()) else {
            out.push((
                Severity::Ok,
                format!("{} created ({})", c.name, c.state.as_str()),
                None,
            ));
            continue;
        };
        out.extend(container_change(o, c));
    }
    for o in old.iter().filter(|o| !new.iter().any(|c| c.id == o.id)) {
        out.push((Severity::Warning, format!("{} removed", o.name), None));
    }
    out
}

/// At most one sentence per container: the most telling change wins.
fn container_change(o: &Container, c: &Container) -> Option<ContainerFound> {
    let name = &c.name;
    let repeat = Some(c.id.clone());
    if c.state == ContainerState::Removing {
        // Someone removes it: that is neither a death nor a recovery.
        return (o.state != ContainerState::Removing)
            .then(|| (Severity::Ok, format!("{name} being removed"), None));
    }
    if o.is_running() && !c.is_running() {
        if c.stopped_on_request {
            return Some((Severity::Ok, format!("{name} stopped on request"), None));
        }
        let code = c
            .exit_code
            .map(|e| format!(" (exit code {e})"))
            .unwrap_or_default();
        let sev = c.severity().max(Severity::Warning);
        return Some((sev, format!("{name} died{code}"), repeat));
    }
    if c.restart_count > o.restart_count || (c.is_running() && c.started_at > o.started_at) {
        let sev = c.severity().max(Severity::Warning);
        return Some((sev, format!("{name} restarted"), repeat));
    }
    if c.health == ContainerHealth::Unhealthy && o.health != ContainerHealth::Unhealthy {
        return Some((Severity::Critical, format!("{name} turned unhealthy"), None));
    }
    if c.has_failed_start() && o.detail.error != c.detail.error {
        let error = &c.detail.error;
        return Some((
            Severity::Critical,
            format!("{name} failed to start: {error}"),
            None,
        ));
    }
    if o.severity() == Severity::Critical && c.severity() < Severity::Critical {
        return Some((
            Severity::Ok,
            format!("{name} recovered ({})", c.state.as_str()),
            None,
        ));
    }
    None
}

fn runs(old: &[PipelineRun], new: &[PipelineRun]) -> Vec<Found> {
    let before: HashMap<u64, &PipelineRun> = old.iter().map(|r| (r.id, r)).collect();
    let mut out = Vec::new();
    // Oldest first, so one poll's entries read in the order things happened.
    for r in new.iter().rev() {
        let name = format!("{} {} #{}", r.repo, r.workflow, r.number);
        let (was_active, attempt) = before
            .get(&r.id)
            .map_or((None, 0), |o| (Some(o.outcome().is_active()), o.attempt));
        let outcome = r.outcome();
        let restarted = attempt != 0 && r.attempt > attempt;
        if outcome.is_active() && (was_active.is_none() || was_active == Some(false) || restarted) {
            let word = if restarted {
                "re-run started"
            } else {
                "started"
            };
            out.push((Severity::Ok, format!("{name} {word} on {}", branch(r))));
        } else if !outcome.is_active() && was_active != Some(false) {
            out.push((
                outcome.severity(),
                format!("{name} {}", outcome_word(outcome)),
            ));
        }
    }
    out.into_iter()
        .map(|(s, t)| (FeedKind::Run, s, t))
        .collect()
}

fn branch(r: &PipelineRun) -> &str {
    if r.branch.is_empty() { "?" } else { &r.branch }
}

fn outcome_word(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Success => "succeeded",
        Outcome::Failure => "failed",
        Outcome::Cancelled => "was cancelled",
        Outcome::TimedOut => "timed out",
        other => other.word(),
    }
}

fn models(old: &ModelsSnapshot, new: &ModelsSnapshot) -> Vec<Found> {
    let mut out = Vec::new();
    for m in &new.models {
        let Some(o) = old.model(&m.name) else {
            continue;
        };
        for (alias, version) in &m.aliases {
            match o.aliases.get(alias) {
                Some(prev) if prev != version => out.push((
                    Severity::Warning,
                    format!("{} @{alias} moved v{prev} → v{version}", m.name),
                )),
                None => out.push((
                    Severity::Ok,
                    format!("{} @{alias} set on v{version}", m.name),
                )),
                Some(_) => {}
            }
        }
        for (alias, prev) in o
            .aliases
            .iter()
            .filter(|(a, _)| !m.aliases.contains_key(*a))
        {
            out.push((
                Severity::Warning,
                format!("{} @{alias} removed from v{prev}", m.name),
            ));
        }
        for v in &m.versions {
            let was = o.version(&v.version).map(|p| p.status);
            if v.status == VersionStatus::Failed && was != Some(VersionStatus::Failed) {
                out.push((
                    Severity::Critical,
                    format!("{} v{} registration failed", m.name, v.version),
                ));
            } else if was.is_none() && o.latest().is_none_or(|l| l.number() < v.number()) {
                out.push((
                    Severity::Ok,
                    format!("{} v{} registered", m.name, v.version),
                ));
            }
        }
    }
    out.into_iter()
        .map(|(s, t)| (FeedKind::Model, s, t))
        .collect()
}

fn alerts(old: &[Alert], new: &[Alert]) -> Vec<Found> {
    let firing = |list: &[Alert]| -> HashMap<String, Severity> {
        list.iter()
            .filter(|a| a.state == AlertState::Firing)
            .map(|a| (a.key(), a.severity()))
            .collect()
    };
    let (before, now) = (firing(old), firing(new));
    let mut out = Vec::new();
    for a in new
        .iter()
        .filter(|a| now.contains_key(&a.key()) && !before.contains_key(&a.key()))
    {
        out.push((a.severity(), format!("{} fired", describe(a))));
    }
    for a in old
        .iter()
        .filter(|a| before.contains_key(&a.key()) && !now.contains_key(&a.key()))
    {
        out.push((Severity::Ok, format!("{} resolved", describe(a))));
    }
    out.into_iter()
        .map(|(s, t)| (FeedKind::Alert, s, t))
        .collect()
}

fn describe(a: &Alert) -> String {
    match a.labels.get("instance") {
        Some(i) => format!("{} ({i})", a.name()),
        None => a.name().to_owned(),
    }
}

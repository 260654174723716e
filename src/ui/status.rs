//! The one place that maps a domain status to a colour role and a glyph, so a
//! status is never shown by colour alone.

use chrono::{DateTime, Utc};

use crate::state::Payload;
use crate::state::airflow::{AirflowSnapshot, RunState};
use crate::state::alert::AlertState;
use crate::state::container::{Container, ContainerHealth, ContainerState};
use std::time::Duration;

use crate::state::health::{format_age, is_stale};
use crate::state::metric::TargetHealth;
use crate::state::model::VersionStatus;
use crate::state::pipeline::{Outcome, Pipelines};
use crate::state::{Health, Severity};
use crate::theme::Role;

/// The role, glyph and word of a source's health at `now` (stale data has its own).
pub fn source_badge(
    health: &Health,
    interval: Duration,
    now: DateTime<Utc>,
) -> (Role, &'static str, &'static str) {
    let word = health_word(health, interval, now);
    if word == "stale" {
        return (Role::Stale, "≈", word);
    }
    let (role, glyph) = health_badge(health);
    (role, glyph, word)
}

/// The role and glyph of a source's health.
pub fn health_badge(health: &Health) -> (Role, &'static str) {
    match health {
        Health::NeverPolled => (Role::Pending, "…"),
        Health::Ok { .. } => (Role::Ok, "✓"),
        Health::Error { .. } => (Role::Critical, "✗"),
        Health::Crashed { .. } => (Role::Critical, "☠"),
    }
}

/// The word for a source's health: `ok` turns `stale` when polls stopped arriving.
pub fn health_word(health: &Health, interval: Duration, now: DateTime<Utc>) -> &'static str {
    match health {
        Health::Ok { at } if is_stale(*at, interval, now) => "stale",
        h => h.label(),
    }
}

/// The age to show beside a source: of its data once stale (fresh data needs no
/// age, and leaving it out keeps an idle screen still), of the error otherwise.
pub fn health_age(health: &Health, interval: Duration, now: DateTime<Utc>) -> Option<String> {
    match health {
        Health::Ok { at } if is_stale(*at, interval, now) => Some(format_age(now, *at)),
        Health::Crashed { at, .. } => Some(format_age(now, *at)),
        Health::Error { since, .. } => Some(format_age(now, *since)),
        Health::Ok { .. } | Health::NeverPolled => None,
    }
}

/// One sentence on what is wrong and how old the last good data is.
pub fn health_detail(
    health: &Health,
    last_ok: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<String> {
    let last = || match last_ok {
        Some(t) => format!("last good data {} ago", format_age(now, t)),
        None => "no data yet".to_owned(),
    };
    match health {
        Health::Error { error, since, .. } => Some(format!(
            "{error} (failing for {}; {})",
            format_age(now, *since),
            last()
        )),
        Health::Crashed { message, .. } => Some(format!("poller crashed: {message} ({})", last())),
        Health::NeverPolled | Health::Ok { .. } => None,
    }
}

/// The role and glyph of a model version's registration status.
pub fn version_badge(status: VersionStatus) -> (Role, &'static str) {
    match status {
        VersionStatus::Ready => (Role::Ok, "✓"),
        VersionStatus::Pending => (Role::Pending, "…"),
        VersionStatus::Failed => (Role::Critical, "✗"),
        VersionStatus::Unknown => (Role::Muted, "?"),
    }
}

/// One line on what a source's last good data holds (`5 running · 1 unhealthy …`).
pub fn data_summary(data: Option<&Payload>) -> Option<String> {
    Some(match data? {
        Payload::Containers(list) => containers_summary(list),
        Payload::Metrics(m) => metrics_summary(m),
        Payload::Alerts(a) => {
            let firing = a.alerts.iter().filter(|x| x.state == AlertState::Firing);
            let critical = firing
                .clone()
                .filter(|x| x.severity() == Severity::Critical);
            format!(
                "{} firing · {} critical · {} silences",
                firing.count(),
                critical.count(),
                a.silences.len()
            )
        }
        Payload::Models(snapshot) => models_summary(snapshot),
        Payload::Pipelines(p) => pipelines_summary(p),
        Payload::Airflow(a) => airflow_summary(a),
        // Never stored as a source's data: the store keeps it in `SourceState::swarm`.
        Payload::Swarm(_) => return None,
    })
}

fn airflow_summary(a: &AirflowSnapshot) -> String {
    let newest = |s: RunState| {
        a.dags
            .iter()
            .filter(|d| !d.is_paused && d.newest().is_some_and(|r| r.state == s))
            .count()
    };
    let paused = a.dags.iter().filter(|d| d.is_paused).count();
    format!(
        "{} DAGs · {} failing · {} running · {paused} paused",
        a.dags.len(),
        newest(RunState::Failed),
        newest(RunState::Running)
    )
}

fn containers_summary(list: &[Container]) -> String {
    let count = |f: &dyn Fn(&Container) -> bool| list.iter().filter(|c| f(c)).count();
    let running = count(&Container::is_running);
    let unhealthy = count(&|c| c.health == ContainerHealth::Unhealthy);
    let restarting = count(&|c| c.state == ContainerState::Restarting);
    let failed = count(&|c| c.state == ContainerState::Exited && c.exit_code.unwrap_or(0) != 0);
    format!(
        "{running} running · {unhealthy} unhealthy · {restarting} restarting · \
         {failed} failed · {} in all",
        list.len()
    )
}

fn metrics_summary(m: &crate::state::metric::MetricsSnapshot) -> String {
    let failing = m.panels.iter().filter(|p| p.result.is_err()).count();
    let alerting = m
        .panels
        .iter()
        .filter(|p| p.severity() >= Severity::Warning);
    let down = m
        .targets
        .iter()
        .filter(|t| t.health == TargetHealth::Down)
        .count();
    format!(
        "{} panels · {} over threshold · {failing} query errors · {down} of {} targets down",
        m.panels.len(),
        alerting.filter(|p| p.result.is_ok()).count(),
        m.targets.len()
    )
}

fn models_summary(snapshot: &crate::state::model::ModelsSnapshot) -> String {
    let versions = snapshot.models.iter().flat_map(|m| &m.versions);
    let count = |s: VersionStatus| versions.clone().filter(|v| v.status == s).count();
    let aliases: usize = snapshot.models.iter().map(|m| m.aliases.len()).sum();
    let missing = if snapshot.missing.is_empty() {
        String::new()
    } else {
        format!(" · {} not found", snapshot.missing.len())
    };
    format!(
        "{} models · {} versions · {aliases} aliases · {} failed · {} pending{missing}",
        snapshot.models.len(),
        versions.clone().count(),
        count(VersionStatus::Failed),
        count(VersionStatus::Pending)
    )
}

/// The role and glyph of a run, job or step outcome; each glyph differs, so the
/// status reads without colour too.
pub fn outcome_badge(outcome: Outcome) -> (Role, &'static str) {
    match outcome {
        Outcome::Queued => (Role::Pending, "○"),
        Outcome::Waiting => (Role::Pending, "◇"),
        Outcome::InProgress => (Role::Pending, "▶"),
        Outcome::Success => (Role::Ok, "✓"),
        Outcome::Failure => (Role::Critical, "✗"),
        Outcome::Cancelled => (Role::Warning, "⊘"),
        Outcome::Skipped => (Role::Muted, "↷"),
        Outcome::TimedOut => (Role::Critical, "◷"),
        Outcome::ActionRequired => (Role::Warning, "!"),
        Outcome::Neutral => (Role::Muted, "–"),
    }
}

/// One line on what the runs of a GitHub source hold (`30 runs · 2 failing …`).
fn pipelines_summary(p: &Pipelines) -> String {
    let count = |f: &dyn Fn(Outcome) -> bool| p.runs.iter().filter(|r| f(r.outcome())).count();
    let active = count(&Outcome::is_active);
    let failing = count(&|o| o.severity() == crate::state::Severity::Critical);
    let rate = p
        .rate
        .map(|r| format!(" · rate {}/{}", r.remaining, r.limit))
        .unwrap_or_default();
    format!(
        "{} runs in {} repos · {active} running · {failing} failed{rate}",
        p.runs.len(),
        p.repos.len()
    )
}

//! The one place that maps a domain status to a colour role and a glyph, so a
//! status is never shown by colour alone.

use chrono::{DateTime, Utc};

use crate::sources::Payload;
use crate::state::Health;
use crate::state::container::{Container, ContainerHealth, ContainerState};
use crate::state::health::format_age;
use crate::state::pipeline::{Outcome, Pipelines};
use crate::theme::Role;

/// The role and glyph of a source's health.
pub fn health_badge(health: &Health) -> (Role, &'static str) {
    match health {
        Health::NeverPolled => (Role::Pending, "…"),
        Health::Ok { .. } => (Role::Ok, "✓"),
        Health::Error { .. } => (Role::Critical, "✗"),
        Health::Crashed { .. } => (Role::Critical, "☠"),
        Health::Unsupported { .. } => (Role::Muted, "–"),
    }
}

/// The age to show beside a source: of its data when ok, of the error otherwise.
pub fn health_age(health: &Health, now: DateTime<Utc>) -> Option<String> {
    match health {
        Health::Ok { at } | Health::Crashed { at, .. } => Some(format_age(now, *at)),
        Health::Error { since, .. } => Some(format_age(now, *since)),
        Health::NeverPolled | Health::Unsupported { .. } => None,
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
        Health::Unsupported { reason } => Some(reason.clone()),
        Health::NeverPolled | Health::Ok { .. } => None,
    }
}

/// One line on what a source's last good data holds (`5 running · 1 unhealthy …`).
pub fn data_summary(data: Option<&Payload>) -> Option<String> {
    match data? {
        Payload::Containers(list) => {
            let count = |f: &dyn Fn(&Container) -> bool| list.iter().filter(|c| f(c)).count();
            let running = count(&Container::is_running);
            let unhealthy = count(&|c| c.health == ContainerHealth::Unhealthy);
            let restarting = count(&|c| c.state == ContainerState::Restarting);
            let failed =
                count(&|c| c.state == ContainerState::Exited && c.exit_code.unwrap_or(0) != 0);
            Some(format!(
                "{running} running · {unhealthy} unhealthy · {restarting} restarting · \
                 {failed} failed · {} in all",
                list.len()
            ))
        }
        Payload::Pipelines(p) => Some(pipelines_summary(p)),
    }
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

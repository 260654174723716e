//! Swarm actions after the executor ran them: watched over the next polls, their
//! progress shown as a toast (`2/3 updated`) until they converge, fail or are
//! stuck for `WATCH_MINUTES`; the outcome lands in a toast and a feed line.

use chrono::{DateTime, TimeDelta, Utc};

use crate::actions::Action;
use crate::app::{App, toast};
use crate::state::action::SwarmOp;
use crate::state::feed::{FeedEntry, FeedKind};
use crate::state::swarm::{Availability, Swarm, UpdateState};
use crate::state::{Severity, SourceId};
use crate::view::ToastLevel;

/// How long an action is watched for convergence before it is reported as stuck.
const WATCH_MINUTES: i64 = 10;

/// A service or node action that succeeded and is watched until it converges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watch {
    /// The manager's source.
    pub source: SourceId,
    /// Its label.
    pub host: String,
    /// The service's or node's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// What was done.
    pub op: SwarmOp,
    /// When the executor finished it.
    pub since: DateTime<Utc>,
    /// The last progress shown, so a toast is only replaced when it changes.
    pub shown: String,
}

/// Where a watched action stands after one poll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// Still converging: `2/3 updated`.
    Running(String),
    /// Converged.
    Done(String),
    /// Paused, rolled back or gone: why.
    Failed(String),
}

/// Starts watching a Swarm action that the executor finished without error.
pub fn watch(app: &mut App, action: &Action, at: DateTime<Utc>) {
    if let Action::Swarm {
        source,
        host,
        id,
        name,
        op,
    } = action
    {
        app.swarm_watch
            .retain(|w| !(w.source == *source && w.id == *id));
        app.swarm_watch.push(Watch {
            source: *source,
            host: host.clone(),
            id: id.clone(),
            name: name.clone(),
            op: *op,
            since: at,
            shown: String::new(),
        });
    }
}

/// After a swarm poll of `source`: shows each watched action's progress as a
/// toast, and its outcome as a toast and a feed line once it converged or failed.
pub fn on_poll(app: &mut App, source: SourceId, at: DateTime<Utc>) {
    let Some(swarm) = app.store.source(source).and_then(|s| s.swarm.clone()) else {
        return;
    };
    let mut keep = Vec::new();
    for mut w in std::mem::take(&mut app.swarm_watch) {
        if w.source != source {
            keep.push(w);
            continue;
        }
        let deadline = w
            .since
            .checked_add_signed(TimeDelta::minutes(WATCH_MINUTES))
            .unwrap_or(w.since);
        let progress = match progress(&swarm, &w) {
            Progress::Running(_) if at > deadline => {
                Progress::Failed(format!("not converged after {WATCH_MINUTES} minutes"))
            }
            p => p,
        };
        let what = format!("{} '{}' on {}", w.op.label(), w.name, w.host);
        match progress {
            Progress::Running(text) => {
                if text != w.shown {
                    app.view.toast = Some(crate::view::Toast {
                        text: format!("{what}: {text}"),
                        level: ToastLevel::Progress,
                        until: at + TimeDelta::minutes(1),
                    });
                    w.shown = text;
                }
                keep.push(w);
            }
            Progress::Done(text) => outcome(app, &w, at, Severity::Ok, format!("{what}: {text}")),
            Progress::Failed(text) => {
                outcome(app, &w, at, Severity::Critical, format!("{what}: {text}"));
            }
        }
    }
    app.swarm_watch.extend(keep);
}

fn outcome(app: &mut App, w: &Watch, at: DateTime<Utc>, severity: Severity, text: String) {
    app.store.feed.push(FeedEntry {
        id: 0,
        at,
        source: w.host.clone(),
        kind: FeedKind::Action,
        severity,
        text: text.clone(),
        fold: None,
    });
    let level = if severity == Severity::Ok {
        ToastLevel::Info
    } else {
        ToastLevel::Error
    };
    toast(app, text, level);
}

/// Where one watched action stands in a snapshot.
pub fn progress(swarm: &Swarm, w: &Watch) -> Progress {
    let snap = &swarm.snapshot;
    if let SwarmOp::Availability(a) = w.op {
        let Some(node) = snap.nodes.iter().find(|n| n.id == w.id) else {
            return Progress::Failed("node gone".to_owned());
        };
        return match (a, node.availability == a, node.tasks_running) {
            (_, false, _) => Progress::Running(format!("now {}", node.availability.as_str())),
            (Availability::Drain, true, n) if n > 0 => {
                Progress::Running(format!("{n} tasks still running"))
            }
            _ => Progress::Done(format!("{} ({} tasks)", a.as_str(), node.tasks_running)),
        };
    }
    let Some(s) = snap.services.iter().find(|s| s.id == w.id) else {
        return Progress::Failed("service gone".to_owned());
    };
    let desired = s.replicas_desired;
    if let SwarmOp::Scale(n) = w.op {
        return if s.replicas_running == n && desired == n {
            Progress::Done(format!("{n}/{n} running"))
        } else {
            Progress::Running(format!("{}/{n} running", s.replicas_running))
        };
    }
    let updated = snap
        .tasks
        .iter()
        .filter(|t| t.service_id == s.id && t.is_running())
        .filter(|t| t.timestamp.is_some_and(|ts| ts >= w.since))
        .count();
    match s.update_state {
        Some(UpdateState::Paused | UpdateState::RollbackPaused) => Progress::Failed(format!(
            "paused: {}",
            s.update_message.as_deref().unwrap_or("no message")
        )),
        Some(UpdateState::Completed | UpdateState::RollbackCompleted)
            if s.replicas_running >= desired =>
        {
            Progress::Done(format!("{}/{desired} updated", s.replicas_running))
        }
        _ => Progress::Running(format!("{updated}/{desired} updated")),
    }
}

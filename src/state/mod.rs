//! The store: plain data about every configured source, written only by the event
//! loop through `Store::apply`. No tokio, no ratatui; selections live in the UI views.

pub mod action;
pub mod airflow;
pub mod alert;
pub mod apps;
pub mod container;
pub mod dag_tasks;
pub mod duration;
pub mod feed;
pub mod glob;
pub mod health;
pub mod metric;
pub mod model;
pub mod pipeline;
mod severity;
pub mod source;
pub mod stuck;
pub mod swarm;
#[cfg(test)]
pub mod testkit;
pub mod trace;
pub mod undo;
pub mod update;

use chrono::{DateTime, Utc};

use crate::error::SourceError;
pub use container::StatsHistory;
pub use health::Health;
pub use severity::Severity;
pub use source::{SourceId, SourceKind, SourceSpec};
pub use update::{DispatchTarget, LogLine, Payload, Update};

/// One configured source: what it is, how it is doing, and its last good data.
#[derive(Debug, Clone)]
pub struct SourceState {
    /// Kind, name and interval from the config.
    pub spec: SourceSpec,
    /// How its polls are going.
    pub health: Health,
    /// When it last polled successfully.
    pub last_ok: Option<DateTime<Utc>>,
    /// The last good snapshot, kept through errors.
    pub data: Option<Payload>,
    /// A Swarm manager's services, tasks and nodes (Docker sources with `swarm = true`
    /// whose engine is a manager); polled apart from `data`.
    pub swarm: Option<swarm::Swarm>,
}

/// Every configured source, indexed by `SourceId`.
#[derive(Debug, Clone, Default)]
pub struct Store {
    /// The sources in configuration order.
    pub sources: Vec<SourceState>,
    /// CPU and memory history of containers, for sparklines.
    pub container_history: StatsHistory,
    /// Transitions seen between snapshots, and actions taken, newest last.
    pub feed: feed::Feed,
    /// The configured apps (`[[app]]`), joined from the sources' data on demand.
    pub apps: Vec<apps::AppSpec>,
}

impl Store {
    /// A store for these sources, none of them polled yet.
    pub fn new(specs: Vec<SourceSpec>) -> Self {
        let sources = specs
            .into_iter()
            .map(|spec| SourceState {
                spec,
                health: Health::NeverPolled,
                last_ok: None,
                data: None,
                swarm: None,
            })
            .collect();
        Store {
            sources,
            container_history: StatsHistory::default(),
            feed: feed::Feed::default(),
            apps: Vec::new(),
        }
    }

    /// The source with this id.
    pub fn source(&self, id: SourceId) -> Option<&SourceState> {
        self.sources.get(id.0)
    }

    /// The ids of the sources of one kind.
    pub fn ids_of(&self, kind: SourceKind) -> impl Iterator<Item = SourceId> + '_ {
        self.sources
            .iter()
            .enumerate()
            .filter(move |(_, s)| s.spec.kind == kind)
            .map(|(i, _)| SourceId(i))
    }

    /// Whether any source of this kind is configured.
    pub fn has_kind(&self, kind: SourceKind) -> bool {
        self.ids_of(kind).next().is_some()
    }

    /// Applies one update; returns whether anything visible changed.
    pub fn apply(&mut self, update: Update) -> bool {
        match update {
            Update::Polled {
                source,
                at,
                result: Ok(Payload::Swarm(poll)),
            } => self.apply_swarm(source, at, poll),
            Update::Polled { source, at, result } => {
                if let Ok(Payload::Containers(containers)) = &result {
                    self.container_history.record(source, containers);
                }
                // Alertmanager reports the same alerts as Prometheus: feed them once.
                let has_am = self.has_kind(SourceKind::Alertmanager);
                let Some(s) = self.sources.get_mut(source.0) else {
                    return false;
                };
                if let Ok(new) = &result {
                    let found = feed::transitions(&s.spec.label(), s.data.as_ref(), new, at);
                    let metrics = s.spec.kind == SourceKind::Prometheus;
                    for entry in found {
                        if !(metrics && has_am && entry.kind == feed::FeedKind::Alert) {
                            self.feed.push(entry);
                        }
                    }
                }
                apply_poll(s, at, result)
            }
            Update::Log { .. }
            | Update::LogTry { .. }
            | Update::LogEnded { .. }
            | Update::RunDetail { .. }
            | Update::DispatchInputs { .. }
            | Update::DagTasks { .. }
            | Update::ActionDone { .. }
            | Update::Saved { .. } => false,
            Update::Crashed {
                source,
                at,
                message,
            } => {
                let Some(s) = self.sources.get_mut(source.0) else {
                    return false;
                };
                s.health = Health::Crashed { message, at };
                true
            }
        }
    }
}

impl Store {
    /// Keeps a swarm poll beside the source's containers and feeds what changed.
    fn apply_swarm(&mut self, source: SourceId, at: DateTime<Utc>, poll: swarm::SwarmPoll) -> bool {
        let Some(s) = self.sources.get_mut(source.0) else {
            return false;
        };
        if let (Some(old), Ok(Some(new))) = (&s.swarm, &poll) {
            let label = s.spec.label();
            for entry in feed::swarm_transitions(&label, &old.snapshot, new, at) {
                self.feed.push(entry);
            }
        }
        swarm::apply(&mut s.swarm, at, poll)
    }
}

fn apply_poll(
    s: &mut SourceState,
    at: DateTime<Utc>,
    result: Result<Payload, SourceError>,
) -> bool {
    match result {
        Ok(payload) => {
            // Unchanged data from a source that was fresh changes nothing on screen,
            // so an idle dashboard does not redraw on every poll.
            let unchanged = matches!(s.health, Health::Ok { at: prev } if !health::is_stale(prev, s.spec.interval, at))
                && s.data.as_ref() == Some(&payload);
            s.health = Health::Ok { at };
            s.last_ok = Some(at);
            s.data = Some(payload);
            !unchanged
        }
        Err(error) => {
            let since = match &s.health {
                Health::Error {
                    error: prev, since, ..
                } if *prev == error => *since,
                _ => at,
            };
            let changed = !matches!(&s.health, Health::Error { error: prev, .. } if *prev == error);
            s.health = Health::Error { error, since, at };
            changed
        }
    }
}

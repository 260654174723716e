//! The change feed: a bounded, time-ordered list of transitions seen between two
//! snapshots of a source, and of actions taken from flightdeck. Plain data; the
//! detection (`transitions`) is a pure function of two snapshots.

mod dags;
mod detect;
mod swarm;
#[cfg(test)]
mod tests;

use std::collections::VecDeque;

use chrono::{DateTime, Utc};

pub use detect::transitions;

use super::Severity;
use super::health::format_age;

/// The Swarm transitions between two snapshots of the manager behind `source`.
pub fn swarm_transitions(
    source: &str,
    old: &super::swarm::SwarmSnapshot,
    new: &super::swarm::SwarmSnapshot,
    at: DateTime<Utc>,
) -> Vec<FeedEntry> {
    detect::entries(source, at, swarm::swarm(old, new))
}

/// Entries kept; the oldest fall off first.
pub const FEED_LEN: usize = 500;

/// What an entry is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeedKind {
    /// A workflow run started or finished.
    Run,
    /// A container died, restarted, turned unhealthy or recovered.
    Container,
    /// An alias moved, or a version was registered or failed.
    Model,
    /// An alert fired or resolved.
    Alert,
    /// An action taken from flightdeck, with its outcome.
    Action,
    /// A Swarm service was created, scaled, updated or removed, or its tasks failed.
    Service,
    /// A Swarm node went down or up, or was drained, paused or activated.
    Node,
    /// An Airflow DAG run started, succeeded or failed, or a DAG was paused or unpaused.
    Dag,
}

impl FeedKind {
    /// The short word shown in the feed's kind column.
    pub fn word(self) -> &'static str {
        match self {
            FeedKind::Run => "run",
            FeedKind::Container => "container",
            FeedKind::Model => "model",
            FeedKind::Alert => "alert",
            FeedKind::Action => "action",
            FeedKind::Service => "service",
            FeedKind::Node => "node",
            FeedKind::Dag => "dag",
        }
    }
}

/// One transition or action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEntry {
    /// A number unique in this feed, set by `Feed::push` (the feed's row id).
    pub id: u64,
    /// When it was seen (the poll's or the action's time).
    pub at: DateTime<Utc>,
    /// The label of the source it came from (`docker local`).
    pub source: String,
    /// What it is about.
    pub kind: FeedKind,
    /// How it reads: critical for a failure or death, ok for a recovery.
    pub severity: Severity,
    /// One sentence (`web restarted`, `CI #42 failed`).
    pub text: String,
    /// Set on a container's death or restart, so repeats fold into one line.
    pub fold: Option<Fold>,
}

/// What lets repeated deaths and restarts of one container read as one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fold {
    /// The container's stable id (with its source, as the entry names it).
    pub key: String,
    /// Deaths and restarts folded into this entry so far.
    pub count: u32,
    /// When the first of them was seen.
    pub since: DateTime<Utc>,
}

impl Fold {
    /// A fold of one occurrence of `key` seen at `at`.
    pub fn new(key: String, at: DateTime<Utc>) -> Fold {
        Fold {
            key,
            count: 1,
            since: at,
        }
    }
}

/// Repeats further apart than this start a new line.
pub const FOLD_WINDOW_SECS: i64 = 600;

impl FeedEntry {
    /// The text a `/` filter searches: source, kind and sentence.
    pub fn haystack(&self) -> String {
        format!("{} {} {}", self.source, self.kind.word(), self.text)
    }
}

/// The feed itself, oldest first, at most `FEED_LEN` entries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Feed {
    entries: VecDeque<FeedEntry>,
    next_id: u64,
}

impl Feed {
    /// Adds an entry in time order (a late one slots in), dropping the oldest when full;
    /// returns its id. A death or restart of a container whose last one is recent
    /// replaces that line with one that counts both.
    pub fn push(&mut self, mut entry: FeedEntry) -> u64 {
        self.fold_into(&mut entry);
        let id = self.next_id;
        entry.id = id;
        self.next_id += 1;
        let at = self.entries.partition_point(|e| e.at <= entry.at);
        self.entries.insert(at, entry);
        while self.entries.len() > FEED_LEN {
            self.entries.pop_front();
        }
        id
    }

    /// Takes the newest entry of the same fold, when recent, into `entry`.
    fn fold_into(&mut self, entry: &mut FeedEntry) {
        let Some(fold) = entry.fold.as_mut() else {
            return;
        };
        let found = self.entries.iter().rposition(|e| {
            e.source == entry.source && e.fold.as_ref().is_some_and(|f| f.key == fold.key)
        });
        let Some(index) = found else {
            return;
        };
        let recent = self.entries.get(index).is_some_and(|e| {
            let gap = entry.at.signed_duration_since(e.at).num_seconds();
            (0..=FOLD_WINDOW_SECS).contains(&gap)
        });
        if !recent {
            return;
        }
        let Some(old) = self.entries.remove(index) else {
            return;
        };
        let Some(prev) = old.fold else {
            return;
        };
        fold.count = prev.count.saturating_add(1);
        fold.since = prev.since;
        entry.severity = entry.severity.max(old.severity);
        let span = format_age(entry.at, prev.since);
        entry.text = format!(
            "{} · died or restarted {}× in {span}",
            entry.text, fold.count
        );
    }

    /// The entries, newest first.
    pub fn newest_first(&self) -> impl Iterator<Item = &FeedEntry> {
        self.entries.iter().rev()
    }

    /// Number of entries kept.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing was recorded yet.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

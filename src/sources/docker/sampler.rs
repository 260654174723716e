//! Samples one-shot stats in the background, never on the poll's path: the
//! selected container every tick, the visible rows every 5th tick (and at once
//! when they have no sample yet), every running container every 30th. A slow
//! engine (about 1 s per sample on cgroup v1) therefore never delays or times
//! out a poll; a tick simply ends later.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bollard::Docker;
use bollard::query_parameters::StatsOptions;
use chrono::Utc;
use futures_util::{StreamExt, stream};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use super::Focus;
use super::stats::{self, CpuSample};
use crate::state::container::ContainerStats;

/// Samples in flight at once.
const CONCURRENCY: usize = 8;
/// Visible rows get fresh stats every this many ticks.
const VISIBLE_EVERY: u64 = 5;
/// Every running container gets fresh stats every this many ticks.
const SWEEP_EVERY: u64 = 30;

/// The latest sample of each container, shared with the poller that reads it.
pub type Samples = Arc<Mutex<HashMap<String, ContainerStats>>>;

/// Which ids to sample on tick `tick`.
pub fn targets(
    tick: u64,
    focus: &Focus,
    running: &HashSet<String>,
    sampled: &HashSet<String>,
) -> Vec<String> {
    let is_running = |id: &&String| running.contains(*id);
    let mut ids: Vec<String> = if tick % SWEEP_EVERY == SWEEP_EVERY - 1 {
        running.iter().cloned().collect()
    } else if tick.is_multiple_of(VISIBLE_EVERY) {
        focus.visible.iter().filter(is_running).cloned().collect()
    } else {
        focus
            .visible
            .iter()
            .filter(is_running)
            .filter(|id| !sampled.contains(*id))
            .cloned()
            .collect()
    };
    ids.extend(focus.selected.iter().filter(is_running).cloned());
    ids.sort();
    ids.dedup();
    ids
}

/// The sampler's inputs.
pub struct SamplerLinks {
    /// What is on screen.
    pub focus: watch::Receiver<Focus>,
    /// Ids of running containers, from the last poll.
    pub running: watch::Receiver<HashSet<String>>,
    /// Where samples go.
    pub out: Samples,
    /// Shutdown.
    pub cancel: CancellationToken,
}

/// Runs until cancelled, one tick per `interval` (or later, when sampling is slow).
pub async fn run(client: Docker, interval: Duration, links: SamplerLinks) {
    let SamplerLinks {
        mut focus,
        running,
        out,
        cancel,
    } = links;
    let mut cpu: HashMap<String, CpuSample> = HashMap::new();
    let mut tick: u64 = 0;
    loop {
        let alive = running.borrow().clone();
        let sampled: HashSet<String> = out
            .lock()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        let ids = targets(tick, &focus.borrow(), &alive, &sampled);
        let answers = tokio::select! {
            () = cancel.cancelled() => return,
            a = sample(&client, ids) => a,
        };
        cpu.retain(|id, _| alive.contains(id));
        let mut fresh = Vec::new();
        for (id, s) in answers {
            let prev = cpu.get(&id).copied();
            if let Some(c) = stats::cpu_sample(&s) {
                cpu.insert(id.clone(), c);
            }
            // The first sample has no previous one: CPU stays unknown until the second.
            if let Some(st) = stats::to_stats(&s, prev, Utc::now()) {
                fresh.push((id, st, prev.is_some()));
            }
        }
        if let Ok(mut map) = out.lock() {
            map.retain(|id, _| alive.contains(id));
            for (id, st, has_cpu) in fresh {
                if has_cpu || !map.contains_key(&id) {
                    map.insert(id, st);
                }
            }
        }
        tick += 1;
        // A new selection is sampled at once rather than a tick later.
        tokio::select! {
            () = cancel.cancelled() => return,
            () = tokio::time::sleep(interval) => {}
            changed = focus.changed() => if changed.is_err() { return },
        }
    }
}

async fn sample(
    client: &Docker,
    ids: Vec<String>,
) -> Vec<(String, bollard::models::ContainerStatsResponse)> {
    let options = StatsOptions {
        stream: false,
        one_shot: true,
    };
    stream::iter(ids)
        .map(|id| {
            let (client, options) = (client.clone(), options.clone());
            async move {
                let first = client.stats(&id, Some(options)).next().await;
                (id, first)
            }
        })
        .buffer_unordered(CONCURRENCY)
        .filter_map(|(id, answer)| async move {
            match answer {
                Some(Ok(s)) => Some((id, s)),
                _ => None,
            }
        })
        .collect()
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(ids: &[&str]) -> HashSet<String> {
        ids.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn tiers_selected_visible_and_sweep() {
        let focus = Focus {
            selected: Some("a".into()),
            visible: vec!["a".into(), "b".into(), "z".into()],
            ..Focus::default()
        };
        let running = set(&["a", "b", "c", "d"]);
        let none = HashSet::new();
        assert_eq!(
            targets(0, &focus, &running, &none),
            vec!["a", "b"],
            "visible tick; z is not running"
        );
        assert_eq!(
            targets(1, &focus, &running, &set(&["a", "b"])),
            vec!["a"],
            "selected only"
        );
        assert_eq!(
            targets(1, &focus, &running, &set(&["a"])),
            vec!["a", "b"],
            "unsampled visible rows at once"
        );
        assert_eq!(
            targets(29, &focus, &running, &set(&["a", "b"])),
            vec!["a", "b", "c", "d"],
            "sweep"
        );
    }
}

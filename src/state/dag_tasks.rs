//! What one on-demand read of a DAG run's tasks gives: the run's task instances
//! in dependency order (upstream first, the way Airflow's graph reads) and the
//! states of every task in the DAG's recent runs, for the text grid.

use std::collections::{BTreeSet, HashMap};

use super::airflow::TaskInstance;

/// Most recent runs shown as grid columns.
pub const GRID_RUNS: usize = 12;

/// A run's tasks and the DAG's recent task states, read when the run is opened.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunTasks {
    /// The run's task instances, in dependency order.
    pub tasks: Vec<TaskInstance>,
    /// Task ids of the DAG in dependency order (the grid's rows).
    pub order: Vec<String>,
    /// Per recent run id, each task's state (`task_id` → state), newest run first.
    pub grid: Vec<(String, HashMap<String, String>)>,
}

/// One try of one task of a run, whose log is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskLogRef {
    /// The DAG.
    pub dag_id: String,
    /// The run.
    pub run_id: String,
    /// The task.
    pub task_id: String,
    /// The try (1-based).
    pub try_number: u32,
    /// The map index of a mapped task instance (-1 when not mapped).
    pub map_index: i64,
}

/// Whether a task instance in this state may still write to its log or start
/// another try (running, queued, scheduled, waiting to retry or reschedule,
/// deferred, restarting, or no state yet); any other state, known or not, is
/// finished, so nothing is followed forever.
pub fn is_unfinished(state: &str) -> bool {
    matches!(
        state,
        "running"
            | "queued"
            | "scheduled"
            | "up_for_retry"
            | "up_for_reschedule"
            | "deferred"
            | "restarting"
            | "none"
            | ""
    )
}

/// Task ids ordered so every task comes after its upstream tasks; ties keep the
/// order given (Airflow lists tasks by id). A cycle (which Airflow refuses)
/// leaves the tasks on it in the given order at the end.
pub fn dependency_order(tasks: &[(String, Vec<String>)]) -> Vec<String> {
    let index: HashMap<&str, usize> = tasks
        .iter()
        .enumerate()
        .map(|(i, (id, _))| (id.as_str(), i))
        .collect();
    let mut upstream = vec![0usize; tasks.len()];
    for (_, down) in tasks {
        for d in down {
            if let Some(&j) = index.get(d.as_str()) {
                upstream[j] += 1;
            }
        }
    }
    // A min-ordered frontier keeps ties in the given order.
    let mut ready: BTreeSet<usize> = upstream
        .iter()
        .enumerate()
        .filter(|(_, n)| **n == 0)
        .map(|(i, _)| i)
        .collect();
    let mut out = Vec::with_capacity(tasks.len());
    let mut done = vec![false; tasks.len()];
    while let Some(i) = ready.pop_first() {
        done[i] = true;
        out.push(tasks[i].0.clone());
        for d in &tasks[i].1 {
            if let Some(&j) = index.get(d.as_str()) {
                upstream[j] = upstream[j].saturating_sub(1);
                if upstream[j] == 0 && !done[j] {
                    ready.insert(j);
                }
            }
        }
    }
    out.extend(
        tasks
            .iter()
            .enumerate()
            .filter(|(i, _)| !done[*i])
            .map(|(_, (id, _))| id.clone()),
    );
    out
}

/// Sorts task instances by `order` (unknown tasks last, by id), then map index.
pub fn sort_by_order(tasks: &mut [TaskInstance], order: &[String]) {
    let rank: HashMap<&str, usize> = order
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    tasks.sort_by(|a, b| {
        let ra = rank.get(a.task_id.as_str()).copied().unwrap_or(usize::MAX);
        let rb = rank.get(b.task_id.as_str()).copied().unwrap_or(usize::MAX);
        ra.cmp(&rb)
            .then_with(|| a.task_id.cmp(&b.task_id))
            .then(a.map_index.cmp(&b.map_index))
    });
}

/// One glyph for a task state in the grid.
pub fn task_glyph(state: &str) -> &'static str {
    match state {
        "success" => "✓",
        "failed" | "upstream_failed" => "✗",
        "running" => "▶",
        "queued" | "scheduled" | "deferred" | "up_for_reschedule" | "restarting" => "…",
        "up_for_retry" => "↻",
        "skipped" | "removed" => "-",
        _ => "·",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(id: &str, down: &[&str]) -> (String, Vec<String>) {
        (id.into(), down.iter().map(|s| (*s).to_owned()).collect())
    }

    #[test]
    fn upstream_tasks_come_first_and_ties_keep_the_given_order() {
        // Airflow lists by id: extract_a, extract_b, load, transform.
        let tasks = [
            t("extract_a", &["transform"]),
            t("extract_b", &["transform"]),
            t("load", &[]),
            t("transform", &["load"]),
        ];
        assert_eq!(
            dependency_order(&tasks),
            ["extract_a", "extract_b", "transform", "load"]
        );
    }

    #[test]
    fn a_cycle_keeps_its_tasks_at_the_end() {
        let tasks = [t("a", &["b"]), t("b", &["a"]), t("c", &[])];
        assert_eq!(dependency_order(&tasks), ["c", "a", "b"]);
    }

    #[test]
    fn only_known_waiting_states_are_unfinished() {
        for s in ["running", "queued", "up_for_retry", "deferred", "none"] {
            assert!(is_unfinished(s), "{s}");
        }
        for s in [
            "success",
            "failed",
            "upstream_failed",
            "skipped",
            "removed",
            "bogus",
        ] {
            assert!(!is_unfinished(s), "{s}");
        }
    }

    #[test]
    fn glyphs_cover_failed_and_unknown() {
        assert_eq!(task_glyph("upstream_failed"), "✗");
        assert_eq!(task_glyph("none"), "·");
    }
}

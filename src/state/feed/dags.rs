//! Transitions of an Airflow server between two polls: a DAG run started,
//! succeeded or failed; a DAG paused or unpaused. A DAG or run seen for the first
//! time in a poll after the first is fed too (a run triggered between polls).

use std::collections::HashMap;

use super::FeedKind;
use crate::state::Severity;
use crate::state::airflow::{AirflowSnapshot, Dag, DagRun, RunState};

type Found = (FeedKind, Severity, String);

/// Every transition from `old` to `new`, in DAG order.
pub fn dags(old: &AirflowSnapshot, new: &AirflowSnapshot) -> Vec<Found> {
    let before: HashMap<&str, &Dag> = old.dags.iter().map(|d| (d.dag_id.as_str(), d)).collect();
    let mut out = Vec::new();
    for d in &new.dags {
        let Some(o) = before.get(d.dag_id.as_str()) else {
            continue;
        };
        if o.is_paused != d.is_paused {
            let (severity, word) = if d.is_paused {
                (Severity::Warning, "paused")
            } else {
                (Severity::Ok, "unpaused")
            };
            out.push((FeedKind::Dag, severity, format!("DAG {} {word}", d.dag_id)));
        }
        let runs: HashMap<&str, &DagRun> = o.runs.iter().map(|r| (r.run_id.as_str(), r)).collect();
        // Oldest first, so a run that started and ended between polls reads in order.
        for r in d.runs.iter().rev() {
            out.extend(run_change(
                &d.dag_id,
                runs.get(r.run_id.as_str()).copied(),
                r,
            ));
        }
    }
    out
}

fn run_change(dag: &str, old: Option<&DagRun>, new: &DagRun) -> Option<Found> {
    let was = old.map(|r| &r.state);
    if was == Some(&new.state) {
        return None;
    }
    let name = format!("{dag} run {}", new.run_id);
    let found = |severity, text: String| Some((FeedKind::Dag, severity, text));
    match &new.state {
        RunState::Running if was.is_none_or(|w| *w == RunState::Queued) => {
            found(Severity::Ok, format!("{name} started"))
        }
        RunState::Queued if was.is_none() => found(Severity::Ok, format!("{name} queued")),
        RunState::Success => found(Severity::Ok, format!("{name} succeeded")),
        RunState::Failed => found(Severity::Critical, format!("{name} failed")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(id: &str, state: RunState) -> DagRun {
        DagRun {
            dag_id: "etl".into(),
            run_id: id.into(),
            run_type: "manual".into(),
            logical_date: None,
            state,
            queued_at: None,
            start_date: None,
            end_date: None,
            conf: "{}".into(),
        }
    }

    fn snap(paused: bool, runs: Vec<DagRun>) -> AirflowSnapshot {
        AirflowSnapshot {
            dags: vec![Dag {
                dag_id: "etl".into(),
                name: "etl".into(),
                is_paused: paused,
                schedule: None,
                next_run: None,
                owners: vec![],
                tags: vec![],
                runs,
            }],
            truncated: false,
        }
    }

    fn texts(found: &[Found]) -> Vec<&str> {
        found.iter().map(|(_, _, t)| t.as_str()).collect()
    }

    #[test]
    fn runs_start_succeed_and_fail() {
        let a = snap(false, vec![run("r1", RunState::Running)]);
        let b = snap(
            false,
            vec![run("r2", RunState::Running), run("r1", RunState::Failed)],
        );
        let found = dags(&a, &b);
        assert_eq!(texts(&found), ["etl run r1 failed", "etl run r2 started"]);
        assert_eq!(found[0].1, Severity::Critical);
        let c = snap(
            false,
            vec![run("r2", RunState::Success), run("r1", RunState::Failed)],
        );
        assert_eq!(texts(&dags(&b, &c)), ["etl run r2 succeeded"]);
        assert!(dags(&c, &c).is_empty());
    }

    #[test]
    fn pausing_and_unpausing_are_fed() {
        let a = snap(false, vec![]);
        let b = snap(true, vec![]);
        assert_eq!(texts(&dags(&a, &b)), ["DAG etl paused"]);
        assert_eq!(texts(&dags(&b, &a)), ["DAG etl unpaused"]);
    }
}

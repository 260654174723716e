//! Stuck runs: a run still in progress far longer than its workflow usually takes,
//! judged from the durations of that workflow's successful runs in the same snapshot.
//! Pure: `now` is an argument, so the overview and `flightdeck status` agree.

use chrono::{DateTime, Duration, Utc};

use super::pipeline::{Outcome, PipelineRun};

/// Successful runs needed before a workflow has a "usual" duration.
pub const MIN_HISTORY: usize = 3;

/// A run in progress for much longer than usual.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stuck {
    /// How long it has been running.
    pub elapsed: Duration,
    /// The median duration of the workflow's successful runs.
    pub usual: Duration,
}

/// The median duration of the successful runs of `repo`'s workflow `workflow_id`,
/// or `None` with fewer than `MIN_HISTORY` of them.
pub fn usual_duration(runs: &[PipelineRun], repo: &str, workflow_id: u64) -> Option<Duration> {
    let durations: Vec<Duration> = runs
        .iter()
        .filter(|r| r.repo == repo && r.workflow_id == workflow_id)
        .filter(|r| r.outcome() == Outcome::Success)
        .filter_map(|r| r.duration(r.updated_at))
        .collect();
    median(durations)
}

/// The median of successful runs' durations, or `None` with fewer than `MIN_HISTORY`.
pub fn median(mut durations: Vec<Duration>) -> Option<Duration> {
    if durations.len() < MIN_HISTORY {
        return None;
    }
    durations.sort();
    durations.get(durations.len() / 2).copied()
}

/// Whether `elapsed` is far past `usual`: over twice it and at least five minutes
/// past it (short jobs jitter a lot).
pub fn is_far_past(elapsed: Duration, usual: Duration) -> bool {
    let limit = (usual * 2).max(usual + Duration::minutes(5));
    elapsed > limit
}

/// Whether `run` is stuck at `now`: in progress for over twice its workflow's usual
/// duration and at least five minutes past it (short workflows jitter a lot).
pub fn stuck(run: &PipelineRun, runs: &[PipelineRun], now: DateTime<Utc>) -> Option<Stuck> {
    if run.outcome() != Outcome::InProgress {
        return None;
    }
    let elapsed = run.duration(now)?;
    let usual = usual_duration(runs, &run.repo, run.workflow_id)?;
    is_far_past(elapsed, usual).then_some(Stuck { elapsed, usual })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::pipeline::{RunConclusion, RunStatus};
    use crate::state::testkit;

    fn t(mins: i64) -> DateTime<Utc> {
        DateTime::<Utc>::UNIX_EPOCH + Duration::minutes(1000 + mins)
    }

    /// A run of workflow 7 started at minute `start`, lasting `mins` when done.
    fn run(id: u64, start: i64, mins: Option<i64>, conclusion: RunConclusion) -> PipelineRun {
        let status = if mins.is_some() {
            RunStatus::Completed
        } else {
            RunStatus::InProgress
        };
        PipelineRun {
            conclusion: mins.map(|_| conclusion),
            updated_at: t(start + mins.unwrap_or(0)),
            ..testkit::run(id, status, t(start))
        }
    }

    fn history() -> Vec<PipelineRun> {
        vec![
            run(1, -100, Some(8), RunConclusion::Success),
            run(2, -80, Some(10), RunConclusion::Success),
            run(3, -60, Some(12), RunConclusion::Success),
            // A quick failure says nothing about the usual duration.
            run(4, -40, Some(1), RunConclusion::Failure),
        ]
    }

    #[test]
    fn usual_is_the_median_of_successes() {
        assert_eq!(
            usual_duration(&history(), "acme/api", 7),
            Some(Duration::minutes(10))
        );
        assert_eq!(usual_duration(&history(), "acme/web", 7), None);
    }

    #[test]
    fn a_run_far_past_its_usual_duration_is_stuck() {
        let mut runs = history();
        runs.push(run(5, -25, None, RunConclusion::Success));
        let stuck_run = &runs[4];
        let s = stuck(stuck_run, &runs, t(0)).expect("stuck");
        assert_eq!(s.elapsed, Duration::minutes(25));
        assert_eq!(s.usual, Duration::minutes(10));
        // At 18 minutes it is slow, not stuck.
        assert_eq!(stuck(stuck_run, &runs, t(-7)), None);
    }

    #[test]
    fn no_history_or_not_running_is_never_stuck() {
        let mut runs = history();
        runs.truncate(2);
        runs.push(run(5, -300, None, RunConclusion::Success));
        assert_eq!(
            stuck(&runs[2], &runs, t(0)),
            None,
            "two successes are too few"
        );
        let done = history();
        assert_eq!(stuck(&done[0], &done, t(0)), None);
    }

    #[test]
    fn short_workflows_get_five_minutes_of_slack() {
        let mut runs: Vec<PipelineRun> = (1..=3)
            .map(|i| run(i, -100, Some(1), RunConclusion::Success))
            .collect();
        runs.push(run(9, -5, None, RunConclusion::Success));
        assert_eq!(
            stuck(&runs[3], &runs, t(0)),
            None,
            "5 min of a 1 min workflow"
        );
        assert!(stuck(&runs[3], &runs, t(2)).is_some());
    }
}

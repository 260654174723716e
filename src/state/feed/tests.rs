//! Transition detection from pairs of snapshots, and the feed's bound and order.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use super::*;
use crate::state::Payload;
use crate::state::alert::{AlertState, AlertsSnapshot};
use crate::state::container::{Container, ContainerHealth, ContainerState};
use crate::state::model::{ModelVersion, ModelsSnapshot, RegisteredModel, VersionStatus};
use crate::state::pipeline::{PipelineRun, Pipelines, RunConclusion, RunStatus};
use crate::state::testkit::{self, alert};

fn t(secs: i64) -> DateTime<Utc> {
    DateTime::<Utc>::UNIX_EPOCH + Duration::days(20_000) + Duration::seconds(secs)
}

fn container(name: &str, state: ContainerState, health: ContainerHealth) -> Container {
    Container {
        state,
        health,
        started_at: Some(t(-100)),
        ..testkit::container(name)
    }
}

fn texts(old: &Payload, new: &Payload) -> Vec<(Severity, String)> {
    transitions("src", Some(old), new, t(0))
        .into_iter()
        .map(|e| (e.severity, e.text))
        .collect()
}

#[test]
fn first_snapshot_yields_nothing() {
    let p = Payload::Containers(vec![container(
        "web",
        ContainerState::Running,
        ContainerHealth::None,
    )]);
    assert!(transitions("src", None, &p, t(0)).is_empty());
}

#[test]
fn containers_die_restart_turn_unhealthy_and_recover() {
    use ContainerHealth as H;
    use ContainerState as S;
    let old = vec![
        container("web", S::Running, H::Healthy),
        container("api", S::Running, H::Healthy),
        container("db", S::Running, H::Healthy),
        container("cache", S::Running, H::Unhealthy),
        container("gone", S::Running, H::None),
    ];
    let mut new = old[..4].to_vec();
    new[0].state = S::Exited;
    new[0].exit_code = Some(137);
    new[1].started_at = Some(t(-1));
    new[2].health = H::Unhealthy;
    new[3].health = H::Healthy;
    new.push(container("fresh", S::Running, H::None));
    let found = texts(&Payload::Containers(old), &Payload::Containers(new));
    assert_eq!(
        found,
        vec![
            (Severity::Critical, "web died (exit code 137)".to_owned()),
            (Severity::Warning, "api restarted".to_owned()),
            (Severity::Critical, "db turned unhealthy".to_owned()),
            (Severity::Ok, "cache recovered (running)".to_owned()),
            (Severity::Ok, "fresh created (running)".to_owned()),
            (Severity::Warning, "gone removed".to_owned()),
        ]
    );
}

#[test]
fn unchanged_snapshots_yield_nothing() {
    let p = Payload::Containers(vec![container(
        "web",
        ContainerState::Running,
        ContainerHealth::None,
    )]);
    assert!(texts(&p, &p).is_empty());
}

fn run(id: u64, status: RunStatus, conclusion: Option<RunConclusion>) -> PipelineRun {
    PipelineRun {
        conclusion,
        updated_at: t(-1),
        ..testkit::run(id, status, t(-60))
    }
}

fn pipelines(runs: Vec<PipelineRun>) -> Payload {
    Payload::Pipelines(Pipelines {
        runs,
        ..Pipelines::default()
    })
}

#[test]
fn runs_start_fail_succeed_and_rerun() {
    use RunConclusion as C;
    use RunStatus as S;
    let old = pipelines(vec![
        run(3, S::InProgress, None),
        run(2, S::InProgress, None),
        run(1, S::Completed, Some(C::Failure)),
    ]);
    let mut rerun = run(1, S::InProgress, None);
    rerun.attempt = 2;
    let new = pipelines(vec![
        run(4, S::Queued, None),
        run(3, S::Completed, Some(C::Success)),
        run(2, S::Completed, Some(C::Failure)),
        rerun,
    ]);
    assert_eq!(
        texts(&old, &new),
        vec![
            (
                Severity::Ok,
                "acme/api CI #1 re-run started on main".to_owned()
            ),
            (Severity::Critical, "acme/api CI #2 failed".to_owned()),
            (Severity::Ok, "acme/api CI #3 succeeded".to_owned()),
            (Severity::Ok, "acme/api CI #4 started on main".to_owned()),
        ]
    );
}

fn version(v: &str, status: VersionStatus) -> ModelVersion {
    testkit::version(v, status)
}

fn registry(aliases: &[(&str, &str)], versions: Vec<ModelVersion>) -> Payload {
    Payload::Models(ModelsSnapshot {
        models: vec![RegisteredModel {
            name: "fraud".into(),
            description: String::new(),
            updated: None,
            tags: BTreeMap::new(),
            aliases: aliases
                .iter()
                .map(|(a, v)| ((*a).to_owned(), (*v).to_owned()))
                .collect(),
            versions,
            truncated: false,
        }],
        missing: vec![],
    })
}

#[test]
fn aliases_move_and_versions_register_or_fail() {
    use VersionStatus as V;
    let old = registry(
        &[("champion", "2"), ("old", "1")],
        vec![version("2", V::Ready), version("1", V::Ready)],
    );
    let new = registry(
        &[("champion", "3"), ("canary", "3")],
        vec![
            version("4", V::Failed),
            version("3", V::Ready),
            version("2", V::Ready),
        ],
    );
    assert_eq!(
        texts(&old, &new),
        vec![
            (Severity::Ok, "fraud @canary set on v3".to_owned()),
            (
                Severity::Warning,
                "fraud @champion moved v2 → v3".to_owned()
            ),
            (Severity::Warning, "fraud @old removed from v1".to_owned()),
            (
                Severity::Critical,
                "fraud v4 registration failed".to_owned()
            ),
            (Severity::Ok, "fraud v3 registered".to_owned()),
        ]
    );
}

#[test]
fn alerts_fire_and_resolve() {
    let snap = |alerts| {
        Payload::Alerts(AlertsSnapshot {
            alerts,
            silences: vec![],
        })
    };
    let old = snap(vec![
        alert("DiskFull", "critical", AlertState::Firing),
        alert("HighLatency", "warning", AlertState::Pending),
    ]);
    let new = snap(vec![alert("HighLatency", "warning", AlertState::Firing)]);
    assert_eq!(
        texts(&old, &new),
        vec![
            (Severity::Warning, "HighLatency fired".to_owned()),
            (Severity::Ok, "DiskFull resolved".to_owned()),
        ]
    );
}

#[test]
fn feed_is_bounded_and_time_ordered() {
    let entry = |secs: i64| FeedEntry {
        id: 0,
        at: t(secs),
        source: "src".into(),
        kind: FeedKind::Action,
        severity: Severity::Ok,
        text: secs.to_string(),
        fold: None,
    };
    let mut feed = Feed::default();
    for i in 0..600 {
        feed.push(entry(i));
    }
    feed.push(entry(550));
    assert_eq!(feed.len(), FEED_LEN);
    let newest: Vec<&str> = feed
        .newest_first()
        .take(3)
        .map(|e| e.text.as_str())
        .collect();
    assert_eq!(newest, vec!["599", "598", "597"]);
    assert!(feed.newest_first().any(|e| e.text == "550"));
    assert_eq!(feed.newest_first().last().map(|e| e.at), Some(t(101)));
}

#[test]
fn removal_is_never_a_recovery() {
    use ContainerHealth as H;
    use ContainerState as S;
    let old = vec![container("web", S::Running, H::Unhealthy)];
    let mut new = old.clone();
    new[0].state = S::Removing;
    let found = texts(&Payload::Containers(old), &Payload::Containers(new.clone()));
    assert!(
        found.iter().all(|(_, t)| !t.contains("recovered")),
        "{found:?}"
    );
    assert_ne!(
        new[0].severity(),
        Severity::Critical,
        "removing is not critical"
    );
}

#[test]
fn repeated_deaths_and_restarts_of_one_container_fold_into_one_line() {
    use ContainerHealth as H;
    use ContainerState as S;
    let up = |restarts: u64, started: i64| {
        let mut c = container("loop", S::Running, H::None);
        c.restart_count = restarts;
        c.started_at = Some(t(started));
        c
    };
    let down = |restarts: u64| {
        let mut c = container("loop", S::Exited, H::None);
        c.exit_code = Some(1);
        c.restart_count = restarts;
        c
    };
    let other = container("web", S::Running, H::None);
    let mut feed = Feed::default();
    let mut prev = Payload::Containers(vec![up(0, 0), other.clone()]);
    for i in 0..4_i64 {
        let n = u64::try_from(i).unwrap_or(0);
        for (secs, snap) in [(i * 10 + 3, down(n)), (i * 10 + 5, up(n + 1, i * 10 + 5))] {
            let next = Payload::Containers(vec![snap, other.clone()]);
            for e in transitions("src", Some(&prev), &next, t(secs)) {
                feed.push(e);
            }
            prev = next;
        }
    }
    let mut stopped = other.clone();
    stopped.state = S::Exited;
    stopped.exit_code = Some(0);
    let next = Payload::Containers(vec![up(4, 35), stopped]);
    for e in transitions("src", Some(&prev), &next, t(40)) {
        feed.push(e);
    }
    let lines: Vec<&str> = feed.newest_first().map(|e| e.text.as_str()).collect();
    assert_eq!(lines.len(), 2, "{lines:#?}");
    assert!(lines[0].starts_with("web died"), "{lines:#?}");
    assert!(lines[1].starts_with("loop restarted"), "{lines:#?}");
    assert!(lines[1].contains("8×"), "{lines:#?}");
}

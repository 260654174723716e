//! The join against stores built from testkit values: severities, words and lag.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::DateTime;

use super::*;
use crate::state::airflow::{AirflowSnapshot, RunState};
use crate::state::alert::{Alert, AlertState, AlertsSnapshot};
use crate::state::container::{Container, ContainerState};
use crate::state::model::{ModelsSnapshot, RegisteredModel, VersionStatus};
use crate::state::pipeline::{PipelineRun, Pipelines, RunConclusion, RunStatus};
use crate::state::testkit::{self, epoch};
use crate::state::{Payload, Severity, SourceKind, SourceSpec, Store, Update};

fn at(minutes: i64) -> DateTime<chrono::Utc> {
    epoch() + chrono::Duration::minutes(minutes)
}

/// A store with one source per payload, each polled once.
fn store(payloads: Vec<(SourceKind, Payload)>, app: AppSpec) -> Store {
    let specs = payloads
        .iter()
        .map(|(kind, _)| SourceSpec {
            kind: *kind,
            name: kind.name().to_owned(),
            interval: Duration::from_secs(60),
        })
        .collect();
    let mut store = Store::new(specs);
    for (i, (_, payload)) in payloads.into_iter().enumerate() {
        store.apply(Update::Polled {
            source: crate::state::SourceId(i),
            at: at(100),
            result: Ok(payload),
        });
    }
    store.apps = vec![app];
    store
}

fn checkout() -> AppSpec {
    AppSpec {
        name: "checkout".into(),
        repo: Some("acme/api".into()),
        containers: vec![Selector::Name("shop-*".into())],
        ..AppSpec::default()
    }
}

fn done(id: u64, conclusion: RunConclusion, minutes: i64) -> PipelineRun {
    PipelineRun {
        conclusion: Some(conclusion),
        ..testkit::run(id, RunStatus::Completed, at(minutes))
    }
}

fn pipelines(runs: Vec<PipelineRun>) -> (SourceKind, Payload) {
    let p = Pipelines {
        runs,
        repos: vec![("acme/api".into(), "main".into())],
        ..Pipelines::default()
    };
    (SourceKind::Github, Payload::Pipelines(p))
}

/// A running container built from `commit` (its revision label).
fn built(name: &str, commit: &str) -> Container {
    let mut c = testkit::container(name);
    c.labels.insert(
        "org.opencontainers.image.revision".into(),
        commit.to_owned(),
    );
    c
}

fn docker(list: Vec<Container>) -> (SourceKind, Payload) {
    (SourceKind::Docker, Payload::Containers(list))
}

fn sha(id: u64) -> String {
    format!("{id:040x}")
}

#[test]
fn a_failed_ci_run_makes_the_app_critical() {
    let s = store(
        vec![
            pipelines(vec![
                done(1, RunConclusion::Success, 1),
                done(2, RunConclusion::Failure, 2),
            ]),
            docker(vec![built("shop-1", &sha(1))]),
        ],
        checkout(),
    );
    let app = join(&s, &s.apps[0], at(100));
    let build = app.part(PartKind::Build).unwrap();
    assert_eq!(build.severity, Severity::Critical);
    assert_eq!(build.word, "CI #2 failure");
    assert_eq!(build.glyph, "✗");
    assert_eq!(app.severity, Severity::Critical);
    // The failed run built nothing that runs: the deploy is still current.
    assert_eq!(app.part(PartKind::Deploy).unwrap().word, "0000000 current");
}

#[test]
fn deploy_lag_counts_newer_successful_runs_and_only_warns() {
    let mut other = done(5, RunConclusion::Success, 5);
    other.on_default_branch = false;
    let s = store(
        vec![
            pipelines(vec![
                done(1, RunConclusion::Success, 1),
                done(2, RunConclusion::Success, 2),
                done(3, RunConclusion::Failure, 3),
                done(4, RunConclusion::Success, 4),
                other,
                done(6, RunConclusion::Success, 6),
            ]),
            docker(vec![built("shop-1", &sha(2)), testkit::container("web")]),
        ],
        checkout(),
    );
    let app = join(&s, &s.apps[0], at(100));
    let deploy = app.part(PartKind::Deploy).unwrap();
    assert_eq!(deploy.word, format!("{} 2 runs behind", &sha(2)[..7]));
    assert_eq!(deploy.severity, Severity::Warning);
    assert_eq!(
        deploy.link.as_ref().unwrap().id,
        "2",
        "opens the run that built it"
    );
    assert_eq!(app.severity, Severity::Warning, "lag alone warns");
    assert_eq!(app.part(PartKind::Containers).unwrap().word, "1/1 ok");
}

#[test]
fn unknown_and_unseen_commits() {
    let s = store(
        vec![
            pipelines(vec![done(1, RunConclusion::Success, 1)]),
            docker(vec![testkit::container("shop-1")]),
        ],
        checkout(),
    );
    let deploy = join(&s, &s.apps[0], at(100))
        .part(PartKind::Deploy)
        .cloned()
        .unwrap();
    assert_eq!(
        (deploy.word.as_str(), deploy.glyph),
        ("unknown commit", "?")
    );
    assert_eq!(deploy.severity, Severity::Ok);
    let s = store(
        vec![
            pipelines(vec![done(1, RunConclusion::Success, 1)]),
            docker(vec![built("shop-1", "abcdef1234")]),
        ],
        checkout(),
    );
    let deploy = join(&s, &s.apps[0], at(100))
        .part(PartKind::Deploy)
        .cloned()
        .unwrap();
    assert_eq!(deploy.word, "abcdef1 not in recent CI runs");
    assert_eq!(deploy.severity, Severity::Warning);
}

#[test]
fn crash_loops_count_and_absent_sources_hide_parts() {
    let looping = Container {
        crash_loop: true,
        state: ContainerState::Restarting,
        ..testkit::container("shop-2")
    };
    let s = store(
        vec![docker(vec![testkit::container("shop-1"), looping])],
        checkout(),
    );
    let app = join(&s, &s.apps[0], at(100));
    let kinds: Vec<PartKind> = app.parts.iter().map(|p| p.kind).collect();
    assert_eq!(
        kinds,
        [PartKind::Containers],
        "no GitHub source: no build, no deploy"
    );
    let c = &app.parts[0];
    assert_eq!(c.word, "1/2 ok, 1 crash loop");
    assert_eq!(c.severity, Severity::Critical);
    assert_eq!(
        c.link.as_ref().unwrap().id,
        "id-shop-2",
        "links the worst container"
    );
}

fn registry(git_commit: &str, status: VersionStatus) -> (SourceKind, Payload) {
    let mut v = testkit::version("7", status);
    v.git_commit = Some(git_commit.to_owned());
    v.aliases = vec!["champion".into()];
    let model = RegisteredModel {
        name: "churn".into(),
        description: String::new(),
        updated: None,
        tags: BTreeMap::new(),
        aliases: [("champion".to_owned(), "7".to_owned())].into(),
        versions: vec![v],
        truncated: false,
    };
    let snap = ModelsSnapshot {
        models: vec![model],
        missing: vec!["gone".into()],
    };
    (SourceKind::Mlflow, Payload::Models(snap))
}

#[test]
fn model_alias_and_its_commit() {
    let app = AppSpec {
        model: Some(ModelRef::parse("churn@champion").unwrap()),
        ..checkout()
    };
    let s = store(
        vec![
            docker(vec![built("shop-1", &sha(3))]),
            registry(&sha(3), VersionStatus::Ready),
        ],
        app.clone(),
    );
    let m = join(&s, &app, at(100))
        .part(PartKind::Model)
        .cloned()
        .unwrap();
    assert_eq!(
        m.word,
        "champion → v7 READY, trained on the deployed commit"
    );
    assert_eq!(m.link.unwrap().id, "churn/7");
    let s = store(vec![registry(&sha(4), VersionStatus::Ready)], app.clone());
    let m = join(&s, &app, at(100))
        .part(PartKind::Model)
        .cloned()
        .unwrap();
    assert_eq!(m.word, "champion → v7 READY");
    let missing = AppSpec {
        model: Some(ModelRef::parse("churn@prod").unwrap()),
        ..checkout()
    };
    let s = store(
        vec![registry(&sha(4), VersionStatus::Ready)],
        missing.clone(),
    );
    let m = join(&s, &missing, at(100))
        .part(PartKind::Model)
        .cloned()
        .unwrap();
    assert_eq!(
        (m.word.as_str(), m.severity),
        ("no prod alias", Severity::Critical)
    );
}

#[test]
fn data_takes_the_newest_dag_run() {
    let run = |state| testkit::dag_run("etl_daily", "r1", state);
    let dag = testkit::dag(
        "etl_daily",
        vec![run(RunState::Failed), run(RunState::Success)],
    );
    let snap = AirflowSnapshot {
        dags: vec![dag],
        truncated: false,
    };
    let app = AppSpec {
        dags: vec!["etl_daily".into(), "other".into()],
        ..checkout()
    };
    let s = store(
        vec![(SourceKind::Airflow, Payload::Airflow(snap))],
        app.clone(),
    );
    let d = join(&s, &app, at(100))
        .part(PartKind::Data)
        .cloned()
        .unwrap();
    assert_eq!(
        (d.word.as_str(), d.severity),
        ("etl_daily failed", Severity::Critical)
    );
}

#[test]
fn signals_match_firing_alerts_by_label() {
    let alert = |service: &str, state: AlertState| Alert {
        labels: [
            ("alertname".to_owned(), "HighLatency".to_owned()),
            ("service".to_owned(), service.to_owned()),
        ]
        .into(),
        annotations: BTreeMap::new(),
        state,
        since: None,
        silenced_by: vec![],
        fingerprint: None,
    };
    let snap = AlertsSnapshot {
        alerts: vec![
            alert("checkout", AlertState::Firing),
            alert("cart", AlertState::Firing),
            alert("checkout", AlertState::Silenced),
        ],
        silences: vec![],
    };
    let app = AppSpec {
        alerts: [("service".to_owned(), "checkout".to_owned())].into(),
        ..checkout()
    };
    let s = store(
        vec![(SourceKind::Alertmanager, Payload::Alerts(snap))],
        app.clone(),
    );
    let sig = join(&s, &app, at(100))
        .part(PartKind::Signals)
        .cloned()
        .unwrap();
    assert_eq!(
        (sig.word.as_str(), sig.severity),
        ("1 alert firing", Severity::Warning)
    );
    assert_eq!(sig.link.unwrap().kind, "alert");
}

#[test]
fn apps_sort_worst_first() {
    let mut s = store(
        vec![docker(vec![
            testkit::container("web-1"),
            Container {
                crash_loop: true,
                ..testkit::container("shop-1")
            },
        ])],
        checkout(),
    );
    s.apps.insert(
        0,
        AppSpec {
            name: "a-web".into(),
            containers: vec![Selector::Name("web-*".into())],
            ..AppSpec::default()
        },
    );
    let names: Vec<String> = apps(&s, at(100)).into_iter().map(|a| a.name).collect();
    assert_eq!(names, ["checkout", "a-web"]);
}

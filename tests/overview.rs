//! The Overview across sources: attention worst first and shared with `status`,
//! Enter/Esc jumps, the change feed (an action taken from flightdeck and the state
//! change it caused), build links, and snapshots healthy, degraded and erroring.
#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;
#[path = "common/containers.rs"]
mod containers;
#[path = "common/models.rs"]
mod models;
#[path = "common/pipelines.rs"]
mod pipelines;

use chrono::Duration;
use common::{app, at, ch, key, now, screen, spec};
use crossterm::event::KeyCode;
use flightdeck::actions::{Action, ContainerOp};
use flightdeck::app::App;
use flightdeck::app::msg::Msg;
use flightdeck::app::update::update;
use flightdeck::error::SourceError;
use flightdeck::state::container::Container;
use flightdeck::state::feed::FeedKind;
use flightdeck::state::pipeline::{PipelineRun, RunConclusion, RunStatus};
use flightdeck::state::trace;
use flightdeck::state::{Payload, SourceId, SourceKind, Update};
use flightdeck::status::Attention;
use flightdeck::ui::panes::containers::container_id;
use flightdeck::view::Tab;

const WEB_SHA: &str = "9f1c2e7a4b3d5f60718293a4b5c6d7e8f9a0b1c2";

fn poll(a: &mut App, source: usize, secs: i64, payload: Payload) {
    let msg = Update::Polled {
        source: SourceId(source),
        at: at(secs),
        result: Ok(payload),
    };
    update(a, Msg::Source(msg));
    update(a, Msg::Tick { now: at(secs) });
}

/// The run that built the web image (acme/shop Build #20 on the revision label).
fn build_run() -> PipelineRun {
    let mut r = pipelines::run(
        1020,
        "acme/shop",
        "Build",
        "main",
        RunStatus::Completed,
        Some(RunConclusion::Success),
        60,
    );
    WEB_SHA.clone_into(&mut r.head_sha);
    r
}

/// The run of fraud-detector v2's (champion) source commit.
fn training_run() -> PipelineRun {
    let mut r = pipelines::run(
        1021,
        "acme/ml",
        "Train",
        "main",
        RunStatus::Completed,
        Some(RunConclusion::Success),
        90,
    );
    "2f1c2e7a4b3d5f60718293a4b5c6d7e8f9a0b1c2".clone_into(&mut r.head_sha);
    r
}

/// Docker, GitHub and MLflow, all healthy: one web container, green builds.
fn healthy() -> App {
    let mut a = app(vec![
        spec(SourceKind::Docker, "local"),
        spec(SourceKind::Github, "github"),
        spec(SourceKind::Mlflow, "mlflow"),
    ]);
    a.size = (120, 40);
    poll(&mut a, 0, 0, Payload::Containers(vec![containers::web()]));
    poll(
        &mut a,
        1,
        0,
        pipelines::payload(vec![build_run(), training_run()]),
    );
    let mut snap = models::registry();
    snap.models.retain(|m| m.name != "churn");
    snap.models[0].versions.retain(|v| v.version != "3");
    poll(&mut a, 2, 0, Payload::Models(snap));
    a
}

/// acme/api CI runs: three green ones of about 3 minutes, then one running for 30.
fn stuck_history() -> Vec<PipelineRun> {
    let mut runs: Vec<PipelineRun> = (0..3)
        .map(|i| {
            pipelines::run(
                1030 + i,
                "acme/api",
                "CI",
                "main",
                RunStatus::Completed,
                Some(RunConclusion::Success),
                300 + 60 * i64::try_from(i).unwrap(),
            )
        })
        .collect();
    let mut running = pipelines::run(
        1040,
        "acme/api",
        "CI",
        "main",
        RunStatus::InProgress,
        None,
        30,
    );
    running.started_at = Some(now() - Duration::minutes(30));
    runs.insert(0, running);
    runs
}

/// Everything configured, several things wrong.
fn degraded() -> App {
    let mut a = app(vec![
        spec(SourceKind::Docker, "local"),
        spec(SourceKind::Github, "github"),
        spec(SourceKind::Mlflow, "mlflow"),
    ]);
    a.size = (120, 40);
    poll(&mut a, 0, 0, Payload::Containers(containers::realistic()));
    let mut runs = stuck_history();
    runs.extend(
        pipelines::realistic()
            .into_iter()
            .filter(|r| r.repo != "acme/api"),
    );
    runs.push(build_run());
    poll(&mut a, 1, 0, pipelines::payload(runs));
    poll(&mut a, 2, 0, Payload::Models(models::registry()));
    a
}

fn restart(container: &Container) -> Update {
    Update::ActionDone {
        action: Action::Container {
            source: SourceId(0),
            host: "docker local".into(),
            id: container.id.clone(),
            name: container.name.clone(),
            op: ContainerOp::Restart,
        },
        at: at(10),
        result: Ok(()),
        inverse: None,
    }
}

#[test]
fn feed_records_a_restart_from_flightdeck_and_the_state_change_it_caused() {
    let mut a = healthy();
    let web = containers::web();
    update(&mut a, Msg::Source(restart(&web)));
    let mut restarted = web.clone();
    restarted.started_at = Some(at(9));
    poll(&mut a, 0, 12, Payload::Containers(vec![restarted]));
    let feed: Vec<(FeedKind, String)> = a
        .store
        .feed
        .newest_first()
        .map(|e| (e.kind, e.text.clone()))
        .collect();
    assert_eq!(
        feed,
        vec![
            (FeedKind::Container, "shop-web-1 restarted".to_owned()),
            (
                FeedKind::Action,
                "Restart container 'shop-web-1' on docker local: done".to_owned()
            ),
        ]
    );
    insta::assert_snapshot!("healthy_120x40", screen(&a, 120, 40));
}

#[test]
fn attention_is_worst_first_with_the_stuck_run() {
    let a = degraded();
    let texts: Vec<String> = a.attention().iter().map(Attention::text).collect();
    let stuck = texts
        .iter()
        .position(|t| t.contains("stuck: running 30m, usually 3m"));
    let first_warning = texts.iter().position(|t| t.starts_with("WARNING"));
    assert!(stuck.is_some(), "{texts:#?}");
    assert!(texts[0].starts_with("CRITICAL"), "{texts:#?}");
    assert!(first_warning <= stuck, "the stuck run warns: {texts:#?}");
    let ranks: Vec<u8> = a.attention().iter().map(|i| i.severity.rank()).collect();
    assert!(ranks.windows(2).all(|w| w[0] >= w[1]), "{ranks:?}");
    insta::assert_snapshot!("degraded_120x40", screen(&a, 120, 40));
    insta::assert_snapshot!("degraded_80x24", screen(&a, 80, 24));
}

/// What the Overview draws: the rows under "Needs attention (N)", wide enough
/// that none is cut, each a severity glyph and the item's line.
fn drawn_attention(a: &App) -> Vec<String> {
    let drawn = screen(a, 240, 60);
    let mut lines = drawn.lines();
    let title = lines
        .find(|l| l.trim_start().starts_with("Needs attention ("))
        .unwrap_or_else(|| panic!("{drawn}"));
    let count: usize = title
        .trim()
        .trim_start_matches("Needs attention (")
        .trim_end_matches(')')
        .parse()
        .unwrap();
    lines.take(count).map(|l| l.trim().to_owned()).collect()
}

#[test]
fn status_and_the_overview_agree() {
    let mut a = degraded();
    update(
        &mut a,
        Msg::Source(Update::Polled {
            source: SourceId(2),
            at: at(20),
            result: Err(SourceError::Timeout {
                target: "http://mlflow:5000".into(),
                secs: 10,
            }),
        }),
    );
    update(&mut a, Msg::Tick { now: at(20) });
    let report = flightdeck::status::report(&a.store, a.now);
    let rows = drawn_attention(&a);
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    assert!(rows.len() >= 3, "{rows:#?}");
    // What `flightdeck status` prints: the lines after the summary, before the sources.
    let text = flightdeck::status::render_text(&report);
    let printed: Vec<&str> = text
        .lines()
        .skip(1)
        .take_while(|l| !l.starts_with("source   "))
        .collect();
    assert_eq!(
        rows.len(),
        printed.len(),
        "drawn {rows:#?}\nprinted {printed:#?}"
    );
    for (row, line) in rows.iter().zip(&printed) {
        let (glyph, shown) = row.split_once(' ').unwrap();
        assert_eq!(
            shown, *line,
            "the Overview draws what status prints, in its order"
        );
        let word = line.split_whitespace().next().unwrap();
        let want = match word {
            "CRITICAL" => "✗",
            "WARNING" => "!",
            "UNKNOWN" => "?",
            _ => "✓",
        };
        assert_eq!(glyph, want, "{row}");
    }
    // Every item `status --json` reports as not ok is drawn, under its name.
    for item in report
        .items
        .iter()
        .filter(|i| i.severity != flightdeck::status::Severity::Ok)
    {
        assert!(
            rows.iter().any(|r| r.contains(&item.name)),
            "{} missing from {rows:#?}",
            item.name
        );
    }
    assert!(rows.iter().any(|t| t.contains("UNKNOWN  source mlflow")));
}

#[test]
fn source_erroring_keeps_its_items_and_says_so() {
    let mut a = degraded();
    let err = Update::Polled {
        source: SourceId(1),
        at: at(60),
        result: Err(SourceError::Unreachable {
            target: "https://api.github.com".into(),
            detail: "connection refused".into(),
        }),
    };
    update(&mut a, Msg::Source(err));
    update(&mut a, Msg::Tick { now: at(90) });
    insta::assert_snapshot!("source_error_120x40", screen(&a, 120, 40));
}

#[test]
fn enter_opens_the_item_selected_in_its_tab_and_esc_returns() {
    let mut a = degraded();
    let index = a
        .attention()
        .iter()
        .position(|i| i.kind == "container")
        .unwrap();
    let first = a.attention()[index].clone();
    for _ in 0..index {
        update(&mut a, ch('j'));
    }
    update(&mut a, key(KeyCode::Enter));
    assert_eq!(a.view.tab, Tab::Containers);
    let want = container_id(SourceId(0), &first.id);
    assert_eq!(a.view.table().selected.as_deref(), Some(want.as_str()));
    assert!(
        a.row_ids(Tab::Containers).contains(&want),
        "visible, not folded"
    );
    update(&mut a, key(KeyCode::Esc));
    assert_eq!(a.view.tab, Tab::Overview);
    // Jumping to the stuck run selects it on the Pipelines tab.
    let stuck = a.attention().iter().position(|i| i.id == "1040").unwrap();
    update(&mut a, ch('g'));
    for _ in 0..stuck {
        update(&mut a, ch('j'));
    }
    update(&mut a, key(KeyCode::Enter));
    assert_eq!(a.view.tab, Tab::Pipelines);
    assert_eq!(a.view.table().selected.as_deref(), Some("1040"));
    // A tab switched to by hand does not return on Esc.
    update(&mut a, ch('3'));
    update(&mut a, key(KeyCode::Esc));
    assert_eq!(a.view.tab, Tab::Containers);
}

#[test]
fn feed_focus_scrolls_and_filters_the_feed() {
    let mut a = healthy();
    update(&mut a, Msg::Source(restart(&containers::web())));
    update(&mut a, ch('f'));
    assert!(a.view.overview.feed_focus);
    update(&mut a, ch('/'));
    common::type_text(&mut a, "nothing-matches");
    update(&mut a, key(KeyCode::Enter));
    assert_eq!(a.view.overview.feed.filter, "nothing-matches");
    assert!(a.row_ids(Tab::Overview).is_empty());
    update(&mut a, key(KeyCode::Esc));
    assert_eq!(a.row_ids(Tab::Overview).len(), 1);
    update(&mut a, key(KeyCode::Esc));
    assert!(!a.view.overview.feed_focus);
}

#[test]
fn a_container_links_to_the_run_that_built_its_image() {
    let mut a = healthy();
    let web = containers::web();
    assert_eq!(
        trace::built_by(&a.store, &trace::container_commit(&web).unwrap()).as_deref(),
        Some("built by Build #20 (success)")
    );
    update(&mut a, ch('3'));
    let row = container_id(SourceId(0), &web.id);
    a.view.tables[Tab::Containers.index()].selected = Some(row.clone());
    a.view.containers.detail = Some(row);
    assert!(screen(&a, 120, 40).contains("build     built by Build #20 (success)"));
    update(&mut a, ch('b'));
    assert_eq!(a.view.tab, Tab::Pipelines);
    assert_eq!(a.view.table().selected.as_deref(), Some("1020"));
    update(&mut a, key(KeyCode::Esc));
    assert_eq!(
        a.view.tab,
        Tab::Containers,
        "Esc returns from the build run"
    );
}

#[test]
fn a_sha_in_the_image_tag_links_too() {
    let mut c = containers::running("api", "ghcr.io/acme/shop-web:1.4-9f1c2e7");
    c.labels.clear();
    assert_eq!(trace::container_commit(&c).as_deref(), Some("9f1c2e7"));
    let a = healthy();
    let (_, run) = trace::run_for_commit(&a.store, "9f1c2e7").unwrap();
    assert_eq!(run.id, 1020);
}

#[test]
fn a_model_version_links_to_the_run_of_its_git_commit() {
    let mut a = healthy();
    update(&mut a, ch('4'));
    a.view.models.model = Some("fraud-detector".into());
    a.view.models.versions.selected = Some("2".into());
    update(&mut a, key(KeyCode::Enter));
    assert!(
        screen(&a, 120, 40).contains("built by Train #21 (success)"),
        "{}",
        screen(&a, 120, 40)
    );
    update(&mut a, ch('b'));
    assert_eq!(a.view.tab, Tab::Pipelines);
    assert_eq!(a.view.table().selected.as_deref(), Some("1021"));
    let deploys = trace::deployments(&a.store);
    let places: Vec<&str> = deploys
        .iter()
        .flat_map(|d| d.places.iter().map(String::as_str))
        .collect();
    assert_eq!(
        places,
        vec!["fraud-detector v2 (mlflow)", "shop-web-1 (docker local)"]
    );
}

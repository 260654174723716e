//! Snapshot and colour tests of the Models pane: the models table, a model's
//! versions, a version's detail with its metric chart, the comparison of two
//! versions, the alias chooser, and the stale and error states, at fixed sizes.
#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;
#[path = "common/models.rs"]
mod fixtures;

use common::{at, ch, key, render, screen, text_of, theme};
use crossterm::event::KeyCode;
use fixtures::{deliver_run, models_app, registry};
use flightdeck::app::App;
use flightdeck::app::msg::Msg;
use flightdeck::app::update::update;
use flightdeck::error::SourceError;
use flightdeck::state::{SourceId, Update};
use flightdeck::theme::Role;
use flightdeck::view::Tab;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn fraud_versions() -> App {
    let mut a = models_app(registry());
    a.view.tables[Tab::Models.index()].selected = Some("fraud-detector".into());
    update(&mut a, key(KeyCode::Enter));
    a
}

fn detail_of_v4() -> App {
    let mut a = fraud_versions();
    update(&mut a, key(KeyCode::Enter));
    deliver_run(&mut a, 4);
    a
}

#[test]
fn models_table() {
    let a = models_app(registry());
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("models_{w}x{h}"), screen(&a, w, h));
    }
}

#[test]
fn versions_of_a_model() {
    let a = fraud_versions();
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("versions_{w}x{h}"), screen(&a, w, h));
    }
}

#[test]
fn version_detail_with_metric_chart() {
    let a = detail_of_v4();
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("detail_{w}x{h}"), screen(&a, w, h));
    }
    let mut loading = fraud_versions();
    update(&mut loading, key(KeyCode::Enter));
    insta::assert_snapshot!("detail_loading_80x24", screen(&loading, 80, 24));
}

#[test]
fn comparison_of_champion_and_newest() {
    let mut a = fraud_versions();
    update(&mut a, ch('c'));
    deliver_run(&mut a, 2);
    deliver_run(&mut a, 4);
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("compare_{w}x{h}"), screen(&a, w, h));
    }
    // Differences are said in words, so the mono theme shows them too.
    let mono = text_of(&render(&a, &theme("mono"), 120, 40));
    assert!(mono.contains("higher") && mono.contains("≠lr"), "{mono}");
}

#[test]
fn alias_chooser_overlay() {
    let mut a = fraud_versions();
    update(&mut a, ch('a'));
    common::type_text(&mut a, "c");
    insta::assert_snapshot!("alias_chooser_80x24", screen(&a, 80, 24));
}

#[test]
fn stale_data_and_missing_models_are_named() {
    let mut snap = registry();
    snap.missing = vec!["typo-model".into()];
    let mut a = models_app(snap);
    let fail = Update::Polled {
        source: SourceId(0),
        at: at(60),
        result: Err(SourceError::Auth {
            target: "http://mlflow:5000".into(),
            detail: "HTTP 401 (sent no credentials): set MLFLOW_TRACKING_TOKEN".into(),
        }),
    };
    update(&mut a, Msg::Source(fail));
    update(&mut a, Msg::Tick { now: at(120) });
    insta::assert_snapshot!("stale_120x40", screen(&a, 120, 40));
}

#[test]
fn failed_versions_are_critical_and_pending_ones_pending() {
    let versions = fraud_versions();
    let t = theme("default");
    let b = render(&versions, &t, 120, 40);
    let text = text_of(&b);
    let find = |needle: &str| {
        let (y, line) = text
            .lines()
            .enumerate()
            .find(|(_, l)| l.contains(needle))
            .unwrap();
        let x = line[..line.find(needle).unwrap()].chars().count();
        (u16::try_from(x).unwrap(), u16::try_from(y).unwrap())
    };
    let (x, y) = find("✗ FAILED");
    assert_eq!(b.buffer()[(x, y)].fg, t.style(Role::Critical).fg.unwrap());
    let models = models_app(registry());
    let b = render(&models, &t, 120, 40);
    let text = text_of(&b);
    let (y, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.starts_with("churn"))
        .unwrap();
    let x = line[..line.find('…').unwrap()].chars().count();
    let cell = &b.buffer()[(u16::try_from(x).unwrap(), u16::try_from(y).unwrap())];
    assert_eq!(cell.fg, t.style(Role::Pending).fg.unwrap());
}

#[test]
fn stage_column_only_for_models_that_use_stages() {
    let mut snap = registry();
    snap.models[1].versions[3].stage = Some("Archived".into());
    snap.models[1].versions[2].stage = Some("Production".into());
    let mut a = models_app(snap);
    a.view.tables[Tab::Models.index()].selected = Some("fraud-detector".into());
    update(&mut a, key(KeyCode::Enter));
    insta::assert_snapshot!("versions_stages_120x40", screen(&a, 120, 40));
    let plain = fraud_versions();
    assert!(!screen(&plain, 120, 40).contains("STAGE"));
}

//! `update` sequences on the Alerts and Metrics tabs: the silence form (prefilled,
//! validated), its confirmation into an `Execute` effect, expiring a silence,
//! read-only refusal, Alertmanager missing, zoom and the targets toggle.
#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;
#[path = "common/metrics.rs"]
mod fixtures;

use std::time::Duration;

use common::{ch, key, type_text};
use crossterm::event::KeyCode;
use fixtures::{metrics_app, panels};
use flightdeck::actions::Action;
use flightdeck::app::App;
use flightdeck::app::effect::Effect;
use flightdeck::app::update::update;
use flightdeck::state::SourceId;
use flightdeck::view::{Overlay, ToastLevel};

fn confirming(a: &App) -> Option<&Action> {
    match a.view.overlays.last() {
        Some(Overlay::Confirm(c)) => Some(&c.action),
        _ => None,
    }
}

fn alerts_tab(read_only: bool, with_am: bool) -> App {
    let mut a = metrics_app(panels(), with_am);
    a.read_only = read_only;
    a.user = "tester".into();
    update(&mut a, ch('6'));
    a
}

#[test]
fn silence_form_validates_then_confirms_then_executes() {
    let mut a = alerts_tab(false, true);
    update(&mut a, ch('s'));
    assert!(matches!(a.view.overlays.last(), Some(Overlay::Form(..))));
    update(&mut a, key(KeyCode::Enter));
    let Some(Overlay::Form(form, _)) = a.view.overlays.last() else {
        panic!()
    };
    assert!(
        form.error.as_deref().unwrap().contains("comment"),
        "{:?}",
        form.error
    );
    update(&mut a, key(KeyCode::Tab));
    update(&mut a, common::ctrl('u'));
    type_text(&mut a, "30m");
    update(&mut a, key(KeyCode::Tab));
    type_text(&mut a, "rolling out the fix");
    update(&mut a, key(KeyCode::Enter));
    let action = confirming(&a).cloned().unwrap();
    let Action::Silence {
        source,
        matchers,
        duration,
        comment,
        creator,
        alert,
        ..
    } = &action
    else {
        panic!("{action:?}")
    };
    assert_eq!(*source, SourceId(1));
    assert_eq!(alert, "InstanceDown");
    assert_eq!(*duration, Duration::from_secs(1800));
    assert_eq!(
        (comment.as_str(), creator.as_str()),
        ("rolling out the fix", "tester")
    );
    let names: Vec<&str> = matchers.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["alertname", "job", "severity"]);
    let effects = update(&mut a, ch('y'));
    assert_eq!(effects, vec![Effect::Execute(action)]);
}

#[test]
fn esc_cancels_the_form_and_n_cancels_the_confirmation() {
    let mut a = alerts_tab(false, true);
    update(&mut a, ch('s'));
    update(&mut a, key(KeyCode::Esc));
    assert!(a.view.overlays.is_empty());
    update(&mut a, ch('S'));
    update(&mut a, ch('x'));
    assert!(matches!(confirming(&a), Some(Action::ExpireSilence { .. })));
    assert!(update(&mut a, ch('n')).is_empty());
    assert!(a.view.overlays.is_empty());
}

#[test]
fn expire_from_a_silenced_alert_names_its_silence() {
    let mut a = alerts_tab(false, true);
    update(&mut a, ch('G'));
    update(&mut a, ch('x'));
    let Some(Action::ExpireSilence { id, .. }) = confirming(&a) else {
        panic!()
    };
    assert!(id.starts_with("5a1e7c3d"));
}

#[test]
fn read_only_and_missing_alertmanager_refuse_with_a_toast() {
    let mut a = alerts_tab(true, true);
    update(&mut a, ch('s'));
    assert!(a.view.overlays.is_empty());
    let toast = a.view.toast.clone().unwrap();
    assert_eq!(toast.level, ToastLevel::Error);
    assert!(toast.text.contains("read-only"));
    let mut a = alerts_tab(false, false);
    update(&mut a, ch('s'));
    assert!(a.view.overlays.is_empty());
    assert!(
        a.view
            .toast
            .clone()
            .unwrap()
            .text
            .contains("[alertmanager]")
    );
}

#[test]
fn metrics_enter_zooms_and_t_toggles_targets() {
    let mut a = metrics_app(panels(), true);
    update(&mut a, ch('5'));
    update(&mut a, ch('j'));
    assert_eq!(a.view.table().selected.as_deref(), Some("1:Memory by job"));
    update(&mut a, key(KeyCode::Enter));
    assert!(a.view.metrics.zoomed);
    update(&mut a, ch('t'));
    assert!(a.view.metrics.targets && !a.view.metrics.zoomed);
    assert_eq!(
        a.row_ids(a.view.tab),
        ["node/10.0.0.7:9100", "prometheus/127.0.0.1:9090"]
    );
}

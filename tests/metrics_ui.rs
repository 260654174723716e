//! Snapshot tests of the Metrics and Alerts panes at fixed sizes and `now`: the
//! panel grid (with an error panel and a legend), zoom, targets and `up` by job,
//! the alerts table, silences, the silence form, and threshold colours.
#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;
#[path = "common/metrics.rs"]
mod fixtures;

use common::{ch, key, render, screen, theme};
use crossterm::event::KeyCode;
use fixtures::{metrics_app, panels};
use flightdeck::app::msg::Msg;
use flightdeck::app::update::update;
use flightdeck::theme::Role;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

#[test]
fn panel_grid_with_error_panel() {
    let mut a = metrics_app(panels(), true);
    update(&mut a, ch('5'));
    for (w, h) in SIZES {
        update(
            &mut a,
            Msg::Resize {
                width: w,
                height: h,
            },
        );
        insta::assert_snapshot!(format!("grid_{w}x{h}"), screen(&a, w, h));
    }
}

#[test]
fn enter_zooms_the_selected_panel_and_esc_returns() {
    let mut a = metrics_app(panels(), true);
    update(&mut a, ch('5'));
    update(&mut a, ch('j'));
    update(&mut a, key(KeyCode::Enter));
    insta::assert_snapshot!("zoom_memory_120x40", screen(&a, 120, 40));
    update(&mut a, key(KeyCode::Esc));
    assert!(!a.view.metrics.zoomed);
}

#[test]
fn targets_view_toggles_and_shows_alone_without_panels() {
    let mut a = metrics_app(panels(), true);
    update(&mut a, ch('5'));
    update(&mut a, ch('t'));
    insta::assert_snapshot!("targets_120x40", screen(&a, 120, 40));
    let mut a = metrics_app(vec![], true);
    update(&mut a, ch('5'));
    insta::assert_snapshot!("no_panels_80x24", screen(&a, 80, 24));
}

#[test]
fn alerts_sorted_by_severity_with_silenced_state() {
    let mut a = metrics_app(panels(), true);
    update(&mut a, ch('6'));
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("alerts_{w}x{h}"), screen(&a, w, h));
    }
    update(&mut a, ch('S'));
    insta::assert_snapshot!("silences_120x40", screen(&a, 120, 40));
}

#[test]
fn alerts_without_alertmanager_say_so() {
    let mut a = metrics_app(panels(), false);
    update(&mut a, ch('6'));
    insta::assert_snapshot!("alerts_no_alertmanager_120x40", screen(&a, 120, 40));
}

#[test]
fn silence_form_is_prefilled() {
    let mut a = metrics_app(panels(), true);
    a.user = "tester".into();
    update(&mut a, ch('6'));
    update(&mut a, ch('s'));
    insta::assert_snapshot!("silence_form_80x24", screen(&a, 80, 24));
}

#[test]
fn thresholds_colour_the_panel_border() {
    let mut a = metrics_app(panels(), true);
    update(&mut a, ch('5'));
    update(
        &mut a,
        Msg::Resize {
            width: 120,
            height: 40,
        },
    );
    let t = theme("default");
    let b = render(&a, &t, 120, 40);
    let text = common::text_of(&b);
    let y = text.lines().position(|l| l.contains("CPU busy")).unwrap();
    let cell = &b.buffer()[(0, u16::try_from(y).unwrap())];
    assert_eq!(cell.fg, t.style(Role::Warning).fg.unwrap());
    assert!(text.contains("WARNING ≥ 70 %"), "{text}");
    assert!(text.contains("✗ query error"), "{text}");
    assert!(text.contains("unclosed left parenthesis"), "{text}");
}

//! The SSH-native terminal: `y` copies the selected item's handle through OSC 52
//! (the pure `update` returns `Effect::Copy`, whose bytes the loop writes), with
//! a toast saying what was copied; the window title names the worst state.
#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use chrono::Duration;
use common::{app, at, ch, spec};
use flightdeck::app::App;
use flightdeck::app::effect::Effect;
use flightdeck::app::msg::Msg;
use flightdeck::app::update::update;
use flightdeck::state::alert::{Alert, AlertState, AlertsSnapshot};
use flightdeck::state::container::ContainerState;
use flightdeck::state::{Payload, SourceId, SourceKind, Update};
use flightdeck::tui::osc52;

#[path = "common/containers.rs"]
mod containers;
#[path = "common/pipelines.rs"]
mod pipelines;

/// What the loop writes for the effects of one key: the OSC 52 bytes of each copy.
fn written(effects: &[Effect]) -> Vec<u8> {
    let mut out = Vec::new();
    for e in effects {
        if let Effect::Copy(text) = e {
            out.extend_from_slice(osc52(text).as_bytes());
        }
    }
    out
}

fn toast(a: &App) -> String {
    a.view
        .toast
        .as_ref()
        .map(|t| t.text.clone())
        .unwrap_or_default()
}

/// Presses `j` until `handle` names something, so the test does not depend on group rows.
fn select_first(a: &mut App) {
    for _ in 0..5 {
        if flightdeck::app::copy::handle(a).is_some() {
            return;
        }
        update(a, ch('j'));
    }
}

#[test]
fn y_copies_the_selected_container_id_as_osc52() {
    let mut a = containers::docker_app(&["local"]);
    containers::feed(&mut a, 0, 0, vec![containers::web()]);
    select_first(&mut a);
    let id = containers::web().id;
    let effects = update(&mut a, ch('y'));
    assert_eq!(effects, vec![Effect::Copy(id.clone())]);
    let bytes = written(&effects);
    let expected = format!(
        "\x1b]52;c;{}\x07",
        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &id)
    );
    assert_eq!(String::from_utf8(bytes).unwrap(), expected);
    assert_eq!(toast(&a), format!("copied container id '{id}'"));
}

#[test]
fn y_copies_the_run_url_on_pipelines() {
    let mut a = pipelines::github_app();
    pipelines::feed(&mut a, 0, pipelines::realistic());
    select_first(&mut a);
    let effects = update(&mut a, ch('y'));
    let [Effect::Copy(url)] = effects.as_slice() else {
        panic!("one copy expected, got {effects:?}");
    };
    assert!(url.starts_with("https://github.com/"), "{url}");
    assert!(toast(&a).starts_with("copied run URL 'https://github.com/"));
}

fn alert(name: &str, fingerprint: Option<&str>) -> Alert {
    Alert {
        labels: [("alertname".to_owned(), name.to_owned())].into(),
        annotations: std::collections::BTreeMap::new(),
        state: AlertState::Firing,
        since: Some(at(-60)),
        silenced_by: vec![],
        fingerprint: fingerprint.map(str::to_owned),
    }
}

#[test]
fn y_copies_the_alert_fingerprint_or_its_matchers() {
    let mut a = app(vec![spec(SourceKind::Alertmanager, "am")]);
    let snap = AlertsSnapshot {
        alerts: vec![alert("DiskFull", Some("f1e2d3c4b5a69788"))],
        silences: vec![],
    };
    let poll = Update::Polled {
        source: SourceId(0),
        at: at(0),
        result: Ok(Payload::Alerts(snap)),
    };
    update(&mut a, Msg::Source(poll));
    update(&mut a, ch('6'));
    select_first(&mut a);
    let effects = update(&mut a, ch('y'));
    assert_eq!(effects, vec![Effect::Copy("f1e2d3c4b5a69788".into())]);
    assert_eq!(toast(&a), "copied alert fingerprint 'f1e2d3c4b5a69788'");

    // Without a fingerprint (Prometheus's own alerts) the matchers select it instead.
    let snap = AlertsSnapshot {
        alerts: vec![alert("DiskFull", None)],
        silences: vec![],
    };
    let poll = Update::Polled {
        source: SourceId(0),
        at: at(1),
        result: Ok(Payload::Alerts(snap)),
    };
    update(&mut a, Msg::Source(poll));
    let effects = update(&mut a, ch('y'));
    assert_eq!(
        effects,
        vec![Effect::Copy("{alertname=\"DiskFull\"}".into())]
    );
}

#[test]
fn y_with_nothing_selected_copies_nothing_and_says_so() {
    let mut a = containers::docker_app(&["local"]);
    let effects = update(&mut a, ch('y'));
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(toast(&a), "nothing to copy here");
}

#[test]
fn the_title_names_the_worst_state_and_its_count() {
    let mut a = containers::docker_app(&["local"]);
    assert_eq!(a.screen().title(), "flightdeck");
    let mut dead = Vec::new();
    for name in ["a", "b", "c"] {
        let mut c = containers::running(name, "busybox");
        c.state = ContainerState::Exited;
        c.exit_code = Some(1);
        c.finished_at = Some(at(-30));
        dead.push(c);
    }
    containers::feed(&mut a, 0, 0, dead);
    update(&mut a, Msg::Tick { now: at(0) });
    let title = a.screen().title();
    assert!(title.ends_with(" · flightdeck"), "{title}");
    assert_eq!(title, "✗ 3 critical · flightdeck");

    let fine = vec![containers::web()];
    containers::feed(&mut a, 0, 1, fine);
    update(
        &mut a,
        Msg::Tick {
            now: at(1) + Duration::seconds(1),
        },
    );
    assert_eq!(a.screen().title(), "flightdeck");
}

//! Issue 12, the UI parts: messages readable in full, keys that aim where the
//! screen says, honest search feedback, and quitting that never drops an action.
#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;
#[path = "common/containers.rs"]
mod containers;

use std::fmt::Write as _;

use common::{app, at, ch, ctrl, key, screen, spec, type_text};
use crossterm::event::KeyCode;
use flightdeck::actions::{Action, ContainerOp};
use flightdeck::app::App;
use flightdeck::app::effect::Effect;
use flightdeck::app::msg::Msg;
use flightdeck::app::update::update;
use flightdeck::error::SourceError;
use flightdeck::state::container::Container;
use flightdeck::state::feed::{FeedEntry, FeedKind};
use flightdeck::state::{LogLine, Payload, Severity, SourceId, SourceKind, Update};
use flightdeck::view::{Overlay, Tab, ToastLevel};

/// A running container `name` (id `{name}-id`) in `project`, up for a minute.
fn container(name: &str, project: Option<&str>) -> Container {
    Container {
        id: format!("{name}-id"),
        project: project.map(str::to_owned),
        started_at: Some(at(-60)),
        ..containers::running(name, "busybox")
    }
}

/// The Containers tab with project `shop` (api, web), then `web-1`, `web-2`, `web-3`.
fn containers_app() -> App {
    let mut a = app(vec![spec(SourceKind::Docker, "local")]);
    let list = vec![
        container("api", Some("shop")),
        container("web", Some("shop")),
        container("web-1", None),
        container("web-2", None),
        container("web-3", None),
    ];
    let poll = Update::Polled {
        source: SourceId(0),
        at: at(0),
        result: Ok(Payload::Containers(list)),
    };
    update(&mut a, Msg::Source(poll));
    update(&mut a, ch('3'));
    a
}

fn restart(name: &str) -> Action {
    Action::Container {
        source: SourceId(0),
        host: "docker local".into(),
        id: format!("{name}-id"),
        name: name.into(),
        op: ContainerOp::Restart,
    }
}

fn long_error() -> String {
    let mut e = String::from("Restart container 'web-1' on docker local: the engine said ");
    for i in 0..30 {
        let _ = write!(e, "word{i} ");
    }
    e.push_str("END-OF-MESSAGE");
    e
}

fn fail_action(a: &mut App, action: Action, detail: &str) {
    let done = Update::ActionDone {
        action,
        at: at(1),
        result: Err(SourceError::Unreachable {
            target: "unix:///var/run/docker.sock".into(),
            detail: detail.into(),
        }),
        inverse: None,
    };
    update(a, Msg::Source(done));
}

fn viewer_text(a: &App) -> String {
    a.view
        .text
        .as_ref()
        .unwrap()
        .lines()
        .collect::<Vec<_>>()
        .join("\n")
}

// -- 4. messages in full

#[test]
fn enter_on_a_cut_toast_opens_its_whole_text() {
    let mut a = containers_app();
    let detail = long_error();
    fail_action(&mut a, restart("web-1"), &detail);
    assert!(
        !screen(&a, 80, 24).contains("END-OF-MESSAGE"),
        "the footer cuts the toast at the screen width"
    );
    update(&mut a, key(KeyCode::Enter));
    assert!(a.view.text.is_some(), "Enter on a cut toast opens a viewer");
    assert!(viewer_text(&a).contains("END-OF-MESSAGE"));
    assert!(a.view.text.as_ref().unwrap().wrap, "the message is wrapped");
    let shown = screen(&a, 80, 24);
    assert!(shown.contains("END-OF-MESSAGE"), "{shown}");
    update(&mut a, key(KeyCode::Esc));
    assert!(a.view.text.is_none());
    update(&mut a, key(KeyCode::Enter));
    assert!(
        a.view.text.is_none() || a.view.containers.detail.is_some(),
        "once read, Enter drills in again"
    );
}

#[test]
fn enter_on_a_short_toast_still_drills_in() {
    let mut a = containers_app();
    update(&mut a, Msg::Saved(Ok("flightdeck-x.log".into())));
    assert!(a.view.toast.is_some());
    update(&mut a, ch('G'));
    update(&mut a, key(KeyCode::Enter));
    assert!(a.view.containers.detail.is_some(), "Enter drills in");
    assert!(a.view.text.is_none(), "a toast that fits is not in the way");
}

#[test]
fn enter_on_a_feed_line_opens_the_whole_entry() {
    let mut a = app(vec![spec(SourceKind::Docker, "local")]);
    let text = long_error();
    a.store.feed.push(FeedEntry {
        id: 0,
        at: at(3),
        source: "docker local".into(),
        kind: FeedKind::Action,
        severity: Severity::Critical,
        text: text.clone(),
        fold: None,
    });
    update(&mut a, ch('f'));
    assert!(a.view.overview.feed_focus);
    update(&mut a, key(KeyCode::Enter));
    assert!(a.view.text.is_some(), "Enter on a feed line opens it");
    let shown = viewer_text(&a);
    assert!(shown.contains(&text), "{shown}");
    assert!(shown.contains("docker local"), "{shown}");
}

#[test]
fn messages_command_lists_recent_toasts_in_full_and_bounded() {
    let mut a = containers_app();
    for i in 0..120 {
        fail_action(&mut a, restart("web-1"), &format!("failure number {i}"));
    }
    update(&mut a, ch(':'));
    type_text(&mut a, "messages");
    update(&mut a, key(KeyCode::Enter));
    assert!(a.view.overlays.is_empty());
    let shown = viewer_text(&a);
    assert!(shown.contains("failure number 119"), "{shown}");
    assert!(shown.contains("failure number 20"), "{shown}");
    assert!(
        !shown.contains("failure number 19\n") && !shown.contains("failure number 19 "),
        "only the last 100 are kept"
    );
}

// -- 5. aim

#[test]
fn esc_on_a_filter_keeps_the_filtered_to_row_selected() {
    let mut a = containers_app();
    update(&mut a, ch('/'));
    type_text(&mut a, "web-2");
    update(&mut a, key(KeyCode::Enter));
    update(&mut a, key(KeyCode::Esc));
    assert_eq!(a.view.table().filter, "");
    assert_eq!(
        a.view.table().selected.as_deref(),
        Some("c:0:web-2-id"),
        "rows: {:?}",
        a.row_ids(Tab::Containers)
    );
    update(&mut a, ch('K'));
    match a.view.overlays.last() {
        Some(Overlay::Signal(s)) => assert_eq!(s.name, "web-2"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_action_on_a_group_row_says_why_nothing_happened() {
    let mut a = containers_app();
    update(&mut a, ch('g'));
    assert!(
        a.view
            .table()
            .selected
            .as_deref()
            .unwrap()
            .starts_with("p:")
    );
    assert_eq!(update(&mut a, ch('r')), vec![]);
    assert!(a.view.overlays.is_empty());
    let toast = a.view.toast.as_ref().expect("a toast says why");
    assert!(toast.text.contains("shop"), "{}", toast.text);
    assert!(toast.text.contains("container"), "{}", toast.text);
}

#[test]
fn the_palette_shows_the_key_that_runs_a_command_here() {
    let mut a = containers_app();
    update(&mut a, ch(':'));
    type_text(&mut a, "refresh");
    let shown = screen(&a, 80, 24);
    let line = shown
        .lines()
        .find(|l| l.contains("refresh now"))
        .unwrap_or_else(|| panic!("{shown}"));
    assert!(line.contains("ctrl-r"), "r restarts here: {line}");
}

#[test]
fn q_closes_help_and_the_log_viewer_and_quits_only_at_the_top() {
    let mut a = containers_app();
    update(&mut a, ch('G'));
    update(&mut a, ch('?'));
    assert_eq!(update(&mut a, ch('q')), vec![]);
    assert!(a.view.overlays.is_empty(), "q closes help");
    update(&mut a, ch('l'));
    assert!(a.view.text.is_some());
    assert_eq!(update(&mut a, ch('q')), vec![Effect::StopLogs]);
    assert!(a.view.text.is_none(), "q closes the log viewer");
    update(&mut a, ch('l'));
    assert_eq!(
        update(&mut a, ctrl('c')),
        vec![Effect::Quit],
        "ctrl-c always quits"
    );
    update(&mut a, key(KeyCode::Esc));
    assert_eq!(update(&mut a, ch('q')), vec![Effect::Quit]);
}

#[test]
fn an_unknown_palette_command_says_so() {
    let mut a = containers_app();
    update(&mut a, ch(':'));
    type_text(&mut a, "frobnicate");
    update(&mut a, key(KeyCode::Enter));
    let toast = a.view.toast.as_ref().expect("a toast says so");
    assert_eq!(toast.level, ToastLevel::Error);
    assert!(toast.text.contains("frobnicate"), "{}", toast.text);
}

// -- 7. log search

fn with_log(a: &mut App) {
    update(a, ch('G'));
    update(a, ch('l'));
    let lines = (0..40)
        .map(|i| LogLine {
            timestamp: None,
            stderr: false,
            text: if i % 5 == 0 {
                format!("line {i} ERROR")
            } else {
                format!("line {i}")
            },
        })
        .collect();
    let stream_id = a.view.log_stream;
    update(a, Msg::Source(Update::Log { stream_id, lines }));
}

#[test]
fn log_search_counts_matches_and_says_no_match() {
    let mut a = containers_app();
    with_log(&mut a);
    update(&mut a, ch('/'));
    type_text(&mut a, "error");
    let shown = screen(&a, 80, 24);
    assert!(shown.contains("1/8"), "{shown}");
    update(&mut a, key(KeyCode::Enter));
    update(&mut a, ch('n'));
    assert!(screen(&a, 80, 24).contains("2/8"));
    update(&mut a, ch('/'));
    type_text(&mut a, "absent");
    let shown = screen(&a, 80, 24);
    assert!(shown.contains("no match"), "{shown}");
}

#[test]
fn slash_reopens_with_the_last_query_selected_so_typing_replaces_it() {
    let mut a = containers_app();
    with_log(&mut a);
    update(&mut a, ch('/'));
    type_text(&mut a, "error");
    update(&mut a, key(KeyCode::Enter));
    update(&mut a, ch('/'));
    assert_eq!(a.view.input.as_ref().unwrap().text, "error");
    type_text(&mut a, "line 3");
    update(&mut a, key(KeyCode::Enter));
    assert_eq!(
        a.view.text.as_ref().unwrap().search.as_deref(),
        Some("line 3")
    );
}

// -- 8. quitting with actions in flight

#[test]
fn quitting_with_an_action_in_flight_asks_and_names_it() {
    let mut a = containers_app();
    update(&mut a, ch('G'));
    update(&mut a, ch('r'));
    let effects = update(&mut a, ch('y'));
    assert!(matches!(effects[..], [Effect::Execute(_)]), "{effects:?}");
    assert_eq!(update(&mut a, ch('q')), vec![], "q asks first");
    let shown = screen(&a, 80, 24);
    assert!(shown.contains("1 action in flight"), "{shown}");
    assert!(shown.contains("web-3"), "{shown}");
    assert!(shown.contains("(y/N)"), "{shown}");
    assert_eq!(update(&mut a, ch('n')), vec![], "No keeps running");
    assert!(a.view.overlays.is_empty());
    update(&mut a, ch('q'));
    assert_eq!(update(&mut a, ch('y')), vec![Effect::Quit]);
    // Once it reports back, q quits at once.
    let mut a = containers_app();
    update(&mut a, ch('G'));
    update(&mut a, ch('r'));
    update(&mut a, ch('y'));
    let done = Update::ActionDone {
        action: restart("web-3"),
        at: at(2),
        result: Ok(()),
        inverse: None,
    };
    update(&mut a, Msg::Source(done));
    assert_eq!(update(&mut a, ch('q')), vec![Effect::Quit]);
    assert_eq!(update(&mut a, Msg::Terminate), vec![Effect::Quit]);
}

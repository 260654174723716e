//! `update` sequences on the Containers tab: drill-in, folding, confirmation of
//! actions (double for remove), the kill chooser, read-only, logs and results.
#![allow(clippy::unwrap_used, reason = "tests fail loudly")]
#![allow(clippy::too_many_lines, reason = "a scenario reads best top to bottom")]

mod common;
#[path = "common/containers.rs"]
mod containers;

use common::{app, at, ch, key, spec};
use crossterm::event::KeyCode;
use flightdeck::actions::{Action, ContainerOp};
use flightdeck::app::App;
use flightdeck::app::effect::Effect;
use flightdeck::app::msg::Msg;
use flightdeck::app::update::update;
use flightdeck::error::SourceError;
use flightdeck::state::container::{Container, ContainerHealth, ContainerState};
use flightdeck::state::{LogLine, Payload, SourceId, SourceKind, Update};
use flightdeck::view::{Overlay, Tab, ToastLevel};

fn container(name: &str, state: ContainerState, project: Option<&str>) -> Container {
    Container {
        id: format!("{name}-id"),
        project: project.map(str::to_owned),
        state,
        started_at: Some(at(-60)),
        exit_code: (state == ContainerState::Exited).then_some(0),
        ..containers::running(name, "busybox")
    }
}

/// An app on the Containers tab with: project `shop` (api, web), then `job` (exited), `zeta` (paused).
fn containers_app(read_only: bool) -> App {
    let mut a = app(vec![spec(SourceKind::Docker, "local")]);
    a.read_only = read_only;
    let list = vec![
        container("api", ContainerState::Running, Some("shop")),
        container("web", ContainerState::Running, Some("shop")),
        container("job", ContainerState::Exited, None),
        container("zeta", ContainerState::Paused, None),
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

/// Moves the selection to the row whose id contains `name`.
fn select(a: &mut App, name: &str) {
    update(a, ch('g'));
    for _ in 0..10 {
        if a.view
            .table()
            .selected
            .as_deref()
            .is_some_and(|s| s.ends_with(&format!(":{name}-id")))
        {
            return;
        }
        update(a, ch('j'));
    }
    panic!("no row for {name}: {:?}", a.row_ids(Tab::Containers));
}

fn confirming(a: &App) -> Option<&Action> {
    match a.view.overlays.last() {
        Some(Overlay::Confirm(c)) => Some(&c.action),
        _ => None,
    }
}

#[test]
fn rows_are_grouped_by_project_and_fold() {
    let mut a = containers_app(false);
    let ids = a.row_ids(Tab::Containers);
    assert_eq!(ids.len(), 5, "{ids:?}");
    assert!(ids[0].starts_with("p:"), "project row first: {ids:?}");
    update(&mut a, ch('g'));
    update(&mut a, key(KeyCode::Enter));
    assert_eq!(
        a.row_ids(Tab::Containers).len(),
        3,
        "enter on a group folds it"
    );
    update(&mut a, ch('z'));
    assert_eq!(a.row_ids(Tab::Containers).len(), 5, "z unfolds");
}

#[test]
fn movement_keeps_the_rows_and_any_other_message_recomputes_them() {
    let mut a = containers_app(false);
    let before = a.rows_of(Tab::Containers);
    for _ in 0..3 {
        update(&mut a, ch('j'));
    }
    update(&mut a, ch('G'));
    let after = a.rows_of(Tab::Containers);
    assert!(
        std::sync::Arc::ptr_eq(&before, &after),
        "moving the selection must not filter and sort again"
    );
    assert_eq!(
        a.view.table().selected.as_deref(),
        after.last().map(String::as_str)
    );
    // A poll changes the rows: they are computed again and show the new container.
    let mut list = vec![container("new", ContainerState::Running, None)];
    list.push(container("api", ContainerState::Running, Some("shop")));
    let poll = Update::Polled {
        source: SourceId(0),
        at: at(5),
        result: Ok(Payload::Containers(list)),
    };
    update(&mut a, Msg::Source(poll));
    let polled = a.rows_of(Tab::Containers);
    assert!(!std::sync::Arc::ptr_eq(&after, &polled));
    assert!(polled.iter().any(|r| r.ends_with(":new-id")), "{polled:?}");
    // So does a key that is not movement (a toggle).
    update(&mut a, ch('a'));
    assert!(!std::sync::Arc::ptr_eq(
        &polled,
        &a.rows_of(Tab::Containers)
    ));
}

#[test]
fn toggles_filter_rows() {
    let mut a = containers_app(false);
    update(&mut a, ch('a'));
    assert!(a.view.containers.running_only);
    assert!(!a.row_ids(Tab::Containers).iter().any(|r| r.contains("job")));
    update(&mut a, ch('a'));
    update(&mut a, ch('!'));
    assert!(a.view.containers.problems_only);
    assert!(a.row_ids(Tab::Containers).is_empty(), "nothing is failing");
}

#[test]
fn enter_opens_detail_and_esc_closes_it() {
    let mut a = containers_app(false);
    select(&mut a, "web");
    update(&mut a, key(KeyCode::Enter));
    assert_eq!(a.view.containers.detail.as_deref(), Some("c:0:web-id"));
    update(&mut a, ch('j'));
    assert_eq!(
        a.view.containers.detail_scroll, 1,
        "j scrolls the detail view"
    );
    update(&mut a, key(KeyCode::Esc));
    assert_eq!(a.view.containers.detail, None);
}

#[test]
fn restart_needs_y_and_names_target_and_host() {
    let mut a = containers_app(false);
    select(&mut a, "web");
    assert!(update(&mut a, ch('r')).is_empty(), "r only asks");
    let action = confirming(&a).unwrap().clone();
    assert_eq!(
        (action.label(), action.target(), action.host()),
        ("Restart container".into(), "web", "docker local")
    );
    let effects = update(&mut a, ch('y'));
    assert_eq!(effects, vec![Effect::Execute(action)]);
    assert_eq!(a.view.toast.as_ref().unwrap().level, ToastLevel::Progress);
}

#[test]
fn any_other_key_cancels_a_confirmation() {
    let mut a = containers_app(false);
    select(&mut a, "web");
    update(&mut a, ch('s'));
    assert!(matches!(
        confirming(&a),
        Some(Action::Container {
            op: ContainerOp::Stop,
            ..
        })
    ));
    assert!(
        update(&mut a, key(KeyCode::Enter)).is_empty(),
        "enter is not yes"
    );
    assert!(a.view.overlays.is_empty());
    update(&mut a, ch('s'));
    assert!(
        update(&mut a, ch('Y')).is_empty(),
        "only lower-case y confirms"
    );
}

#[test]
fn remove_asks_twice_and_only_for_stopped_containers() {
    let mut a = containers_app(false);
    select(&mut a, "web");
    update(&mut a, ch('D'));
    assert!(
        confirming(&a).is_none(),
        "a running container is not removed"
    );
    assert!(
        a.view
            .toast
            .as_ref()
            .unwrap()
            .text
            .contains("stop it before removing")
    );
    select(&mut a, "job");
    update(&mut a, ch('D'));
    assert!(update(&mut a, ch('y')).is_empty(), "first y asks again");
    assert!(confirming(&a).is_some());
    let effects = update(&mut a, ch('y'));
    assert!(
        matches!(&effects[..], [Effect::Execute(Action::Container { op: ContainerOp::Remove, name, .. })] if name == "job")
    );
}

#[test]
fn pause_toggles_by_state_and_start_refuses_running() {
    let mut a = containers_app(false);
    select(&mut a, "zeta");
    update(&mut a, ch('p'));
    assert!(matches!(
        confirming(&a),
        Some(Action::Container {
            op: ContainerOp::Unpause,
            ..
        })
    ));
    update(&mut a, key(KeyCode::Esc));
    select(&mut a, "api");
    update(&mut a, ch('S'));
    assert!(confirming(&a).is_none());
    assert!(
        a.view
            .toast
            .as_ref()
            .unwrap()
            .text
            .contains("already running")
    );
}

#[test]
fn kill_offers_signals_then_confirms() {
    let mut a = containers_app(false);
    select(&mut a, "api");
    update(&mut a, ch('K'));
    assert!(matches!(a.view.overlays.last(), Some(Overlay::Signal(_))));
    update(&mut a, ch('j'));
    update(&mut a, key(KeyCode::Enter));
    assert!(
        matches!(confirming(&a), Some(Action::Container { op: ContainerOp::Kill(s), .. }) if s == "SIGKILL")
    );
}

#[test]
fn read_only_never_asks_and_never_executes() {
    let mut a = containers_app(true);
    select(&mut a, "web");
    for c in ['r', 's', 'p', 'K', 'D'] {
        assert!(update(&mut a, ch(c)).is_empty());
        assert!(
            a.view.overlays.is_empty(),
            "{c} opened an overlay in read-only mode"
        );
    }
    assert!(a.view.toast.as_ref().unwrap().text.contains("read-only"));
}

#[test]
fn action_result_toasts_and_refreshes_its_source() {
    let mut a = containers_app(false);
    let action = Action::Container {
        source: SourceId(0),
        host: "docker local".into(),
        id: "web-id".into(),
        name: "web".into(),
        op: ContainerOp::Restart,
    };
    let done = Update::ActionDone {
        action: action.clone(),
        at: at(5),
        result: Ok(()),
        inverse: None,
    };
    assert_eq!(
        update(&mut a, Msg::Source(done)),
        vec![Effect::Refresh(vec![SourceId(0)])]
    );
    assert_eq!(
        a.view.toast.as_ref().unwrap().text,
        "Restart container 'web' on docker local: done"
    );
    let failed = Update::ActionDone {
        action,
        at: at(6),
        result: Err(SourceError::ReadOnly),
        inverse: None,
    };
    update(&mut a, Msg::Source(failed));
    let toast = a.view.toast.as_ref().unwrap();
    assert_eq!(toast.level, ToastLevel::Error);
    assert!(toast.text.contains("read-only"), "{}", toast.text);
}

#[test]
fn logs_open_follow_and_drop_stale_streams() {
    let mut a = containers_app(false);
    select(&mut a, "api");
    let effects = update(&mut a, ch('l'));
    let [
        Effect::FollowLogs {
            source,
            container,
            stream_id,
        },
    ] = &effects[..]
    else {
        panic!("{effects:?}")
    };
    assert_eq!((source, container.as_str()), (&SourceId(0), "api-id"));
    let line = |t: &str, stderr| LogLine {
        stderr,
        timestamp: Some("2026-11-27T12:00:00Z".into()),
        text: t.into(),
    };
    let fresh = Update::Log {
        stream_id: *stream_id,
        lines: vec![line("\u{1b}[31mred\u{1b}[0m ok", false), line("oops", true)],
    };
    let stale = Update::Log {
        stream_id: stream_id - 1,
        lines: vec![line("old", false)],
    };
    update(&mut a, Msg::Source(fresh));
    update(&mut a, Msg::Source(stale));
    let text = a.view.text.as_ref().unwrap();
    assert_eq!(
        text.lines().collect::<Vec<_>>(),
        vec!["red ok", "oops"],
        "escapes stripped, stale dropped"
    );
    update(&mut a, ch('t'));
    assert!(
        a.view
            .text
            .as_ref()
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .starts_with("2026-11-27T12:00:00Z ")
    );
    let ended = Update::LogEnded {
        stream_id: *stream_id,
        reason: "the container was removed".into(),
    };
    update(&mut a, Msg::Source(ended));
    assert!(
        a.view
            .text
            .as_ref()
            .unwrap()
            .lines()
            .last()
            .unwrap()
            .contains("removed")
    );
    assert_eq!(update(&mut a, key(KeyCode::Esc)), vec![Effect::StopLogs]);
    assert!(a.view.text.is_none());
}

#[test]
fn save_hands_the_buffer_to_the_loop() {
    let mut a = containers_app(false);
    select(&mut a, "api");
    let effects = update(&mut a, ch('l'));
    let Effect::FollowLogs { stream_id, .. } = effects[0].clone() else {
        panic!()
    };
    let l = LogLine {
        stderr: false,
        timestamp: None,
        text: "hello".into(),
    };
    update(
        &mut a,
        Msg::Source(Update::Log {
            stream_id,
            lines: vec![l],
        }),
    );
    let effects = update(&mut a, common::ctrl('s'));
    assert!(matches!(&effects[..], [Effect::Save { text, .. }] if text == "hello\n"));
    update(&mut a, Msg::Saved(Ok("flightdeck-x.log".into())));
    assert!(
        a.view
            .toast
            .as_ref()
            .unwrap()
            .text
            .contains("flightdeck-x.log")
    );
}

#[test]
fn focus_names_selected_and_visible_containers() {
    let mut a = containers_app(false);
    select(&mut a, "web");
    let focus = a.docker_focus();
    assert_eq!(focus.len(), 1);
    assert_eq!(focus[0].1.selected.as_deref(), Some("web-id"));
    assert_eq!(focus[0].1.visible.len(), 4);
    update(&mut a, ch('1'));
    assert_eq!(
        a.docker_focus()[0].1,
        flightdeck::sources::docker::Focus::default(),
        "off the tab nothing is in focus"
    );
}

#[test]
fn bell_rings_once_when_a_container_turns_critical_and_only_when_enabled() {
    let poll = |list: Vec<Container>, t| {
        Msg::Source(Update::Polled {
            source: SourceId(0),
            at: at(t),
            result: Ok(Payload::Containers(list)),
        })
    };
    let mut broken = container("api", ContainerState::Running, None);
    broken.health = ContainerHealth::Unhealthy;
    let fine = container("api", ContainerState::Running, None);
    let mut a = app(vec![spec(SourceKind::Docker, "local")]);
    a.bell = true;
    assert!(
        update(&mut a, poll(vec![broken.clone()], 0)).is_empty(),
        "no bell for what was broken at start"
    );
    assert!(update(&mut a, poll(vec![fine.clone()], 2)).is_empty());
    assert_eq!(
        update(&mut a, poll(vec![broken.clone()], 4)),
        vec![Effect::Bell]
    );
    assert!(
        update(&mut a, poll(vec![broken.clone()], 6)).is_empty(),
        "rings once, not every poll"
    );
    a.bell = false;
    update(&mut a, poll(vec![fine], 8));
    assert!(
        update(&mut a, poll(vec![broken], 10)).is_empty(),
        "bell = false stays quiet"
    );
}

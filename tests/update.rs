//! `update` sequences: keys and snapshots in, state and effects out.

mod common;

use common::{app, at, ch, ctrl, key, now, spec, type_text};
use crossterm::event::KeyCode;
use flightdeck::app::effect::Effect;
use flightdeck::app::msg::Msg;
use flightdeck::app::update::update;
use flightdeck::error::SourceError;
use flightdeck::sources::driver::PollPolicy;
use flightdeck::state::Health;
use flightdeck::state::{SourceId, SourceKind, Update};
use flightdeck::view::{Overlay, Tab, Toast, ToastLevel};
use std::time::Duration;

fn unreachable() -> SourceError {
    SourceError::Unreachable {
        target: "unix:///var/run/docker.sock".into(),
        detail: "no such file".into(),
    }
}

#[test]
fn number_keys_and_tab_cycle_switch_tabs() {
    let mut a = app(vec![]);
    for (c, tab) in ('1'..='7').zip(Tab::ALL) {
        update(&mut a, ch(c));
        assert_eq!(a.view.tab, tab);
    }
    update(&mut a, key(KeyCode::Tab));
    assert_eq!(a.view.tab, Tab::Overview, "tab wraps forward");
    update(&mut a, key(KeyCode::BackTab));
    assert_eq!(a.view.tab, Tab::Data, "shift-tab wraps backward");
}

#[test]
fn switching_tabs_sets_poll_policies() {
    let mut a = app(vec![
        spec(SourceKind::Github, "github"),
        spec(SourceKind::Docker, "local"),
    ]);
    let effects = update(&mut a, ch('3'));
    assert_eq!(
        effects,
        vec![
            Effect::SetPolicy(SourceId(0), PollPolicy::Hidden),
            Effect::SetPolicy(SourceId(1), PollPolicy::Visible),
        ]
    );
    let effects = update(&mut a, ch('1'));
    assert!(
        effects
            .iter()
            .all(|e| matches!(e, Effect::SetPolicy(_, PollPolicy::Visible)))
    );
}

#[test]
fn refresh_asks_for_the_current_tabs_sources() {
    let mut a = app(vec![
        spec(SourceKind::Github, "github"),
        spec(SourceKind::Docker, "local"),
    ]);
    update(&mut a, ch('2'));
    assert_eq!(
        update(&mut a, ch('r')),
        vec![Effect::Refresh(vec![SourceId(0)])]
    );
    update(&mut a, ch('1'));
    assert_eq!(
        update(&mut a, ctrl('r')),
        vec![Effect::Refresh(vec![SourceId(0), SourceId(1)])]
    );
}

#[test]
fn quit_keys_and_signals_quit() {
    let mut a = app(vec![]);
    assert_eq!(update(&mut a, ch('q')), vec![Effect::Quit]);
    assert_eq!(update(&mut a, ctrl('c')), vec![Effect::Quit]);
    assert_eq!(update(&mut a, Msg::Terminate), vec![Effect::Quit]);
    assert_eq!(update(&mut a, ctrl('z')), vec![Effect::Suspend]);
}

#[test]
fn filter_applies_live_esc_clears_enter_keeps() {
    let mut a = app(vec![
        spec(SourceKind::Docker, "local"),
        spec(SourceKind::Github, "github"),
    ]);
    fail_all(&mut a, 2);
    update(&mut a, ch('/'));
    assert!(a.view.input.is_some());
    assert_eq!(
        type_text(&mut a, "loc"),
        vec![],
        "typing q in a filter must not quit"
    );
    assert_eq!(a.view.table().filter, "loc");
    // The Overview's rows are its attention items; failing sources are among them.
    assert_eq!(a.row_ids(Tab::Overview), vec!["source:0:docker local"]);
    update(&mut a, key(KeyCode::Backspace));
    assert_eq!(a.view.table().filter, "lo");
    update(&mut a, key(KeyCode::Enter));
    assert!(a.view.input.is_none());
    assert_eq!(a.view.table().filter, "lo");
    update(&mut a, ch('/'));
    update(&mut a, key(KeyCode::Esc));
    assert_eq!(a.view.table().filter, "");
    assert!(a.view.input.is_none());
}

#[test]
fn typing_q_in_filter_is_text_but_ctrl_c_still_quits() {
    let mut a = app(vec![]);
    update(&mut a, ch('/'));
    assert!(update(&mut a, ch('q')).is_empty());
    assert_eq!(a.view.table().filter, "q");
    assert_eq!(update(&mut a, ctrl('c')), vec![Effect::Quit]);
}

#[test]
fn filters_are_per_tab() {
    let mut a = app(vec![]);
    update(&mut a, ch('/'));
    type_text(&mut a, "abc");
    update(&mut a, key(KeyCode::Enter));
    update(&mut a, ch('2'));
    assert_eq!(a.view.table().filter, "");
    update(&mut a, ch('1'));
    assert_eq!(a.view.table().filter, "abc");
    update(&mut a, key(KeyCode::Esc));
    assert_eq!(
        a.view.table().filter,
        "",
        "esc with no overlay clears the filter"
    );
}

#[test]
fn help_overlay_stacks_and_swallows_keys() {
    let mut a = app(vec![]);
    update(&mut a, ch('?'));
    assert_eq!(a.view.overlays, vec![Overlay::Help]);
    update(&mut a, ch('3'));
    assert_eq!(
        a.view.tab,
        Tab::Overview,
        "keys under the help overlay do nothing"
    );
    update(&mut a, key(KeyCode::Esc));
    assert!(a.view.overlays.is_empty());
    update(&mut a, ch('?'));
    update(&mut a, ch('?'));
    assert!(a.view.overlays.is_empty(), "? toggles help");
    update(&mut a, ch('?'));
    assert_eq!(update(&mut a, ch('q')), vec![], "q closes help (issue 12)");
    assert!(a.view.overlays.is_empty());
    update(&mut a, ch('?'));
    assert_eq!(update(&mut a, ctrl('c')), vec![Effect::Quit]);
}

#[test]
fn palette_runs_the_chosen_command() {
    let mut a = app(vec![spec(SourceKind::Prometheus, "prometheus")]);
    update(&mut a, ch(':'));
    assert!(matches!(a.view.overlays.last(), Some(Overlay::Palette(_))));
    type_text(&mut a, "alerts");
    let effects = update(&mut a, key(KeyCode::Enter));
    assert_eq!(a.view.tab, Tab::Alerts);
    assert!(a.view.overlays.is_empty());
    assert_eq!(
        effects,
        vec![Effect::SetPolicy(SourceId(0), PollPolicy::Visible)]
    );
}

#[test]
fn palette_escape_closes_without_running() {
    let mut a = app(vec![]);
    update(&mut a, ch(':'));
    type_text(&mut a, "quit");
    update(&mut a, key(KeyCode::Esc));
    assert!(a.view.overlays.is_empty());
    assert_eq!(a.view.tab, Tab::Overview);
}

#[test]
fn health_error_keeps_since_and_changes_only_when_error_changes() {
    let mut a = app(vec![spec(SourceKind::Docker, "local")]);
    let poll = |t, e: SourceError| {
        Msg::Source(Update::Polled {
            source: SourceId(0),
            at: at(t),
            result: Err(e),
        })
    };
    update(&mut a, poll(1, unreachable()));
    a.dirty = false;
    update(&mut a, poll(5, unreachable()));
    assert!(!a.dirty, "the same error again changes nothing on screen");
    match &a.store.sources[0].health {
        Health::Error {
            since, at: last, ..
        } => assert_eq!((*since, *last), (at(1), at(5))),
        h => panic!("unexpected {h:?}"),
    }
    let other = SourceError::Timeout {
        target: "x".into(),
        secs: 5,
    };
    update(&mut a, poll(9, other));
    assert!(a.dirty);
    assert!(matches!(a.store.sources[0].health, Health::Error { since, .. } if since == at(9)));
}

#[test]
fn crashed_poller_shows_as_crashed() {
    let mut a = app(vec![spec(SourceKind::Docker, "local")]);
    let msg = Update::Crashed {
        source: SourceId(0),
        at: at(3),
        message: "boom".into(),
    };
    update(&mut a, Msg::Source(msg));
    assert!(
        matches!(&a.store.sources[0].health, Health::Crashed { message, .. } if message == "boom")
    );
}

#[test]
fn age_ticks_each_second_under_a_minute_then_each_minute() {
    let mut a = app(vec![spec(SourceKind::Docker, "local")]);
    assert_eq!(
        a.next_wakeup(),
        None,
        "nothing ages on screen: sleep until an event"
    );
    let poll = Update::Polled {
        source: SourceId(0),
        at: now(),
        result: Err(unreachable()),
    };
    update(&mut a, Msg::Source(poll));
    update(&mut a, Msg::Tick { now: at(10) });
    assert_eq!(a.next_wakeup(), Some(Duration::from_secs(1)));
    update(&mut a, Msg::Tick { now: at(75) });
    assert_eq!(a.next_wakeup(), Some(Duration::from_secs(45)));
}

#[test]
fn toast_expires_on_tick() {
    let mut a = app(vec![]);
    a.view.toast = Some(Toast {
        text: "done".into(),
        level: ToastLevel::Info,
        until: at(4),
    });
    assert_eq!(a.next_wakeup(), Some(Duration::from_secs(4)));
    update(&mut a, Msg::Tick { now: at(3) });
    assert!(a.view.toast.is_some());
    update(&mut a, Msg::Tick { now: at(4) });
    assert!(a.view.toast.is_none());
}

#[test]
fn sort_keys_cycle_and_reverse() {
    let mut a = app(vec![
        spec(SourceKind::Github, "github"),
        spec(SourceKind::Docker, "local"),
    ]);
    let order = |a: &flightdeck::app::App| -> Vec<String> {
        a.overview_order()
            .into_iter()
            .map(|i| flightdeck::view::screen::source_key(&a.store.sources[i]))
            .collect()
    };
    assert_eq!(order(&a), vec!["docker local", "github"]);
    update(&mut a, ch('<'));
    assert_eq!(order(&a), vec!["github", "docker local"]);
    update(&mut a, ch('>'));
    assert_eq!(a.view.table().sort_column, 1);
    assert!(!a.view.table().descending);
}

#[test]
fn selection_moves_with_j_k_g_and_g() {
    let specs = (0..5)
        .map(|i| spec(SourceKind::Docker, &format!("h{i}")))
        .collect();
    let mut a = app(specs);
    fail_all(&mut a, 5);
    update(&mut a, ch('j'));
    update(&mut a, ch('j'));
    assert_eq!(
        a.view.table().selected.as_deref(),
        Some("source:2:docker h2")
    );
    update(&mut a, ch('G'));
    assert_eq!(
        a.view.table().selected.as_deref(),
        Some("source:4:docker h4")
    );
    update(&mut a, ch('k'));
    update(&mut a, ch('g'));
    assert_eq!(
        a.view.table().selected.as_deref(),
        Some("source:0:docker h0")
    );
}

/// Makes the first `n` sources fail, so each is an attention item on the Overview.
fn fail_all(a: &mut flightdeck::app::App, n: usize) {
    for i in 0..n {
        let msg = Update::Polled {
            source: SourceId(i),
            at: at(0),
            result: Err(flightdeck::error::SourceError::Timeout {
                target: format!("h{i}"),
                secs: 5,
            }),
        };
        update(a, Msg::Source(msg));
    }
}

#[test]
fn idle_source_with_unchanged_data_redraws_nothing_until_it_turns_stale() {
    use flightdeck::state::Payload;
    let mut a = app(vec![spec(SourceKind::Docker, "local")]);
    let ok = |t| {
        Msg::Source(Update::Polled {
            source: SourceId(0),
            at: at(t),
            result: Ok(Payload::Containers(vec![])),
        })
    };
    update(&mut a, ok(0));
    update(&mut a, Msg::Tick { now: at(0) });
    a.dirty = false;
    update(&mut a, ok(15));
    assert!(!a.dirty, "the same data again changes nothing on screen");
    update(&mut a, Msg::Tick { now: at(15) });
    // Interval 15 s: stale five intervals (75 s) after the last poll, so the next
    // wake is then (+1 s); a hidden tab polls every fourth interval, before that.
    assert_eq!(a.next_wakeup(), Some(Duration::from_secs(76)));
    update(&mut a, Msg::Tick { now: at(91) });
    assert_eq!(
        a.next_wakeup(),
        Some(Duration::from_secs(44)),
        "stale at 1m: its age ticks by the minute"
    );
    a.dirty = false;
    update(&mut a, ok(92));
    assert!(a.dirty, "fresh again after being stale: redraw");
}

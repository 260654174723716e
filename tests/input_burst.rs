//! Bursts of terminal input applied in constant time per key: runs of movement
//! keys become one move, runs of typed characters into a focused input one
//! paste, and nothing (Esc, `q`, Enter) is left behind the backlog.

#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;
#[path = "common/containers.rs"]
mod fixtures;

use common::{ch, key};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use fixtures::{docker_app, feed, running};
use flightdeck::app::App;
use flightdeck::app::burst::apply;
use flightdeck::app::effect::Effect;
use flightdeck::app::msg::Msg;
use flightdeck::app::update::update;
use flightdeck::view::{Overlay, Tab};

/// The Containers tab of one engine with `n` running containers.
fn containers(n: usize) -> App {
    let mut a = docker_app(&["local"]);
    let list = (0..n)
        .map(|i| running(&format!("c{i:05}"), "busybox"))
        .collect();
    feed(&mut a, 0, 0, list);
    a
}

fn selected_index(a: &App) -> Option<usize> {
    let ids = a.row_ids(Tab::Containers);
    let selected = a.view.tables[Tab::Containers.index()].selected.clone()?;
    ids.iter().position(|id| *id == selected)
}

fn repeat(c: char, n: usize) -> Vec<Msg> {
    (0..n).map(|_| ch(c)).collect()
}

#[test]
fn two_thousand_j_then_q_is_one_move_and_a_quit() {
    let mut a = containers(15_000);
    let mut burst = repeat('j', 2_000);
    burst.push(ch('q'));
    let applied = apply(&mut a, burst);
    assert_eq!(applied.updates, 2, "one move and one q reach update");
    assert!(applied.effects.contains(&Effect::Quit));
    assert_eq!(selected_index(&a), Some(2_000));
}

#[test]
fn a_coalesced_burst_lands_where_single_keys_would() {
    let keys: Vec<Msg> = [
        repeat('j', 40),
        repeat('k', 7),
        vec![key(KeyCode::PageDown), key(KeyCode::PageDown)],
        repeat('j', 500),
        vec![ch('g')],
        repeat('j', 3),
        vec![key(KeyCode::PageUp)],
        repeat('j', 12),
    ]
    .concat();
    let mut one_by_one = containers(300);
    for k in keys.clone() {
        update(&mut one_by_one, k);
    }
    let mut burst = containers(300);
    let applied = apply(&mut burst, keys.clone());
    assert!(
        applied.updates <= 7,
        "{} updates for {} keys",
        applied.updates,
        keys.len()
    );
    assert_eq!(selected_index(&burst), selected_index(&one_by_one));
    assert_eq!(selected_index(&burst), Some(12));
}

#[test]
fn key_releases_inside_a_run_are_dropped_not_counted() {
    let mut a = containers(100);
    let release = Msg::Key(KeyEvent::new_with_kind(
        KeyCode::Char('j'),
        KeyModifiers::NONE,
        KeyEventKind::Release,
    ));
    let burst = vec![ch('j'), release.clone(), ch('j'), release, ch('j')];
    let applied = apply(&mut a, burst);
    assert_eq!(applied.updates, 1);
    assert_eq!(selected_index(&a), Some(3));
}

fn filter_of(a: &App) -> &str {
    &a.view.tables[Tab::Containers.index()].filter
}

#[test]
fn a_five_kilobyte_raw_paste_into_the_filter_is_one_paste_with_nothing_left_behind() {
    let mut a = containers(50);
    let text: String = (0..5_120)
        .map(|i| char::from(b'a' + u8::try_from(i % 26).unwrap()))
        .collect();
    let mut burst = vec![ch('/')];
    burst.extend(text.chars().map(ch));
    burst.push(key(KeyCode::Enter));
    let applied = apply(&mut a, burst);
    assert_eq!(applied.updates, 3, "'/', one paste, Enter");
    assert!(
        a.view.input.is_none(),
        "Enter behind the paste closed the input"
    );
    assert_eq!(filter_of(&a), text);
    // The key after the burst acts at once, as a key, not as filter text.
    update(&mut a, ch('2'));
    assert_eq!(a.view.tab, Tab::Pipelines);
}

#[test]
fn esc_behind_a_backlog_is_handled_in_the_same_burst() {
    let mut a = containers(50);
    let mut burst = vec![ch('/')];
    burst.extend(repeat('x', 8_000));
    burst.push(key(KeyCode::Esc));
    let applied = apply(&mut a, burst);
    assert_eq!(applied.updates, 3);
    assert!(a.view.input.is_none(), "Esc closed the input");
    assert_eq!(filter_of(&a), "", "Esc cleared the filter");
}

#[test]
fn a_typed_burst_replaces_a_selected_filter_as_typing_does() {
    let mut a = containers(50);
    apply(
        &mut a,
        [vec![ch('/')], repeat('a', 3), vec![key(KeyCode::Enter)]].concat(),
    );
    assert_eq!(filter_of(&a), "aaa");
    // Reopened, the old text is selected: a burst replaces it, one key would too.
    apply(&mut a, [vec![ch('/')], repeat('b', 2)].concat());
    assert_eq!(filter_of(&a), "bb");
    let mut one = containers(50);
    apply(
        &mut one,
        [vec![ch('/')], repeat('a', 3), vec![key(KeyCode::Enter)]].concat(),
    );
    for m in [ch('/'), ch('b'), ch('b')] {
        update(&mut one, m);
    }
    assert_eq!(filter_of(&one), "bb");
}

#[test]
fn a_burst_into_the_palette_is_its_query_and_enter_runs_the_command() {
    let mut a = containers(10);
    let mut burst = vec![ch(':')];
    burst.extend("help".chars().map(ch));
    let applied = apply(&mut a, burst);
    assert_eq!(applied.updates, 2);
    match a.view.overlays.last() {
        Some(Overlay::Palette(p)) => assert_eq!(p.query, "help"),
        other => panic!("palette expected, got {other:?}"),
    }
    apply(&mut a, vec![key(KeyCode::Enter)]);
    assert!(matches!(a.view.overlays.last(), Some(Overlay::Help)));
}

#[test]
fn keys_outside_an_input_are_not_taken_for_a_paste() {
    let mut a = containers(10);
    // `2` then `3`: two tab switches, not text.
    let applied = apply(&mut a, vec![ch('2'), ch('3')]);
    assert_eq!(applied.updates, 2);
    assert_eq!(a.view.tab, Tab::Containers);
    assert!(a.view.input.is_none());
}

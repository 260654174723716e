//! `update` sequences on the Models tab: drilling into versions and a version's
//! detail (which asks for its run), the metric chooser, the comparison, the alias
//! and stage choosers ending in confirmed actions, and read-only refusals.
#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;
#[path = "common/models.rs"]
mod fixtures;

use common::{ch, key, type_text};
use crossterm::event::KeyCode;
use fixtures::{deliver_run, models_app, registry};
use flightdeck::actions::Action;
use flightdeck::app::effect::Effect;
use flightdeck::app::update::update;
use flightdeck::state::SourceId;
use flightdeck::view::{Overlay, Tab};

fn open_fraud() -> flightdeck::app::App {
    let mut a = models_app(registry());
    a.view.tables[Tab::Models.index()].selected = Some("fraud-detector".into());
    assert!(update(&mut a, key(KeyCode::Enter)).is_empty());
    assert_eq!(a.view.models.model.as_deref(), Some("fraud-detector"));
    a
}

#[test]
fn enter_drills_from_models_to_versions_to_detail_and_esc_climbs_back() {
    let mut a = open_fraud();
    assert_eq!(a.row_ids(Tab::Models), ["4", "3", "2", "1"]);
    update(&mut a, ch('j'));
    update(&mut a, ch('j'));
    let effects = update(&mut a, key(KeyCode::Enter));
    assert_eq!(a.view.models.detail.as_deref(), Some("2"));
    assert_eq!(
        effects,
        [Effect::FetchRun {
            source: SourceId(0),
            run_id: format!("{:0>32}", 2)
        }]
    );
    // Asking again while it loads sends nothing.
    update(&mut a, key(KeyCode::Esc));
    assert!(update(&mut a, key(KeyCode::Enter)).is_empty());
    deliver_run(&mut a, 2);
    update(&mut a, ch('j'));
    assert_eq!(a.view.models.metric.as_deref(), Some("loss"));
    update(&mut a, key(KeyCode::Esc));
    assert!(a.view.models.detail.is_none());
    update(&mut a, key(KeyCode::Esc));
    assert!(a.view.models.model.is_none());
}

#[test]
fn compare_uses_marked_else_champion_and_fetches_both_runs() {
    let mut a = open_fraud();
    let effects = update(&mut a, ch('c'));
    assert_eq!(a.view.models.compare, Some(("2".into(), "4".into())));
    assert_eq!(effects.len(), 2);
    update(&mut a, key(KeyCode::Esc));
    update(&mut a, ch('G'));
    update(&mut a, ch('m'));
    assert_eq!(a.view.models.marked.as_deref(), Some("1"));
    update(&mut a, ch('g'));
    let effects = update(&mut a, ch('c'));
    assert_eq!(a.view.models.compare, Some(("1".into(), "4".into())));
    // v4's run is already loading: only v1's is asked for.
    assert_eq!(effects.len(), 1);
}

#[test]
fn setting_champion_moves_it_after_confirmation() {
    let mut a = open_fraud();
    update(&mut a, ch('a'));
    let Some(Overlay::Alias(view)) = a.view.overlays.last() else {
        panic!("no alias chooser: {:?}", a.view.overlays);
    };
    assert_eq!(view.entries().len(), 2);
    type_text(&mut a, "champ");
    let effects = update(&mut a, key(KeyCode::Enter));
    assert!(effects.is_empty());
    let Some(Overlay::Confirm(c)) = a.view.overlays.last() else {
        panic!("no confirmation");
    };
    let wanted = Action::SetAlias {
        source: SourceId(0),
        host: "mlflow".into(),
        model: "fraud-detector".into(),
        alias: "champion".into(),
        version: "4".into(),
    };
    assert_eq!(c.action, wanted);
    assert_eq!(update(&mut a, ch('y')), [Effect::Execute(wanted)]);
}

#[test]
fn a_new_alias_can_be_typed_and_no_is_the_default() {
    let mut a = open_fraud();
    update(&mut a, ch('a'));
    type_text(&mut a, "shadow");
    update(&mut a, key(KeyCode::Enter));
    let Some(Overlay::Confirm(c)) = a.view.overlays.last() else {
        panic!("no confirmation");
    };
    assert!(matches!(&c.action, Action::SetAlias { alias, .. } if alias == "shadow"));
    assert!(update(&mut a, ch('n')).is_empty());
    assert!(a.view.overlays.is_empty());
}

#[test]
fn delete_alias_offers_the_versions_aliases_only() {
    let mut a = open_fraud();
    update(&mut a, ch('D'));
    update(&mut a, key(KeyCode::Enter));
    let Some(Overlay::Confirm(c)) = a.view.overlays.last() else {
        panic!("no confirmation");
    };
    assert!(
        matches!(&c.action, Action::DeleteAlias { alias, version, .. } if alias == "challenger" && version == "4")
    );
    update(&mut a, ch('n'));
    // v3 has no alias: a toast says so.
    update(&mut a, ch('j'));
    update(&mut a, ch('D'));
    assert!(a.view.overlays.is_empty());
    assert!(a.view.toast.as_ref().unwrap().text.contains("no alias"));
}

#[test]
fn stage_chooser_ends_in_a_transition() {
    let mut a = open_fraud();
    update(&mut a, ch('T'));
    update(&mut a, ch('j'));
    update(&mut a, key(KeyCode::Enter));
    let Some(Overlay::Confirm(c)) = a.view.overlays.last() else {
        panic!("no confirmation");
    };
    assert!(matches!(&c.action, Action::TransitionStage { stage, .. } if stage == "Production"));
}

#[test]
fn read_only_refuses_every_registry_action() {
    let mut a = open_fraud();
    a.read_only = true;
    for c in ['a', 'D', 'T'] {
        update(&mut a, ch(c));
        assert!(a.view.overlays.is_empty());
        assert!(a.view.toast.as_ref().unwrap().text.contains("read-only"));
    }
}

#[test]
fn actions_need_an_open_model_and_the_filter_applies_to_versions() {
    let mut a = models_app(registry());
    update(&mut a, ch('a'));
    assert!(a.view.overlays.is_empty());
    a.view.tables[Tab::Models.index()].selected = Some("fraud-detector".into());
    update(&mut a, key(KeyCode::Enter));
    update(&mut a, ch('/'));
    type_text(&mut a, "champion");
    update(&mut a, key(KeyCode::Enter));
    assert_eq!(a.row_ids(Tab::Models), ["2"]);
    assert!(a.view.tables[Tab::Models.index()].filter.is_empty());
}

#[test]
fn refresh_reads_the_runs_on_screen_again() {
    let mut a = open_fraud();
    update(&mut a, key(KeyCode::Enter));
    deliver_run(&mut a, 4);
    let effects = update(&mut a, ch('r'));
    assert_eq!(effects.len(), 2, "{effects:?}");
    assert!(matches!(&effects[1], Effect::FetchRun { run_id, .. } if run_id.ends_with('4')));
}

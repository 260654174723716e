//! The Containers tab's Swarm views against a snapshot recorded from the real
//! three-node test swarm (`tests/fixtures/swarm/`): `v`, Enter, the scale and
//! availability forms, read-only refusal, progress of an action as it converges,
//! and snapshots of the services, tasks and nodes views at 80x24 and 120x40.
#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;
#[path = "common/containers.rs"]
mod fixtures;
#[path = "common/pipelines.rs"]
mod pipelines;

use bollard::models::{Node as WireNode, Service as WireService, Task as WireTask};
use chrono::{DateTime, Utc};
use common::{app, ch, key, spec};
use crossterm::event::KeyCode;
use fixtures::{pane, running};
use flightdeck::actions::Action;
use flightdeck::app::App;
use flightdeck::app::effect::Effect;
use flightdeck::app::msg::Msg;
use flightdeck::app::update::update;
use flightdeck::state::action::SwarmOp;
use flightdeck::state::container::Container;
use flightdeck::state::swarm::{Availability, SwarmSnapshot};
use flightdeck::state::{Payload, SourceId, SourceKind, Update};
use flightdeck::view::swarm::{ClusterMode, SwarmRow, rows};
use flightdeck::view::{Overlay, Tab, ToastLevel};

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn recorded_at() -> DateTime<Utc> {
    "2026-12-06T01:08:53Z".parse().unwrap()
}

/// The swarm as `scripts/lib/swarm.sh` leaves it: fdstack_web 3/3, unplaceable
/// 1/3, crasher failing, worker2 drained.
fn recorded() -> SwarmSnapshot {
    let services: Vec<WireService> =
        serde_json::from_str(include_str!("fixtures/swarm/services.json")).unwrap();
    let tasks: Vec<WireTask> =
        serde_json::from_str(include_str!("fixtures/swarm/tasks.json")).unwrap();
    let nodes: Vec<WireNode> =
        serde_json::from_str(include_str!("fixtures/swarm/nodes.json")).unwrap();
    flightdeck::sources::docker::swarm::snapshot(&services, &tasks, &nodes, recorded_at())
}

fn poll_swarm(a: &mut App, snapshot: SwarmSnapshot, secs: i64) {
    let at = recorded_at() + chrono::Duration::seconds(secs);
    let msg = Update::Polled {
        source: SourceId(0),
        at,
        result: Ok(Payload::Swarm(Ok(Some(snapshot)))),
    };
    update(a, Msg::Source(msg));
    update(a, Msg::Tick { now: at });
}

fn poll_containers(a: &mut App, list: Vec<Container>) {
    let msg = Update::Polled {
        source: SourceId(0),
        at: recorded_at(),
        result: Ok(Payload::Containers(list)),
    };
    update(a, Msg::Source(msg));
}

/// A manager named `manager1` with no local containers and the recorded swarm.
fn swarm_app(read_only: bool) -> App {
    let mut a = app(vec![spec(SourceKind::Docker, "manager1")]);
    a.read_only = read_only;
    a.view.tab = Tab::Containers;
    poll_containers(&mut a, Vec::new());
    poll_swarm(&mut a, recorded(), 0);
    a
}

fn press(a: &mut App, c: char) -> Vec<Effect> {
    update(a, ch(c))
}

fn names(a: &App) -> Vec<String> {
    let view = &a.view.containers;
    rows(&a.store, &view.swarm, view.mode)
        .iter()
        .map(|r| match r {
            SwarmRow::Group { label, .. } => format!("[{label}]"),
            SwarmRow::Service { service, .. } => service.name.clone(),
            SwarmRow::Task { task, .. } => format!("{}:{}", task.slot.unwrap_or(0), task.state),
            SwarmRow::Node { node, .. } => {
                format!("{}:{}", node.hostname, node.availability.as_str())
            }
        })
        .collect()
}

/// Selects the row whose name (as `names` gives it) is `name`.
fn select(a: &mut App, name: &str) {
    let i = names(a).iter().position(|n| n == name).unwrap();
    let view = &a.view.containers;
    let id = rows(&a.store, &view.swarm, view.mode)[i].id();
    a.view.active_table_mut().selected = Some(id);
}

#[test]
fn v_cycles_containers_services_nodes_and_says_why_without_a_manager() {
    let mut a = swarm_app(false);
    assert_eq!(a.view.containers.mode, ClusterMode::Containers);
    press(&mut a, 'v');
    assert_eq!(a.view.containers.mode, ClusterMode::Services);
    assert_eq!(names(&a).len(), 4, "a stack row and three services");
    press(&mut a, 'v');
    assert_eq!(a.view.containers.mode, ClusterMode::Nodes);
    assert_eq!(
        names(&a),
        ["manager:active", "worker1:active", "worker2:drain"]
    );
    press(&mut a, 'v');
    assert_eq!(a.view.containers.mode, ClusterMode::Containers);

    let mut plain = app(vec![spec(SourceKind::Docker, "local")]);
    plain.view.tab = Tab::Containers;
    poll_containers(&mut plain, vec![running("web", "nginx")]);
    press(&mut plain, 'v');
    assert_eq!(plain.view.containers.mode, ClusterMode::Containers);
    let toast = plain.view.toast.clone().unwrap();
    assert!(toast.text.contains("Swarm manager"), "{}", toast.text);
}

#[test]
fn services_are_grouped_by_stack_and_filtered() {
    let mut a = swarm_app(false);
    press(&mut a, 'v');
    assert_eq!(
        names(&a),
        ["[fdstack]", "fdstack_web", "crasher", "unplaceable"]
    );
    a.view.active_table_mut().filter = "unpl".into();
    assert_eq!(names(&a), ["unplaceable"]);
}

#[test]
fn enter_opens_a_services_tasks_and_a_task_says_its_status_without_its_engine() {
    let mut a = swarm_app(false);
    press(&mut a, 'v');
    select(&mut a, "crasher");
    update(&mut a, key(KeyCode::Enter));
    let tasks = names(&a);
    assert!(tasks.iter().any(|t| t.ends_with(":failed")), "{tasks:?}");
    // A task on another node: no engine here has its container.
    let failed = tasks
        .iter()
        .find(|t| t.ends_with(":failed"))
        .unwrap()
        .clone();
    select(&mut a, &failed);
    let effects = update(&mut a, key(KeyCode::Enter));
    assert!(effects.is_empty());
    assert_eq!(a.view.containers.detail, None);
    let toast = a.view.toast.clone().unwrap();
    assert!(
        toast.text.contains("crasher.") && toast.text.contains("failed"),
        "{}",
        toast.text
    );
    update(&mut a, key(KeyCode::Esc));
    assert_eq!(
        a.view.containers.swarm.open, None,
        "Esc goes back to services"
    );
    assert!(names(&a).contains(&"crasher".to_owned()));
}

#[test]
fn enter_on_a_task_whose_container_an_engine_lists_opens_its_detail() {
    let mut a = swarm_app(false);
    let snap = recorded();
    let web = snap
        .services
        .iter()
        .find(|s| s.name == "fdstack_web")
        .unwrap();
    let task = snap
        .tasks
        .iter()
        .find(|t| t.service_id == web.id && t.is_running() && t.container_id.is_some())
        .unwrap();
    let mut c = running("fdstack_web.1.x", "flightdeck-test:busybox");
    c.id = task.container_id.clone().unwrap();
    poll_containers(&mut a, vec![c.clone()]);
    press(&mut a, 'v');
    select(&mut a, "fdstack_web");
    update(&mut a, key(KeyCode::Enter));
    let row = format!("{}:running", task.slot.unwrap());
    select(&mut a, &row);
    let effects = update(&mut a, key(KeyCode::Enter));
    assert_eq!(effects, vec![Effect::Refresh(vec![SourceId(0)])]);
    assert_eq!(
        a.view.containers.detail,
        Some(format!("c:0:{}", c.id)),
        "the container's detail"
    );
    update(&mut a, key(KeyCode::Esc));
    assert_eq!(a.view.containers.detail, None);
    assert!(a.view.containers.swarm.open.is_some(), "back on the tasks");
}

#[test]
fn the_scale_form_asks_to_confirm_a_scale_to_one_and_validates() {
    let mut a = swarm_app(false);
    press(&mut a, 'v');
    select(&mut a, "fdstack_web");
    press(&mut a, '=');
    assert!(matches!(a.view.overlays.last(), Some(Overlay::Form(..))));
    // Replace the current count (3) with "x": refused with a reason.
    update(&mut a, key(KeyCode::Backspace));
    press(&mut a, 'x');
    update(&mut a, key(KeyCode::Enter));
    let Some(Overlay::Form(form, _)) = a.view.overlays.last() else {
        panic!("form closed on bad input");
    };
    assert!(form.error.as_deref().unwrap().contains("'x'"));
    update(&mut a, key(KeyCode::Backspace));
    press(&mut a, '1');
    update(&mut a, key(KeyCode::Enter));
    let Some(Overlay::Confirm(confirm)) = a.view.overlays.last() else {
        panic!("no confirmation");
    };
    let Action::Swarm { op, name, host, .. } = &confirm.action else {
        panic!("not a swarm action");
    };
    assert_eq!(
        (*op, name.as_str(), host.as_str()),
        (SwarmOp::Scale(1), "fdstack_web", "docker manager1")
    );
    let action = confirm.action.clone();
    let effects = press(&mut a, 'y');
    assert_eq!(effects, vec![Effect::Execute(action)]);
}

#[test]
fn rolling_restart_rollback_and_drain_are_confirmed_naming_their_target() {
    let mut a = swarm_app(false);
    press(&mut a, 'v');
    select(&mut a, "fdstack_web");
    press(&mut a, 'R');
    let op = |a: &App| match a.view.overlays.last() {
        Some(Overlay::Confirm(c)) => match &c.action {
            Action::Swarm { op, name, .. } => Some((*op, name.clone())),
            _ => None,
        },
        _ => None,
    };
    assert_eq!(op(&a), Some((SwarmOp::ForceUpdate, "fdstack_web".into())));
    press(&mut a, 'n');
    assert!(a.view.overlays.is_empty());
    press(&mut a, 'U');
    assert_eq!(op(&a), Some((SwarmOp::Rollback, "fdstack_web".into())));
    press(&mut a, 'n');
    press(&mut a, 'v');
    select(&mut a, "worker1:active");
    press(&mut a, 'a');
    update(&mut a, key(KeyCode::Right));
    update(&mut a, key(KeyCode::Right));
    update(&mut a, key(KeyCode::Enter));
    assert_eq!(
        op(&a),
        Some((SwarmOp::Availability(Availability::Drain), "worker1".into()))
    );
}

#[test]
fn read_only_refuses_every_swarm_action_and_hides_it_from_help() {
    let mut a = swarm_app(true);
    press(&mut a, 'v');
    select(&mut a, "fdstack_web");
    for c in ['=', 'R', 'U'] {
        assert!(press(&mut a, c).is_empty());
        assert!(a.view.overlays.is_empty(), "{c} opened an overlay");
        assert_eq!(a.view.toast.as_ref().unwrap().level, ToastLevel::Error);
    }
    press(&mut a, 'v');
    press(&mut a, 'a');
    assert!(a.view.overlays.is_empty());
    let entries: Vec<_> = flightdeck::view::screen::palette_entries("scale", true).collect();
    assert!(entries.is_empty(), "{entries:?}");
}

#[test]
fn a_scale_reports_progress_then_its_outcome_in_a_toast_and_the_feed() {
    let mut a = swarm_app(false);
    let snap = recorded();
    let web = snap
        .services
        .iter()
        .find(|s| s.name == "fdstack_web")
        .unwrap()
        .clone();
    let action = Action::Swarm {
        source: SourceId(0),
        host: "docker manager1".into(),
        id: web.id.clone(),
        name: web.name.clone(),
        op: SwarmOp::Scale(1),
    };
    let done = Update::ActionDone {
        action,
        at: recorded_at(),
        result: Ok(()),
        inverse: None,
    };
    update(&mut a, Msg::Source(done));
    // The manager took the new count; two tasks are still shutting down.
    let mut converging = snap.clone();
    let s = converging
        .services
        .iter_mut()
        .find(|s| s.id == web.id)
        .unwrap();
    s.replicas_desired = 1;
    poll_swarm(&mut a, converging.clone(), 2);
    let toast = a.view.toast.clone().unwrap();
    assert_eq!(toast.level, ToastLevel::Progress);
    assert!(toast.text.ends_with("3/1 running"), "{}", toast.text);
    let s = converging
        .services
        .iter_mut()
        .find(|s| s.id == web.id)
        .unwrap();
    s.replicas_running = 1;
    poll_swarm(&mut a, converging, 4);
    let toast = a.view.toast.clone().unwrap();
    assert!(toast.text.ends_with("1/1 running"), "{}", toast.text);
    let last = a.store.feed.newest_first().next().unwrap().text.clone();
    assert!(
        last.contains("Scale to 1 replicas service 'fdstack_web'") && last.ends_with("1/1 running"),
        "{last}"
    );
    assert!(a.swarm_watch.is_empty(), "no longer watched");
}

fn view_with(a: &mut App, mode: ClusterMode, open: Option<&str>) {
    a.view.containers.mode = mode;
    if let Some(name) = open {
        a.view.containers.mode = ClusterMode::Services;
        select(a, name);
        update(a, key(KeyCode::Enter));
    }
}

#[test]
fn snapshots_of_the_services_tasks_and_nodes_views() {
    for (label, mode, open) in [
        ("services", ClusterMode::Services, None),
        ("tasks", ClusterMode::Services, Some("crasher")),
        ("nodes", ClusterMode::Nodes, None),
    ] {
        let mut a = swarm_app(false);
        view_with(&mut a, mode, open);
        for (w, h) in SIZES {
            let view = a.view.containers.clone();
            insta::assert_snapshot!(format!("{label}_{w}x{h}"), pane(&a, &view, w, h));
        }
    }
}

/// The commit `scripts/lib/swarm.sh` labels `fdstack_web` with.
const REVISION: &str = "3f2a9c1e0b5d4c3a2b1f0e9d8c7b6a5f4e3d2c1b";

#[test]
fn a_service_links_to_the_ci_run_of_its_revision_and_b_opens_it() {
    use flightdeck::state::pipeline::{PipelineRun, RunConclusion, RunStatus};
    let mut a = app(vec![
        spec(SourceKind::Docker, "manager1"),
        spec(SourceKind::Github, "github"),
    ]);
    a.view.tab = Tab::Containers;
    poll_containers(&mut a, Vec::new());
    poll_swarm(&mut a, recorded(), 0);
    let built = PipelineRun {
        head_sha: REVISION.to_owned(),
        workflow: "CI".to_owned(),
        ..pipelines::run(
            42,
            "acme/web",
            "CI",
            "main",
            RunStatus::Completed,
            Some(RunConclusion::Success),
            30,
        )
    };
    let msg = Update::Polled {
        source: SourceId(1),
        at: recorded_at(),
        result: Ok(pipelines::payload(vec![built])),
    };
    update(&mut a, Msg::Source(msg));
    view_with(&mut a, ClusterMode::Services, Some("fdstack_web"));
    for (w, h) in SIZES {
        let view = a.view.containers.clone();
        let text = pane(&a, &view, w, h);
        assert!(text.contains("built by CI #42 (success)"), "{text}");
        insta::assert_snapshot!(format!("tasks_built_by_{w}x{h}"), text);
    }
    // `b` on the service (in its tasks or selected in the list) opens that run.
    press(&mut a, 'b');
    assert_eq!(a.view.tab, Tab::Pipelines);
    assert_eq!(a.view.active_table().selected.as_deref(), Some("42"));
}

#[test]
fn enter_on_an_attention_item_opens_the_service_or_node_selected_in_its_view() {
    let mut a = swarm_app(false);
    a.view.tab = Tab::Overview;
    let list = a.attention();
    let crasher = list
        .iter()
        .position(|i| i.kind == "service" && i.name == "crasher")
        .unwrap();
    let ids: Vec<String> = list
        .iter()
        .map(flightdeck::status::Attention::row_id)
        .collect();
    a.view.tables[Tab::Overview.index()].selected = Some(ids[crasher].clone());
    update(&mut a, key(KeyCode::Enter));
    assert_eq!(a.view.tab, Tab::Containers);
    assert_eq!(a.view.containers.mode, ClusterMode::Services);
    let selected = flightdeck::app::swarm::selected_row_id(&a).unwrap();
    let (_, s) = flightdeck::view::swarm::find_service(&a.store, &selected).unwrap();
    assert_eq!(s.name, "crasher");

    a.view.tab = Tab::Overview;
    let list = a.attention();
    let worker2 = list
        .iter()
        .position(|i| i.kind == "node" && i.name == "worker2")
        .unwrap();
    let ids: Vec<String> = list
        .iter()
        .map(flightdeck::status::Attention::row_id)
        .collect();
    a.view.tables[Tab::Overview.index()].selected = Some(ids[worker2].clone());
    update(&mut a, key(KeyCode::Enter));
    assert_eq!(a.view.containers.mode, ClusterMode::Nodes);
    let selected = flightdeck::app::swarm::selected_row_id(&a).unwrap();
    let (_, n) = flightdeck::view::swarm::find_node(&a.store, &selected).unwrap();
    assert_eq!(n.hostname, "worker2");
}

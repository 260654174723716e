//! `update` for the Containers tab's Swarm views: `v` cycles containers →
//! services → nodes, Enter drills into a service's tasks and a task's container,
//! and the service and node actions are built here as data, confirmed, run by the
//! executor and then watched over the next polls until they converge.

use std::fmt::Write as _;

use super::effect::Effect;
use super::{App, toast};
use crate::command::Command;
use crate::sources::docker::{Focus, SwarmFocus};
use crate::state::action::SwarmOp;
use crate::state::trace::service_commit;
use crate::state::{SourceId, SourceKind};
use crate::view::ToastLevel;
use crate::view::containers::{container_id, containers_of};
use crate::view::swarm::{
    ClusterMode, SwarmRow, find_node, find_service, find_task, managers, parse_id, rows, table,
    task_name,
};

mod forms;
mod watch;

pub use forms::{AVAILABILITIES, MAX_REPLICAS, validate};
pub use watch::{Progress, Watch, on_poll, progress, watch};

/// Runs a Swarm command (cycle the view, logs, actions).
pub fn run(app: &mut App, cmd: Command) -> Vec<Effect> {
    match cmd {
        Command::CycleView => cycle(app),
        Command::ScaleService => forms::scale_form(app),
        Command::RestartService => forms::ask_service(app, SwarmOp::ForceUpdate),
        Command::RollbackService => forms::ask_service(app, SwarmOp::Rollback),
        Command::NodeAvailability => forms::availability_form(app),
        Command::ServiceLogs => return service_logs(app),
        _ => {}
    }
    Vec::new()
}

/// `v`: containers → services → nodes → containers; stays on containers (and
/// says why) when no Docker engine is a Swarm manager.
pub fn cycle(app: &mut App) {
    let view = &mut app.view.containers;
    let next = match view.mode {
        ClusterMode::Containers => ClusterMode::Services,
        ClusterMode::Services => ClusterMode::Nodes,
        ClusterMode::Nodes => ClusterMode::Containers,
    };
    if next != ClusterMode::Containers && managers(&app.store).is_empty() {
        let why = if app.store.has_kind(SourceKind::Docker) {
            "no Docker engine here is a Swarm manager (or 'swarm = false'): services and nodes \
             are read from a manager"
        } else {
            "no Docker engine is configured: add a [[docker]] section"
        };
        view.mode = ClusterMode::Containers;
        toast(app, why.to_owned(), ToastLevel::Info);
        return;
    }
    view.detail = None;
    view.mode = next;
}

/// The id of the selected row of the Swarm view on screen (first row when gone).
pub fn selected_row_id(app: &App) -> Option<String> {
    let view = &app.view.containers;
    let list = rows(&app.store, &view.swarm, view.mode);
    let ids: Vec<String> = list.iter().map(SwarmRow::id).collect();
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    table(&view.swarm, view.mode)
        .position(&refs)
        .and_then(|i| ids.get(i).cloned())
}

/// The ids of the Swarm view's rows as shown.
pub fn row_ids(app: &App) -> Vec<String> {
    let view = &app.view.containers;
    rows(&app.store, &view.swarm, view.mode)
        .iter()
        .map(SwarmRow::id)
        .collect()
}

/// Enter: a service opens its tasks; a task opens its container's detail when an
/// engine configured here has it, else says the task's status.
pub fn select(app: &mut App) -> Vec<Effect> {
    let Some(id) = selected_row_id(app) else {
        return Vec::new();
    };
    if id.starts_with("s:") {
        let source = parse_id(&id).map(|(_, s, _)| s);
        let swarm = &mut app.view.containers.swarm;
        swarm.open = Some(id);
        swarm.tasks = crate::view::table::TableView::default();
        // Its tasks are read from now on at every poll: read them at once.
        return source
            .map(|s| Effect::Refresh(vec![s]))
            .into_iter()
            .collect();
    }
    let Some((_, task)) = find_task(&app.store, &id) else {
        return Vec::new();
    };
    let engine = task.container_id.as_deref().and_then(|cid| {
        app.store
            .ids_of(SourceKind::Docker)
            .find(|s| containers_of(&app.store, *s).is_some_and(|l| l.iter().any(|c| c.id == cid)))
            .map(|s| (s, cid.to_owned()))
    });
    if let Some((source, cid)) = engine {
        app.view.containers.detail = Some(container_id(source, &cid));
        app.view.containers.detail_scroll = 0;
        return vec![Effect::Refresh(vec![source])];
    }
    let text = task_status(app, &id);
    toast(app, text, ToastLevel::Info);
    Vec::new()
}

/// One line on a task whose node's engine is not configured here.
fn task_status(app: &App, row_id: &str) -> String {
    let (Some((_, task)), Some((_, service))) = (
        find_task(&app.store, row_id),
        find_service(&app.store, row_id),
    ) else {
        return "task gone".to_owned();
    };
    let mut text = format!(
        "{} on '{}': {} (desired {})",
        task_name(service, task),
        task.node.as_deref().unwrap_or("unassigned"),
        task.state,
        task.desired_state
    );
    if let Some(e) = &task.error {
        let _ = write!(text, ", error '{e}'");
    }
    if let Some(code) = task.exit_code {
        let _ = write!(text, ", exit {code}");
    }
    text.push_str(" — its node's engine is not configured here, so no container detail");
    text
}

fn host_label(app: &App, source: SourceId) -> String {
    app.store
        .source(source)
        .map(|s| s.spec.label())
        .unwrap_or_default()
}

/// Tells each manager's Swarm poller which tasks are on screen: every task for
/// the nodes view (it counts them per node), the open service's tasks.
pub fn focus(app: &App, focus: &mut [(SourceId, Focus)]) {
    let view = &app.view.containers;
    let wanted = match (view.mode, &view.swarm.open) {
        (ClusterMode::Nodes, _) => None,
        (ClusterMode::Services, Some(open)) => match parse_id(open) {
            Some(('s', source, id)) => Some((source, id)),
            _ => return,
        },
        _ => return,
    };
    for (source, f) in focus {
        f.swarm = match wanted {
            None => SwarmFocus::All,
            Some((s, id)) if s == *source => SwarmFocus::Service(id.to_owned()),
            Some(_) => SwarmFocus::None,
        };
    }
}

/// The commit the selected (or open) service's image was built from, for `b`.
pub fn build_commit(app: &App) -> Option<String> {
    let (source, id, ..) = target_service(app)?;
    let swarm = app.store.source(source)?.swarm.as_ref()?;
    let service = swarm.snapshot.services.iter().find(|s| s.id == id)?;
    service_commit(service)
}

/// The service the user means: the selected service, or the open tasks' service.
fn target_service(app: &App) -> Option<(SourceId, String, String, u64, bool)> {
    let view = &app.view.containers;
    if view.mode != ClusterMode::Services {
        return None;
    }
    let id = match &view.swarm.open {
        Some(open) => open.clone(),
        None => selected_row_id(app)?,
    };
    let (source, s) = find_service(&app.store, &id)?;
    let replicated = matches!(s.mode, crate::state::swarm::ServiceMode::Replicated);
    Some((
        source,
        s.id.clone(),
        s.name.clone(),
        s.replicas_desired,
        replicated,
    ))
}

/// `l`: follows the service's logs, every task's lines marked with its task.
fn service_logs(app: &mut App) -> Vec<Effect> {
    let Some((source, id, name, _, _)) = target_service(app) else {
        toast(app, "select a service first".to_owned(), ToastLevel::Info);
        return Vec::new();
    };
    let Some(swarm) = app.store.source(source).and_then(|s| s.swarm.as_ref()) else {
        return Vec::new();
    };
    let snap = &swarm.snapshot;
    let tasks: Vec<(String, String)> = snap
        .services
        .iter()
        .find(|s| s.id == id)
        .map(|s| {
            snap.tasks
                .iter()
                .filter(|t| t.service_id == id && t.desired_state == "running")
                .map(|t| {
                    let node = t.node.as_deref().unwrap_or("?");
                    (t.id.clone(), format!("{}@{node}", task_name(s, t)))
                })
                .collect()
        })
        .unwrap_or_default();
    let title = format!("logs service {name} ({})", host_label(app, source));
    app.view.log_stream += 1;
    app.view.text = Some(crate::view::text::TextView::new(
        title,
        super::containers::LOG_CAPACITY,
    ));
    vec![Effect::FollowServiceLogs {
        source,
        service: id,
        name,
        tasks,
        stream_id: app.view.log_stream,
    }]
}

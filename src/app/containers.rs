//! `update` for the Containers pane: drill-in, folding, toggles, logs, and the
//! actions (built here as data, confirmed by the user, run by the executor).

use super::effect::Effect;
use super::{App, refuse_read_only, toast};
use crate::actions::{Action, ContainerOp};
use crate::command::Command;
use crate::state::SourceId;
use crate::state::container::{Container, ContainerState};
use crate::view::containers::{ContainerRow, rows};
use crate::view::text::TextView;
use crate::view::{ConfirmView, Overlay, SignalView, Tab, ToastLevel};

/// Lines kept by the log viewer; older lines are dropped.
pub const LOG_CAPACITY: usize = 20_000;

/// Runs a Containers-pane command.
pub fn run(app: &mut App, cmd: Command) -> Vec<Effect> {
    match cmd {
        Command::RunningOnly => app.view.containers.running_only ^= true,
        Command::ProblemsOnly => app.view.containers.problems_only ^= true,
        Command::Fold => fold(app),
        Command::Logs => return open_logs(app),
        Command::KillContainer => choose_signal(app),
        Command::RestartContainer
        | Command::StopContainer
        | Command::StartContainer
        | Command::PauseContainer
        | Command::RemoveContainer
            if target(app).is_none() =>
        {
            say_no_container(app, cmd);
        }
        Command::RestartContainer => ask(app, |_| Some(ContainerOp::Restart)),
        Command::StopContainer => ask(app, |_| Some(ContainerOp::Stop)),
        Command::StartContainer => ask(app, |_| Some(ContainerOp::Start)),
        Command::PauseContainer => ask(app, |c| {
            Some(if c.state == ContainerState::Paused {
                ContainerOp::Unpause
            } else {
                ContainerOp::Pause
            })
        }),
        Command::RemoveContainer => ask(app, |_| Some(ContainerOp::Remove)),
        _ => {}
    }
    Vec::new()
}

/// Enter on the Containers pane: fold a group, or open a container's detail view
/// (and poll its engine now, so the probes shown are fresh); in a Swarm view, drill in.
pub fn select(app: &mut App) -> Vec<Effect> {
    let view = &app.view.containers;
    if view.mode != crate::view::swarm::ClusterMode::Containers && view.detail.is_none() {
        return super::swarm::select(app);
    }
    let Some(id) = selected_row_id(app) else {
        return Vec::new();
    };
    if let Some((source, _)) = crate::view::containers::parse_container_id(&id) {
        app.view.containers.detail = Some(id);
        app.view.containers.detail_scroll = 0;
        return vec![Effect::Refresh(vec![source])];
    }
    fold(app);
    Vec::new()
}

fn fold(app: &mut App) {
    let Some(id) = selected_row_id(app) else {
        return;
    };
    if id.starts_with("c:") {
        return;
    }
    let folded = &mut app.view.containers.folded;
    if !folded.remove(&id) {
        folded.insert(id);
    }
}

/// The id of the selected row (first row when the selection is gone).
pub fn selected_row_id(app: &App) -> Option<String> {
    let table = &app.view.tables[Tab::Containers.index()];
    let list = rows(&app.store, table, &app.view.containers);
    let ids: Vec<String> = list.iter().map(ContainerRow::id).collect();
    table.position(&ids).and_then(|i| ids.get(i).cloned())
}

/// The container the user means: the open detail view's, else the selected row's.
pub fn target(app: &App) -> Option<(SourceId, &Container)> {
    let table = &app.view.tables[Tab::Containers.index()];
    let wanted = app
        .view
        .containers
        .detail
        .clone()
        .or_else(|| selected_row_id(app))?;
    let list = rows(&app.store, table, &app.view.containers);
    let found = list
        .iter()
        .find(|r| r.id() == wanted)
        .and_then(ContainerRow::container);
    found.or_else(|| {
        // The detail view may show a container that the filter now hides.
        let (source, cid) = crate::view::containers::parse_container_id(&wanted)?;
        let all = crate::view::containers::containers_of(&app.store, source)?;
        all.iter().find(|c| c.id == cid).map(|c| (source, c))
    })
}

/// Says why a container command did nothing: the selected row is a host or a
/// project, not a container (or there is no row at all).
fn say_no_container(app: &mut App, cmd: Command) {
    let table = &app.view.tables[Tab::Containers.index()];
    let list = rows(&app.store, table, &app.view.containers);
    let wanted = selected_row_id(app);
    let group = list
        .iter()
        .find(|r| Some(r.id()) == wanted)
        .and_then(|r| match r {
            ContainerRow::Host { label, .. } => Some(format!("host '{label}'")),
            ContainerRow::Project { name, .. } => Some(format!("project '{name}'")),
            ContainerRow::Container { .. } => None,
        });
    let what = cmd.description();
    let text = match group {
        Some(group) => format!("{what}: {group} is a group, not a container: select a container"),
        None => format!("{what}: no container selected"),
    };
    toast(app, text, ToastLevel::Info);
}

fn host_label(app: &App, source: SourceId) -> String {
    app.store
        .source(source)
        .map(|s| s.spec.label())
        .unwrap_or_default()
}

/// Why `op` cannot run on `c` right now, if it cannot.
pub fn refusal(op: &ContainerOp, c: &Container) -> Option<String> {
    let running = c.is_running() || c.state == ContainerState::Restarting;
    let name = &c.name;
    match op {
        ContainerOp::Start if running => Some(format!("'{name}' is already running")),
        ContainerOp::Stop | ContainerOp::Pause | ContainerOp::Kill(_) if !running => {
            Some(format!("'{name}' is not running"))
        }
        ContainerOp::Remove if running => {
            Some(format!("'{name}' is running: stop it before removing it"))
        }
        _ => None,
    }
}

fn ask(app: &mut App, op_for: impl Fn(&Container) -> Option<ContainerOp>) {
    if refuse_read_only(app) {
        return;
    }
    let Some((source, c)) = target(app) else {
        return;
    };
    let Some(op) = op_for(c) else { return };
    if let Some(why) = refusal(&op, c) {
        toast(app, why, ToastLevel::Error);
        return;
    }
    let action = Action::Container {
        source,
        host: host_label(app, source),
        id: c.id.clone(),
        name: c.name.clone(),
        op,
    };
    app.view.overlays.push(Overlay::Confirm(ConfirmView {
        action,
        second: false,
    }));
}

fn choose_signal(app: &mut App) {
    if refuse_read_only(app) {
        return;
    }
    let Some((source, c)) = target(app) else {
        say_no_container(app, Command::KillContainer);
        return;
    };
    if let Some(why) = refusal(&ContainerOp::Kill(String::new()), c) {
        toast(app, why, ToastLevel::Error);
        return;
    }
    let view = SignalView {
        source,
        host: host_label(app, source),
        id: c.id.clone(),
        name: c.name.clone(),
        selected: 0,
    };
    app.view.overlays.push(Overlay::Signal(view));
}

fn open_logs(app: &mut App) -> Vec<Effect> {
    let Some((source, c)) = target(app) else {
        say_no_container(app, Command::Logs);
        return Vec::new();
    };
    let (id, title) = (
        c.id.clone(),
        format!("logs {} ({})", c.name, host_label(app, source)),
    );
    app.view.log_stream += 1;
    app.view.text = Some(TextView::new(title, LOG_CAPACITY));
    vec![Effect::FollowLogs {
        source,
        container: id,
        stream_id: app.view.log_stream,
    }]
}

//! `update` for the Containers tab's Swarm views: `v` cycles containers →
//! services → nodes, Enter drills into a service's tasks and a task's container,
//! and the service and node actions are built here as data, confirmed, run by the
//! executor and then watched over the next polls until they converge.

use std::fmt::Write as _;

use chrono::{DateTime, TimeDelta, Utc};
use crossterm::event::KeyEvent;

use super::effect::Effect;
use super::{App, refuse_read_only, toast};
use crate::actions::Action;
use crate::command::Command;
use crate::state::SourceId;
use crate::state::action::SwarmOp;
use crate::state::feed::{FeedEntry, FeedKind};
use crate::state::swarm::{Availability, Swarm, UpdateState};
use crate::state::{Severity, SourceKind};
use crate::view::containers::{container_id, containers_of};
use crate::view::form::{Field, FieldKind, Form, FormEvent};
use crate::view::swarm::{
    ClusterMode, SwarmRow, find_node, find_service, find_task, managers, rows, table, task_name,
};
use crate::view::{ConfirmView, FormPurpose, Overlay, ToastLevel};

/// How long an action is watched for convergence before it is reported as stuck.
const WATCH_MINUTES: i64 = 10;

/// A service or node action that succeeded and is watched until it converges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watch {
    /// The manager's source.
    pub source: SourceId,
    /// Its label.
    pub host: String,
    /// The service's or node's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// What was done.
    pub op: SwarmOp,
    /// When the executor finished it.
    pub since: DateTime<Utc>,
    /// The last progress shown, so a toast is only replaced when it changes.
    pub shown: String,
}

/// Where a watched action stands after one poll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// Still converging: `2/3 updated`.
    Running(String),
    /// Converged.
    Done(String),
    /// Paused, rolled back or gone: why.
    Failed(String),
}

/// Runs a Swarm command (cycle the view, logs, actions).
pub fn run(app: &mut App, cmd: Command) -> Vec<Effect> {
    match cmd {
        Command::CycleView => cycle(app),
        Command::ScaleService => scale_form(app),
        Command::RestartService => ask_service(app, SwarmOp::ForceUpdate),
        Command::RollbackService => ask_service(app, SwarmOp::Rollback),
        Command::NodeAvailability => availability_form(app),
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
        let swarm = &mut app.view.containers.swarm;
        swarm.open = Some(id);
        swarm.tasks = crate::view::table::TableView::default();
        return Vec::new();
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
                .filter(|t| t.service_id == id)
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
        tasks,
        stream_id: app.view.log_stream,
    }]
}

fn confirm(app: &mut App, action: Action) {
    app.view.overlays.push(Overlay::Confirm(ConfirmView {
        action,
        second: false,
    }));
}

fn ask_service(app: &mut App, op: SwarmOp) {
    if refuse_read_only(app) {
        return;
    }
    let Some((source, id, name, _, _)) = target_service(app) else {
        toast(app, "select a service first".to_owned(), ToastLevel::Info);
        return;
    };
    let host = host_label(app, source);
    confirm(
        app,
        Action::Swarm {
            source,
            host,
            id,
            name,
            op,
        },
    );
}

fn scale_form(app: &mut App) {
    if refuse_read_only(app) {
        return;
    }
    let Some((source, id, name, desired, replicated)) = target_service(app) else {
        toast(app, "select a service first".to_owned(), ToastLevel::Info);
        return;
    };
    if !replicated {
        toast(
            app,
            format!("'{name}' is not a replicated service: only those can be scaled"),
            ToastLevel::Error,
        );
        return;
    }
    let host = host_label(app, source);
    let field = Field::text("Replicas", desired.to_string(), "0 to 1000", true);
    let form = Form::new(format!(" scale '{name}' on {host} "), vec![field]);
    let purpose = FormPurpose::Scale {
        source,
        host,
        id,
        name,
    };
    app.view.overlays.push(Overlay::Form(form, purpose));
}

fn availability_form(app: &mut App) {
    if refuse_read_only(app) {
        return;
    }
    let view = &app.view.containers;
    let node = (view.mode == ClusterMode::Nodes)
        .then(|| selected_row_id(app))
        .flatten()
        .and_then(|id| find_node(&app.store, &id));
    let Some((source, node)) = node else {
        toast(app, "select a node first".to_owned(), ToastLevel::Info);
        return;
    };
    let (id, name) = (node.id.clone(), node.hostname.clone());
    let current = AVAILABILITIES
        .iter()
        .position(|a| *a == node.availability)
        .unwrap_or(0);
    let host = host_label(app, source);
    let field = Field {
        name: "Availability".to_owned(),
        help: "←/→ to choose: active takes tasks, pause keeps its tasks, drain moves them"
            .to_owned(),
        required: true,
        kind: FieldKind::Choice {
            options: AVAILABILITIES
                .iter()
                .map(|a| a.as_str().to_owned())
                .collect(),
            selected: current,
        },
    };
    let form = Form::new(format!(" availability of '{name}' on {host} "), vec![field]);
    let purpose = FormPurpose::Availability {
        source,
        host,
        id,
        name,
    };
    app.view.overlays.push(Overlay::Form(form, purpose));
}

/// The availabilities offered, in the chooser's order.
pub const AVAILABILITIES: [Availability; 3] = [
    Availability::Active,
    Availability::Pause,
    Availability::Drain,
];

/// Most replicas the scale form accepts (a typo guard, not an engine limit).
pub const MAX_REPLICAS: u64 = 1000;

/// Keys of the scale and availability forms; Enter validates, then asks to confirm.
pub fn on_form_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    let Some(Overlay::Form(form, purpose)) = app.view.overlays.last_mut() else {
        return Vec::new();
    };
    match form.on_key(key) {
        FormEvent::Edited => {}
        FormEvent::Cancel => {
            app.view.overlays.pop();
            toast(app, "cancelled".to_owned(), ToastLevel::Info);
        }
        FormEvent::Submit => match validate(form, purpose) {
            Ok(action) => {
                app.view.overlays.pop();
                confirm(app, action);
            }
            Err(why) => form.error = Some(why),
        },
    }
    Vec::new()
}

/// The action a filled-in scale or availability form asks for, or what is wrong.
pub fn validate(form: &Form, purpose: &FormPurpose) -> Result<Action, String> {
    let (source, host, id, name, op) = match purpose {
        FormPurpose::Scale {
            source,
            host,
            id,
            name,
        } => {
            let text = form.value("Replicas");
            let n: u64 = text
                .trim()
                .parse()
                .map_err(|_| format!("'{}' is not a number of replicas", text.trim()))?;
            if n > MAX_REPLICAS {
                return Err(format!("{n} replicas is more than {MAX_REPLICAS}"));
            }
            (source, host, id, name, SwarmOp::Scale(n))
        }
        FormPurpose::Availability {
            source,
            host,
            id,
            name,
        } => {
            let word = form.value("Availability");
            let a = AVAILABILITIES
                .iter()
                .find(|a| a.as_str() == word)
                .ok_or_else(|| format!("'{word}' is not active, pause or drain"))?;
            (source, host, id, name, SwarmOp::Availability(*a))
        }
        FormPurpose::Silence { .. } => return Err("not a Swarm form".to_owned()),
        FormPurpose::Dag(d) => return super::data::validate(form, d),
    };
    Ok(Action::Swarm {
        source: *source,
        host: host.clone(),
        id: id.clone(),
        name: name.clone(),
        op,
    })
}

/// Starts watching a Swarm action that the executor finished without error.
pub fn watch(app: &mut App, action: &Action, at: DateTime<Utc>) {
    if let Action::Swarm {
        source,
        host,
        id,
        name,
        op,
    } = action
    {
        app.swarm_watch
            .retain(|w| !(w.source == *source && w.id == *id));
        app.swarm_watch.push(Watch {
            source: *source,
            host: host.clone(),
            id: id.clone(),
            name: name.clone(),
            op: *op,
            since: at,
            shown: String::new(),
        });
    }
}

/// After a swarm poll of `source`: shows each watched action's progress as a
/// toast, and its outcome as a toast and a feed line once it converged or failed.
pub fn on_poll(app: &mut App, source: SourceId, at: DateTime<Utc>) {
    let Some(swarm) = app.store.source(source).and_then(|s| s.swarm.clone()) else {
        return;
    };
    let mut keep = Vec::new();
    for mut w in std::mem::take(&mut app.swarm_watch) {
        if w.source != source {
            keep.push(w);
            continue;
        }
        let deadline = w
            .since
            .checked_add_signed(TimeDelta::minutes(WATCH_MINUTES))
            .unwrap_or(w.since);
        let progress = match progress(&swarm, &w) {
            Progress::Running(_) if at > deadline => {
                Progress::Failed(format!("not converged after {WATCH_MINUTES} minutes"))
            }
            p => p,
        };
        let what = format!("{} '{}' on {}", w.op.label(), w.name, w.host);
        match progress {
            Progress::Running(text) => {
                if text != w.shown {
                    app.view.toast = Some(crate::view::Toast {
                        text: format!("{what}: {text}"),
                        level: ToastLevel::Progress,
                        until: at + TimeDelta::minutes(1),
                    });
                    w.shown = text;
                }
                keep.push(w);
            }
            Progress::Done(text) => outcome(app, &w, at, Severity::Ok, format!("{what}: {text}")),
            Progress::Failed(text) => {
                outcome(app, &w, at, Severity::Critical, format!("{what}: {text}"));
            }
        }
    }
    app.swarm_watch.extend(keep);
}

fn outcome(app: &mut App, w: &Watch, at: DateTime<Utc>, severity: Severity, text: String) {
    app.store.feed.push(FeedEntry {
        id: 0,
        at,
        source: w.host.clone(),
        kind: FeedKind::Action,
        severity,
        text: text.clone(),
        fold: None,
    });
    let level = if severity == Severity::Ok {
        ToastLevel::Info
    } else {
        ToastLevel::Error
    };
    toast(app, text, level);
}

/// Where one watched action stands in a snapshot.
pub fn progress(swarm: &Swarm, w: &Watch) -> Progress {
    let snap = &swarm.snapshot;
    if let SwarmOp::Availability(a) = w.op {
        let Some(node) = snap.nodes.iter().find(|n| n.id == w.id) else {
            return Progress::Failed("node gone".to_owned());
        };
        return match (a, node.availability == a, node.tasks_running) {
            (_, false, _) => Progress::Running(format!("now {}", node.availability.as_str())),
            (Availability::Drain, true, n) if n > 0 => {
                Progress::Running(format!("{n} tasks still running"))
            }
            _ => Progress::Done(format!("{} ({} tasks)", a.as_str(), node.tasks_running)),
        };
    }
    let Some(s) = snap.services.iter().find(|s| s.id == w.id) else {
        return Progress::Failed("service gone".to_owned());
    };
    let desired = s.replicas_desired;
    if let SwarmOp::Scale(n) = w.op {
        return if s.replicas_running == n && desired == n {
            Progress::Done(format!("{n}/{n} running"))
        } else {
            Progress::Running(format!("{}/{n} running", s.replicas_running))
        };
    }
    let updated = snap
        .tasks
        .iter()
        .filter(|t| t.service_id == s.id && t.is_running())
        .filter(|t| t.timestamp.is_some_and(|ts| ts >= w.since))
        .count();
    match s.update_state {
        Some(UpdateState::Paused | UpdateState::RollbackPaused) => Progress::Failed(format!(
            "paused: {}",
            s.update_message.as_deref().unwrap_or("no message")
        )),
        Some(UpdateState::Completed | UpdateState::RollbackCompleted)
            if s.replicas_running >= desired =>
        {
            Progress::Done(format!("{}/{desired} updated", s.replicas_running))
        }
        _ => Progress::Running(format!("{updated}/{desired} updated")),
    }
}

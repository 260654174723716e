//! Jumps across tabs: from an Overview attention item to that item, selected, in
//! its own tab; from a container or model version to the run that built it. Esc
//! on the tab jumped to goes back (`ViewState::back_to`).

use super::App;
use super::effect::Effect;
use super::toast;
use super::update::switch_tab;
use crate::state::trace::{container_commit, run_for_commit};
use crate::state::{SourceId, SourceKind};
use crate::status::Attention;
use crate::view::containers::{container_id, containers_of, host_id, project_id};
use crate::view::metrics::panel_id;
use crate::view::swarm::{ClusterMode, node_id, service_id};
use crate::view::{BackTo, Tab, ToastLevel};

/// The tab that shows data of `kind`.
pub fn tab_of(kind: SourceKind) -> Tab {
    match kind {
        SourceKind::Docker => Tab::Containers,
        SourceKind::Github => Tab::Pipelines,
        SourceKind::Mlflow => Tab::Models,
        SourceKind::Prometheus => Tab::Metrics,
        SourceKind::Alertmanager => Tab::Alerts,
        SourceKind::Airflow => Tab::Data,
    }
}

/// Switches to `to`, remembering where Esc returns to.
fn go(app: &mut App, to: Tab) -> Vec<Effect> {
    let from = app.view.tab;
    let effects = switch_tab(app, to);
    app.view.back_to = Some(BackTo { from, to });
    effects
}

/// Opens an attention item, selected, in its own tab.
pub fn to_attention(app: &mut App, item: &Attention) -> Vec<Effect> {
    let Some(kind) = app.store.source(item.source).map(|s| s.spec.kind) else {
        return Vec::new();
    };
    match item.kind {
        "container" => to_container(app, item.source, &item.id),
        "pipeline_run" => match item.id.parse() {
            Ok(id) => to_run(app, id),
            Err(_) => go(app, Tab::Pipelines),
        },
        "model_version" => to_version(app, &item.id),
        "service" => to_swarm(
            app,
            ClusterMode::Services,
            service_id(item.source, &item.id),
        ),
        "node" => to_swarm(app, ClusterMode::Nodes, node_id(item.source, &item.id)),
        "panel" => to_panel(app, item.source, &item.id),
        "dag_run" => {
            let effects = go(app, Tab::Data);
            let data = &mut app.view.data;
            (data.dag, data.run, data.loaded) = (None, None, None);
            select(app, Tab::Data, item.name.clone());
            effects
        }
        "alert" => {
            let effects = go(app, Tab::Alerts);
            app.view.alerts.silences = false;
            select(app, Tab::Alerts, item.id.clone());
            effects
        }
        _ => go(app, tab_of(kind)),
    }
}

/// Opens the Containers tab's services or nodes view with row `row_id` selected.
fn to_swarm(app: &mut App, mode: ClusterMode, row_id: String) -> Vec<Effect> {
    let effects = go(app, Tab::Containers);
    let view = &mut app.view.containers;
    view.detail = None;
    view.mode = mode;
    view.swarm.open = None;
    let table = match mode {
        ClusterMode::Nodes => &mut view.swarm.nodes,
        _ => &mut view.swarm.services,
    };
    table.filter.clear();
    table.selected = Some(row_id);
    effects
}

fn select(app: &mut App, tab: Tab, id: String) {
    let table = &mut app.view.tables[tab.index()];
    table.filter.clear();
    table.selected = Some(id);
}

fn to_container(app: &mut App, source: SourceId, id: &str) -> Vec<Effect> {
    let effects = go(app, Tab::Containers);
    let project = containers_of(&app.store, source)
        .and_then(|list| list.iter().find(|c| c.id == id))
        .and_then(|c| c.project.clone());
    let view = &mut app.view.containers;
    view.detail = None;
    view.running_only = false;
    view.folded.remove(&host_id(source));
    if let Some(p) = project {
        view.folded.remove(&project_id(source, &p));
    }
    select(app, Tab::Containers, container_id(source, id));
    effects
}

/// Opens the Pipelines tab with run `id` selected, clearing toggles that hide it.
pub fn to_run(app: &mut App, id: u64) -> Vec<Effect> {
    let effects = go(app, Tab::Pipelines);
    let view = &mut app.view.pipelines;
    view.drill = None;
    view.failures_only = false;
    view.default_branch_only = false;
    select(app, Tab::Pipelines, id.to_string());
    effects
}

/// `model/version` opens that version in its model's list; a bare name, the model.
fn to_version(app: &mut App, id: &str) -> Vec<Effect> {
    let effects = go(app, Tab::Models);
    let view = &mut app.view.models;
    view.compare = None;
    view.detail = None;
    if let Some((model, version)) = id.rsplit_once('/') {
        view.model = Some(model.to_owned());
        view.versions = crate::view::table::TableView {
            selected: Some(version.to_owned()),
            ..Default::default()
        };
    } else {
        view.model = None;
        select(app, Tab::Models, id.to_owned());
    }
    effects
}

fn to_panel(app: &mut App, source: SourceId, title: &str) -> Vec<Effect> {
    let index = match app.store.source(source).and_then(|s| s.data.as_ref()) {
        Some(crate::state::Payload::Metrics(m)) => {
            m.panels.iter().position(|p| p.panel.title == title)
        }
        _ => None,
    };
    let effects = go(app, Tab::Metrics);
    app.view.metrics.targets = false;
    if let Some(i) = index {
        select(app, Tab::Metrics, panel_id(i, title));
    }
    effects
}

/// `b`: opens the run that built the container or model version the user means.
pub fn open_build_run(app: &mut App) -> Vec<Effect> {
    let commit = match app.view.tab {
        Tab::Containers if app.view.containers.mode != ClusterMode::Containers => {
            super::swarm::build_commit(app)
        }
        Tab::Containers => super::containers::target(app).and_then(|(_, c)| container_commit(c)),
        Tab::Models => super::models::target(app).and_then(|(_, _, v)| v.git_commit.clone()),
        _ => return Vec::new(),
    };
    let Some(commit) = commit else {
        toast(
            app,
            "no build commit known for this".to_owned(),
            ToastLevel::Info,
        );
        return Vec::new();
    };
    if let Some(id) = run_for_commit(&app.store, &commit).map(|(_, r)| r.id) {
        return to_run(app, id);
    }
    let short = commit.get(..7).unwrap_or(&commit).to_owned();
    toast(
        app,
        format!("no pipeline run for commit '{short}'"),
        ToastLevel::Info,
    );
    Vec::new()
}

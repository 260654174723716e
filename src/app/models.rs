//! `update` for the Models pane: drilling from models to versions to a version's
//! detail, the comparison, the metric chooser, and the registry actions (built as
//! data here, confirmed by the user, run by the executor).

use super::App;
use super::effect::Effect;
use super::{refuse_read_only, toast};
use crate::actions::Action;
use crate::command::Command;
use crate::state::model::{ModelVersion, ModelsSnapshot, RegisteredModel};
use crate::state::{SourceId, Update};
use crate::view::models::{
    ModelsView, RunLoad, comparison_base, model_rows, snapshot, version_rows,
};
use crate::view::{AliasView, ConfirmView, Overlay, StageView, Tab, ToastLevel};

/// Runs a Models-pane command.
pub fn run(app: &mut App, cmd: Command) -> Vec<Effect> {
    match cmd {
        Command::CompareVersions => return compare(app),
        Command::MarkVersion => mark(app),
        Command::SetAlias => choose_alias(app, false),
        Command::DeleteAlias => choose_alias(app, true),
        Command::TransitionStage => choose_stage(app),
        _ => {}
    }
    Vec::new()
}

/// The selected model's name (from the models table).
pub(crate) fn selected_model(app: &App) -> Option<String> {
    let (_, snap) = snapshot(&app.store)?;
    let table = &app.view.tables[Tab::Models.index()];
    let rows = model_rows(snap, table);
    let ids: Vec<&str> = rows.iter().map(|m| m.name.as_str()).collect();
    table
        .position(&ids)
        .and_then(|i| ids.get(i))
        .map(|s| (*s).to_owned())
}

/// The open model, the version the user means (detail's, else the selected row's) and the source.
pub fn target(app: &App) -> Option<(SourceId, &RegisteredModel, &ModelVersion)> {
    let (source, snap) = snapshot(&app.store)?;
    let view = &app.view.models;
    let model = snap.model(view.model.as_deref()?)?;
    let version = if let Some(v) = &view.detail {
        model.version(v)?
    } else {
        let rows = version_rows(model, &view.versions);
        let ids: Vec<&str> = rows.iter().map(|v| v.version.as_str()).collect();
        let i = view.versions.position(&ids)?;
        rows.get(i).copied()?
    };
    Some((source, model, version))
}

/// The version ids of the open model's list, as shown.
pub fn version_ids(app: &App) -> Vec<String> {
    let view = &app.view.models;
    let snap = snapshot(&app.store).map(|(_, s)| s);
    let model = snap.and_then(|s: &ModelsSnapshot| s.model(view.model.as_deref()?));
    model.map_or_else(Vec::new, |m| {
        version_rows(m, &view.versions)
            .iter()
            .map(|v| v.version.clone())
            .collect()
    })
}

/// Enter: a model opens its versions; a version opens its detail (reading its run).
pub fn select(app: &mut App) -> Vec<Effect> {
    let view = &app.view.models;
    if view.compare.is_some() || view.detail.is_some() {
        return Vec::new();
    }
    if view.model.is_none() {
        if let Some(name) = selected_model(app) {
            let models = &mut app.view.models;
            models.model = Some(name);
            models.versions = crate::view::table::TableView::default();
        }
        return Vec::new();
    }
    let Some((source, _, v)) = target(app) else {
        return Vec::new();
    };
    let (version, run_id) = (v.version.clone(), v.run_id.clone());
    app.view.models.detail = Some(version);
    app.view.models.metric = None;
    fetch(&mut app.view.models, source, run_id.as_deref())
}

/// Asks for a run unless it is loaded or loading.
fn fetch(view: &mut ModelsView, source: SourceId, run_id: Option<&str>) -> Vec<Effect> {
    let Some(run_id) = run_id else {
        return Vec::new();
    };
    if matches!(
        view.runs.get(run_id),
        Some(RunLoad::Loaded(_) | RunLoad::Loading)
    ) {
        return Vec::new();
    }
    view.runs.insert(run_id.to_owned(), RunLoad::Loading);
    vec![Effect::FetchRun {
        source,
        run_id: run_id.to_owned(),
    }]
}

/// On refresh: reads the runs on screen again (a run still training moves on).
pub fn refetch(app: &mut App) -> Vec<Effect> {
    let Some((source, snap)) = snapshot(&app.store) else {
        return Vec::new();
    };
    let view = &app.view.models;
    let Some(model) = view.model.as_deref().and_then(|m| snap.model(m)) else {
        return Vec::new();
    };
    let versions: Vec<&str> = match (&view.compare, &view.detail) {
        (Some((a, b)), _) => vec![a, b],
        (None, Some(v)) => vec![v],
        (None, None) => Vec::new(),
    };
    let runs: Vec<String> = versions
        .iter()
        .filter_map(|v| model.version(v)?.run_id.clone())
        .collect();
    let view = &mut app.view.models;
    runs.iter()
        .flat_map(|r| {
            view.runs.remove(r);
            fetch(view, source, Some(r))
        })
        .collect()
}

/// Esc: closes the comparison, else the detail, else the versions list.
pub fn back(app: &mut App) -> bool {
    let view = &mut app.view.models;
    view.compare.take().is_some()
        || view.detail.take().is_some()
        || view.model.take().is_some_and(|_| {
            view.versions = crate::view::table::TableView::default();
            true
        })
}

/// Moves the selection of whatever the pane shows; false when the models table should.
pub fn move_rows(app: &mut App, delta: isize, page: usize) -> bool {
    if app.view.models.compare.is_some() {
        return true;
    }
    if app.view.models.detail.is_some() {
        move_metric(app, delta);
        return true;
    }
    if app.view.models.model.is_some() {
        let ids = version_ids(app);
        app.view.models.versions.move_by(&ids, delta, page);
        return true;
    }
    false
}

fn move_metric(app: &mut App, delta: isize) {
    let Some((_, _, v)) = target(app) else { return };
    let view = &app.view.models;
    let Some(RunLoad::Loaded(run)) = view.run(v.run_id.as_deref()) else {
        return;
    };
    let keys: Vec<&String> = run.metrics.keys().collect();
    let pos = view
        .metric
        .as_ref()
        .and_then(|m| keys.iter().position(|k| *k == m))
        .unwrap_or(0);
    let next = pos
        .saturating_add_signed(delta)
        .min(keys.len().saturating_sub(1));
    let chosen = keys.get(next).map(|k| (*k).clone());
    app.view.models.metric = chosen;
}

/// Applies a run read on demand.
pub fn on_run(app: &mut App, update: Update) {
    if let Update::RunDetail { run_id, result, .. } = update {
        let load = match result {
            Ok(run) => RunLoad::Loaded(Box::new(run)),
            Err(e) => RunLoad::Failed(e),
        };
        app.view.models.runs.insert(run_id, load);
        app.dirty = true;
    }
}

fn compare(app: &mut App) -> Vec<Effect> {
    let Some((source, model, v)) = target(app) else {
        toast(
            app,
            "open a model's versions (enter) to compare".into(),
            ToastLevel::Error,
        );
        return Vec::new();
    };
    let marked = app.view.models.marked.as_deref();
    let Some(base) = comparison_base(model, &v.version, marked) else {
        toast(
            app,
            format!("'{}' has no other version to compare with", model.name),
            ToastLevel::Error,
        );
        return Vec::new();
    };
    let runs = [
        model.version(&base).and_then(|b| b.run_id.clone()),
        v.run_id.clone(),
    ];
    let other = v.version.clone();
    let view = &mut app.view.models;
    view.compare = Some((base, other));
    runs.iter()
        .flat_map(|r| fetch(view, source, r.as_deref()))
        .collect()
}

fn mark(app: &mut App) {
    let Some((_, model, v)) = target(app) else {
        return;
    };
    let text = format!(
        "v{} of '{}' is the comparison base (c compares with it)",
        v.version, model.name
    );
    app.view.models.marked = Some(v.version.clone());
    toast(app, text, ToastLevel::Info);
}

fn refuse(app: &mut App) -> bool {
    if refuse_read_only(app) {
        return true;
    }
    if app.view.models.model.is_none() {
        toast(
            app,
            "open a model's versions (enter) first".to_owned(),
            ToastLevel::Error,
        );
        return true;
    }
    false
}

fn host(app: &App, source: SourceId) -> String {
    app.store
        .source(source)
        .map(|s| s.spec.label())
        .unwrap_or_default()
}

/// Opens the alias chooser (set: every alias of the model; delete: the version's).
fn choose_alias(app: &mut App, delete: bool) {
    if refuse(app) {
        return;
    }
    let Some((source, model, v)) = target(app) else {
        return;
    };
    let choices: Vec<(String, String)> = if delete {
        v.aliases
            .iter()
            .map(|a| (a.clone(), v.version.clone()))
            .collect()
    } else {
        model
            .aliases
            .iter()
            .map(|(a, to)| (a.clone(), to.clone()))
            .collect()
    };
    if delete && choices.is_empty() {
        let text = format!("v{} of '{}' has no alias to delete", v.version, model.name);
        toast(app, text, ToastLevel::Error);
        return;
    }
    let view = AliasView {
        source,
        host: host(app, source),
        model: model.name.clone(),
        version: v.version.clone(),
        delete,
        choices,
        typed: String::new(),
        selected: 0,
    };
    app.view.overlays.push(Overlay::Alias(view));
}

fn choose_stage(app: &mut App) {
    if refuse(app) {
        return;
    }
    let Some((source, model, v)) = target(app) else {
        return;
    };
    let view = StageView {
        source,
        host: host(app, source),
        model: model.name.clone(),
        version: v.version.clone(),
        current: v.stage.clone(),
        selected: 0,
    };
    app.view.overlays.push(Overlay::Stage(view));
}

/// Replaces the top overlay with the confirmation of `action`.
pub fn confirm(app: &mut App, action: Action) {
    app.view.overlays.pop();
    app.view.overlays.push(Overlay::Confirm(ConfirmView {
        action,
        second: false,
    }));
}

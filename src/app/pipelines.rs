//! `update` for the Pipelines pane: drill into a run's jobs, open a job's log,
//! the toggles, and the run and workflow actions (built here as data, confirmed
//! by the user, run by the executor). Dispatch first reads the workflow's inputs,
//! then asks for them in a form.

use super::App;
use super::effect::Effect;
use super::{refuse_read_only, toast};
use crate::actions::{Action, RunRef};
use crate::command::Command;
use crate::sources::github::inputs::{InputKind, WorkflowInput};
use crate::state::pipeline::PipelineRun;
use crate::state::{DispatchTarget, SourceId};
use crate::view::form::{Field, FieldKind, Form, FormEvent};
use crate::view::pipelines::{JobRow, find_run, job_rows, pipelines_of, run_id, runs};
use crate::view::table::TableView;
use crate::view::text::TextView;
use crate::view::{ConfirmView, DispatchForm, Overlay, Tab, ToastLevel};

/// Lines kept by the job log viewer.
pub const LOG_CAPACITY: usize = 100_000;

/// Runs a Pipelines-pane command.
pub fn run(app: &mut App, cmd: Command) -> Vec<Effect> {
    match cmd {
        Command::FailuresOnly => app.view.pipelines.failures_only ^= true,
        Command::DefaultBranchOnly => app.view.pipelines.default_branch_only ^= true,
        Command::Rerun => ask(app, |r| Ok(Action::Rerun(r))),
        Command::RerunFailed => ask(app, |r| Ok(Action::RerunFailed(r))),
        Command::CancelRun => ask(app, |r| Ok(Action::Cancel(r))),
        Command::Dispatch => return dispatch(app),
        _ => {}
    }
    Vec::new()
}

/// The run the user means: the drilled-into run, else the selected row's.
pub fn target(app: &App) -> Option<(SourceId, &PipelineRun)> {
    if let Some(id) = app.view.pipelines.drill {
        return find_run(&app.store, id);
    }
    let table = &app.view.tables[Tab::Pipelines.index()];
    let list = runs(&app.store, table, &app.view.pipelines);
    let ids: Vec<String> = list.iter().map(|(_, r)| run_id(r)).collect();
    table.position(&ids).and_then(|i| list.get(i).copied())
}

/// Enter: on a run, show its jobs (and poll now so they load); on a job or step, open its log.
pub fn select(app: &mut App) -> Vec<Effect> {
    let Some((source, run)) = target(app) else {
        return Vec::new();
    };
    let run_id = run.id;
    if app.view.pipelines.drill.is_none() {
        app.view.pipelines.drill = Some(run_id);
        app.view.pipelines.jobs = TableView::default();
        return vec![Effect::Refresh(vec![source])];
    }
    let rows = job_rows(run, &app.view.pipelines.jobs.filter);
    let ids: Vec<String> = rows.iter().map(JobRow::id).collect();
    let Some(row) = app
        .view
        .pipelines
        .jobs
        .position(&ids)
        .and_then(|i| rows.get(i))
    else {
        return Vec::new();
    };
    let job = row.job();
    let (job_id, repo) = (job.id, run.repo.clone());
    let title = format!(
        "log {} · {} #{} · {}",
        run.repo, run.workflow, run.number, job.name
    );
    app.view.log_stream += 1;
    let mut text = TextView::new(title, LOG_CAPACITY);
    text.follow = false;
    app.view.text = Some(text);
    vec![Effect::FetchJobLog {
        source,
        repo,
        job_id,
        stream_id: app.view.log_stream,
    }]
}

fn ask(app: &mut App, build: impl Fn(RunRef) -> Result<Action, String>) {
    if refuse_read_only(app) {
        return;
    }
    let Some((source, run)) = target(app) else {
        return;
    };
    let active = run.outcome().is_active();
    let run_ref = RunRef {
        source,
        repo: run.repo.clone(),
        id: run.id,
        name: format!("{} #{}", run.workflow, run.number),
    };
    let action = match build(run_ref) {
        Ok(a) => a,
        Err(why) => return toast(app, why, ToastLevel::Error),
    };
    let refusal = match (&action, active) {
        (Action::Cancel(r), false) => Some(format!("'{}' has already finished", r.name)),
        (Action::Rerun(r) | Action::RerunFailed(r), true) => {
            Some(format!("'{}' is still running: cancel it or wait", r.name))
        }
        _ => None,
    };
    if let Some(why) = refusal {
        return toast(app, why, ToastLevel::Error);
    }
    app.view.overlays.push(Overlay::Confirm(ConfirmView {
        action,
        second: false,
    }));
}

fn dispatch(app: &mut App) -> Vec<Effect> {
    if refuse_read_only(app) {
        return Vec::new();
    }
    let Some((source, run)) = target(app) else {
        return Vec::new();
    };
    let default_branch = pipelines_of(&app.store, source)
        .and_then(|p| p.repos.iter().find(|(r, _)| *r == run.repo))
        .map(|(_, b)| b.clone())
        .filter(|b| !b.is_empty())
        .unwrap_or_else(|| run.branch.clone());
    let target = DispatchTarget {
        source,
        repo: run.repo.clone(),
        workflow_id: run.workflow_id,
        workflow: run.workflow.clone(),
        path: run.workflow_path.clone(),
        git_ref: default_branch,
    };
    let text = format!("reading the inputs of '{}'…", target.workflow);
    toast(app, text, ToastLevel::Progress);
    vec![Effect::LoadDispatch(target)]
}

/// Opens the dispatch form once the workflow's inputs are read.
pub fn on_inputs(
    app: &mut App,
    target: DispatchTarget,
    result: Result<Vec<WorkflowInput>, crate::error::SourceError>,
) {
    app.dirty = true;
    let inputs = match result {
        Ok(i) => i,
        Err(e) => {
            let text = format!("cannot dispatch '{}': {e}", target.workflow);
            return toast(app, text, ToastLevel::Error);
        }
    };
    app.view.toast = None;
    let mut fields = vec![Field {
        name: "ref".into(),
        help: "branch or tag to run on".into(),
        required: true,
        kind: FieldKind::Text(target.git_ref.clone()),
    }];
    fields.extend(inputs.into_iter().map(field));
    let title = format!("dispatch {} in {}", target.workflow, target.repo);
    let form = Form::new(title, fields);
    app.view
        .overlays
        .push(Overlay::Dispatch(DispatchForm { target, form }));
}

fn field(input: WorkflowInput) -> Field {
    let default = input.default.clone().unwrap_or_default();
    let kind = match input.kind {
        InputKind::Text => FieldKind::Text(default),
        InputKind::Bool => FieldKind::Bool(default == "true"),
        InputKind::Choice(options) => {
            let selected = options.iter().position(|o| *o == default).unwrap_or(0);
            FieldKind::Choice { options, selected }
        }
    };
    Field {
        name: input.name,
        help: input.description,
        required: input.required,
        kind,
    }
}

/// Keys of the dispatch form; a submitted form becomes a confirmation.
pub fn on_form_key(app: &mut App, key: crossterm::event::KeyEvent) -> Vec<Effect> {
    let Some(Overlay::Dispatch(view)) = app.view.overlays.last_mut() else {
        return Vec::new();
    };
    match view.form.on_key(key) {
        FormEvent::Edited => {}
        FormEvent::Cancel => {
            app.view.overlays.pop();
        }
        FormEvent::Submit => {
            let mut values = view.form.values();
            let git_ref = if values.is_empty() {
                String::new()
            } else {
                values.remove(0).1
            };
            let t = view.target.clone();
            let action = Action::Dispatch {
                source: t.source,
                repo: t.repo,
                workflow_id: t.workflow_id,
                workflow: t.workflow,
                git_ref: git_ref.trim().to_owned(),
                inputs: values,
            };
            app.view.overlays.pop();
            app.view.overlays.push(Overlay::Confirm(ConfirmView {
                action,
                second: false,
            }));
        }
    }
    Vec::new()
}

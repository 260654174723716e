//! `update` for the Data tab (Airflow): drill from DAGs to runs to tasks to a
//! task's log (tasks and logs read on demand, only for the run in view), and the
//! DAG actions — trigger (a form), clear, mark (a chooser), pause — built here as
//! data, confirmed by the user and run by the executor (forms in `forms`).

mod forms;
mod log;

use super::effect::Effect;
use super::{App, refuse_read_only, toast};
use crate::actions::Action;
use crate::command::Command;
use crate::state::airflow::{Dag, DagOp, DagRun, RunState, TaskKey};
use crate::state::dag_tasks::RunTasks;
use crate::state::feed::{FeedEntry, FeedKind};
use crate::state::{Severity, SourceId};
use crate::view::dags::{
    Level, Loaded, dag_rows, find_dag, run_rows, snapshot, task_id, task_rows,
};
use crate::view::table::TableView;
use crate::view::{ConfirmView, Overlay, Tab, ToastLevel};

pub use forms::validate;
pub use log::{follow_toggled, on_log_ended, on_log_try};

/// Most failed tries remembered for the feed before the memory starts again.
const MAX_SEEN: usize = 10_000;

/// Runs a Data-tab command.
pub fn run(app: &mut App, cmd: Command) -> Vec<Effect> {
    match cmd {
        Command::FailuresFirst => app.view.data.by_id ^= true,
        Command::TriggerDag => forms::trigger_form(app),
        Command::ClearTasks => clear(app),
        Command::MarkState => forms::mark_form(app),
        Command::PauseDag => pause(app),
        Command::PrevTry => return log::change_try(app, -1),
        Command::NextTry => return log::change_try(app, 1),
        _ => {}
    }
    Vec::new()
}

/// The selected DAG: the one drilled into, else the selected row.
pub fn target_dag(app: &App) -> Option<(SourceId, &Dag)> {
    let (source, snap) = snapshot(&app.store)?;
    let view = &app.view.data;
    if let Some(id) = &view.dag {
        return find_dag(snap, id).map(|d| (source, d));
    }
    let table = &app.view.tables[Tab::Data.index()];
    let rows = dag_rows(snap, table, view);
    let ids: Vec<&str> = rows.iter().map(|d| d.dag_id.as_str()).collect();
    let dag = table.position(&ids).and_then(|i| rows.get(i).copied())?;
    Some((source, dag))
}

/// The selected run: the one drilled into, the selected row of the runs list, or
/// on the DAG list the DAG's newest run.
pub fn target_run(app: &App) -> Option<(SourceId, &Dag, &DagRun)> {
    let (source, dag) = target_dag(app)?;
    let view = &app.view.data;
    let run = match view.level() {
        Level::Dags => dag.newest()?,
        Level::Tasks => dag
            .runs
            .iter()
            .find(|r| Some(&r.run_id) == view.run.as_ref())?,
        Level::Runs => {
            let rows = run_rows(dag, &view.runs);
            let ids: Vec<&str> = rows.iter().map(|r| r.run_id.as_str()).collect();
            view.runs
                .position(&ids)
                .and_then(|i| rows.get(i).copied())?
        }
    };
    Some((source, dag, run))
}

/// A task instance picked in the tasks list or the log viewer.
struct Picked {
    /// The task instance.
    key: TaskKey,
    /// Its latest try.
    tries: u32,
    /// Its state as last read (empty when unknown).
    state: String,
}

/// The selected task instance of the run on screen (the one whose log is open, if any).
fn target_task(app: &App) -> Option<Picked> {
    let view = &app.view.data;
    let tasks = match view.tasks_of_run() {
        Some(Ok(tasks)) => Some(tasks),
        _ => None,
    };
    if app.view.text.is_some() {
        let open = view.log.as_ref()?;
        let key = TaskKey {
            task_id: open.task.task_id.clone(),
            map_index: open.task.map_index,
        };
        let state = tasks
            .and_then(|t| {
                t.tasks
                    .iter()
                    .find(|t| t.task_id == key.task_id && t.map_index == key.map_index)
            })
            .map(|t| t.state.clone())
            .unwrap_or_default();
        return Some(Picked {
            key,
            tries: open.latest,
            state,
        });
    }
    if view.level() != Level::Tasks {
        return None;
    }
    let rows = task_rows(tasks?, &view.tasks);
    let ids: Vec<String> = rows.iter().map(|t| task_id(t)).collect();
    let t = view.tasks.position(&ids).and_then(|i| rows.get(i))?;
    Some(Picked {
        key: TaskKey {
            task_id: t.task_id.clone(),
            map_index: t.map_index,
        },
        tries: t.try_number,
        state: t.state.clone(),
    })
}

fn host(app: &App, source: SourceId) -> String {
    app.store
        .source(source)
        .map_or_else(|| "airflow".to_owned(), |s| s.spec.label())
}

/// Enter: DAG → its runs; run → its tasks (read now); task → its log.
pub fn select(app: &mut App) -> Vec<Effect> {
    match app.view.data.level() {
        Level::Dags => {
            let Some((_, dag)) = target_dag(app) else {
                return Vec::new();
            };
            let id = dag.dag_id.clone();
            let data = &mut app.view.data;
            data.dag = Some(id);
            data.runs = TableView::default();
            Vec::new()
        }
        Level::Runs => {
            let Some((_, _, run)) = target_run(app) else {
                return Vec::new();
            };
            let id = run.run_id.clone();
            let data = &mut app.view.data;
            data.run = Some(id);
            data.tasks = TableView::default();
            data.loaded = None;
            fetch_tasks(app)
        }
        Level::Tasks => log::open_log(app, None),
    }
}

/// Reads the tasks of the run on screen again (Enter on a run, refresh).
pub fn fetch_tasks(app: &App) -> Vec<Effect> {
    let view = &app.view.data;
    let (Some(dag_id), Some(run_id)) = (view.dag.clone(), view.run.clone()) else {
        return Vec::new();
    };
    let Some((source, snap)) = snapshot(&app.store) else {
        return Vec::new();
    };
    let recent = find_dag(snap, &dag_id)
        .map(|d| d.runs.iter().map(|r| r.run_id.clone()).collect())
        .unwrap_or_default();
    vec![Effect::FetchDagTasks {
        source,
        dag_id,
        run_id,
        recent,
    }]
}

/// A poll of the Airflow source arrived: the tasks of the run on screen are read
/// again (one read at a time), so its list and grid stay true without `r`.
pub fn on_poll(app: &mut App, source: SourceId) -> Vec<Effect> {
    let on_screen = app.view.tab == Tab::Data && app.view.data.level() == Level::Tasks;
    let ours = snapshot(&app.store).is_some_and(|(s, _)| s == source);
    if !on_screen || !ours || app.view.data.tasks_pending {
        return Vec::new();
    }
    let effects = fetch_tasks(app);
    app.view.data.tasks_pending = !effects.is_empty();
    effects
}

/// Esc inside the tab: closes the filter, then the tasks, then the runs.
pub fn back(app: &mut App) -> bool {
    let data = &mut app.view.data;
    match data.level() {
        Level::Tasks if !data.tasks.filter.is_empty() => data.tasks.filter.clear(),
        Level::Tasks => {
            data.run = None;
            data.loaded = None;
        }
        Level::Runs if !data.runs.filter.is_empty() => data.runs.filter.clear(),
        Level::Runs => data.dag = None,
        Level::Dags => return false,
    }
    true
}

/// The tasks of a run arrived: kept if that run is still on screen; failed
/// tasks become feed lines ("task failed (try n)") once each.
pub fn on_tasks(
    app: &mut App,
    source: SourceId,
    dag_id: String,
    run_id: String,
    result: Result<RunTasks, crate::error::SourceError>,
) {
    app.dirty = true;
    app.view.data.tasks_pending = false;
    if let Ok(tasks) = &result {
        feed_failures(app, source, &dag_id, &run_id, tasks);
    }
    let now = app.now;
    let view = &mut app.view.data;
    if view.dag.as_ref() != Some(&dag_id) || view.run.as_ref() != Some(&run_id) {
        return;
    }
    let same_run = |l: &Loaded| l.dag_id == dag_id && l.run_id == run_id;
    match (result, view.loaded.as_mut()) {
        // A failed re-read keeps the tasks read before, with why and how old.
        (Err(e), Some(l)) if same_run(l) && l.result.is_ok() => l.failed = Some(e.to_string()),
        (result, _) => {
            let read_at = result.is_ok().then_some(now);
            view.loaded = Some(Loaded {
                dag_id,
                run_id,
                result: result.map_err(|e| e.to_string()),
                read_at,
                failed: None,
            });
        }
    }
}

fn feed_failures(app: &mut App, source: SourceId, dag_id: &str, run_id: &str, tasks: &RunTasks) {
    let label = host(app, source);
    if app.view.data.seen_failures.len() > MAX_SEEN {
        app.view.data.seen_failures.clear();
    }
    for t in tasks.tasks.iter().filter(|t| t.state == "failed") {
        let key = format!("{dag_id}/{run_id}/{}/{}", task_id(t), t.try_number);
        if !app.view.data.seen_failures.insert(key) {
            continue;
        }
        app.store.feed.push(FeedEntry {
            id: 0,
            at: t.end_date.unwrap_or(app.now),
            source: label.clone(),
            kind: FeedKind::Dag,
            severity: Severity::Critical,
            text: format!(
                "{dag_id} {run_id}: task {} failed (try {})",
                task_id(t),
                t.try_number
            ),
            fold: None,
        });
    }
}

fn confirm(app: &mut App, action: Action) {
    app.view.overlays.push(Overlay::Confirm(ConfirmView {
        action,
        second: false,
    }));
}

fn dag_action(
    app: &App,
    source: SourceId,
    dag_id: &str,
    run_id: Option<&str>,
    op: DagOp,
) -> Action {
    Action::Dag {
        source,
        host: host(app, source),
        dag_id: dag_id.to_owned(),
        run_id: run_id.map(str::to_owned),
        op,
    }
}

/// `p`: pause the selected DAG, or unpause it.
fn pause(app: &mut App) {
    if refuse_read_only(app) {
        return;
    }
    let Some((source, dag)) = target_dag(app) else {
        return;
    };
    let action = dag_action(app, source, &dag.dag_id, None, DagOp::Pause(!dag.is_paused));
    confirm(app, action);
}

/// `c`: clear the selected task, else the failed tasks of the selected run.
fn clear(app: &mut App) {
    if refuse_read_only(app) {
        return;
    }
    let task = target_task(app).map(|t| t.key);
    let Some((source, dag, run)) = target_run(app) else {
        return toast(app, "no run to clear".to_owned(), ToastLevel::Info);
    };
    let op = match task {
        Some(t) => DagOp::ClearTask(t),
        None if run.state != RunState::Failed => {
            let text = format!(
                "run '{}' has no failed tasks to clear ({})",
                run.run_id,
                run.state.name()
            );
            return toast(app, text, ToastLevel::Info);
        }
        None => DagOp::ClearFailed,
    };
    let action = dag_action(app, source, &dag.dag_id, Some(&run.run_id), op);
    confirm(app, action);
}

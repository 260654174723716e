//! The task log viewer of the Data tab: a task instance's log by try (`[`/`]`),
//! followed while it is the latest try of an unfinished instance; `f` pauses and
//! resumes the reads, and a later try the follower moves on to updates the title.

use super::{target_task, toast};
use crate::app::App;
use crate::app::effect::Effect;
use crate::state::airflow::TaskKey;
use crate::state::dag_tasks::{TaskLogRef, is_unfinished};
use crate::view::ToastLevel;
use crate::view::dags::{LogOpen, snapshot};
use crate::view::text::TextView;

/// Lines kept by the task log viewer.
const LOG_CAPACITY: usize = 100_000;

/// Opens the selected task's log at `try_number` (default: its latest try),
/// followed when that is the latest try of an unfinished task instance.
pub(super) fn open_log(app: &mut App, try_number: Option<u32>) -> Vec<Effect> {
    let Some(picked) = target_task(app) else {
        return Vec::new();
    };
    let view = &app.view.data;
    let (Some(dag_id), Some(run_id)) = (view.dag.clone(), view.run.clone()) else {
        return Vec::new();
    };
    let Some((source, _)) = snapshot(&app.store) else {
        return Vec::new();
    };
    let latest = picked.tries;
    if latest == 0 {
        let text = format!("task '{}' has not run yet: no log", picked.key);
        toast(app, text, ToastLevel::Info);
        return Vec::new();
    }
    let try_number = try_number.unwrap_or(latest).clamp(1, latest);
    let follows = try_number == latest && is_unfinished(&picked.state);
    let task = TaskLogRef {
        dag_id,
        run_id,
        task_id: picked.key.task_id,
        try_number,
        map_index: picked.key.map_index,
    };
    app.view.log_stream += 1;
    let open = LogOpen {
        task: task.clone(),
        latest,
        stream_id: app.view.log_stream,
        follows,
    };
    let mut text = TextView::new(log_title(&open), LOG_CAPACITY);
    text.follow = follows;
    app.view.text = Some(text);
    app.view.data.log = Some(open);
    vec![Effect::FetchTaskLog {
        source,
        task,
        stream_id: app.view.log_stream,
        follow: follows,
    }]
}

/// The viewer's title for a task log: DAG, run, task instance and try.
fn log_title(open: &LogOpen) -> String {
    let t = &open.task;
    let key = TaskKey {
        task_id: t.task_id.clone(),
        map_index: t.map_index,
    };
    format!(
        "log {} · {} · {key} · try {}/{}",
        t.dag_id, t.run_id, t.try_number, open.latest
    )
}

/// The task log open in the viewer now, if the viewer shows one.
fn open_log_mut(app: &mut App, stream_id: u64) -> Option<(&mut LogOpen, &mut TextView)> {
    let text = app.view.text.as_mut()?;
    let open = app.view.data.log.as_mut()?;
    (open.stream_id == stream_id && stream_id == app.view.log_stream).then_some((open, text))
}

/// `f` in the viewer: a followed task log pauses or resumes its reads with it.
pub fn follow_toggled(app: &App) -> Vec<Effect> {
    let (Some(open), Some(text)) = (&app.view.data.log, &app.view.text) else {
        return Vec::new();
    };
    if open.follows && open.stream_id == app.view.log_stream {
        vec![Effect::SetLogFollow(text.follow)]
    } else {
        Vec::new()
    }
}

/// The followed log moved on to a later try: the title and `[`/`]` follow it.
pub fn on_log_try(app: &mut App, stream_id: u64, try_number: u32) {
    let Some((open, text)) = open_log_mut(app, stream_id) else {
        return;
    };
    open.task.try_number = try_number;
    open.latest = open.latest.max(try_number);
    text.title = log_title(open);
    text.push(format!("── try {try_number} ──"));
    app.dirty = true;
}

/// The followed log ended: `f` no longer pauses or resumes reads.
pub fn on_log_ended(app: &mut App, stream_id: u64) {
    if let Some((open, _)) = open_log_mut(app, stream_id) {
        open.follows = false;
    }
}

/// `[`/`]` in a task's log: the previous or next try.
pub(super) fn change_try(app: &mut App, delta: i64) -> Vec<Effect> {
    let Some(LogOpen { task, latest, .. }) = app
        .view
        .data
        .log
        .clone()
        .filter(|_| app.view.text.is_some())
    else {
        return Vec::new();
    };
    let wanted = i64::from(task.try_number) + delta;
    if wanted < 1 || wanted > i64::from(latest) {
        let key = TaskKey {
            task_id: task.task_id,
            map_index: task.map_index,
        };
        let text = format!("task '{key}' has tries 1 to {latest}");
        toast(app, text, ToastLevel::Info);
        return Vec::new();
    }
    open_log(app, u32::try_from(wanted).ok())
}

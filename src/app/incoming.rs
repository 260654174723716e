//! What arrives from the sources: polls, finished actions, log lines, run details.
//! Part of the pure `update`: no I/O, no clock reads.

use std::collections::HashSet;

use super::App;
use super::effect::Effect;
use super::{models, pipelines, toast};
use crate::actions::Action;
use crate::state::Severity;
use crate::state::feed::{FeedEntry, FeedKind};
use crate::state::{SourceId, Update};
use crate::view::ToastLevel;

pub(super) fn on_update(app: &mut App, update: Update) -> Vec<Effect> {
    match update {
        Update::ActionDone {
            action,
            at,
            result,
            inverse,
        } => on_done(app, &action, at, &result, inverse),
        Update::DispatchInputs { target, result } => {
            pipelines::on_inputs(app, target, result);
            Vec::new()
        }
        log @ (Update::Log { .. } | Update::LogTry { .. } | Update::LogEnded { .. }) => {
            on_log(app, log);
            Vec::new()
        }
        Update::Saved { result } => {
            super::update::saved(app, result);
            Vec::new()
        }
        Update::DagTasks {
            source,
            dag_id,
            run_id,
            result,
        } => {
            super::data::on_tasks(app, source, dag_id, run_id, result);
            Vec::new()
        }
        update @ Update::RunDetail { .. } => {
            models::on_run(app, update);
            Vec::new()
        }
        other => on_poll(app, other),
    }
}

/// Lines, a later try or the end of the log in the viewer (older streams' are dropped).
fn on_log(app: &mut App, update: Update) {
    match update {
        Update::Log { stream_id, lines } => {
            if let Some(text) = app
                .view
                .text
                .as_mut()
                .filter(|_| stream_id == app.view.log_stream)
            {
                for line in lines {
                    text.push_log(&line);
                }
                app.dirty = true;
            }
        }
        Update::LogTry {
            stream_id,
            try_number,
        } => super::data::on_log_try(app, stream_id, try_number),
        Update::LogEnded { stream_id, reason } => {
            super::data::on_log_ended(app, stream_id);
            if let Some(text) = app
                .view
                .text
                .as_mut()
                .filter(|_| stream_id == app.view.log_stream)
            {
                text.push(format!("── log ended: {reason} ──"));
                app.dirty = true;
            }
        }
        _ => {}
    }
}

/// A finished action: the feed, a toast, its undo, and fresh data from its source.
fn on_done(
    app: &mut App,
    action: &Action,
    at: chrono::DateTime<chrono::Utc>,
    result: &Result<(), crate::error::SourceError>,
    inverse: Option<Box<Action>>,
) -> Vec<Effect> {
    let feed_id = on_action_done(app, action, at, result);
    super::undo::on_done(app, action, at, result.is_ok(), inverse, feed_id);
    let mut effects = vec![Effect::Refresh(vec![action.source()])];
    // A DAG action changes the tasks on screen: read them again.
    if matches!(action, Action::Dag { .. }) && app.view.tab == crate::view::Tab::Data {
        effects.extend(super::data::fetch_tasks(app));
    }
    effects
}

/// Records a finished action in the feed and a toast; returns its feed line's id.
fn on_action_done(
    app: &mut App,
    action: &Action,
    at: chrono::DateTime<chrono::Utc>,
    result: &Result<(), crate::error::SourceError>,
) -> u64 {
    app.now = app.now.max(at);
    app.dirty = true;
    if let Some(i) = app.in_flight.iter().position(|a| a == action) {
        app.in_flight.remove(i);
    }
    let what = format!(
        "{} '{}' on {}",
        action.label(),
        action.target(),
        action.host()
    );
    let (severity, level, text) = match result {
        Ok(()) => (Severity::Ok, ToastLevel::Info, format!("{what}: done")),
        Err(e) => (
            Severity::Critical,
            ToastLevel::Error,
            format!("{what}: {e}"),
        ),
    };
    let feed_id = app.store.feed.push(FeedEntry {
        id: 0,
        at,
        source: action.host().to_owned(),
        kind: FeedKind::Action,
        severity,
        text: text.clone(),
        fold: None,
    });
    toast(app, text, level);
    if result.is_ok() {
        // An undo of a scale is watched as the scale it runs.
        let acted = match action {
            Action::Undo(undo) => &undo.inverse,
            other => other,
        };
        super::swarm::watch(app, acted, at);
    }
    feed_id
}

/// Applies a snapshot to the store; rings the bell when an item turned critical.
fn on_poll(app: &mut App, update: Update) -> Vec<Effect> {
    let polled = match &update {
        Update::Polled {
            source,
            result: Ok(_),
            ..
        } => Some(*source),
        _ => None,
    };
    let swarm_poll = match &update {
        Update::Polled {
            source,
            at,
            result: Ok(crate::state::Payload::Swarm(_)),
        } => Some((*source, *at)),
        _ => None,
    };
    if app.store.apply(update) {
        app.dirty = true;
    }
    if let Some((source, at)) = swarm_poll {
        super::swarm::on_poll(app, source, at);
    }
    let mut effects = match polled {
        Some(source) if newly_critical(app, source) && app.bell => vec![Effect::Bell],
        _ => Vec::new(),
    };
    if let Some(source) = polled {
        effects.extend(super::data::on_poll(app, source));
    }
    effects
}

/// Records which of the source's items are critical now; true when one turned
/// critical since the last poll (never on a source's first poll: no ringing at start).
fn newly_critical(app: &mut App, source: SourceId) -> bool {
    let Some(s) = app.store.source(source) else {
        return false;
    };
    let now: HashSet<String> = crate::status::source_items(s, app.now)
        .into_iter()
        .filter(|i| i.severity == crate::state::Severity::Critical)
        .map(|i| i.id)
        .collect();
    match app.critical.insert(source, now) {
        Some(before) => app.critical[&source].iter().any(|id| !before.contains(id)),
        None => false,
    }
}

//! Undo in the TUI: the session's reversible actions that worked, `:undo` for the
//! newest one not undone yet, `u` on an action line of the Overview's change feed.
//! Both ask with the confirm overlay naming what will happen; the executor alone
//! refuses them under `--read-only` (the toast here only says so at once).
//! Part of the pure `update`: no I/O, no clock reads.

use chrono::{DateTime, Utc};

use super::effect::Effect;
use super::{App, refuse_read_only, toast};
use crate::actions::{Action, Undo};
use crate::view::{ConfirmView, Overlay, Tab, ToastLevel};

/// Reversible actions kept per session; the oldest fall off first.
pub const HISTORY_LEN: usize = 100;

/// One reversible action that worked in this session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reversible {
    /// Its line in the change feed.
    pub feed_id: u64,
    /// The action, when it finished, and what reverses it.
    pub undo: Undo,
    /// Whether an undo of it worked.
    pub undone: bool,
}

/// Notes a finished action: a reversible one that worked joins the history, an
/// undo that worked marks its original undone.
pub(super) fn on_done(
    app: &mut App,
    action: &Action,
    at: DateTime<Utc>,
    worked: bool,
    inverse: Option<Box<Action>>,
    feed_id: u64,
) {
    if !worked {
        return;
    }
    match (action, inverse) {
        (Action::Undo(undo), _) => {
            if let Some(done) = app.undo.iter_mut().find(|r| is_same(&r.undo, undo)) {
                done.undone = true;
            }
        }
        (_, Some(inverse)) => {
            if app.undo.len() >= HISTORY_LEN {
                app.undo.remove(0);
            }
            let undo = Undo {
                original: action.clone(),
                original_at: at,
                inverse: *inverse,
            };
            app.undo.push(Reversible {
                feed_id,
                undo,
                undone: false,
            });
        }
        (_, None) => {}
    }
}

/// `:undo`: asks to undo the newest reversible action not undone (nor being undone) yet.
pub fn undo_newest(app: &mut App) -> Vec<Effect> {
    if refuse_read_only(app) {
        return Vec::new();
    }
    let newest = app
        .undo
        .iter()
        .rev()
        .find(|r| !r.undone && !is_in_flight(app, &r.undo))
        .map(|r| r.undo.clone());
    if let Some(undo) = newest {
        ask(app, undo);
    } else {
        let text = "nothing to undo: no reversible action of this session is left to undo";
        toast(app, text.to_owned(), ToastLevel::Info);
    }
    Vec::new()
}

/// `u` on the Overview's change feed: asks to undo the action on the selected line.
pub fn undo_selected(app: &mut App) -> Vec<Effect> {
    if app.view.tab != Tab::Overview || !app.view.overview.feed_focus {
        let text = "u undoes the selected action line of the Overview's change feed; :undo undoes the newest action";
        toast(app, text.to_owned(), ToastLevel::Info);
        return Vec::new();
    }
    if refuse_read_only(app) {
        return Vec::new();
    }
    let Some(id) = super::messages::selected_feed_id(app) else {
        return Vec::new();
    };
    let found = app.undo.iter().find(|r| r.feed_id == id).cloned();
    let text = match found {
        Some(r) if r.undone => "this action was undone already",
        Some(r) if is_in_flight(app, &r.undo) => "this action is being undone",
        Some(r) => {
            ask(app, r.undo);
            return Vec::new();
        }
        None => {
            "this line cannot be undone: only actions of this session that worked and can be reversed (alias, stop, pause, scale, silence, DAG pause) can"
        }
    };
    toast(app, text.to_owned(), ToastLevel::Info);
    Vec::new()
}

/// Opens the confirm overlay for `undo` (it names what will happen).
fn ask(app: &mut App, undo: Undo) {
    app.view.overlays.push(Overlay::Confirm(ConfirmView {
        action: Action::Undo(Box::new(undo)),
        second: false,
    }));
}

/// Whether an undo of the same original is with the executor now.
fn is_in_flight(app: &App, undo: &Undo) -> bool {
    app.in_flight
        .iter()
        .any(|a| matches!(a, Action::Undo(u) if is_same(u, undo)))
}

/// Whether two undos reverse the same action (the same action, finished at the same time).
fn is_same(a: &Undo, b: &Undo) -> bool {
    a.original_at == b.original_at && a.original == b.original
}

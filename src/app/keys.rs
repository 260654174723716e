//! Keys: which overlay or input takes a key, then the keymap's command.
//! Part of the pure `update`: no I/O, no clock reads.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::App;
use super::effect::Effect;
use super::update::{back, run_command};
use super::{choosers, input, pipelines, toast};
use crate::actions::{Action, ContainerOp, KILL_SIGNALS};
use crate::command::{Command, Context};
use crate::view::form::FormEvent;
use crate::view::{ConfirmView, FormPurpose, Overlay, QuitView, SignalView, Tab, ToastLevel};

pub(super) fn on_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    if app.view.input.is_some() {
        return input::on_input_key(app, key);
    }
    match app.view.overlays.last() {
        Some(Overlay::Palette(_)) => return input::on_palette_key(app, key),
        Some(Overlay::Confirm(_)) => return on_confirm_key(app, key),
        Some(Overlay::Signal(_)) => return on_signal_key(app, key),
        Some(Overlay::Form(..)) => return on_form_key(app, key),
        Some(Overlay::Alias(_)) => return choosers::on_alias_key(app, key),
        Some(Overlay::Stage(_)) => return choosers::on_stage_key(app, key),
        Some(Overlay::Dispatch(_)) => return pipelines::on_form_key(app, key),
        Some(Overlay::Quit(_)) => return on_quit_key(app, key),
        Some(Overlay::Help) => {
            return match app.keymap.lookup(&key, &[Context::Global]) {
                Some(Command::Quit) if is_ctrl(&key) => request_quit(app),
                Some(Command::Back | Command::Help | Command::Quit) => {
                    app.view.overlays.pop();
                    Vec::new()
                }
                _ => Vec::new(),
            };
        }
        None => {}
    }
    match app.keymap.lookup(&key, &app.contexts()) {
        // `q` closes the view it is in; only a Ctrl key quits from anywhere.
        Some(Command::Quit) if !is_ctrl(&key) && is_nested(app) => back(app),
        Some(cmd) => run_command(app, cmd),
        None => Vec::new(),
    }
}

/// Edits the form on top; Enter validates it into a confirmation, Esc cancels.
fn on_form_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    let Some(Overlay::Form(form, purpose)) = app.view.overlays.last_mut() else {
        return Vec::new();
    };
    match form.on_key(key) {
        FormEvent::Edited => {}
        FormEvent::Cancel => {
            let what = purpose.what();
            app.view.overlays.pop();
            toast(app, format!("{what} cancelled"), ToastLevel::Info);
        }
        FormEvent::Submit => {
            // Each form's own checks, with a message that says what to do.
            let checked = match purpose {
                FormPurpose::Silence { .. } => super::alerts::validate(form, purpose),
                FormPurpose::Scale { .. } | FormPurpose::Availability { .. } => {
                    super::swarm::validate(form, purpose)
                }
                FormPurpose::Dag(d) => super::data::validate(form, d),
            };
            match checked {
                Ok(action) => {
                    app.view.overlays.pop();
                    app.view.overlays.push(Overlay::Confirm(ConfirmView {
                        action,
                        second: false,
                    }));
                }
                Err(why) => form.error = Some(why),
            }
        }
    }
    Vec::new()
}

fn is_ctrl(key: &KeyEvent) -> bool {
    key.modifiers.contains(KeyModifiers::CONTROL)
}

/// Whether a view is open inside the tab (a viewer, detail, zoom, list or drill-down).
fn is_nested(app: &App) -> bool {
    let v = &app.view;
    v.text.is_some()
        || match v.tab {
            Tab::Containers => v.containers.detail.is_some(),
            Tab::Metrics => v.metrics.zoomed,
            Tab::Alerts => v.alerts.silences,
            Tab::Models => v.models.model.is_some(),
            Tab::Pipelines => v.pipelines.drill.is_some(),
            Tab::Data => v.data.dag.is_some(),
            Tab::Overview => false,
        }
}

/// Quits, or first asks when actions are still in flight (they would be dropped).
pub fn request_quit(app: &mut App) -> Vec<Effect> {
    if app.in_flight.is_empty() {
        return vec![Effect::Quit];
    }
    let in_flight = app
        .in_flight
        .iter()
        .map(|a| format!("{} '{}' on {}", a.label(), a.target(), a.host()))
        .collect();
    if !matches!(app.view.overlays.last(), Some(Overlay::Quit(_))) {
        app.view
            .overlays
            .push(Overlay::Quit(QuitView { in_flight }));
    }
    Vec::new()
}

/// `y` (or a Ctrl quit key) quits with actions in flight; any other key stays.
fn on_quit_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    let ctrl_quit =
        is_ctrl(&key) && app.keymap.lookup(&key, &[Context::Global]) == Some(Command::Quit);
    if key.code == KeyCode::Char('y') || ctrl_quit {
        return vec![Effect::Quit];
    }
    app.view.overlays.pop();
    Vec::new()
}

/// `y` confirms (twice for double-confirmed actions); any other key cancels.
fn on_confirm_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    let Some(Overlay::Confirm(view)) = app.view.overlays.pop() else {
        return Vec::new();
    };
    if key.code != KeyCode::Char('y') {
        toast(
            app,
            format!("{} cancelled", view.action.label()),
            ToastLevel::Info,
        );
        return Vec::new();
    }
    if view.action.needs_double_confirm() && !view.second {
        app.view.overlays.push(Overlay::Confirm(ConfirmView {
            second: true,
            ..view
        }));
        return Vec::new();
    }
    let progress = format!("{} '{}'…", view.action.label(), view.action.target());
    let until = app.now + chrono::Duration::minutes(5);
    super::toast_until(app, progress, ToastLevel::Progress, until);
    vec![Effect::Execute(view.action)]
}

fn on_signal_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    let cmd = app.keymap.lookup(&key, &[Context::List, Context::Global]);
    let Some(Overlay::Signal(view)) = app.view.overlays.last_mut() else {
        return Vec::new();
    };
    match (key.code, cmd) {
        (KeyCode::Enter, _) => {
            let SignalView {
                source,
                host,
                id,
                name,
                selected,
            } = view.clone();
            let signal = KILL_SIGNALS
                .get(selected)
                .copied()
                .unwrap_or("SIGTERM")
                .to_owned();
            let action = Action::Container {
                source,
                host,
                id,
                name,
                op: ContainerOp::Kill(signal),
            };
            app.view.overlays.pop();
            app.view.overlays.push(Overlay::Confirm(ConfirmView {
                action,
                second: false,
            }));
        }
        (_, Some(Command::Down)) => view.selected = (view.selected + 1).min(KILL_SIGNALS.len() - 1),
        (_, Some(Command::Up)) => view.selected = view.selected.saturating_sub(1),
        (_, Some(Command::Quit)) if is_ctrl(&key) => return request_quit(app),
        _ => {
            app.view.overlays.pop();
        }
    }
    Vec::new()
}

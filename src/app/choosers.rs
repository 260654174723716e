//! Keys of the Models pane's choosers: the alias chooser (pick an existing alias or
//! type a new one) and the stage chooser. Both end in a confirmation, never in an action.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::App;
use super::effect::Effect;
use super::models::confirm;
use super::toast;
use crate::actions::{Action, STAGES};
use crate::command::{Command, Context};
use crate::view::{Overlay, ToastLevel};

/// Typing filters the aliases (or names a new one); arrows move; Enter picks; Esc cancels.
pub fn on_alias_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && app.keymap.lookup(&key, &[Context::Global]) == Some(Command::Quit) {
        return vec![Effect::Quit];
    }
    let Some(Overlay::Alias(view)) = app.view.overlays.last_mut() else {
        return Vec::new();
    };
    let count = view.entries().len();
    match key.code {
        KeyCode::Esc => {
            app.view.overlays.pop();
        }
        KeyCode::Up => view.selected = view.selected.saturating_sub(1),
        KeyCode::Down | KeyCode::Tab => {
            view.selected = (view.selected + 1).min(count.saturating_sub(1));
        }
        KeyCode::Backspace => {
            view.typed.pop();
            view.selected = 0;
        }
        KeyCode::Char('u') if ctrl => {
            view.typed.clear();
            view.selected = 0;
        }
        KeyCode::Char(c) if !ctrl && !c.is_whitespace() => {
            view.typed.push(c);
            view.selected = 0;
        }
        KeyCode::Enter => pick_alias(app),
        _ => {}
    }
    Vec::new()
}

fn pick_alias(app: &mut App) {
    let Some(Overlay::Alias(view)) = app.view.overlays.last() else {
        return;
    };
    let Some(entry) = view.entries().into_iter().nth(view.selected) else {
        return;
    };
    let (source, host, model, version) = (
        view.source,
        view.host.clone(),
        view.model.clone(),
        view.version.clone(),
    );
    if view.delete {
        let version = entry.current.unwrap_or(version);
        let alias = entry.alias;
        confirm(
            app,
            Action::DeleteAlias {
                source,
                host,
                model,
                alias,
                version,
            },
        );
        return;
    }
    if entry.current.as_deref() == Some(version.as_str()) {
        app.view.overlays.pop();
        let text = format!("'{}' already points at v{version}", entry.alias);
        toast(app, text, ToastLevel::Info);
        return;
    }
    let alias = entry.alias;
    confirm(
        app,
        Action::SetAlias {
            source,
            host,
            model,
            alias,
            version,
        },
    );
}

/// `j`/`k` choose a stage, Enter picks it, any other key cancels.
pub fn on_stage_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    let cmd = app.keymap.lookup(&key, &[Context::List, Context::Global]);
    let Some(Overlay::Stage(view)) = app.view.overlays.last_mut() else {
        return Vec::new();
    };
    match (key.code, cmd) {
        (KeyCode::Enter, _) => {
            let stage = STAGES
                .get(view.selected)
                .copied()
                .unwrap_or("None")
                .to_owned();
            let action = Action::TransitionStage {
                source: view.source,
                host: view.host.clone(),
                model: view.model.clone(),
                version: view.version.clone(),
                stage,
            };
            confirm(app, action);
        }
        (_, Some(Command::Down)) => view.selected = (view.selected + 1).min(STAGES.len() - 1),
        (_, Some(Command::Up)) => view.selected = view.selected.saturating_sub(1),
        (_, Some(Command::Quit)) => return vec![Effect::Quit],
        _ => {
            app.view.overlays.pop();
        }
    }
    Vec::new()
}

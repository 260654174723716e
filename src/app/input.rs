//! The input line (`/` filter or log search) and the `:` palette: text editing
//! that must not trigger commands, except a Ctrl-bound quit.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::App;
use super::effect::Effect;
use super::update::{pin_selection, request_quit, run_command};
use crate::command::{Command, Context};
use crate::view::screen::palette_entries;
use crate::view::{Input, InputTarget, Overlay, Tab, ToastLevel};

/// Opens the input line: a search in the text viewer, else the tab's filter.
pub fn open(app: &mut App) {
    let (target, text) = match &app.view.text {
        Some(t) => (InputTarget::Search, t.search.clone().unwrap_or_default()),
        None if versions_listed(app) => (
            InputTarget::Filter(app.view.tab),
            app.view.models.versions.filter.clone(),
        ),
        None => (
            InputTarget::Filter(app.view.tab),
            app.view.active_table().filter.clone(),
        ),
    };
    // Reopened with the last text selected: typing replaces it, an arrow edits it.
    let selected = !text.is_empty();
    app.view.input = Some(Input {
        target,
        text,
        selected,
    });
}

/// Whether the Models tab lists a model's versions (the filter applies to them).
fn versions_listed(app: &App) -> bool {
    app.view.tab == Tab::Models && app.view.models.model.is_some()
}

/// Inserts pasted text where typed keys would go: the input line, the palette
/// or a form's text field; it replaces a selected input text as typing does.
pub fn paste(app: &mut App, text: &str) {
    let clean = text.chars().filter(|c| !c.is_control());
    if let Some(input) = app.view.input.as_mut() {
        if std::mem::take(&mut input.selected) {
            input.text.clear();
        }
        input.text.extend(clean);
        apply(app);
        app.dirty = true;
        return;
    }
    match app.view.overlays.last_mut() {
        Some(Overlay::Form(form, _)) => form.paste(text),
        Some(Overlay::Dispatch(view)) => view.form.paste(text),
        Some(Overlay::Palette(p)) => {
            p.query.extend(clean);
            p.selected = 0;
        }
        _ => return,
    }
    app.dirty = true;
}

fn quits(app: &App, key: &KeyEvent) -> bool {
    key.modifiers.contains(KeyModifiers::CONTROL)
        && app.keymap.lookup(key, &[Context::Global]) == Some(Command::Quit)
}

/// Edits the input line; Enter keeps the text, Esc clears it.
pub fn on_input_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    if quits(app, &key) {
        return request_quit(app);
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let Some(input) = app.view.input.as_mut() else {
        return Vec::new();
    };
    let selected = std::mem::take(&mut input.selected);
    match key.code {
        KeyCode::Esc => {
            input.text.clear();
            apply(app);
            app.view.input = None;
            return Vec::new();
        }
        KeyCode::Enter => {
            app.view.input = None;
            return Vec::new();
        }
        KeyCode::Backspace if selected => input.text.clear(),
        KeyCode::Backspace => {
            input.text.pop();
        }
        KeyCode::Char('u') if ctrl => input.text.clear(),
        KeyCode::Char(c) if !ctrl => {
            if selected {
                input.text.clear();
            }
            input.text.push(c);
        }
        _ => return Vec::new(),
    }
    apply(app);
    Vec::new()
}

/// Applies the input line's text live: filter rows or search the text viewer.
fn apply(app: &mut App) {
    let page = app.page_rows();
    let Some(input) = app.view.input.as_ref() else {
        return;
    };
    let text = input.text.clone();
    match input.target {
        InputTarget::Filter(Tab::Models) if versions_listed(app) => {
            app.view.models.versions.filter = text;
        }
        InputTarget::Filter(tab) if tab == app.view.tab => {
            app.view.active_table_mut().filter = text;
            pin_selection(app);
        }
        InputTarget::Filter(tab) => app.view.tables[tab.index()].filter = text,
        InputTarget::Search => {
            if let Some(view) = app.view.text.as_mut() {
                view.set_search(&text, page);
            }
        }
    }
}

/// Edits the palette query, moves its selection, runs the chosen command.
pub fn on_palette_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    if quits(app, &key) {
        return request_quit(app);
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let read_only = app.read_only;
    let Some(Overlay::Palette(p)) = app.view.overlays.last_mut() else {
        return Vec::new();
    };
    match key.code {
        KeyCode::Esc => {
            app.view.overlays.pop();
        }
        KeyCode::Enter => {
            let chosen = palette_entries(&p.query, read_only).nth(p.selected);
            let query = p.query.clone();
            app.view.overlays.pop();
            if let Some(cmd) = chosen {
                return run_command(app, cmd);
            }
            // An action typed in full is hidden when read-only: say why, not "no match".
            if Command::from_name(&query).is_some_and(Command::is_action)
                && super::refuse_read_only(app)
            {
                return Vec::new();
            }
            let text = format!("no command matches ':{query}' (':' then type to see them)");
            super::toast(app, text, ToastLevel::Error);
        }
        KeyCode::Up => p.selected = p.selected.saturating_sub(1),
        KeyCode::Down | KeyCode::Tab => {
            let n = palette_entries(&p.query, read_only).count();
            p.selected = (p.selected + 1).min(n.saturating_sub(1));
        }
        KeyCode::Backspace => {
            p.query.pop();
            p.selected = 0;
        }
        KeyCode::Char(c) if !ctrl => {
            p.query.push(c);
            p.selected = 0;
        }
        _ => {}
    }
    Vec::new()
}

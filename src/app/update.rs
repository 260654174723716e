//! `update`: the only writer of `App`. Pure: no I/O, no clock reads, no spawning;
//! it returns `Effect`s for the loop to perform.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::command::{Command, Context};
use super::effect::Effect;
use super::msg::Msg;
use super::view_state::{Input, InputTarget, Overlay, PaletteView, Tab};
use super::{App, palette_entries};
use crate::sources::SourceId;
use crate::sources::driver::PollPolicy;

/// Applies one message to the app and returns what the loop must do.
pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(key) if key.kind != KeyEventKind::Release => {
            app.dirty = true;
            on_key(app, key)
        }
        Msg::Key(_) => Vec::new(),
        Msg::Resize { width, height } => {
            app.size = (width, height);
            app.dirty = true;
            Vec::new()
        }
        Msg::Paste(text) => {
            if let Some(input) = app.view.input.as_mut() {
                input.text.extend(text.chars().filter(|c| !c.is_control()));
                apply_input(app);
                app.dirty = true;
            }
            Vec::new()
        }
        Msg::Resumed => {
            app.dirty = true;
            Vec::new()
        }
        Msg::Tick { now } => {
            app.now = now;
            if app.view.toast.as_ref().is_some_and(|t| t.until <= now) {
                app.view.toast = None;
            }
            app.dirty = true;
            Vec::new()
        }
        Msg::Source(update) => {
            if app.store.apply(update) {
                app.dirty = true;
            }
            Vec::new()
        }
        Msg::Terminate => vec![Effect::Quit],
    }
}

fn on_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    if app.view.input.is_some() {
        return on_input_key(app, key);
    }
    match app.view.overlays.last() {
        Some(Overlay::Palette(_)) => return on_palette_key(app, key),
        Some(Overlay::Help) => {
            return match app.keymap.lookup(&key, &[Context::Global]) {
                Some(Command::Quit) => vec![Effect::Quit],
                Some(Command::Back | Command::Help) => {
                    app.view.overlays.pop();
                    Vec::new()
                }
                _ => Vec::new(),
            };
        }
        None => {}
    }
    match app.keymap.lookup(&key, &app.contexts()) {
        Some(cmd) => run_command(app, cmd),
        None => Vec::new(),
    }
}

/// Runs one command as if its key had been pressed.
pub fn run_command(app: &mut App, cmd: Command) -> Vec<Effect> {
    let page = app.page_rows();
    match cmd {
        Command::Quit => return vec![Effect::Quit],
        Command::Suspend => return vec![Effect::Suspend],
        Command::Help => app.view.overlays.push(Overlay::Help),
        Command::Palette => app
            .view
            .overlays
            .push(Overlay::Palette(PaletteView::default())),
        Command::Back => back(app),
        Command::NextTab => return switch_tab(app, app.view.tab.cycle(1)),
        Command::PrevTab => return switch_tab(app, app.view.tab.cycle(-1)),
        Command::TabOverview => return switch_tab(app, Tab::Overview),
        Command::TabPipelines => return switch_tab(app, Tab::Pipelines),
        Command::TabContainers => return switch_tab(app, Tab::Containers),
        Command::TabModels => return switch_tab(app, Tab::Models),
        Command::TabMetrics => return switch_tab(app, Tab::Metrics),
        Command::TabAlerts => return switch_tab(app, Tab::Alerts),
        Command::Refresh => return vec![Effect::Refresh(app.visible_sources())],
        Command::Up => move_rows(app, -1),
        Command::Down => move_rows(app, 1),
        Command::PageUp => move_rows(app, -page.cast_signed()),
        Command::PageDown => move_rows(app, page.cast_signed()),
        Command::Top => move_rows(app, isize::MIN / 2),
        Command::Bottom => move_rows(app, isize::MAX / 2),
        Command::Filter => open_input(app),
        Command::SortNext => {
            let columns = app.column_count();
            app.view.table_mut().sort_next(columns);
        }
        Command::SortReverse => {
            let t = app.view.table_mut();
            t.descending = !t.descending;
        }
        Command::Select
        | Command::NextMatch
        | Command::PrevMatch
        | Command::Follow
        | Command::Wrap => text_command(app, cmd, page),
    }
    Vec::new()
}

fn back(app: &mut App) {
    if app.view.text.take().is_some() {
        return;
    }
    app.view.table_mut().filter.clear();
}

fn text_command(app: &mut App, cmd: Command, page: usize) {
    let Some(text) = app.view.text.as_mut() else {
        return;
    };
    match cmd {
        Command::NextMatch => text.next_match(true, page),
        Command::PrevMatch => text.next_match(false, page),
        Command::Follow => text.follow = !text.follow,
        Command::Wrap => text.wrap = !text.wrap,
        _ => {}
    }
}

fn move_rows(app: &mut App, delta: isize) {
    let page = app.page_rows();
    if let Some(text) = app.view.text.as_mut() {
        text.scroll(delta, page);
        return;
    }
    let ids = app.row_ids(app.view.tab);
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    app.view.table_mut().move_by(&ids, delta, page);
}

/// Switches tabs and tells every poller whether it is now on screen.
pub fn switch_tab(app: &mut App, tab: Tab) -> Vec<Effect> {
    app.view.tab = tab;
    app.view.text = None;
    policies(app)
}

/// The poll policy of every source for the current tab.
pub fn policies(app: &App) -> Vec<Effect> {
    let tab = app.view.tab;
    app.store
        .sources
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let policy = if tab.shows(s.spec.kind) {
                PollPolicy::Visible
            } else {
                PollPolicy::Hidden
            };
            Effect::SetPolicy(SourceId(i), policy)
        })
        .collect()
}

fn open_input(app: &mut App) {
    let (target, text) = match &app.view.text {
        Some(t) => (InputTarget::Search, t.search.clone().unwrap_or_default()),
        None => (
            InputTarget::Filter(app.view.tab),
            app.view.table().filter.clone(),
        ),
    };
    app.view.input = Some(Input { target, text });
}

fn on_input_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && app.keymap.lookup(&key, &[Context::Global]) == Some(Command::Quit) {
        return vec![Effect::Quit];
    }
    let Some(input) = app.view.input.as_mut() else {
        return Vec::new();
    };
    match key.code {
        KeyCode::Esc => {
            input.text.clear();
            apply_input(app);
            app.view.input = None;
            return Vec::new();
        }
        KeyCode::Enter => {
            app.view.input = None;
            return Vec::new();
        }
        KeyCode::Backspace => {
            input.text.pop();
        }
        KeyCode::Char('u') if ctrl => input.text.clear(),
        KeyCode::Char(c) if !ctrl => input.text.push(c),
        _ => return Vec::new(),
    }
    apply_input(app);
    Vec::new()
}

/// Applies the input line's text live: filter rows or search the text viewer.
fn apply_input(app: &mut App) {
    let page = app.page_rows();
    let Some(input) = app.view.input.as_ref() else {
        return;
    };
    let text = input.text.clone();
    match input.target {
        InputTarget::Filter(tab) => app.view.tables[tab.index()].filter = text,
        InputTarget::Search => {
            if let Some(view) = app.view.text.as_mut() {
                view.set_search(&text, page);
            }
        }
    }
}

fn on_palette_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let Some(Overlay::Palette(p)) = app.view.overlays.last_mut() else {
        return Vec::new();
    };
    match key.code {
        KeyCode::Esc => {
            app.view.overlays.pop();
        }
        KeyCode::Enter => {
            let chosen = palette_entries(&p.query).nth(p.selected);
            app.view.overlays.pop();
            if let Some(cmd) = chosen {
                return run_command(app, cmd);
            }
        }
        KeyCode::Up => p.selected = p.selected.saturating_sub(1),
        KeyCode::Down | KeyCode::Tab => {
            let n = palette_entries(&p.query).count();
            p.selected = (p.selected + 1).min(n.saturating_sub(1));
        }
        KeyCode::Backspace => {
            p.query.pop();
            p.selected = 0;
        }
        KeyCode::Char('c') if ctrl => return vec![Effect::Quit],
        KeyCode::Char(c) if !ctrl => {
            p.query.push(c);
            p.selected = 0;
        }
        _ => {}
    }
    Vec::new()
}

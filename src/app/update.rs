//! `update`: the only writer of `App`. Pure: no I/O, no clock reads, no spawning;
//! it returns `Effect`s for the loop to perform.

use crossterm::event::KeyEventKind;

use super::App;
use super::containers;
use super::effect::Effect;
use super::incoming::on_update;
use super::input;
use super::keys::on_key;
pub use super::keys::request_quit;
use super::msg::Msg;
use super::pipelines;
use super::toast;
use super::{jump, models};
use crate::command::{Command, Context};
use crate::sources::driver::PollPolicy;
use crate::state::SourceId;
use crate::view::swarm::ClusterMode;
use crate::view::{Overlay, PaletteView, Tab, ToastLevel};

/// Applies one message to the app and returns what the loop must do.
pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    // Row ids computed while handling anything but movement may predate what the
    // message changed (a filter set after the selection was pinned): drop them after.
    let moves = moves_only(app, &msg);
    if !moves {
        app.forget_rows();
    }
    let effects = dispatch(app, msg);
    if !moves {
        app.forget_rows();
    }
    // Every action handed to the executor is in flight until it reports back.
    for effect in &effects {
        if let Effect::Execute(action) = effect {
            app.in_flight.push(action.clone());
        }
    }
    effects
}

/// Whether `msg` only moves the selection of the table on screen (its rows stay).
fn moves_only(app: &App, msg: &Msg) -> bool {
    let key = match msg {
        Msg::Move(_) => return true,
        Msg::Key(key) => key,
        _ => return false,
    };
    super::burst::moves_list(app)
        && matches!(
            app.keymap.lookup(key, &app.contexts()),
            Some(
                Command::Up
                    | Command::Down
                    | Command::PageUp
                    | Command::PageDown
                    | Command::Top
                    | Command::Bottom
            )
        )
}

fn dispatch(app: &mut App, msg: Msg) -> Vec<Effect> {
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
            input::paste(app, &text);
            Vec::new()
        }
        Msg::Move(delta) => {
            app.dirty = true;
            move_rows(app, delta);
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
        Msg::Source(update) => on_update(app, update),
        Msg::Saved(result) => {
            saved(app, result);
            Vec::new()
        }
        Msg::Terminate => vec![Effect::Quit],
    }
}

/// Runs one command as if its key had been pressed.
pub fn run_command(app: &mut App, cmd: Command) -> Vec<Effect> {
    let page = app.page_rows();
    match cmd {
        Command::Quit => return request_quit(app),
        Command::Messages => return super::messages::open_messages(app),
        Command::Snapshot => {
            toast(app, "writing a snapshot…".to_owned(), ToastLevel::Progress);
            return vec![Effect::Snapshot];
        }
        Command::Suspend => return vec![Effect::Suspend],
        Command::Help => app.view.overlays.push(Overlay::Help),
        Command::Palette => app
            .view
            .overlays
            .push(Overlay::Palette(PaletteView::default())),
        Command::Back => return back(app),
        Command::NextTab => return switch_tab(app, app.view.tab.cycle(1)),
        Command::PrevTab => return switch_tab(app, app.view.tab.cycle(-1)),
        Command::TabOverview => return switch_tab(app, Tab::Overview),
        Command::TabPipelines => return switch_tab(app, Tab::Pipelines),
        Command::TabContainers => return switch_tab(app, Tab::Containers),
        Command::TabModels => return switch_tab(app, Tab::Models),
        Command::TabMetrics => return switch_tab(app, Tab::Metrics),
        Command::TabAlerts => return switch_tab(app, Tab::Alerts),
        Command::TabData => return switch_tab(app, Tab::Data),
        Command::Refresh => return refresh(app),
        Command::Undo => return super::undo::undo_newest(app),
        Command::UndoSelected => return super::undo::undo_selected(app),
        Command::Up => move_rows(app, -1),
        Command::Down => move_rows(app, 1),
        Command::PageUp => move_rows(app, -page.cast_signed()),
        Command::PageDown => move_rows(app, page.cast_signed()),
        Command::Top => move_rows(app, isize::MIN / 2),
        Command::Bottom => move_rows(app, isize::MAX / 2),
        Command::Filter => input::open(app),
        Command::SortNext => {
            let columns = app.column_count();
            sort_table(app).sort_next(columns);
        }
        Command::SortReverse => {
            let t = sort_table(app);
            t.descending = !t.descending;
        }
        _ => return pane_command(app, cmd, page),
    }
    Vec::new()
}

/// The table `<` and `>` sort: the tab's, or the Containers tab's Swarm view.
fn sort_table(app: &mut App) -> &mut crate::view::table::TableView {
    if app.view.tab == Tab::Containers && app.view.containers.mode != ClusterMode::Containers {
        return app.view.active_table_mut();
    }
    app.view.table_mut()
}

/// Commands of the text viewer and of one pane.
fn pane_command(app: &mut App, cmd: Command, page: usize) -> Vec<Effect> {
    match cmd {
        Command::Select if app.view.text.is_none() || super::messages::toast_is_cut(app) => {
            return select(app);
        }
        Command::FocusFeed if app.view.tab == Tab::Overview => {
            let o = &mut app.view.overview;
            o.feed_focus = !o.feed_focus;
        }
        Command::OpenBuildRun if app.view.text.is_none() => return jump::open_build_run(app),
        Command::Copy => return super::copy::copy(app),
        Command::Save => return save(app),
        Command::FirstError => first_error(app, page),
        Command::Rerun
        | Command::RerunFailed
        | Command::CancelRun
        | Command::Dispatch
        | Command::FailuresOnly
        | Command::DefaultBranchOnly => return pipelines::run(app, cmd),
        Command::Follow if app.view.text.is_some() => {
            text_command(app, cmd, page);
            return super::data::follow_toggled(app);
        }
        Command::Select
        | Command::NextMatch
        | Command::PrevMatch
        | Command::Follow
        | Command::Wrap
        | Command::Timestamps => text_command(app, cmd, page),
        cmd if cmd.context() == Context::Containers => return containers::run(app, cmd),
        cmd if matches!(
            cmd.context(),
            Context::Cluster | Context::Services | Context::Nodes
        ) =>
        {
            return super::swarm::run(app, cmd);
        }
        cmd if matches!(cmd.context(), Context::Metrics | Context::Alerts) => {
            return super::alerts::run(app, cmd);
        }
        cmd if cmd.context() == Context::Models => return models::run(app, cmd),
        cmd if cmd.context() == Context::Data => return super::data::run(app, cmd),
        Command::RestartContainer
        | Command::StopContainer
        | Command::StartContainer
        | Command::PauseContainer
        | Command::KillContainer
        | Command::RemoveContainer
        | Command::Logs
        | Command::RunningOnly
        | Command::ProblemsOnly
        | Command::Fold => return containers::run(app, cmd),
        _ => {}
    }
    Vec::new()
}

/// Enter: opens a toast the footer cuts, else drills into the pane's selection.
fn select(app: &mut App) -> Vec<Effect> {
    if super::messages::toast_is_cut(app) {
        return super::messages::open_toast(app);
    }
    match app.view.tab {
        Tab::Containers => containers::select(app),
        Tab::Metrics => {
            super::alerts::toggle_zoom(app);
            Vec::new()
        }
        Tab::Models => models::select(app),
        Tab::Pipelines => pipelines::select(app),
        Tab::Overview if app.view.overview.card.is_some() => super::card::open_part(app),
        Tab::Overview if app.view.overview.feed_focus => super::messages::open_feed_entry(app),
        Tab::Overview => super::card::open_row(app),
        Tab::Alerts => Vec::new(),
        Tab::Data => super::data::select(app),
    }
}

/// Polls the tab's sources now; on Models also reads the runs on screen again.
fn refresh(app: &mut App) -> Vec<Effect> {
    let mut effects = vec![Effect::Refresh(app.visible_sources())];
    if app.view.tab == Tab::Models {
        effects.extend(models::refetch(app));
    }
    if app.view.tab == Tab::Data && app.view.text.is_none() {
        effects.extend(super::data::fetch_tasks(app));
    }
    effects
}

/// Esc: closes the innermost view; on a tab reached by a jump, returns from it.
pub(super) fn back(app: &mut App) -> Vec<Effect> {
    if app.view.text.take().is_some() {
        return vec![Effect::StopLogs];
    }
    if close_inner(app) {
        return Vec::new();
    }
    if let Some(jump) = app.view.back_to.filter(|j| j.to == app.view.tab) {
        return switch_tab(app, jump.from);
    }
    if app.view.tab == Tab::Models && models::back(app) {
        return Vec::new();
    }
    if app.view.tab == Tab::Overview
        && app.view.overview.feed_focus
        && app.view.overview.feed.filter.is_empty()
    {
        app.view.overview.feed_focus = false;
        return Vec::new();
    }
    pin_selection(app);
    app.view.active_table_mut().filter.clear();
    Vec::new()
}

/// Makes the row shown as selected the selected id, so that a filter changing
/// or clearing keeps it (the shown selection may be the first row's fallback).
pub fn pin_selection(app: &mut App) {
    if app.view.text.is_some() || (app.view.tab == Tab::Models && app.view.models.model.is_some()) {
        return;
    }
    let ids = app.rows_of(app.view.tab);
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let table = app.view.active_table_mut();
    if let Some(id) = table.position(&refs).and_then(|i| ids.get(i)) {
        table.selected = Some(id.clone());
    }
}

/// Closes a detail, zoom, list or drill-down opened on the current tab.
fn close_inner(app: &mut App) -> bool {
    let view = &mut app.view;
    match view.tab {
        Tab::Containers if view.containers.detail.is_some() => {
            view.containers.detail = None;
            true
        }
        Tab::Containers => {
            view.containers.mode == ClusterMode::Services
                && view.containers.swarm.open.take().is_some()
        }
        Tab::Metrics => std::mem::take(&mut view.metrics.zoomed),
        Tab::Alerts => std::mem::take(&mut view.alerts.silences),
        Tab::Models => view.models.compare.take().is_some() || view.models.detail.take().is_some(),
        Tab::Pipelines if view.pipelines.drill.is_some() => {
            if view.pipelines.jobs.filter.is_empty() {
                view.pipelines.drill = None;
            } else {
                view.pipelines.jobs.filter.clear();
            }
            true
        }
        Tab::Overview => view.overview.card.take().is_some(),
        Tab::Data => super::data::back(app),
        Tab::Pipelines => false,
    }
}

/// Says where a file was written, or why it was not.
pub(super) fn saved(app: &mut App, result: Result<String, String>) {
    app.dirty = true;
    match result {
        Ok(path) => toast(app, format!("saved to '{path}'"), ToastLevel::Info),
        Err(e) => toast(app, format!("could not save: {e}"), ToastLevel::Error),
    }
}

fn first_error(app: &mut App, page: usize) {
    if let Some(text) = app.view.text.as_mut()
        && !text.first_error(page)
    {
        toast(
            app,
            "no error lines in this log".to_owned(),
            ToastLevel::Info,
        );
    }
}

fn save(app: &mut App) -> Vec<Effect> {
    let Some(text) = app.view.text.as_ref() else {
        return Vec::new();
    };
    let name = text.title.clone();
    let mut body = String::new();
    for line in text.lines() {
        body.push_str(&line);
        body.push('\n');
    }
    vec![Effect::Save { name, text: body }]
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
        Command::Timestamps => text.timestamps = !text.timestamps,
        _ => {}
    }
}

fn move_rows(app: &mut App, delta: isize) {
    let page = app.page_rows();
    if let Some(text) = app.view.text.as_mut() {
        text.scroll(delta, page);
        return;
    }
    if app.view.tab == Tab::Containers && app.view.containers.detail.is_some() {
        let scroll = &mut app.view.containers.detail_scroll;
        let next = i64::from(*scroll).saturating_add(delta.clamp(-10_000, 10_000) as i64);
        *scroll = u16::try_from(next.clamp(0, i64::from(u16::MAX))).unwrap_or(0);
        return;
    }
    if app.view.tab == Tab::Models && models::move_rows(app, delta, page) {
        return;
    }
    let ids = app.rows_of(app.view.tab);
    app.view.active_table_mut().move_by(&ids, delta, page);
}

/// Switches tabs and tells every poller whether it is now on screen.
pub fn switch_tab(app: &mut App, tab: Tab) -> Vec<Effect> {
    let mut effects = Vec::new();
    if app.view.text.take().is_some() {
        effects.push(Effect::StopLogs);
    }
    app.view.tab = tab;
    app.view.back_to = None;
    effects.extend(policies(app));
    effects
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

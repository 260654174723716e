//! `update`: the only writer of `App`. Pure: no I/O, no clock reads, no spawning;
//! it returns `Effect`s for the loop to perform.

use std::collections::HashSet;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::App;
use super::containers;
use super::effect::Effect;
use super::input;
use super::msg::Msg;
use super::pipelines;
use super::toast;
use super::{choosers, jump, models};
use crate::actions::{Action, ContainerOp, KILL_SIGNALS};
use crate::command::{Command, Context};
use crate::sources::driver::PollPolicy;
use crate::state::Severity;
use crate::state::feed::{FeedEntry, FeedKind};
use crate::state::{SourceId, Update};
use crate::view::swarm::ClusterMode;
use crate::view::{
    ConfirmView, FormPurpose, Overlay, PaletteView, QuitView, SignalView, Tab, ToastLevel,
};

/// Applies one message to the app and returns what the loop must do.
pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    let effects = dispatch(app, msg);
    // Every action handed to the executor is in flight until it reports back.
    for effect in &effects {
        if let Effect::Execute(action) = effect {
            app.in_flight.push(action.clone());
        }
    }
    effects
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
            app.dirty = true;
            match result {
                Ok(path) => toast(app, format!("saved to '{path}'"), ToastLevel::Info),
                Err(e) => toast(app, format!("could not save: {e}"), ToastLevel::Error),
            }
            Vec::new()
        }
        Msg::Terminate => vec![Effect::Quit],
    }
}

fn on_update(app: &mut App, update: Update) -> Vec<Effect> {
    match update {
        Update::ActionDone { action, at, result } => on_action_done(app, &action, at, &result),
        Update::DispatchInputs { target, result } => {
            pipelines::on_inputs(app, target, result);
            Vec::new()
        }
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
            Vec::new()
        }
        Update::LogEnded { stream_id, reason } => {
            if let Some(text) = app
                .view
                .text
                .as_mut()
                .filter(|_| stream_id == app.view.log_stream)
            {
                text.push(format!("── log ended: {reason} ──"));
                app.dirty = true;
            }
            Vec::new()
        }
        update @ Update::RunDetail { .. } => {
            models::on_run(app, update);
            Vec::new()
        }
        other => on_poll(app, other),
    }
}

/// Records a finished action in the feed and a toast, then refreshes its source.
fn on_action_done(
    app: &mut App,
    action: &Action,
    at: chrono::DateTime<chrono::Utc>,
    result: &Result<(), crate::error::SourceError>,
) -> Vec<Effect> {
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
    app.store.feed.push(FeedEntry {
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
        super::swarm::watch(app, action, at);
    }
    vec![Effect::Refresh(vec![action.source()])]
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
    match polled {
        Some(source) if newly_critical(app, source) && app.bell => vec![Effect::Bell],
        _ => Vec::new(),
    }
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

fn on_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    if app.view.input.is_some() {
        return input::on_input_key(app, key);
    }
    match app.view.overlays.last() {
        Some(Overlay::Palette(_)) => return input::on_palette_key(app, key),
        Some(Overlay::Confirm(_)) => return on_confirm_key(app, key),
        Some(Overlay::Signal(_)) => return on_signal_key(app, key),
        Some(Overlay::Form(_, FormPurpose::Silence { .. })) => {
            return super::alerts::on_form_key(app, key);
        }
        Some(Overlay::Form(..)) => return super::swarm::on_form_key(app, key),
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

/// Runs one command as if its key had been pressed.
pub fn run_command(app: &mut App, cmd: Command) -> Vec<Effect> {
    let page = app.page_rows();
    match cmd {
        Command::Quit => return request_quit(app),
        Command::Messages => return super::messages::open_messages(app),
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
        Command::Refresh => return refresh(app),
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
        Tab::Overview if app.view.overview.feed_focus => super::messages::open_feed_entry(app),
        Tab::Overview => open_attention(app),
        Tab::Alerts => Vec::new(),
    }
}

/// Polls the tab's sources now; on Models also reads the runs on screen again.
fn refresh(app: &mut App) -> Vec<Effect> {
    let mut effects = vec![Effect::Refresh(app.visible_sources())];
    if app.view.tab == Tab::Models {
        effects.extend(models::refetch(app));
    }
    effects
}

/// Esc: closes the innermost view; on a tab reached by a jump, returns from it.
fn back(app: &mut App) -> Vec<Effect> {
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
    let ids = app.row_ids(app.view.tab);
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
        Tab::Pipelines | Tab::Overview => false,
    }
}

/// Enter on the Overview: opens the selected attention item in its own tab.
fn open_attention(app: &mut App) -> Vec<Effect> {
    let list = app.attention();
    let ids: Vec<String> = list.iter().map(crate::status::Attention::row_id).collect();
    let index = app.view.table().position(&ids);
    match index.and_then(|i| list.get(i)) {
        Some(item) => jump::to_attention(app, item),
        None => Vec::new(),
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
    let ids = app.row_ids(app.view.tab);
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

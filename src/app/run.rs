//! The event loop: receive one message, drain the rest, run the effects, then
//! draw once if anything changed. No fixed tick: when idle it sleeps until a key,
//! a snapshot, a signal, or the next time an age on screen changes.

use std::time::Duration;

use chrono::Utc;
use crossterm::event::{Event, EventStream};
use futures_util::StreamExt;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::App;
use super::burst::{self, BURST_LIMIT};
use super::effect::Effect;
use super::msg::Msg;
use super::update::{policies, update};
use crate::actions::Action;
use crate::actions::audit::AuditLog;
use crate::actions::executor::Executor;
use crate::config::Config;
use crate::error::SourceError;
use crate::logging;
use crate::sources::pollers::Pollers;
use crate::state::Store;
use crate::state::Update;
use crate::theme::Theme;
use crate::tui::Tui;
use crate::ui;

/// Capacity of the pollers → loop channel; a full channel slows pollers down.
const UPDATE_CAPACITY: usize = 64;
/// Capacity of the loop → executor channel; actions are rare and ordered.
const ACTION_CAPACITY: usize = 16;
/// Most messages applied before a frame is drawn, so a flood cannot starve drawing.
const DRAIN_LIMIT: usize = 256;

/// Runs the TUI until the user quits or a terminating signal arrives.
pub async fn run(config: &Config, theme: &Theme) -> anyhow::Result<()> {
    let (tx, mut rx) = mpsc::channel::<Update>(UPDATE_CAPACITY);
    let cancel = CancellationToken::new();
    let (mut app, mut ctx) = start(config, tx, &cancel);
    let mut tui = Tui::enter()?;
    app.size = tui.size()?;
    let mut events = EventStream::new();
    let mut term = signal(SignalKind::terminate())?;
    let mut hup = signal(SignalKind::hangup())?;
    let mut int = signal(SignalKind::interrupt())?;
    let initial = policies(&app);
    run_effects(&mut app, initial, &mut ctx, &mut tui);

    loop {
        if app.dirty {
            update(&mut app, Msg::Tick { now: Utc::now() });
            tui.draw(|f| ui::draw(f, &app.screen(), theme))?;
            if let Err(e) = tui.set_title(&app.screen().title()) {
                tracing::warn!("setting the window title failed: {e}");
            }
            app.dirty = false;
        }
        let wake = app.next_wakeup();
        let burst = tokio::select! {
            ev = events.next() => {
                let mut burst = Vec::new();
                push_event(ev, &mut burst);
                read_burst(&mut events, &mut burst).await;
                burst
            }
            Some(up) = rx.recv() => vec![Msg::Source(up)],
            (source, message) = ctx.pollers.crashed() => {
                vec![Msg::Source(Update::Crashed { source, at: Utc::now(), message })]
            }
            Some(joined) = ctx.executor.join_next(), if ctx.executor_down.is_none() => {
                ctx.executor_down = Some(executor_stopped(joined));
                continue;
            }
            _ = term.recv() => vec![Msg::Terminate],
            _ = hup.recv() => vec![Msg::Terminate],
            _ = int.recv() => vec![Msg::Terminate],
            () = sleep_opt(wake) => vec![Msg::Tick { now: Utc::now() }],
        };
        #[cfg(debug_assertions)]
        burst.iter().for_each(debug_panic);
        if !step(&mut app, burst, &mut rx, &mut ctx, &mut tui)? {
            break;
        }
    }
    cancel.cancel();
    drop(tui);
    Ok(())
}

/// Applies a burst of messages and every update queued behind it, runs the
/// effects and tells the pollers what is on screen; false when the user quit.
fn step(
    app: &mut App,
    burst: Vec<Msg>,
    rx: &mut mpsc::Receiver<Update>,
    ctx: &mut Ctx,
    tui: &mut Tui,
) -> anyhow::Result<bool> {
    let mut effects = burst::apply(app, burst).effects;
    for _ in 0..DRAIN_LIMIT {
        let Ok(up) = rx.try_recv() else { break };
        effects.extend(update(app, Msg::Source(up)));
    }
    if effects.contains(&Effect::Quit) {
        return Ok(false);
    }
    if effects.contains(&Effect::Suspend) {
        tui.suspend()?;
        app.size = tui.size()?;
        effects.extend(update(app, Msg::Resumed));
    }
    run_effects(app, effects, ctx, tui);
    // What is on screen can only have changed when something did: rows are
    // not filtered and sorted again for a message that changed nothing.
    if app.dirty {
        send_focus(app, ctx);
    }
    Ok(true)
}

/// Why the executor's task ended, logged and kept so later actions fail at once.
fn executor_stopped(joined: Result<(), tokio::task::JoinError>) -> String {
    let why = match joined {
        Ok(()) => "it stopped".to_owned(),
        Err(e) if e.is_panic() => crate::sources::driver::panic_text(e.into_panic().as_ref()),
        Err(_) => "it was cancelled".to_owned(),
    };
    tracing::error!("the action executor is down: {why}");
    why
}

/// Tells the pollers what is on screen, so they sample and fetch for it.
fn send_focus(app: &App, ctx: &Ctx) {
    for (source, focus) in app.docker_focus() {
        ctx.pollers.set_focus(source, focus);
    }
    for (source, focus) in app.run_focus() {
        ctx.pollers.set_run_focus(source, focus);
    }
}

/// Builds the store, starts the pollers and the executor.
fn start(config: &Config, tx: mpsc::Sender<Update>, cancel: &CancellationToken) -> (App, Ctx) {
    let mut store = Store::new(crate::sources::build::specs(config));
    store.apps.clone_from(&config.apps);
    let pollers = Pollers::start(config, &mut store, &tx, cancel);
    let (actions, action_rx) = mpsc::channel::<Action>(ACTION_CAPACITY);
    let audit_file = logging::state_dir(&|k| std::env::var(k).ok()).map(|d| d.join("audit.jsonl"));
    let executor = Executor::with_configs(
        pollers.docker_configs(),
        config.read_only,
        AuditLog::new(audit_file),
    )
    .with_alertmanager(pollers.alertmanager_configs())
    .with_mlflow(pollers.mlflow_clients())
    .with_airflow(pollers.airflow_clients())
    .with_github(pollers.github_clients());
    let mut executor_task = JoinSet::new();
    executor_task.spawn(executor.run(action_rx, tx.clone(), cancel.clone()));
    let mut app = App::new(store, config.keymap.clone(), config.read_only, Utc::now());
    app.bell = config.bell;
    (
        app,
        Ctx {
            config: config.clone(),
            pollers,
            tx,
            cancel: cancel.clone(),
            actions,
            executor: executor_task,
            executor_down: None,
        },
    )
}

/// What the effects act on.
struct Ctx {
    /// The config, for work done off the loop (the snapshot's logs and secrets).
    config: Config,
    pollers: Pollers,
    tx: mpsc::Sender<Update>,
    cancel: CancellationToken,
    actions: mpsc::Sender<Action>,
    /// The executor's task, supervised like the pollers.
    executor: JoinSet<()>,
    /// Why the executor stopped, once it has; actions then fail at once.
    executor_down: Option<String>,
}

fn run_effects(app: &mut App, effects: Vec<Effect>, ctx: &mut Ctx, tui: &mut Tui) {
    for effect in effects {
        match effect {
            Effect::Refresh(ids) => ctx.pollers.refresh(&ids),
            Effect::SetPolicy(id, policy) => ctx.pollers.set_policy(id, policy),
            Effect::Bell => {
                if let Err(e) = tui.bell() {
                    tracing::warn!("bell failed: {e}");
                }
            }
            Effect::Copy(text) => {
                if let Err(e) = tui.copy(&text) {
                    tracing::warn!("copy failed: {e}");
                }
            }
            Effect::Execute(action) => execute(app, action, ctx, tui),
            Effect::FollowLogs {
                source,
                container,
                stream_id,
            } => {
                ctx.pollers
                    .follow_logs(source, &container, stream_id, &ctx.tx, &ctx.cancel);
            }
            Effect::FollowServiceLogs {
                source,
                service,
                name,
                tasks,
                stream_id,
            } => {
                ctx.pollers.follow_service_logs(
                    source,
                    (service, name),
                    tasks,
                    stream_id,
                    &ctx.tx,
                    &ctx.cancel,
                );
            }
            e @ (Effect::FetchDagTasks { .. }
            | Effect::FetchTaskLog { .. }
            | Effect::FetchJobLog { .. }
            | Effect::LoadDispatch(_)
            | Effect::FetchRun { .. }) => fetch(e, ctx),
            Effect::StopLogs => ctx.pollers.stop_logs(),
            Effect::SetLogFollow(on) => ctx.pollers.set_log_follow(on),
            Effect::Save { name, text } => {
                let result = save_text(&name, &text, Utc::now());
                let more = update(app, Msg::Saved(result));
                run_effects(app, more, ctx, tui);
            }
            Effect::Snapshot => snapshot(app, ctx),
            Effect::Quit | Effect::Suspend => {}
        }
    }
}

/// Writes an incident snapshot off the loop: the store as it is now, the failing
/// containers' logs read within a few seconds, to a new 0600 file; then says where.
fn snapshot(app: &App, ctx: &Ctx) {
    let now = Utc::now();
    let mut snap = crate::status::snapshot::build(&app.store, now, true);
    let store = app.store.clone();
    let config = ctx.config.clone();
    let tx = ctx.tx.clone();
    tokio::spawn(async move {
        let env = |k: &str| std::env::var(k).ok();
        snap.logs = crate::status::snapshot::tail_logs(&config, &store, SNAPSHOT_TIMEOUT).await;
        let secrets = crate::status::snapshot::secrets(&config, &env).await;
        let text = crate::status::snapshot::markdown(&snap, &secrets);
        let path = format!("flightdeck-snapshot-{}.md", now.format("%Y%m%dT%H%M%SZ"));
        let result = crate::status::snapshot::write_private(std::path::Path::new(&path), &text)
            .map(|()| path);
        let _ = tx.send(Update::Saved { result }).await;
    });
}

/// Longest the TUI's snapshot waits for the failing containers' logs.
const SNAPSHOT_TIMEOUT: Duration = Duration::from_secs(5);

/// Starts an on-demand read: a model version's run, a workflow's inputs, a job's
/// log, a DAG run's tasks, a task's log.
fn fetch(effect: Effect, ctx: &mut Ctx) {
    match effect {
        Effect::FetchJobLog {
            source,
            repo,
            job_id,
            stream_id,
        } => {
            ctx.pollers
                .fetch_job_log(source, &repo, job_id, stream_id, &ctx.tx, &ctx.cancel);
        }
        Effect::LoadDispatch(target) => ctx.pollers.load_dispatch(target, &ctx.tx),
        Effect::FetchRun { source, run_id } => ctx.pollers.fetch_run(source, run_id, &ctx.tx),
        Effect::FetchDagTasks {
            source,
            dag_id,
            run_id,
            recent,
        } => ctx
            .pollers
            .fetch_dag_tasks(source, dag_id, run_id, recent, &ctx.tx),
        Effect::FetchTaskLog {
            source,
            task,
            stream_id,
            follow,
        } => {
            let stream = (stream_id, follow);
            ctx.pollers
                .fetch_task_log(source, task, stream, &ctx.tx, &ctx.cancel);
        }
        _ => {}
    }
}

/// Hands an action to the executor; when it cannot take it, fails the action at
/// once, as the executor would have, so no "in progress" toast waits forever.
fn execute(app: &mut App, action: Action, ctx: &mut Ctx, tui: &mut Tui) {
    tracing::info!(action = %action.label(), target = action.target(), "executing");
    if let Err(e) = ctx.actions.try_send(action) {
        let why = match (&ctx.executor_down, &e) {
            (Some(why), _) => format!("the action executor is down ({why})"),
            (None, mpsc::error::TrySendError::Full(_)) => {
                "too many actions waiting; try again in a moment".to_owned()
            }
            (None, mpsc::error::TrySendError::Closed(_)) => {
                "the action executor is down".to_owned()
            }
        };
        tracing::error!("action refused: {why}");
        let done = Update::ActionDone {
            action: e.into_inner(),
            at: Utc::now(),
            result: Err(SourceError::Other(why)),
            inverse: None,
        };
        let more = update(app, Msg::Source(done));
        run_effects(app, more, ctx, tui);
    }
}

/// Writes `text` to `flightdeck-TITLE-TIME.log` in the current directory.
fn save_text(name: &str, text: &str, now: chrono::DateTime<Utc>) -> Result<String, String> {
    let path = crate::view::text::file_name(name, now);
    std::fs::write(&path, text).map_err(|e| format!("'{path}': {e}"))?;
    Ok(path)
}

/// Adds what the terminal reported to the burst: its message, or a quit when input ended.
fn push_event(ev: Option<std::io::Result<Event>>, burst: &mut Vec<Msg>) {
    match ev {
        Some(Ok(ev)) => burst.extend(event_msg(ev)),
        Some(Err(e)) => {
            tracing::warn!("terminal input failed: {e}");
            burst.push(Msg::Terminate);
        }
        None => burst.push(Msg::Terminate),
    }
}

/// Reads the terminal events already waiting, up to `BURST_LIMIT`, without
/// waiting for more: a backlog is applied in one go and drawn once.
async fn read_burst(events: &mut EventStream, burst: &mut Vec<Msg>) {
    while burst.len() < BURST_LIMIT && !matches!(burst.last(), Some(Msg::Terminate)) {
        // Polled with this task's waker, so a pending stream wakes the loop later.
        let ev = tokio::select! {
            biased;
            ev = events.next() => ev,
            () = std::future::ready(()) => return,
        };
        push_event(ev, burst);
    }
}

fn event_msg(ev: Event) -> Option<Msg> {
    match ev {
        Event::Key(key) => Some(Msg::Key(key)),
        Event::Resize(width, height) => Some(Msg::Resize { width, height }),
        Event::Paste(text) => Some(Msg::Paste(text)),
        _ => None,
    }
}

async fn sleep_opt(wake: Option<Duration>) {
    match wake {
        Some(d) => tokio::time::sleep(d).await,
        None => std::future::pending().await,
    }
}

/// Debug builds only: `FLIGHTDECK_DEBUG_PANIC=1` panics on F12, to check that the
/// panic hook restores the terminal before printing the message.
#[cfg(debug_assertions)]
fn debug_panic(msg: &Msg) {
    let wanted = std::env::var_os("FLIGHTDECK_DEBUG_PANIC").is_some();
    let f12 = matches!(msg, Msg::Key(k) if k.code == crossterm::event::KeyCode::F(12));
    assert!(!(wanted && f12), "debug panic requested with F12");
}

//! The event loop: receive one message, drain the rest, run the effects, then
//! draw once if anything changed. No fixed tick: when idle it sleeps until a key,
//! a snapshot, a signal, or the next time an age on screen changes.

use std::time::Duration;

use chrono::Utc;
use crossterm::event::{Event, EventStream};
use futures_util::StreamExt;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::App;
use super::effect::Effect;
use super::msg::Msg;
use super::update::{policies, update};
use crate::actions::Action;
use crate::actions::audit::AuditLog;
use crate::actions::executor::Executor;
use crate::config::Config;
use crate::logging;
use crate::sources::registry::Pollers;
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
        let msg = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(ev)) => match event_msg(ev) { Some(m) => m, None => continue },
                Some(Err(e)) => { tracing::warn!("terminal input failed: {e}"); Msg::Terminate }
                None => Msg::Terminate,
            },
            Some(up) = rx.recv() => Msg::Source(up),
            (source, message) = ctx.pollers.crashed() => {
                Msg::Source(Update::Crashed { source, at: Utc::now(), message })
            }
            _ = term.recv() => Msg::Terminate,
            _ = hup.recv() => Msg::Terminate,
            _ = int.recv() => Msg::Terminate,
            () = sleep_opt(wake) => Msg::Tick { now: Utc::now() },
        };
        #[cfg(debug_assertions)]
        debug_panic(&msg);
        let mut effects = update(&mut app, msg);
        for _ in 0..DRAIN_LIMIT {
            let Ok(up) = rx.try_recv() else { break };
            effects.extend(update(&mut app, Msg::Source(up)));
        }
        if effects.contains(&Effect::Quit) {
            break;
        }
        if effects.contains(&Effect::Suspend) {
            tui.suspend()?;
            app.size = tui.size()?;
            effects.extend(update(&mut app, Msg::Resumed));
        }
        run_effects(&mut app, effects, &mut ctx, &mut tui);
        send_focus(&app, &ctx);
    }
    cancel.cancel();
    drop(tui);
    Ok(())
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
    let mut store = Store::new(crate::sources::registry::specs(config));
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
    .with_github(pollers.github_clients());
    tokio::spawn(executor.run(action_rx, tx.clone(), cancel.clone()));
    let mut app = App::new(store, config.keymap.clone(), config.read_only, Utc::now());
    app.bell = config.bell;
    (
        app,
        Ctx {
            pollers,
            tx,
            cancel: cancel.clone(),
            actions,
        },
    )
}

/// What the effects act on.
struct Ctx {
    pollers: Pollers,
    tx: mpsc::Sender<Update>,
    cancel: CancellationToken,
    actions: mpsc::Sender<Action>,
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
            Effect::Execute(action) => {
                tracing::info!(action = %action.label(), target = action.target(), "executing");
                if let Err(e) = ctx.actions.try_send(action) {
                    tracing::error!("executor busy or gone: {e}");
                }
            }
            Effect::FollowLogs {
                source,
                container,
                stream_id,
            } => {
                ctx.pollers
                    .follow_logs(source, &container, stream_id, &ctx.tx, &ctx.cancel);
            }
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
            Effect::StopLogs => ctx.pollers.stop_logs(),
            Effect::FetchRun { source, run_id } => ctx.pollers.fetch_run(source, run_id, &ctx.tx),
            Effect::Save { name, text } => {
                let result = save_text(&name, &text, Utc::now());
                let more = update(app, Msg::Saved(result));
                run_effects(app, more, ctx, tui);
            }
            Effect::Quit | Effect::Suspend => {}
        }
    }
}

/// Writes `text` to `flightdeck-NAME-TIME.log` in the current directory.
fn save_text(name: &str, text: &str, now: chrono::DateTime<Utc>) -> Result<String, String> {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let path = format!("flightdeck-{safe}-{}.log", now.format("%Y%m%dT%H%M%S"));
    std::fs::write(&path, text).map_err(|e| format!("'{path}': {e}"))?;
    Ok(path)
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

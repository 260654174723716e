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
use crate::config::Config;
use crate::sources::Update;
use crate::sources::registry::Pollers;
use crate::state::Store;
use crate::theme::Theme;
use crate::tui::Tui;
use crate::ui;

/// Capacity of the pollers → loop channel; a full channel slows pollers down.
const UPDATE_CAPACITY: usize = 64;
/// Most messages applied before a frame is drawn, so a flood cannot starve drawing.
const DRAIN_LIMIT: usize = 256;

/// Runs the TUI until the user quits or a terminating signal arrives.
pub async fn run(config: &Config, theme: &Theme) -> anyhow::Result<()> {
    let (tx, mut rx) = mpsc::channel::<Update>(UPDATE_CAPACITY);
    let cancel = CancellationToken::new();
    let mut store = Store::new(crate::sources::registry::specs(config));
    let mut pollers = Pollers::start(config, &mut store, &tx, &cancel);
    let mut app = App::new(store, config.keymap.clone(), config.read_only, Utc::now());
    let mut tui = Tui::enter()?;
    app.size = tui.size()?;
    let mut events = EventStream::new();
    let mut term = signal(SignalKind::terminate())?;
    let mut hup = signal(SignalKind::hangup())?;
    let mut int = signal(SignalKind::interrupt())?;
    run_effects(&policies(&app), &pollers, &mut tui);

    loop {
        if app.dirty {
            update(&mut app, Msg::Tick { now: Utc::now() });
            tui.draw(|f| ui::draw(f, &app, theme))?;
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
            (source, message) = pollers.crashed() => {
                Msg::Source(Update::Crashed { source, at: Utc::now(), message })
            }
            _ = term.recv() => Msg::Terminate,
            _ = hup.recv() => Msg::Terminate,
            _ = int.recv() => Msg::Terminate,
            () = sleep_opt(wake) => Msg::Tick { now: Utc::now() },
        };
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
        run_effects(&effects, &pollers, &mut tui);
    }
    cancel.cancel();
    drop(tui);
    Ok(())
}

fn run_effects(effects: &[Effect], pollers: &Pollers, tui: &mut Tui) {
    for effect in effects {
        match effect {
            Effect::Refresh(ids) => pollers.refresh(ids),
            Effect::SetPolicy(id, policy) => pollers.set_policy(*id, *policy),
            Effect::Bell => {
                if let Err(e) = tui.bell() {
                    tracing::warn!("bell failed: {e}");
                }
            }
            Effect::Quit | Effect::Suspend => {}
        }
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

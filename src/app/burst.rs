//! A burst of terminal input read at once, applied in constant time per key: a
//! run of movement keys becomes one move, a run of printable characters typed
//! into a focused text input (filter, search, palette, form) becomes one paste.
//! Order is kept, so an Esc or `q` behind a backlog acts right after the keys
//! before it, in the same frame.

use std::iter::Peekable;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::App;
use super::effect::Effect;
use super::msg::Msg;
use super::update::update;
use crate::command::Command;
use crate::view::Overlay;

/// Most terminal events read before a frame is drawn, so a flood still shows progress.
pub const BURST_LIMIT: usize = 4096;

/// What applying a burst did.
#[derive(Debug, Default)]
pub struct Applied {
    /// The effects `update` returned, in order.
    pub effects: Vec<Effect>,
    /// How many messages reached `update` after coalescing.
    pub updates: usize,
}

/// Applies the messages read in one go, coalescing runs of keys; stops at a quit.
pub fn apply(app: &mut App, burst: Vec<Msg>) -> Applied {
    let mut applied = Applied::default();
    let mut queue = burst.into_iter().peekable();
    while let Some(msg) = queue.next() {
        let msg = match msg {
            Msg::Key(key) => gather(app, key, &mut queue),
            other => other,
        };
        applied.updates += 1;
        let effects = update(app, msg);
        let quit = effects.contains(&Effect::Quit);
        applied.effects.extend(effects);
        if quit {
            break;
        }
    }
    applied
}

/// The message for `key` and the like keys right behind it.
fn gather<I: Iterator<Item = Msg>>(app: &App, key: KeyEvent, queue: &mut Peekable<I>) -> Msg {
    if key.kind == KeyEventKind::Release {
        return Msg::Key(key);
    }
    if let Some(first) = typed(&key).filter(|_| text_focused(app)) {
        let mut text = String::from(first);
        while let Some(c) = next_key(queue, typed) {
            text.push(c);
        }
        return if text.chars().nth(1).is_some() {
            Msg::Paste(text)
        } else {
            Msg::Key(key)
        };
    }
    let Some(delta) = movement(app, &key) else {
        return Msg::Key(key);
    };
    let contexts = app.contexts();
    // Only steps the same way join: moves clamp at the ends, so j j k at the
    // last row must not add up to a step past it.
    let step = |k: &KeyEvent| step_of(app, &contexts, k).filter(|d| d.signum() == delta.signum());
    let (mut total, mut count) = (delta, 1_usize);
    while let Some(d) = next_key(queue, step) {
        total = total.saturating_add(d);
        count += 1;
    }
    if count == 1 {
        Msg::Key(key)
    } else {
        Msg::Move(total)
    }
}

/// Takes the next key if `f` accepts it (key releases in between are dropped).
fn next_key<I, T>(queue: &mut Peekable<I>, f: impl Fn(&KeyEvent) -> Option<T>) -> Option<T>
where
    I: Iterator<Item = Msg>,
{
    loop {
        let Some(Msg::Key(key)) = queue.peek() else {
            return None;
        };
        if key.kind == KeyEventKind::Release {
            queue.next();
            continue;
        }
        let value = f(key)?;
        queue.next();
        return Some(value);
    }
}

/// The character a key types: a printable character with no modifier but Shift.
fn typed(key: &KeyEvent) -> Option<char> {
    match key.code {
        KeyCode::Char(c)
            if key.kind != KeyEventKind::Release
                && (key.modifiers - KeyModifiers::SHIFT).is_empty()
                && !c.is_control() =>
        {
            Some(c)
        }
        _ => None,
    }
}

/// Whether typed characters go into a text field now (the order `update` routes keys in).
fn text_focused(app: &App) -> bool {
    if app.view.input.is_some() {
        return true;
    }
    match app.view.overlays.last() {
        Some(Overlay::Palette(_)) => true,
        Some(Overlay::Form(form, _)) => form.text_focused(),
        Some(Overlay::Dispatch(d)) => d.form.text_focused(),
        _ => false,
    }
}

/// How many rows `key` moves the current list or text, when it is a movement key.
fn movement(app: &App, key: &KeyEvent) -> Option<isize> {
    moves_list(app)
        .then(|| step_of(app, &app.contexts(), key))
        .flatten()
}

/// Whether keys reach the list or text on screen (no input line or overlay takes them).
pub(super) fn moves_list(app: &App) -> bool {
    app.view.input.is_none() && app.view.overlays.is_empty()
}

fn step_of(app: &App, contexts: &[crate::command::Context], key: &KeyEvent) -> Option<isize> {
    match app.keymap.lookup(key, contexts)? {
        Command::Up => Some(-1),
        Command::Down => Some(1),
        Command::PageUp => Some(-app.page_rows().cast_signed()),
        Command::PageDown => Some(app.page_rows().cast_signed()),
        _ => None,
    }
}

//! Messages read in full: a toast cut by the footer, a change-feed line, or the
//! latest toasts (`:messages`) open whole and wrapped in the text viewer.

use super::App;
use super::effect::Effect;
use crate::state::feed::FeedEntry;
use crate::view::text::TextView;
use crate::view::{Message, Tab, ToastLevel};

/// Lines the message viewer holds (each message is a line, wrapped on screen).
const VIEWER_CAPACITY: usize = 1_000;

/// Whether the toast on screen is cut by the footer (Enter then opens it whole).
pub fn toast_is_cut(app: &App) -> bool {
    app.view
        .toast
        .as_ref()
        .is_some_and(|t| t.until > app.now && t.is_cut(app.size.0))
}

/// Opens the toast on screen in the viewer, and dismisses it: it has been read.
pub fn open_toast(app: &mut App) -> Vec<Effect> {
    let Some(toast) = app.view.toast.take() else {
        return Vec::new();
    };
    let line = format!("{} {}", glyph(toast.level), toast.text);
    open(app, "message", vec![line])
}

/// Enter on the focused change feed: opens the selected entry whole.
pub fn open_feed_entry(app: &mut App) -> Vec<Effect> {
    let Some(id) = selected_feed_id(app) else {
        return Vec::new();
    };
    let Some(entry) = app.store.feed.newest_first().find(|e| e.id == id) else {
        return Vec::new();
    };
    let lines = feed_lines(entry);
    open(app, "change", lines)
}

/// The id of the change feed's line under the cursor, as shown (filtered).
pub fn selected_feed_id(app: &App) -> Option<u64> {
    let ids = app.rows_of(Tab::Overview);
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let index = app.view.overview.feed.position(&refs)?;
    ids.get(index)?.parse().ok()
}

/// `:messages`: the latest toasts in full, newest first.
pub fn open_messages(app: &mut App) -> Vec<Effect> {
    let mut lines: Vec<String> = app.view.messages.iter().rev().map(message_line).collect();
    if lines.is_empty() {
        lines.push("no messages yet".to_owned());
    }
    let title = format!("messages (newest first, last {})", app.view.messages.len());
    open(app, &title, lines)
}

fn feed_lines(entry: &FeedEntry) -> Vec<String> {
    vec![
        format!(
            "{} · {} · {} · {}",
            entry.at.format("%Y-%m-%d %H:%M:%S UTC"),
            entry.source,
            entry.kind.word(),
            entry.severity.word()
        ),
        String::new(),
        entry.text.clone(),
    ]
}

fn message_line(m: &Message) -> String {
    format!("{} {} {}", m.at.format("%H:%M:%S"), glyph(m.level), m.text)
}

fn glyph(level: ToastLevel) -> &'static str {
    match level {
        ToastLevel::Info => "✓",
        ToastLevel::Error => "✗",
        ToastLevel::Progress => "…",
    }
}

/// Opens `lines` wrapped in the text viewer, replacing (and stopping) any log.
fn open(app: &mut App, title: &str, lines: Vec<String>) -> Vec<Effect> {
    let effects = if app.view.text.is_some() {
        vec![Effect::StopLogs]
    } else {
        Vec::new()
    };
    // A new stream id, so lines of a log still arriving never land in the message.
    app.view.log_stream += 1;
    let mut text = TextView::new(title, VIEWER_CAPACITY);
    text.wrap = true;
    text.follow = false;
    for line in lines {
        for part in line.split('\n') {
            text.push(part.to_owned());
        }
    }
    app.view.text = Some(text);
    effects
}

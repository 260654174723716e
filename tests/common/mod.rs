//! Shared test builders: a fixed `now`, apps with given sources, and rendering
//! the UI into a string through ratatui's TestBackend.
#![allow(dead_code, reason = "each test file uses a different subset")]
#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use flightdeck::app::App;
use flightdeck::app::effect::Effect;
use flightdeck::app::msg::Msg;
use flightdeck::app::update::update;
use flightdeck::config::keymap::Keymap;
use flightdeck::state::Store;
use flightdeck::state::{SourceKind, SourceSpec};
use flightdeck::theme::{self, ColorDepth, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// The fixed time every test starts at.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).unwrap()
}

/// `now()` plus `secs` seconds.
pub fn at(secs: i64) -> DateTime<Utc> {
    now() + chrono::Duration::seconds(secs)
}

/// A source spec of `kind` named `name`, polled every 15 s.
pub fn spec(kind: SourceKind, name: &str) -> SourceSpec {
    SourceSpec {
        kind,
        name: name.to_owned(),
        interval: Duration::from_secs(15),
    }
}

/// An app with these sources, default keys, at `now()`, 80x24.
pub fn app(specs: Vec<SourceSpec>) -> App {
    App::new(Store::new(specs), Keymap::default(), false, now())
}

/// A key press without modifiers.
pub fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// A character key press (uppercase letters carry SHIFT, as terminals send them).
pub fn ch(c: char) -> Msg {
    let mods = if c.is_ascii_uppercase() {
        KeyModifiers::SHIFT
    } else {
        KeyModifiers::NONE
    };
    Msg::Key(KeyEvent::new(KeyCode::Char(c), mods))
}

/// A Ctrl+char key press.
pub fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// Types each character of `text`, collecting the effects.
pub fn type_text(app: &mut App, text: &str) -> Vec<Effect> {
    text.chars().flat_map(|c| update(app, ch(c))).collect()
}

/// A built-in theme at full colour.
pub fn theme(name: &str) -> Theme {
    theme::load(name, None, ColorDepth::TrueColor).unwrap()
}

/// Renders the app at `width` x `height` and returns the backend.
pub fn render(app: &App, theme: &Theme, width: u16, height: u16) -> TestBackend {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|f| flightdeck::ui::draw(f, &app.screen(), theme))
        .unwrap();
    terminal.backend().clone()
}

/// The screen's text, one line per row, trailing spaces trimmed.
pub fn screen(app: &App, width: u16, height: u16) -> String {
    text_of(&render(app, &theme("default"), width, height))
}

/// The text of a rendered backend.
pub fn text_of(backend: &TestBackend) -> String {
    let buf = backend.buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        for x in 0..buf.area.width {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

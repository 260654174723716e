//! `Msg`: everything that enters `update`. Time arrives inside messages, never read.

use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;

use crate::state::Update;

/// An input to `update`.
#[derive(Debug, Clone)]
pub enum Msg {
    // -- terminal
    /// A key was pressed.
    Key(KeyEvent),
    /// The terminal was resized.
    Resize {
        /// New width in cells.
        width: u16,
        /// New height in cells.
        height: u16,
    },
    /// Text was pasted (bracketed, or a burst of typed characters) into the active input.
    Paste(String),
    /// A run of movement keys read at once: move the list or text by this many rows.
    Move(isize),
    /// The process came back from a suspend (`fg`); everything must be redrawn.
    Resumed,
    // -- time and data
    /// The clock moved on; ages on screen may read differently.
    Tick {
        /// The current time.
        now: DateTime<Utc>,
    },
    /// A poller or the executor reported.
    Source(Update),
    /// A `Save` effect finished: the file's path, or why it failed.
    Saved(Result<String, String>),
    // -- process
    /// SIGTERM, SIGHUP or SIGINT arrived: leave cleanly.
    Terminate,
}

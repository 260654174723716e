//! `Effect`: what `update` asks the event loop to do; the loop alone performs I/O.

use crate::sources::SourceId;
use crate::sources::driver::PollPolicy;

/// A request from `update` to the event loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Restore the terminal and exit.
    Quit,
    /// Poll these sources now.
    Refresh(Vec<SourceId>),
    /// Change how eagerly a source is polled.
    SetPolicy(SourceId, PollPolicy),
    /// Restore the terminal and stop the process (Ctrl-Z); resume on `fg`.
    Suspend,
    /// Ring the terminal bell once.
    Bell,
}

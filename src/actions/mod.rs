//! Every change to the outside world is an `Action`: data built by `update`,
//! confirmed in the UI, executed off the UI task by the executor (which alone
//! enforces read-only and writes the audit log).

pub mod audit;
pub mod executor;
mod undo;

pub use crate::state::action::*;

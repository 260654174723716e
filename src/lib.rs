//! flightdeck: a terminal dashboard for pipelines, containers, models, metrics and alerts.
//! The library holds everything; `main.rs` only parses the command line and dispatches.

pub mod actions;
pub mod app;
pub mod cli;
pub mod command;
pub mod config;
pub mod error;
#[doc(hidden)]
pub mod fuzzing;
pub mod logging;
pub mod sources;
pub mod state;
pub mod status;
pub mod theme;
pub mod tui;
pub mod ui;
pub mod view;

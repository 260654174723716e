//! Backends that flightdeck polls. Each source owns its client and sends owned,
//! complete snapshots (`Update`) to the event loop; it never touches the store.

pub mod airflow;
pub mod alertmanager;
pub mod build;
pub mod clients;
pub mod docker;
pub mod driver;
pub mod fetch;
pub mod github;
pub mod http;
pub mod mlflow;
pub mod pollers;
pub mod prometheus;
pub mod redact;

use crate::error::SourceError;
pub use crate::state::source::{SourceId, SourceKind, SourceSpec};
pub use crate::state::update::{DispatchTarget, LogLine, Payload, Update};
use std::future::Future;

/// A backend that can be polled for a complete snapshot.
pub trait Source: Send + 'static {
    /// Fetches one complete snapshot.
    fn poll(&mut self) -> impl Future<Output = Result<Payload, SourceError>> + Send;

    /// The address shown in errors (never contains credentials).
    fn target(&self) -> String;
}

//! Apps: one row per service, joining its build, deploy, containers, model, data and
//! signals from the store. `spec` is the `[[app]]` as configured; `join` computes parts.

mod join;
mod parts;
mod spec;
#[cfg(test)]
mod tests;

pub use join::{AppStatus, Link, Part, PartKind, apps, glyph, join, runs_behind};
pub use parts::{app_containers, feed_of, firing};
pub use spec::{AppSpec, ModelRef, Selector};

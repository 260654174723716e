//! The Metrics pane's UI state and rows: panels and targets as shown, by stable id.

use super::table::TableView;
use crate::state::metric::{MetricsSnapshot, Target};
use crate::state::{Payload, SourceKind, Store};

/// Columns of the targets table.
pub const TARGET_COLUMNS: usize = 6;

/// The Metrics pane's UI-only state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MetricsView {
    /// Whether the selected panel fills the pane.
    pub zoomed: bool,
    /// Whether the targets view is shown instead of the panels.
    pub targets: bool,
}

/// The last good snapshot of the (first) Prometheus source.
pub fn metrics_of(store: &Store) -> Option<&MetricsSnapshot> {
    let id = store.ids_of(SourceKind::Prometheus).next()?;
    match store.source(id)?.data.as_ref()? {
        Payload::Metrics(m) => Some(m),
        _ => None,
    }
}

/// Whether the targets view is on screen (toggled, or no panels configured).
pub fn shows_targets(m: &MetricsSnapshot, view: MetricsView) -> bool {
    view.targets || m.panels.is_empty()
}

/// A panel's stable row id: its position and title.
pub fn panel_id(index: usize, title: &str) -> String {
    format!("{index}:{title}")
}

/// The targets passing the filter, sorted as the table says.
pub fn target_rows<'a>(m: &'a MetricsSnapshot, table: &TableView) -> Vec<&'a Target> {
    let mut rows: Vec<&Target> = m
        .targets
        .iter()
        .filter(|t| {
            table.matches(&format!(
                "{} {} {} {}",
                t.job,
                t.instance,
                t.health.as_str(),
                t.last_error
            ))
        })
        .collect();
    match table.sort_column {
        1 => rows.sort_by(|a, b| a.instance.cmp(&b.instance)),
        2 => rows.sort_by_key(|t| t.health),
        3 => rows.sort_by_key(|t| std::cmp::Reverse(t.last_scrape)),
        4 => rows.sort_by(|a, b| b.scrape_duration.total_cmp(&a.scrape_duration)),
        5 => rows.sort_by(|a, b| b.last_error.cmp(&a.last_error)),
        _ => {}
    }
    if table.descending {
        rows.reverse();
    }
    rows
}

/// A target's stable row id.
pub fn target_id(t: &Target) -> String {
    format!("{}/{}", t.job, t.instance)
}

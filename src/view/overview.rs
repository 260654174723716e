//! The Overview's UI state and the change feed's rows as shown.

use super::table::TableView;
use crate::state::feed::Feed;

/// The Overview's UI-only state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OverviewView {
    /// Whether the change feed (not the attention list) gets the cursor keys and `/`.
    pub feed_focus: bool,
    /// Selection, scroll and filter of the change feed.
    pub feed: TableView,
}

/// The row ids of the change feed as shown: newest first, filtered.
pub fn feed_ids(feed: &Feed, view: &TableView) -> Vec<String> {
    feed.newest_first()
        .filter(|e| view.matches(&e.haystack()))
        .map(|e| e.id.to_string())
        .collect()
}

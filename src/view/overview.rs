//! The Overview's UI state and the change feed's rows as shown.

use super::table::TableView;
use crate::state::apps::AppStatus;
use crate::state::feed::Feed;

/// The Overview's UI-only state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OverviewView {
    /// Whether the change feed (not the attention list) gets the cursor keys and `/`.
    pub feed_focus: bool,
    /// Selection, scroll and filter of the change feed.
    pub feed: TableView,
    /// The app whose card is open (Enter on an app row), by name.
    pub card: Option<String>,
    /// The selected part of the open card (its rows are the parts, by name).
    pub card_parts: TableView,
}

/// The words an app row is filtered by: its name and every part's word.
pub fn app_haystack(app: &AppStatus) -> String {
    let mut text = app.name.clone();
    for p in &app.parts {
        text.push(' ');
        text.push_str(p.kind.name());
        text.push(' ');
        text.push_str(&p.word);
    }
    text
}

/// The row ids of the open card: one per part, by part name.
pub fn card_ids(app: &AppStatus) -> Vec<String> {
    app.parts.iter().map(|p| p.kind.name().to_owned()).collect()
}

/// The row ids of the change feed as shown: newest first, filtered.
pub fn feed_ids(feed: &Feed, view: &TableView) -> Vec<String> {
    feed.newest_first()
        .filter(|e| view.matches(&e.haystack()))
        .map(|e| e.id.to_string())
        .collect()
}

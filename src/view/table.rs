//! The state of a selectable, sortable, filterable table. Selection is kept by stable row id, never by index, so live re-sorting and
//! filtering never move the cursor onto another row.

use std::cmp::Ordering;

/// Selection, scroll, sort and filter of one table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableView {
    /// Id of the selected row.
    pub selected: Option<String>,
    /// Index of the first visible row.
    pub offset: usize,
    /// Column index the rows are sorted by.
    pub sort_column: usize,
    /// Whether the sort is descending.
    pub descending: bool,
    /// The `/` filter text (case-insensitive substring).
    pub filter: String,
}

impl TableView {
    /// Index of the selected row among `ids`, falling back to the first row.
    pub fn position<S: AsRef<str>>(&self, ids: &[S]) -> Option<usize> {
        if ids.is_empty() {
            return None;
        }
        let found = self
            .selected
            .as_deref()
            .and_then(|s| ids.iter().position(|id| id.as_ref() == s));
        Some(found.unwrap_or(0))
    }

    /// Moves the selection `delta` rows, clamped to the table, and keeps it in view.
    pub fn move_by<S: AsRef<str>>(&mut self, ids: &[S], delta: isize, height: usize) {
        let Some(pos) = self.position(ids) else {
            return;
        };
        let last = ids.len() - 1;
        let new = pos.saturating_add_signed(delta).min(last);
        self.select_index(ids, new, height);
    }

    /// Selects the row at `index` and scrolls so it is visible in `height` rows.
    pub fn select_index<S: AsRef<str>>(&mut self, ids: &[S], index: usize, height: usize) {
        let Some(id) = ids.get(index) else { return };
        self.selected = Some(id.as_ref().to_owned());
        self.offset = scroll_offset(self.offset, index, height, ids.len());
    }

    /// Sorts rows by the table's column (`order` given the column index), ties by
    /// `tie`, reversed when the table sorts descending.
    pub fn sort_rows<T>(
        &self,
        rows: &mut [T],
        order: impl Fn(&T, &T, usize) -> Ordering,
        tie: impl Fn(&T, &T) -> Ordering,
    ) {
        rows.sort_by(|a, b| {
            let o = order(a, b, self.sort_column).then_with(|| tie(a, b));
            if self.descending { o.reverse() } else { o }
        });
    }

    /// Cycles the sort column over `columns` columns (reset to ascending).
    pub fn sort_next(&mut self, columns: usize) {
        if columns > 0 {
            self.sort_column = (self.sort_column + 1) % columns;
            self.descending = false;
        }
    }

    /// Whether a row's text matches the filter.
    pub fn matches(&self, haystack: &str) -> bool {
        self.filter.is_empty() || contains_ignore_case(haystack, &self.filter)
    }
}

/// The first visible row such that `selected` is inside a window of `height` rows.
pub fn scroll_offset(offset: usize, selected: usize, height: usize, len: usize) -> usize {
    let height = height.max(1);
    let max_offset = len.saturating_sub(height);
    let offset = if selected < offset {
        selected
    } else if selected >= offset + height {
        selected + 1 - height
    } else {
        offset
    };
    offset.min(max_offset)
}

/// Case-insensitive substring test that does not allocate for ASCII needles.
pub fn contains_ignore_case(haystack: &str, needle: &str) -> bool {
    if needle.is_ascii() {
        let n = needle.as_bytes();
        haystack
            .as_bytes()
            .windows(n.len().max(1))
            .any(|w| w.eq_ignore_ascii_case(n))
            || needle.is_empty()
    } else {
        haystack.to_lowercase().contains(&needle.to_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selection_follows_id_through_resort() {
        let mut v = TableView::default();
        v.select_index(&["a", "b", "c"], 1, 10);
        assert_eq!(v.position(&["c", "a", "b"]), Some(2));
        v.move_by(&["c", "a", "b"], -1, 10);
        assert_eq!(v.selected.as_deref(), Some("a"));
    }

    #[test]
    fn vanished_selection_falls_back_to_first_row() {
        let v = TableView {
            selected: Some("gone".into()),
            ..TableView::default()
        };
        assert_eq!(v.position(&["x", "y"]), Some(0));
        assert_eq!(v.position::<&str>(&[]), None);
    }

    #[test]
    fn moves_clamp_and_scroll() {
        let ids: Vec<String> = (0..100).map(|i| i.to_string()).collect();
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let mut v = TableView::default();
        v.move_by(&ids, 15, 10);
        assert_eq!((v.selected.as_deref(), v.offset), (Some("15"), 6));
        v.move_by(&ids, 1000, 10);
        assert_eq!((v.selected.as_deref(), v.offset), (Some("99"), 90));
        v.move_by(&ids, -1000, 10);
        assert_eq!((v.selected.as_deref(), v.offset), (Some("0"), 0));
    }

    #[test]
    fn filter_is_case_insensitive() {
        let v = TableView {
            filter: "WeB".into(),
            ..TableView::default()
        };
        assert!(v.matches("my-web-1"));
        assert!(!v.matches("db"));
        assert!(contains_ignore_case("Ünïcode", "ünï"));
    }
}

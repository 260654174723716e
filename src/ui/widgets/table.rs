//! Draws a table that builds only the visible rows; its state (`TableView`) lives
//! in the view layer, so selection by id is shared with `update`.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, Table};

use crate::theme::{Role, Theme};
pub use crate::view::table::{TableView, contains_ignore_case, scroll_offset};

/// A column: its title and width.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Header text.
    pub title: &'static str,
    /// Width constraint.
    pub width: Constraint,
}

/// The rows of a table, built lazily: only visible indices are asked for.
pub trait Rows {
    /// Number of rows after filtering.
    fn len(&self) -> usize;
    /// Whether there are no rows.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The cells of row `index`.
    fn cells(&self, index: usize) -> Vec<Cell<'_>>;
}

/// Draws a table with a header; `selected` is the selected row's index.
pub fn draw(
    frame: &mut Frame,
    area: Rect,
    columns: &[Column],
    rows: &dyn Rows,
    view: &TableView,
    selected: Option<usize>,
    theme: &Theme,
) {
    let height = usize::from(area.height.saturating_sub(1));
    let offset = selected.map_or(view.offset, |s| {
        scroll_offset(view.offset, s, height, rows.len())
    });
    let end = (offset + height).min(rows.len());
    let header = Row::new(columns.iter().enumerate().map(|(i, c)| {
        let arrow = match (i == view.sort_column, view.descending) {
            (true, false) => "▲",
            (true, true) => "▼",
            _ => "",
        };
        Cell::from(Line::from(vec![Span::raw(c.title), Span::raw(arrow)]))
    }))
    .style(theme.style(Role::Title));
    let body = (offset..end).map(|i| {
        let row = Row::new(rows.cells(i));
        if Some(i) == selected {
            row.style(theme.style(Role::Selection))
        } else {
            row
        }
    });
    let table = Table::new(body, columns.iter().map(|c| c.width))
        .header(header)
        .column_spacing(1);
    frame.render_widget(table, area);
}

//! The Metrics pane: the configured panels in a grid that fits the terminal
//! (Enter zooms the selected one), or the scrape targets (a key toggles them;
//! shown alone, with `up` by job, when no panels are configured).

mod panel;
mod targets;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};

pub use crate::view::metrics::{
    MetricsView, TARGET_COLUMNS, metrics_of, panel_id, shows_targets, target_id, target_rows,
};
pub use panel::state_badge;

use crate::state::SourceKind;
use crate::theme::Theme;
use crate::view::Screen;
use crate::view::Tab;

/// Narrowest a panel may be; fewer columns are used below this.
const MIN_PANEL_WIDTH: u16 = 36;
/// Lowest a panel may be; the grid scrolls by rows below this.
const MIN_PANEL_HEIGHT: u16 = 8;

/// Grid columns and visible rows for `n` panels in `area`.
pub fn grid(n: usize, area: Rect) -> (usize, usize) {
    let max_cols = usize::from((area.width / MIN_PANEL_WIDTH).max(1));
    let cols = n.clamp(1, max_cols.min(3));
    let rows = n.div_ceil(cols).max(1);
    let fit = usize::from((area.height / MIN_PANEL_HEIGHT).max(1));
    (cols, rows.min(fit))
}

/// A borrowed view of the app for the Metrics tab.
pub struct MetricsPane<'a> {
    /// The app being shown.
    pub app: &'a Screen<'a>,
}

impl MetricsPane<'_> {
    /// Draws the panels grid, the zoomed panel or the targets view.
    pub fn draw(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let app = self.app;
        let Some(m) = metrics_of(app.store) else {
            super::draw_source_state(frame, area, app, Tab::Metrics, theme);
            return;
        };
        let body = super::source_banner(frame, area, app, SourceKind::Prometheus, theme);
        let view = app.view.metrics;
        if shows_targets(m, view) {
            targets::draw(frame, body, app, m, theme);
            return;
        }
        let table = &app.view.tables[Tab::Metrics.index()];
        let ids: Vec<String> = m
            .panels
            .iter()
            .enumerate()
            .map(|(i, p)| panel_id(i, &p.panel.title))
            .collect();
        let selected = table.position(&ids).unwrap_or(0);
        if view.zoomed {
            if let Some(p) = m.panels.get(selected) {
                panel::draw(frame, body, p, true, true, theme);
            }
            return;
        }
        let (cols, rows) = grid(m.panels.len(), body);
        let first_row = (selected / cols).saturating_sub(rows - 1);
        let row_areas = Layout::vertical(vec![Constraint::Fill(1); rows]).split(body);
        for (r, row_area) in row_areas.iter().enumerate() {
            let cells = Layout::horizontal(vec![Constraint::Fill(1); cols]).split(*row_area);
            for (c, cell) in cells.iter().enumerate() {
                let i = (first_row + r) * cols + c;
                if let Some(p) = m.panels.get(i) {
                    panel::draw(frame, *cell, p, i == selected, false, theme);
                }
            }
        }
    }
}

//! The Containers pane: every Docker host's containers grouped by compose
//! project, with state, health, uptime and resources, a sparkline strip for the
//! selected container, and a detail view. A borrowed view: only visible rows are built.

mod cells;
mod detail;
mod listing;
mod strip;
mod swarm;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub use crate::view::containers::{
    COLUMN_COUNT, ContainerRow, ContainersView, container_id, containers_of, host_id,
    parse_container_id, project_id, rows,
};
pub use cells::{Col, Status, badge, fit};
pub use detail::short_id;

use crate::state::SourceKind;
use crate::theme::{Role, Theme};
use crate::ui::notice;
use crate::ui::widgets::stale::failing_sources;
use crate::ui::widgets::table::{self, TableView};
use crate::view::Screen;
use crate::view::Tab;
use listing::Listing;

/// A borrowed view of the app for the Containers tab.
pub struct ContainersPane<'a> {
    /// The app being shown.
    pub app: &'a Screen<'a>,
}

impl ContainersPane<'_> {
    /// Draws the banner for failing hosts, then the detail view or the table.
    pub fn draw(&self, frame: &mut Frame, area: Rect, view: &ContainersView, theme: &Theme) {
        let store = &self.app.store;
        let has_data = store
            .ids_of(SourceKind::Docker)
            .any(|id| containers_of(store, id).is_some());
        if !has_data {
            super::draw_source_state(frame, area, self.app, Tab::Containers, theme);
            return;
        }
        let banner = failing_sources(
            self.app.store,
            SourceKind::Docker,
            self.app.now,
            area.width,
            theme,
        );
        let height = u16::try_from(banner.len()).unwrap_or(u16::MAX);
        let [top, body] =
            Layout::vertical([Constraint::Length(height), Constraint::Min(0)]).areas(area);
        frame.render_widget(Paragraph::new(banner), top);
        match &view.detail {
            Some(id) => detail::draw(frame, body, self.app, id, view.detail_scroll, theme),
            None if view.mode != crate::view::swarm::ClusterMode::Containers => {
                swarm::draw(frame, body, self.app, view, theme);
            }
            None => self.draw_table(frame, body, view, theme),
        }
    }

    /// The table, the selected container's sparkline strip and the toggles line.
    fn draw_table(&self, frame: &mut Frame, area: Rect, view: &ContainersView, theme: &Theme) {
        let app = self.app;
        let table = &app.view.tables[Tab::Containers.index()];
        let all = rows(app.store, table, view);
        let selected = (!all.is_empty()).then(|| {
            let id = table.selected.as_deref();
            id.and_then(|id| all.iter().position(|r| r.has_id(id)))
                .unwrap_or(0)
        });
        let picked = selected
            .and_then(|i| all.get(i))
            .and_then(ContainerRow::container);
        let footer = toggles(view, table, theme).map(|mut line| {
            let (kept, total) = self.counts(table, view);
            let count = format!("  ({kept} of {total} containers)");
            line.push_span(Span::styled(count, theme.style(Role::Muted)));
            line
        });
        let strip = if picked.is_some() && area.height >= 12 {
            strip::HEIGHT
        } else {
            0
        };
        let [list, strip_area, footer_area] = Layout::vertical([
            Constraint::Min(2),
            Constraint::Length(strip),
            Constraint::Length(u16::from(footer.is_some())),
        ])
        .areas(area);
        if all.is_empty() {
            let why = if view.running_only || view.problems_only || !table.filter.is_empty() {
                "no containers match the filters"
            } else {
                "no containers on the Docker hosts"
            };
            frame.render_widget(notice(vec![Line::raw(""), Line::raw(why)], theme), list);
        } else {
            self.draw_list(frame, list, &all, selected, view, theme);
        }
        if let Some((source, c)) = picked.filter(|_| strip > 0) {
            strip::draw(frame, strip_area, app, source, c, theme);
        }
        if let Some(line) = footer {
            frame.render_widget(Paragraph::new(line), footer_area);
        }
    }

    /// Containers passing the toggles and filter, and all containers, over every host.
    fn counts(&self, table: &TableView, view: &ContainersView) -> (usize, usize) {
        let store = &self.app.store;
        let lists = store
            .ids_of(SourceKind::Docker)
            .filter_map(|id| containers_of(store, id));
        lists.fold((0, 0), |(kept, total), list| {
            let k = list
                .iter()
                .filter(|c| crate::view::containers::keeps(c, table, view))
                .count();
            (kept + k, total + list.len())
        })
    }

    fn draw_list(
        &self,
        frame: &mut Frame,
        area: Rect,
        all: &[ContainerRow<'_>],
        selected: Option<usize>,
        view: &ContainersView,
        theme: &Theme,
    ) {
        let table = &self.app.view.tables[Tab::Containers.index()];
        let plan = cells::plan(area.width);
        let columns = cells::columns(&plan);
        // The widget marks the sorted column by position; map the sort index to
        // the position among the columns that fit (none when it was dropped).
        let shown = TableView {
            sort_column: plan
                .iter()
                .position(|(c, _)| *c as usize == table.sort_column)
                .unwrap_or(usize::MAX),
            ..table.clone()
        };
        let listing = Listing {
            app: self.app,
            rows: all,
            plan: &plan,
            table,
            view,
            with_hosts: self.app.store.ids_of(SourceKind::Docker).nth(1).is_some(),
            theme,
        };
        table::draw(frame, area, &columns, &listing, &shown, selected, theme);
    }
}

/// The line naming the active toggles and filter, when any is on.
fn toggles(view: &ContainersView, table: &TableView, theme: &Theme) -> Option<Line<'static>> {
    let mut on = Vec::new();
    if view.running_only {
        on.push("running only".to_owned());
    }
    if view.problems_only {
        on.push("problems only".to_owned());
    }
    if !table.filter.is_empty() {
        on.push(format!("filter '{}'", table.filter));
    }
    if on.is_empty() {
        return None;
    }
    Some(Line::from(vec![
        Span::styled(" showing: ", theme.style(Role::Muted)),
        Span::styled(on.join(" · "), theme.style(Role::Accent)),
    ]))
}

//! The Overview pane: every configured source with its health, the age of its
//! data and what is wrong, failing sources first; then the kinds not configured.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph};

use crate::app::App;
use crate::sources::SourceKind;
use crate::theme::{Role, Theme};
use crate::ui::status::{data_summary, health_age, health_detail, source_badge};
use crate::ui::widgets::table::{self, Column, Rows};

/// A borrowed view of the app for the Overview tab.
pub struct OverviewPane<'a> {
    /// The app being shown.
    pub app: &'a App,
}

const COLUMNS: [Column; 4] = [
    Column {
        title: "SOURCE",
        width: Constraint::Length(22),
    },
    Column {
        title: "HEALTH",
        width: Constraint::Length(10),
    },
    Column {
        title: "AGE",
        width: Constraint::Length(5),
    },
    Column {
        title: "DETAIL",
        width: Constraint::Min(10),
    },
];

struct SourceRows<'a> {
    app: &'a App,
    order: Vec<usize>,
    theme: &'a Theme,
}

impl Rows for SourceRows<'_> {
    fn len(&self) -> usize {
        self.order.len()
    }

    fn cells(&self, index: usize) -> Vec<Cell<'_>> {
        let Some(s) = self
            .order
            .get(index)
            .and_then(|&i| self.app.store.sources.get(i))
        else {
            return Vec::new();
        };
        let (role, glyph, word) = source_badge(&s.health, s.spec.interval, self.app.now);
        let age = health_age(&s.health, s.spec.interval, self.app.now).unwrap_or_default();
        let detail = health_detail(&s.health, s.last_ok, self.app.now)
            .or_else(|| data_summary(s.data.as_ref()))
            .unwrap_or_default();
        vec![
            Cell::from(s.spec.label()),
            Cell::from(Span::styled(
                format!("{glyph} {word}"),
                self.theme.style(role),
            )),
            Cell::from(age),
            Cell::from(detail),
        ]
    }
}

impl OverviewPane<'_> {
    /// Draws the sources table and the not-configured hints.
    pub fn draw(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let missing: Vec<SourceKind> = SourceKind::ALL
            .into_iter()
            .filter(|k| !self.app.store.has_kind(*k))
            .collect();
        let hint_rows = u16::try_from(missing.len())
            .unwrap_or(u16::MAX)
            .saturating_add(1);
        let [top, bottom] =
            Layout::vertical([Constraint::Min(3), Constraint::Length(hint_rows)]).areas(area);
        let rows = SourceRows {
            app: self.app,
            order: self.app.overview_order(),
            theme,
        };
        let view = self.app.view.table();
        let ids = self.app.row_ids(self.app.view.tab);
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        table::draw(
            frame,
            top,
            &COLUMNS,
            &rows,
            view,
            view.position(&ids),
            theme,
        );
        let mut lines = vec![Line::raw("")];
        for kind in missing {
            lines.push(Line::from(vec![
                Span::styled(
                    format!(" – {} not configured: ", kind.name()),
                    theme.style(Role::Muted),
                ),
                Span::styled(kind.how_to_configure(), theme.style(Role::Text)),
            ]));
        }
        frame.render_widget(Paragraph::new(lines), bottom);
    }
}

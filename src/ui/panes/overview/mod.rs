//! The Overview pane, the on-call screen: every source's health and data age (its
//! detail column is the one-line "what is fine" summary), then the apps and what
//! needs attention, worst first (Enter opens an app's card or the item), which
//! commit runs where, and the change feed (`f` gives it the focus; `/` filters it).

mod card;
mod lists;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph};

use crate::state::SourceKind;
use crate::theme::{Role, Theme};
use crate::ui::status::{data_summary, health_age, health_detail, source_badge};
use crate::ui::widgets::table::{self, Column, Rows};
use crate::view::Screen;
pub use crate::view::overview::{OverviewView, feed_ids};

/// A borrowed view of the app for the Overview tab.
pub struct OverviewPane<'a> {
    /// The app being shown.
    pub app: &'a Screen<'a>,
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

/// Most source rows before the table scrolls; the sections below need the room.
const MAX_SOURCE_ROWS: usize = 6;

struct SourceRows<'a> {
    app: &'a Screen<'a>,
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
    /// Draws sources, not-configured hints, attention, deployments and the feed.
    pub fn draw(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let app = self.app;
        let order = app.overview_order();
        let missing: Vec<SourceKind> = SourceKind::ALL
            .into_iter()
            .filter(|k| !app.store.has_kind(*k))
            .collect();
        if let Some(card) = app.card() {
            card::draw(frame, area, app, &card, theme);
            return;
        }
        let attention = app.attention();
        let apps = app.apps();
        let deploys = crate::state::trace::deployments(app.store);
        // A quiet or new setup has room to say how to add the missing sources.
        let quiet = attention.is_empty()
            && app.store.feed.is_empty()
            && deploys.is_empty()
            && apps.is_empty();
        let hint_rows = match (missing.is_empty(), quiet) {
            (true, _) => 0,
            (false, true) => missing.len() + 1,
            (false, false) => 1,
        };
        let table_rows = order.len().min(MAX_SOURCE_ROWS) + 1;
        let [top, hints, rest] = Layout::vertical([
            Constraint::Length(height(table_rows)),
            Constraint::Length(height(hint_rows)),
            Constraint::Min(0),
        ])
        .areas(area);
        let rows = SourceRows { app, order, theme };
        let view = &app.view.tables[crate::view::Tab::Overview.index()];
        table::draw(frame, top, &COLUMNS, &rows, view, None, theme);
        draw_hints(frame, hints, &missing, quiet, theme);
        lists::draw(frame, rest, app, (&apps, &attention), &deploys, theme);
    }
}

fn height(rows: usize) -> u16 {
    u16::try_from(rows).unwrap_or(u16::MAX)
}

fn draw_hints(frame: &mut Frame, area: Rect, missing: &[SourceKind], full: bool, theme: &Theme) {
    if missing.is_empty() {
        return;
    }
    let muted = theme.style(Role::Muted);
    let lines = if full {
        let mut lines = vec![Line::raw("")];
        for kind in missing {
            lines.push(Line::from(vec![
                Span::styled(format!(" – {} not configured: ", kind.name()), muted),
                Span::styled(kind.how_to_configure(), theme.style(Role::Text)),
            ]));
        }
        lines
    } else {
        let names: Vec<&str> = missing.iter().map(|k| k.name()).collect();
        vec![Line::styled(
            format!(
                " – not configured: {} (each tab says how)",
                names.join(" · ")
            ),
            muted,
        )]
    };
    frame.render_widget(Paragraph::new(lines), area);
}

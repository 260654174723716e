//! Alertmanager's active and pending silences: id, state, when they end, who
//! made them, their matchers and comment. The selected one can be expired.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::Cell;

use crate::state::alert::Silence;
use crate::state::health::format_age;
use crate::theme::{Role, Theme};
use crate::ui::widgets::table::{self, Column, Rows, TableView};
use crate::view::Screen;
use crate::view::Tab;
use crate::view::alerts::{alertmanager_of, silence_rows};

struct SilenceTable<'a> {
    rows: Vec<&'a Silence>,
    app: &'a Screen<'a>,
    theme: &'a Theme,
}

impl Rows for SilenceTable<'_> {
    fn len(&self) -> usize {
        self.rows.len()
    }

    fn cells(&self, index: usize) -> Vec<Cell<'_>> {
        let Some(s) = self.rows.get(index) else {
            return Vec::new();
        };
        let ends = s.ends_at.map_or_else(String::new, |t| {
            format!("in {}", format_age(t, self.app.now))
        });
        let role = if s.state == "active" {
            Role::Ok
        } else {
            Role::Pending
        };
        vec![
            Cell::from(s.id.chars().take(8).collect::<String>()),
            Cell::from(ratatui::text::Span::styled(
                s.state.as_str(),
                self.theme.style(role),
            )),
            Cell::from(ends),
            Cell::from(s.created_by.as_str()),
            Cell::from(s.matchers.join(", ")),
            Cell::from(s.comment.as_str()),
        ]
    }
}

/// Draws the silences table (or says there are none, or that Alertmanager is missing).
pub fn draw(frame: &mut Frame, area: Rect, app: &Screen<'_>, theme: &Theme) {
    if alertmanager_of(app.store).is_none() {
        let line = Line::raw(
            "Alertmanager is not configured (or not polled yet): add [alertmanager] with url",
        );
        frame.render_widget(crate::ui::notice(vec![Line::raw(""), line], theme), area);
        return;
    }
    let rows = silence_rows(app.store, app.view);
    if rows.is_empty() {
        frame.render_widget(
            crate::ui::notice(vec![Line::raw(""), Line::raw("no active silences")], theme),
            area,
        );
        return;
    }
    let view = &app.view.tables[Tab::Alerts.index()];
    let ids: Vec<&str> = rows.iter().map(|s| s.id.as_str()).collect();
    let selected = view.position(&ids);
    let columns = [
        Column {
            title: "ID",
            width: Constraint::Length(8),
        },
        Column {
            title: "STATE",
            width: Constraint::Length(7),
        },
        Column {
            title: "ENDS",
            width: Constraint::Length(7),
        },
        Column {
            title: "CREATED BY",
            width: Constraint::Max(14),
        },
        Column {
            title: "MATCHERS",
            width: Constraint::Fill(2),
        },
        Column {
            title: "COMMENT",
            width: Constraint::Fill(1),
        },
    ];
    let shown = TableView {
        sort_column: usize::MAX,
        ..view.clone()
    };
    let list = SilenceTable { rows, app, theme };
    table::draw(frame, area, &columns, &list, &shown, selected, theme);
}

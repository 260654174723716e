//! The targets view: `up` by job (when no panels are configured) above a table
//! of every scrape target with job, instance, health, last scrape, scrape
//! duration and last error; filtered by `/`, sorted by the chosen column.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph};

use crate::config::Unit;
use crate::state::health::format_age;
use crate::state::metric::{MetricsSnapshot, Target, TargetHealth, format_value};
use crate::theme::{Role, Theme};
use crate::ui::widgets::table::{self, Column, Rows};
use crate::view::Screen;
use crate::view::Tab;
use crate::view::metrics::{target_id, target_rows};

struct TargetTable<'a> {
    rows: Vec<&'a Target>,
    app: &'a Screen<'a>,
    theme: &'a Theme,
}

fn health_cell<'a>(h: TargetHealth, theme: &Theme) -> Cell<'a> {
    let (role, glyph) = match h {
        TargetHealth::Up => (Role::Ok, "✓"),
        TargetHealth::Down => (Role::Critical, "✗"),
        TargetHealth::Unknown => (Role::Unknown, "?"),
    };
    Cell::from(Span::styled(
        format!("{glyph} {}", h.as_str()),
        theme.style(role),
    ))
}

impl Rows for TargetTable<'_> {
    fn len(&self) -> usize {
        self.rows.len()
    }

    fn cells(&self, index: usize) -> Vec<Cell<'_>> {
        let Some(t) = self.rows.get(index) else {
            return Vec::new();
        };
        let scraped = t.last_scrape.map_or_else(
            || "never".to_owned(),
            |at| format!("{} ago", format_age(self.app.now, at)),
        );
        vec![
            Cell::from(t.job.as_str()),
            Cell::from(t.instance.as_str()),
            health_cell(t.health, self.theme),
            Cell::from(scraped),
            Cell::from(format_value(t.scrape_duration, Unit::Seconds)),
            Cell::from(Span::styled(
                t.last_error.as_str(),
                self.theme.style(Role::Error),
            )),
        ]
    }
}

/// Draws `up` by job (when queried) and the targets table.
pub fn draw(frame: &mut Frame, area: Rect, app: &Screen<'_>, m: &MetricsSnapshot, theme: &Theme) {
    let head = up_lines(m, theme);
    let [top, list] = Layout::vertical([
        Constraint::Length(u16::try_from(head.len()).unwrap_or(0)),
        Constraint::Min(1),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(head), top);
    draw_table(frame, list, app, m, theme);
}

/// `up` by job, when no panels are configured (the panels say more otherwise).
fn up_lines<'a>(m: &MetricsSnapshot, theme: &Theme) -> Vec<Line<'a>> {
    let mut head: Vec<Line> = Vec::new();
    if m.panels.is_empty() {
        head.push(Line::styled(
            "No panels configured: add [[prometheus.panels]] with title and query. up by job:",
            theme.style(Role::Muted),
        ));
        let mut spans = Vec::new();
        for j in &m.up_by_job {
            let role = if j.up == j.total {
                Role::Ok
            } else if j.up == 0 {
                Role::Critical
            } else {
                Role::Warning
            };
            let glyph = if j.up == j.total { "✓" } else { "✗" };
            spans.push(Span::styled(
                format!(" {glyph} {} {}/{} up ", j.job, j.up, j.total),
                theme.style(role),
            ));
        }
        head.push(Line::from(spans));
    }
    head
}

fn draw_table(frame: &mut Frame, list: Rect, app: &Screen<'_>, m: &MetricsSnapshot, theme: &Theme) {
    let view = &app.view.tables[Tab::Metrics.index()];
    let rows = target_rows(m, view);
    let ids: Vec<String> = rows.iter().map(|t| target_id(t)).collect();
    let selected = view.position(&ids);
    let columns = [
        Column {
            title: "JOB",
            width: Constraint::Max(20),
        },
        Column {
            title: "INSTANCE",
            width: Constraint::Max(28),
        },
        Column {
            title: "HEALTH",
            width: Constraint::Length(9),
        },
        Column {
            title: "LAST SCRAPE",
            width: Constraint::Length(11),
        },
        Column {
            title: "DURATION",
            width: Constraint::Length(9),
        },
        Column {
            title: "LAST ERROR",
            width: Constraint::Fill(1),
        },
    ];
    let table = TargetTable { rows, app, theme };
    table::draw(frame, list, &columns, &table, view, selected, theme);
}

//! The Containers table body as a lazy `Rows`: cells are built only for the rows
//! the table widget asks for, which are the visible ones.

use ratatui::text::Span;
use ratatui::widgets::Cell;

use super::ContainersView;
use super::cells::{self, Col, Status, badge, fit, fit_tail};
use crate::state::Severity;
use crate::state::SourceId;
use crate::state::container::Container;
use crate::theme::{Role, Theme};
use crate::ui::widgets::table::{Rows, TableView};
use crate::view::Screen;
use crate::view::containers::{ContainerRow, containers_of, keeps};

/// The visible part of the Containers table, borrowed from the app.
pub struct Listing<'a> {
    /// The app being shown.
    pub app: &'a Screen<'a>,
    /// All rows, filtered, sorted and grouped.
    pub rows: &'a [ContainerRow<'a>],
    /// The columns that fit, with widths.
    pub plan: &'a [(Col, u16)],
    /// The table's sort and filter.
    pub table: &'a TableView,
    /// The pane's toggles.
    pub view: &'a ContainersView,
    /// Whether host rows are shown (children indent one more level).
    pub with_hosts: bool,
    /// The theme.
    pub theme: &'a Theme,
}

impl Rows for Listing<'_> {
    fn len(&self) -> usize {
        self.rows.len()
    }

    fn cells(&self, index: usize) -> Vec<Cell<'_>> {
        let Some(row) = self.rows.get(index) else {
            return Vec::new();
        };
        let stale = self
            .app
            .store
            .source(row.source())
            .is_some_and(|s| s.health.is_failing());
        self.plan
            .iter()
            .map(|&(col, width)| match row {
                ContainerRow::Container { container, .. } => {
                    self.container_cell(container, col, width, stale)
                }
                _ => self.group_cell(row, col, width, stale),
            })
            .collect()
    }
}

impl Listing<'_> {
    fn cell(&self, text: impl Into<std::borrow::Cow<'static, str>>, role: Role) -> Cell<'static> {
        Cell::from(Span::styled(text, self.theme.style(role)))
    }

    fn status(&self, status: Status<'_>, word: &str, stale: bool) -> Cell<'static> {
        let (role, glyph) = badge(status);
        self.cell(
            format!("{glyph} {word}"),
            if stale { Role::Stale } else { role },
        )
    }

    fn container_cell(&self, c: &Container, col: Col, width: u16, stale: bool) -> Cell<'static> {
        let w = usize::from(width);
        let text = if stale { Role::Stale } else { Role::Text };
        let muted = if stale { Role::Stale } else { Role::Muted };
        match col {
            Col::Name => {
                let depth = usize::from(self.with_hosts) + usize::from(c.project.is_some());
                let indent = "  ".repeat(depth);
                let name = fit(&c.name, w.saturating_sub(indent.len()));
                self.cell(format!("{indent}{name}"), text)
            }
            Col::Image => self.cell(fit_tail(&c.image, w).into_owned(), muted),
            Col::State => self.status(Status::State(c), cells::state_word(c), stale),
            Col::Health => self.status(Status::Health(c.health), c.health.as_str(), stale),
            Col::Uptime => self.cell(cells::uptime(c, self.app.now), text),
            Col::Restarts => {
                let role = if c.restart_count > 0 && !stale {
                    Role::Warning
                } else {
                    text
                };
                self.cell(c.restart_count.to_string(), role)
            }
            Col::Cpu => self.cell(cells::cpu(c), text),
            Col::Mem => self.cell(cells::mem(c, width < 13), text),
            Col::Ports => self.cell(fit(&cells::ports(c), w).into_owned(), muted),
        }
    }

    fn group_cell(
        &self,
        row: &ContainerRow<'_>,
        col: Col,
        width: u16,
        stale: bool,
    ) -> Cell<'static> {
        let (name, count, folded, project, role) = match row {
            ContainerRow::Host {
                label,
                count,
                folded,
                ..
            } => (label, *count, *folded, None, Role::Title),
            ContainerRow::Project {
                name,
                count,
                folded,
                ..
            } => (name, *count, *folded, Some(name.as_str()), Role::Accent),
            ContainerRow::Container { .. } => return Cell::from(""),
        };
        let role = if stale { Role::Stale } else { role };
        match col {
            Col::Name => {
                let indent = if project.is_some() && self.with_hosts {
                    "  "
                } else {
                    ""
                };
                let arrow = if folded { "▸" } else { "▾" };
                let label = format!("{indent}{arrow} {name} ({count})");
                self.cell(fit(&label, usize::from(width)).into_owned(), role)
            }
            Col::State | Col::Health => {
                let summary = self.summary(row.source(), project);
                if col == Col::State {
                    let muted = if stale { Role::Stale } else { Role::Muted };
                    self.cell(format!("{}/{count} up", summary.up), muted)
                } else {
                    let word = match summary.worst {
                        Severity::Ok => "all ok".to_owned(),
                        Severity::Warning => format!("{} warning", summary.worst_count),
                        _ => format!("{} failing", summary.worst_count),
                    };
                    self.status(Status::Severity(summary.worst), &word, stale)
                }
            }
            _ => Cell::from(""),
        }
    }

    /// Counts the running and worst-off containers of a group, as filtered.
    fn summary(&self, source: SourceId, project: Option<&str>) -> Summary {
        let mut s = Summary {
            up: 0,
            worst: Severity::Ok,
            worst_count: 0,
        };
        let members = containers_of(self.app.store, source)
            .unwrap_or_default()
            .iter()
            .filter(|c| project.is_none_or(|p| c.project.as_deref() == Some(p)))
            .filter(|c| keeps(c, self.table, self.view));
        for c in members {
            s.up += usize::from(c.is_running());
            let sev = c.severity();
            if sev > s.worst {
                s.worst = sev;
                s.worst_count = 0;
            }
            s.worst_count += usize::from(sev == s.worst);
        }
        s
    }
}

struct Summary {
    up: usize,
    worst: Severity,
    worst_count: usize,
}

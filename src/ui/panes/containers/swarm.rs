//! The Containers tab's Swarm views: services grouped by engine and stack, one
//! service's tasks, and nodes. A borrowed view: cells are built only for the rows
//! the table widget asks for; columns that do not fit are dropped right to left.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph};

use crate::state::Severity;
use crate::state::health::format_age;
use crate::state::swarm::{Node, NodeState, Service, Task};
use crate::state::trace::{built_by, service_commit};
use crate::theme::{Role, Theme};
use crate::ui::notice;
use crate::ui::widgets::fit::{fit, fit_tail};
use crate::ui::widgets::table::{self, Column, Rows, TableView};
use crate::view::Screen;
use crate::view::containers::ContainersView;
use crate::view::swarm::{
    ClusterMode, SwarmRow, find_service, managers, ports, replicas, rows, table as swarm_table,
    task_name,
};

/// One column of a Swarm table: its sort index, title, width and whether it
/// may be dropped when the screen is narrow (lower drops first).
type Spec = (usize, &'static str, Constraint, u8);

const SERVICES: [Spec; 7] = [
    (0, "NAME", Constraint::Fill(2), 9),
    (1, "MODE", Constraint::Length(10), 2),
    (2, "REPLICAS", Constraint::Length(9), 9),
    (3, "IMAGE", Constraint::Fill(2), 4),
    (4, "UPDATE", Constraint::Length(18), 5),
    (5, "PORTS", Constraint::Fill(1), 1),
    (6, "AGE", Constraint::Length(5), 3),
];
const TASKS: [Spec; 7] = [
    (0, "TASK", Constraint::Fill(2), 9),
    (1, "NODE", Constraint::Length(10), 8),
    (2, "DESIRED", Constraint::Length(8), 2),
    (3, "STATE", Constraint::Length(11), 9),
    (4, "ERROR", Constraint::Fill(3), 5),
    (5, "EXIT", Constraint::Length(4), 3),
    (6, "AGE", Constraint::Length(5), 4),
];
const NODES: [Spec; 7] = [
    (0, "HOSTNAME", Constraint::Fill(2), 9),
    (1, "ROLE", Constraint::Length(8), 6),
    (2, "MANAGER", Constraint::Length(12), 5),
    (3, "AVAILABILITY", Constraint::Length(13), 9),
    (4, "STATE", Constraint::Length(8), 9),
    (5, "ENGINE", Constraint::Length(10), 2),
    (6, "TASKS", Constraint::Length(6), 4),
];

/// The columns that fit `width`: drop the least important until the fixed widths
/// leave at least 12 cells per flexible column.
fn plan(specs: &[Spec], width: u16) -> Vec<Spec> {
    let mut kept: Vec<Spec> = specs.to_vec();
    loop {
        let fixed: u16 = kept
            .iter()
            .map(|(_, _, c, _)| match c {
                Constraint::Length(n) => n + 1,
                _ => 13,
            })
            .sum();
        if fixed <= width || kept.len() <= 2 {
            return kept;
        }
        let Some(drop) = kept
            .iter()
            .enumerate()
            .filter(|(_, s)| s.3 < 9)
            .min_by_key(|(_, s)| s.3)
            .map(|(i, _)| i)
        else {
            return kept;
        };
        kept.remove(drop);
    }
}

/// Draws the Swarm view on screen: a title line, the table and the filter line.
pub fn draw(frame: &mut Frame, area: Rect, app: &Screen<'_>, view: &ContainersView, theme: &Theme) {
    let open = match (view.mode, &view.swarm.open) {
        (ClusterMode::Services, Some(open)) => find_service(app.store, open).map(|(_, s)| s),
        _ => None,
    };
    let [title_area, build_area, body, footer_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(u16::from(open.is_some())),
        Constraint::Min(2),
        Constraint::Length(1),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(title(app, view, theme)), title_area);
    if let Some(service) = open {
        frame.render_widget(Paragraph::new(build(app, service, theme)), build_area);
    }
    let tv = swarm_table(&view.swarm, view.mode);
    let all = rows(app.store, &view.swarm, view.mode);
    if all.is_empty() {
        let why = if managers(app.store).is_empty() {
            "no Docker engine here is a Swarm manager — 'v' goes back to containers"
        } else if tv.filter.is_empty() {
            "nothing to show"
        } else {
            "nothing matches the filter"
        };
        frame.render_widget(notice(vec![Line::raw(""), Line::raw(why)], theme), body);
    } else {
        draw_table(frame, body, app, view, &all, theme);
    }
    if !tv.filter.is_empty() {
        let line = Line::from(vec![
            Span::styled(" showing: ", theme.style(Role::Muted)),
            Span::styled(format!("filter '{}'", tv.filter), theme.style(Role::Accent)),
        ]);
        frame.render_widget(Paragraph::new(line), footer_area);
    }
}

/// The table of the view on screen, with the columns that fit.
fn draw_table(
    frame: &mut Frame,
    body: Rect,
    app: &Screen<'_>,
    view: &ContainersView,
    all: &[SwarmRow<'_>],
    theme: &Theme,
) {
    let tv = swarm_table(&view.swarm, view.mode);
    let specs: &[Spec] = match (view.mode, &view.swarm.open) {
        (ClusterMode::Nodes, _) => &NODES,
        (_, Some(_)) => &TASKS,
        _ => &SERVICES,
    };
    let plan = plan(specs, body.width);
    let columns: Vec<Column> = plan
        .iter()
        .map(|(_, title, width, _)| Column {
            title,
            width: *width,
        })
        .collect();
    let shown = TableView {
        sort_column: plan
            .iter()
            .position(|s| s.0 == tv.sort_column)
            .unwrap_or(usize::MAX),
        ..tv.clone()
    };
    let selected = tv
        .selected
        .as_deref()
        .and_then(|id| all.iter().position(|r| r.id() == id))
        .or(Some(0));
    let listing = Listing {
        app,
        rows: all,
        plan: &plan,
        theme,
        nested: managers(app.store).len() > 1,
    };
    table::draw(frame, body, &columns, &listing, &shown, selected, theme);
}

/// `services · 3 on docker local` or `tasks of 'web' · 2/3 running · esc back`.
fn title(app: &Screen<'_>, view: &ContainersView, theme: &Theme) -> Line<'static> {
    let all = managers(app.store);
    let hosts: Vec<String> = all
        .iter()
        .filter_map(|(id, _)| app.store.source(*id).map(|s| s.spec.label()))
        .collect();
    let on = hosts.join(", ");
    let (head, tail) = match (view.mode, &view.swarm.open) {
        (ClusterMode::Nodes, _) => {
            let n: usize = all.iter().map(|(_, s)| s.snapshot.nodes.len()).sum();
            (
                "nodes".to_owned(),
                format!(" · {n} from {on} · v: containers"),
            )
        }
        (_, Some(open)) => match find_service(app.store, open) {
            Some((_, s)) => (
                format!("tasks of '{}'", s.name),
                format!(
                    " · {} {} running · Enter: container · esc: services",
                    s.mode.as_str(),
                    replicas(s)
                ),
            ),
            None => (
                "tasks".to_owned(),
                " · service gone · esc: services".to_owned(),
            ),
        },
        _ => {
            let n: usize = all.iter().map(|(_, s)| s.snapshot.services.len()).sum();
            (
                "services".to_owned(),
                format!(" · {n} from {on} · v: nodes"),
            )
        }
    };
    let stale = all.iter().find_map(|(_, s)| s.error.as_ref());
    let mut spans = vec![
        Span::styled(format!(" {head}"), theme.style(Role::Title)),
        Span::styled(tail, theme.style(Role::Muted)),
    ];
    if let Some(e) = stale {
        spans.push(Span::styled(
            format!(" · last poll failed: {e}"),
            theme.style(Role::Critical),
        ));
    }
    Line::from(spans)
}

/// ` image web:1.4 · revision 3f2a9c1 · built by CI #42 (success)` for the open
/// service, linked as a container is (its revision label, else a SHA in its tag).
fn build(app: &Screen<'_>, s: &Service, theme: &Theme) -> Line<'static> {
    let (muted, accent) = (theme.style(Role::Muted), theme.style(Role::Accent));
    let mut spans = vec![
        Span::styled(" image ", muted),
        Span::styled(s.image.clone(), theme.style(Role::Text)),
        Span::styled(" · ", muted),
    ];
    match &s.revision {
        Some(rev) => {
            // The short form leaves room for the run on 80 columns.
            let short: String = rev.chars().take(7).collect();
            spans.extend([
                Span::styled("revision ", muted),
                Span::styled(short, accent),
            ]);
        }
        None => spans.push(Span::styled("no revision label", muted)),
    }
    let commit = service_commit(s);
    if let Some(text) = commit.as_deref().and_then(|sha| built_by(app.store, sha)) {
        spans.extend([Span::styled(" · ", muted), Span::styled(text, accent)]);
    } else if let Some(sha) = commit.filter(|_| s.revision.is_none()) {
        spans.extend([Span::styled(" · commit ", muted), Span::styled(sha, accent)]);
    }
    Line::from(spans)
}

/// The visible part of a Swarm table, borrowed from the app.
struct Listing<'a> {
    app: &'a Screen<'a>,
    rows: &'a [SwarmRow<'a>],
    plan: &'a [Spec],
    theme: &'a Theme,
    nested: bool,
}

impl Rows for Listing<'_> {
    fn len(&self) -> usize {
        self.rows.len()
    }

    fn cells(&self, index: usize) -> Vec<Cell<'_>> {
        let Some(row) = self.rows.get(index) else {
            return Vec::new();
        };
        self.plan
            .iter()
            .map(|&(col, _, _, _)| match row {
                SwarmRow::Group {
                    label,
                    is_stack,
                    count,
                    ..
                } => {
                    if col != 0 {
                        return Cell::from("");
                    }
                    let indent = if *is_stack && self.nested { "  " } else { "" };
                    let role = if *is_stack { Role::Accent } else { Role::Title };
                    self.cell(format!("{indent}▾ {label} ({count})"), role)
                }
                SwarmRow::Service { service, .. } => self.service_cell(service, col),
                SwarmRow::Task { service, task, .. } => self.task_cell(service, task, col),
                SwarmRow::Node { node, .. } => self.node_cell(node, col),
            })
            .collect()
    }
}

/// The one mapping from a Swarm severity to its colour role and glyph.
fn badge(s: Severity) -> (Role, &'static str) {
    match s {
        Severity::Ok => (Role::Ok, "●"),
        Severity::Warning => (Role::Warning, "◐"),
        Severity::Critical => (Role::Critical, "✗"),
        Severity::Unknown => (Role::Muted, "?"),
    }
}

impl Listing<'_> {
    fn cell(&self, text: impl Into<std::borrow::Cow<'static, str>>, role: Role) -> Cell<'static> {
        Cell::from(Span::styled(text, self.theme.style(role)))
    }

    fn age(&self, t: Option<chrono::DateTime<chrono::Utc>>) -> String {
        t.map_or_else(|| "–".to_owned(), |t| format_age(self.app.now, t))
    }

    fn service_cell(&self, s: &Service, col: usize) -> Cell<'static> {
        let depth = usize::from(self.nested) + usize::from(s.stack.is_some());
        match col {
            0 => self.cell(format!("{}{}", "  ".repeat(depth), s.name), Role::Text),
            1 => self.cell(s.mode.as_str(), Role::Muted),
            2 => {
                let (role, glyph) = badge(s.severity());
                self.cell(format!("{glyph} {}", replicas(s)), role)
            }
            3 => self.cell(fit_tail(&s.image, 40).into_owned(), Role::Muted),
            4 => {
                let word = match s.update_state {
                    _ if s.is_crash_looping() => "crash loop".to_owned(),
                    Some(u) => u.as_str().replace('_', " "),
                    None => "–".to_owned(),
                };
                let role = if s.severity() == Severity::Ok {
                    Role::Muted
                } else {
                    badge(s.severity()).0
                };
                self.cell(word, role)
            }
            5 => self.cell(ports(s), Role::Muted),
            _ => self.cell(self.age(s.created), Role::Text),
        }
    }

    fn task_cell(&self, service: &Service, t: &Task, col: usize) -> Cell<'static> {
        match col {
            0 => self.cell(task_name(service, t), Role::Text),
            1 => self.cell(t.node.clone().unwrap_or_else(|| "–".into()), Role::Text),
            2 => self.cell(t.desired_state.clone(), Role::Muted),
            3 => {
                let role = if t.has_failed() {
                    Role::Critical
                } else if t.is_running() {
                    Role::Ok
                } else {
                    Role::Pending
                };
                let glyph = if t.has_failed() {
                    "✗"
                } else if t.is_running() {
                    "●"
                } else {
                    "○"
                };
                self.cell(format!("{glyph} {}", t.state), role)
            }
            4 => {
                let e = t.error.as_deref().unwrap_or("");
                self.cell(fit(e, 60).into_owned(), Role::Critical)
            }
            5 => self.cell(
                t.exit_code.map_or_else(String::new, |c| c.to_string()),
                if t.exit_code.is_some_and(|c| c != 0) {
                    Role::Critical
                } else {
                    Role::Text
                },
            ),
            _ => self.cell(self.age(t.timestamp), Role::Text),
        }
    }

    fn node_cell(&self, n: &Node, col: usize) -> Cell<'static> {
        let indent = if self.nested { "  " } else { "" };
        match col {
            0 => self.cell(format!("{indent}{}", n.hostname), Role::Text),
            1 => self.cell(n.role.as_str(), Role::Text),
            2 => self.cell(n.manager_status.map_or("–", |m| m.as_str()), Role::Muted),
            3 => {
                let role = match n.availability {
                    crate::state::swarm::Availability::Active => Role::Ok,
                    _ => Role::Warning,
                };
                self.cell(n.availability.as_str(), role)
            }
            4 => {
                let (role, glyph) = match n.state {
                    NodeState::Ready => badge(Severity::Ok),
                    NodeState::Down | NodeState::Disconnected => badge(Severity::Critical),
                    NodeState::Unknown => badge(Severity::Unknown),
                };
                self.cell(format!("{glyph} {}", n.state.as_str()), role)
            }
            5 => self.cell(n.engine_version.clone().unwrap_or_default(), Role::Muted),
            _ => self.cell(n.tasks_running.to_string(), Role::Text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrow_screens_drop_the_least_important_columns() {
        let titles = |w| plan(&SERVICES, w).iter().map(|s| s.1).collect::<Vec<_>>();
        assert!(titles(140).contains(&"PORTS"));
        assert!(!titles(80).contains(&"PORTS"));
        assert!(titles(80).contains(&"REPLICAS") && titles(80).contains(&"NAME"));
    }
}

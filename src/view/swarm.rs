//! The Containers tab's Swarm views: services grouped by engine and stack, one
//! service's tasks, and nodes, read from every manager's last snapshot. Row ids
//! are stable (`s:{source}:{id}`, `t:…`, `n:…`), so selection follows the thing.

use std::cmp::{Ordering, Reverse};
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::table::{TableView, contains_ignore_case};
use crate::state::swarm::{ManagerStatus, Node, Service, Swarm, Task, UpdateState};
use crate::state::{Severity, SourceId, SourceKind, Store};

/// Which table the Containers tab shows; `v` cycles through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClusterMode {
    /// Every engine's containers.
    #[default]
    Containers,
    /// Every manager's services (or one service's tasks).
    Services,
    /// Every manager's nodes.
    Nodes,
}

/// The Swarm views' UI-only state: a table per view and the service drilled into.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SwarmView {
    /// Selection, sort and filter of the services table.
    pub services: TableView,
    /// Selection, sort and filter of the tasks table.
    pub tasks: TableView,
    /// Selection, sort and filter of the nodes table.
    pub nodes: TableView,
    /// Row id of the service whose tasks are shown.
    pub open: Option<String>,
}

/// Sortable columns of the services table: NAME MODE REPLICAS IMAGE UPDATE PORTS AGE.
pub const SERVICE_COLUMNS: usize = 7;
/// Sortable columns of the tasks table: TASK NODE DESIRED STATE ERROR EXIT AGE.
pub const TASK_COLUMNS: usize = 7;
/// Sortable columns of the nodes table: HOSTNAME ROLE MANAGER AVAILABILITY STATE ENGINE TASKS.
pub const NODE_COLUMNS: usize = 7;

/// One row of a Swarm view.
#[derive(Debug, Clone, PartialEq)]
pub enum SwarmRow<'a> {
    /// An engine (when several are managers) or a stack on one engine.
    Group {
        /// The manager's source.
        source: SourceId,
        /// The engine's label or the stack's name.
        label: String,
        /// Whether this is a stack (indented under its engine).
        is_stack: bool,
        /// Rows under it that pass the filter.
        count: usize,
    },
    /// One service.
    Service {
        /// The manager's source.
        source: SourceId,
        /// The service.
        service: &'a Service,
    },
    /// One task of the open service.
    Task {
        /// The manager's source.
        source: SourceId,
        /// Its service.
        service: &'a Service,
        /// The task.
        task: &'a Task,
    },
    /// One node.
    Node {
        /// The manager's source.
        source: SourceId,
        /// The node.
        node: &'a Node,
    },
}

impl SwarmRow<'_> {
    /// The stable id of the row.
    pub fn id(&self) -> String {
        match self {
            SwarmRow::Group {
                source,
                label,
                is_stack,
                ..
            } => format!("g:{}:{}{label}", source.0, if *is_stack { "/" } else { "" }),
            SwarmRow::Service { source, service } => service_id(*source, &service.id),
            SwarmRow::Task { source, task, .. } => format!("t:{}:{}", source.0, task.id),
            SwarmRow::Node { source, node } => node_id(*source, &node.id),
        }
    }

    /// The manager this row was read from.
    pub fn source(&self) -> SourceId {
        match self {
            SwarmRow::Group { source, .. }
            | SwarmRow::Service { source, .. }
            | SwarmRow::Task { source, .. }
            | SwarmRow::Node { source, .. } => *source,
        }
    }
}

/// The id of a service row.
pub fn service_id(source: SourceId, id: &str) -> String {
    format!("s:{}:{id}", source.0)
}

/// The id of a node row.
pub fn node_id(source: SourceId, id: &str) -> String {
    format!("n:{}:{id}", source.0)
}

/// Splits a row id (`s:1:abc`) into its kind letter, source and object id.
pub fn parse_id(row_id: &str) -> Option<(char, SourceId, &str)> {
    let (kind, rest) = row_id.split_once(':')?;
    let (source, id) = rest.split_once(':')?;
    let kind = kind.chars().next()?;
    Some((kind, SourceId(source.parse().ok()?), id))
}

/// Every Docker source that reports a swarm, with its slice.
pub fn managers(store: &Store) -> Vec<(SourceId, &Swarm)> {
    store
        .ids_of(SourceKind::Docker)
        .filter_map(|id| Some((id, store.source(id)?.swarm.as_ref()?)))
        .collect()
}

/// The service a row id names, with its manager.
pub fn find_service<'a>(store: &'a Store, row_id: &str) -> Option<(SourceId, &'a Service)> {
    let (kind, source, id) = parse_id(row_id)?;
    let swarm = store.source(source)?.swarm.as_ref()?;
    let found = match kind {
        's' => swarm.snapshot.services.iter().find(|s| s.id == id),
        't' => {
            let task = swarm.snapshot.tasks.iter().find(|t| t.id == id)?;
            let sid = &task.service_id;
            swarm.snapshot.services.iter().find(|s| &s.id == sid)
        }
        _ => None,
    };
    found.map(|s| (source, s))
}

/// The node a row id names, with its manager.
pub fn find_node<'a>(store: &'a Store, row_id: &str) -> Option<(SourceId, &'a Node)> {
    let (kind, source, id) = parse_id(row_id)?;
    let swarm = store.source(source)?.swarm.as_ref()?;
    (kind == 'n')
        .then(|| swarm.snapshot.nodes.iter().find(|n| n.id == id))
        .flatten()
        .map(|n| (source, n))
}

/// The task a row id names, with its manager.
pub fn find_task<'a>(store: &'a Store, row_id: &str) -> Option<(SourceId, &'a Task)> {
    let (kind, source, id) = parse_id(row_id)?;
    let swarm = store.source(source)?.swarm.as_ref()?;
    (kind == 't')
        .then(|| swarm.snapshot.tasks.iter().find(|t| t.id == id))
        .flatten()
        .map(|t| (source, t))
}

/// The rows of the Swarm view on screen, with the table that selects among them.
pub fn rows<'a>(store: &'a Store, view: &SwarmView, mode: ClusterMode) -> Vec<SwarmRow<'a>> {
    match (mode, &view.open) {
        (ClusterMode::Services, Some(open)) => task_rows(store, &view.tasks, open),
        (ClusterMode::Services, None) => service_rows(store, &view.services),
        (ClusterMode::Nodes, _) => node_rows(store, &view.nodes),
        (ClusterMode::Containers, _) => Vec::new(),
    }
}

/// The table of the Swarm view on screen.
pub fn table(view: &SwarmView, mode: ClusterMode) -> &TableView {
    match (mode, &view.open) {
        (ClusterMode::Nodes, _) => &view.nodes,
        (_, Some(_)) => &view.tasks,
        _ => &view.services,
    }
}

/// The table of the Swarm view on screen, mutably.
pub fn table_mut(view: &mut SwarmView, mode: ClusterMode) -> &mut TableView {
    match (mode, &view.open) {
        (ClusterMode::Nodes, _) => &mut view.nodes,
        (_, Some(_)) => &mut view.tasks,
        _ => &mut view.services,
    }
}

/// Services grouped by engine (when several are managers), then stack, then loose
/// services; each group filtered and sorted; empty groups go.
pub fn service_rows<'a>(store: &'a Store, table: &TableView) -> Vec<SwarmRow<'a>> {
    let all = managers(store);
    let with_engines = all.len() > 1;
    let mut out = Vec::new();
    for (source, swarm) in all {
        let kept: Vec<&Service> = swarm
            .snapshot
            .services
            .iter()
            .filter(|s| keeps_service(s, table))
            .collect();
        if kept.is_empty() {
            continue;
        }
        if with_engines {
            out.push(SwarmRow::Group {
                source,
                label: label(store, source),
                is_stack: false,
                count: kept.len(),
            });
        }
        let mut stacks: BTreeMap<&str, Vec<&Service>> = BTreeMap::new();
        let mut loose = Vec::new();
        for s in kept {
            match s.stack.as_deref() {
                Some(stack) => stacks.entry(stack).or_default().push(s),
                None => loose.push(s),
            }
        }
        for (stack, mut members) in stacks {
            out.push(SwarmRow::Group {
                source,
                label: stack.to_owned(),
                is_stack: true,
                count: members.len(),
            });
            sort_services(&mut members, table);
            out.extend(
                members
                    .into_iter()
                    .map(|service| SwarmRow::Service { source, service }),
            );
        }
        sort_services(&mut loose, table);
        out.extend(
            loose
                .into_iter()
                .map(|service| SwarmRow::Service { source, service }),
        );
    }
    out
}

/// The tasks of the service `open` names, filtered and sorted (slot, then newest).
pub fn task_rows<'a>(store: &'a Store, table: &TableView, open: &str) -> Vec<SwarmRow<'a>> {
    let Some((source, service)) = find_service(store, open) else {
        return Vec::new();
    };
    let Some(swarm) = store.source(source).and_then(|s| s.swarm.as_ref()) else {
        return Vec::new();
    };
    let mut tasks: Vec<&Task> = swarm
        .snapshot
        .tasks
        .iter()
        .filter(|t| t.service_id == service.id && keeps_task(t, table))
        .collect();
    table.sort_rows(
        &mut tasks,
        |a, b, column| compare_tasks(a, b, column),
        |a, b| {
            (a.slot.cmp(&b.slot))
                .then_with(|| b.timestamp.cmp(&a.timestamp))
                .then_with(|| a.id.cmp(&b.id))
        },
    );
    tasks
        .into_iter()
        .map(|task| SwarmRow::Task {
            source,
            service,
            task,
        })
        .collect()
}

/// Every manager's nodes, under an engine row when several are managers.
pub fn node_rows<'a>(store: &'a Store, table: &TableView) -> Vec<SwarmRow<'a>> {
    let all = managers(store);
    let with_engines = all.len() > 1;
    let mut out = Vec::new();
    for (source, swarm) in all {
        let mut kept: Vec<&Node> = swarm
            .snapshot
            .nodes
            .iter()
            .filter(|n| keeps_node(n, table))
            .collect();
        if kept.is_empty() {
            continue;
        }
        if with_engines {
            out.push(SwarmRow::Group {
                source,
                label: label(store, source),
                is_stack: false,
                count: kept.len(),
            });
        }
        table.sort_rows(
            &mut kept,
            |a, b, column| compare_nodes(a, b, column),
            |a, b| a.hostname.cmp(&b.hostname).then_with(|| a.id.cmp(&b.id)),
        );
        out.extend(kept.into_iter().map(|node| SwarmRow::Node { source, node }));
    }
    out
}

fn label(store: &Store, source: SourceId) -> String {
    store
        .source(source)
        .map(|s| s.spec.label())
        .unwrap_or_default()
}

/// `2/3`: a service's running and desired replicas.
pub fn replicas(s: &Service) -> String {
    format!("{}/{}", s.replicas_running, s.replicas_desired)
}

/// `8080:80/tcp, 53/udp`: a service's published ports.
pub fn ports(s: &Service) -> String {
    let list: Vec<String> = s
        .ports
        .iter()
        .map(|p| match p.published {
            Some(published) => format!("{published}:{}/{}", p.target, p.protocol),
            None => format!("{}/{}", p.target, p.protocol),
        })
        .collect();
    list.join(", ")
}

/// `fdstack_web.2`: a task's name as the docker CLI shows it.
pub fn task_name(service: &Service, task: &Task) -> String {
    match task.slot {
        Some(slot) => format!("{}.{slot}", service.name),
        None => format!("{}.{}", service.name, task.node.as_deref().unwrap_or("?")),
    }
}

fn keeps_service(s: &Service, table: &TableView) -> bool {
    let f = table.filter.as_str();
    f.is_empty()
        || contains_ignore_case(&s.name, f)
        || contains_ignore_case(&s.image, f)
        || s.stack
            .as_deref()
            .is_some_and(|x| contains_ignore_case(x, f))
        || contains_ignore_case(s.mode.as_str(), f)
        || contains_ignore_case(s.state_word(), f)
        || contains_ignore_case(&ports(s), f)
}

fn keeps_task(t: &Task, table: &TableView) -> bool {
    let f = table.filter.as_str();
    f.is_empty()
        || contains_ignore_case(&t.state, f)
        || contains_ignore_case(&t.desired_state, f)
        || t.node
            .as_deref()
            .is_some_and(|n| contains_ignore_case(n, f))
        || t.error
            .as_deref()
            .is_some_and(|e| contains_ignore_case(e, f))
        || contains_ignore_case(&t.id, f)
}

fn keeps_node(n: &Node, table: &TableView) -> bool {
    let f = table.filter.as_str();
    f.is_empty()
        || contains_ignore_case(&n.hostname, f)
        || contains_ignore_case(n.role.as_str(), f)
        || contains_ignore_case(n.availability.as_str(), f)
        || contains_ignore_case(n.state.as_str(), f)
        || n.manager_status
            .is_some_and(|m| contains_ignore_case(m.as_str(), f))
}

fn sort_services(list: &mut [&Service], table: &TableView) {
    table.sort_rows(
        list,
        |a, b, column| compare_services(a, b, column),
        |a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)),
    );
}

/// Ascending order of one services column; REPLICAS puts the worst first, AGE the newest.
fn compare_services(a: &Service, b: &Service, column: usize) -> Ordering {
    match column {
        1 => a.mode.as_str().cmp(b.mode.as_str()),
        2 => (Reverse(a.severity()), a.replicas_running)
            .cmp(&(Reverse(b.severity()), b.replicas_running)),
        3 => a.image.cmp(&b.image),
        4 => a
            .update_state
            .map(UpdateState::as_str)
            .cmp(&b.update_state.map(UpdateState::as_str)),
        5 => ports(a).cmp(&ports(b)),
        6 => newest_first(a.created, b.created),
        _ => Ordering::Equal,
    }
}

fn compare_tasks(a: &Task, b: &Task, column: usize) -> Ordering {
    match column {
        1 => a.node.cmp(&b.node),
        2 => a.desired_state.cmp(&b.desired_state),
        3 => (!a.has_failed(), &a.state).cmp(&(!b.has_failed(), &b.state)),
        4 => a.error.cmp(&b.error),
        5 => a.exit_code.cmp(&b.exit_code),
        6 => newest_first(a.timestamp, b.timestamp),
        _ => Ordering::Equal,
    }
}

fn compare_nodes(a: &Node, b: &Node, column: usize) -> Ordering {
    match column {
        1 => a.role.as_str().cmp(b.role.as_str()),
        2 => a
            .manager_status
            .map(ManagerStatus::as_str)
            .cmp(&b.manager_status.map(ManagerStatus::as_str)),
        3 => a.availability.as_str().cmp(b.availability.as_str()),
        4 => Reverse(a.severity()).cmp(&Reverse(b.severity())),
        5 => a.engine_version.cmp(&b.engine_version),
        6 => a.tasks_running.cmp(&b.tasks_running),
        _ => Ordering::Equal,
    }
}

fn newest_first(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> Ordering {
    b.cmp(&a)
}

/// Worst severity among a group's services as filtered, for its header.
pub fn worst(rows: &[SwarmRow<'_>]) -> Severity {
    rows.iter()
        .filter_map(|r| match r {
            SwarmRow::Service { service, .. } => Some(service.severity()),
            SwarmRow::Node { node, .. } => Some(node.severity()),
            _ => None,
        })
        .max()
        .unwrap_or(Severity::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_ids_parse_back() {
        assert_eq!(parse_id("s:2:abc"), Some(('s', SourceId(2), "abc")));
        assert_eq!(parse_id("n:0:x:y"), Some(('n', SourceId(0), "x:y")));
        assert_eq!(parse_id("s:x:abc"), None);
        assert_eq!(service_id(SourceId(3), "q"), "s:3:q");
    }
}

//! The rows of the Containers table: every Docker source's containers grouped by
//! host, then compose project, filtered and sorted within each group. Row ids are
//! stable across polls and re-sorts, so selections and folds follow the thing.

use std::cmp::{Ordering, Reverse};
use std::collections::{BTreeMap, BTreeSet};

use super::table::{TableView, contains_ignore_case};
use crate::state::container::{Container, ContainerHealth, ContainerState};
use crate::state::{Payload, SourceId, SourceKind};
use crate::state::{Severity, Store};

/// The Containers pane's UI-only state: toggles, folds and the open detail view.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContainersView {
    /// Shows only running, paused and restarting containers.
    pub running_only: bool,
    /// Shows only containers whose severity is not ok.
    pub problems_only: bool,
    /// Ids of folded host and project rows.
    pub folded: BTreeSet<String>,
    /// Row id of the container whose detail view is open.
    pub detail: Option<String>,
    /// Lines of the detail view scrolled past.
    pub detail_scroll: u16,
    /// Which table the tab shows: containers, services (or a service's tasks), nodes.
    pub mode: super::swarm::ClusterMode,
    /// The services, tasks and nodes tables.
    pub swarm: super::swarm::SwarmView,
}

/// Number of sortable columns: NAME, IMAGE, STATE, HEALTH, UPTIME, RESTARTS, CPU, MEM, PORTS.
pub const COLUMN_COUNT: usize = 9;

/// One row of the Containers table.
#[derive(Debug, Clone, PartialEq)]
pub enum ContainerRow<'a> {
    /// A Docker host; shown only when more than one is configured.
    Host {
        /// The host's source.
        source: SourceId,
        /// The host's label (`docker local`).
        label: String,
        /// Containers under it that pass the filters.
        count: usize,
        /// Whether its children are hidden.
        folded: bool,
    },
    /// A compose project on one host.
    Project {
        /// The host's source.
        source: SourceId,
        /// The project name.
        name: String,
        /// Containers in it that pass the filters.
        count: usize,
        /// Whether its children are hidden.
        folded: bool,
    },
    /// One container.
    Container {
        /// The host's source.
        source: SourceId,
        /// The container.
        container: &'a Container,
    },
}

impl<'a> ContainerRow<'a> {
    /// The stable id: `h:{source}`, `p:{source}:{project}` or `c:{source}:{container id}`.
    pub fn id(&self) -> String {
        match self {
            ContainerRow::Host { source, .. } => host_id(*source),
            ContainerRow::Project { source, name, .. } => project_id(*source, name),
            ContainerRow::Container { source, container } => container_id(*source, &container.id),
        }
    }

    /// Whether `id` is this row's id, without allocating.
    pub fn has_id(&self, id: &str) -> bool {
        let (kind, source, rest) = match self {
            ContainerRow::Host { source, .. } => ("h:", *source, None),
            ContainerRow::Project { source, name, .. } => ("p:", *source, Some(name.as_str())),
            ContainerRow::Container { source, container } => {
                ("c:", *source, Some(container.id.as_str()))
            }
        };
        let Some(tail) = id.strip_prefix(kind) else {
            return false;
        };
        match (rest, tail.split_once(':')) {
            (None, _) => tail.parse() == Ok(source.0),
            (Some(want), Some((s, got))) => got == want && s.parse() == Ok(source.0),
            (Some(_), None) => false,
        }
    }

    /// The container of a container row, with its host.
    pub fn container(&self) -> Option<(SourceId, &'a Container)> {
        match self {
            ContainerRow::Container { source, container } => Some((*source, *container)),
            _ => None,
        }
    }

    /// The host this row belongs to.
    pub fn source(&self) -> SourceId {
        match self {
            ContainerRow::Host { source, .. }
            | ContainerRow::Project { source, .. }
            | ContainerRow::Container { source, .. } => *source,
        }
    }
}

/// The id of a host row.
pub fn host_id(source: SourceId) -> String {
    format!("h:{}", source.0)
}

/// The id of a project row.
pub fn project_id(source: SourceId, project: &str) -> String {
    format!("p:{}:{project}", source.0)
}

/// The id of a container row.
pub fn container_id(source: SourceId, id: &str) -> String {
    format!("c:{}:{id}", source.0)
}

/// Splits a container row id into its source and container id.
pub fn parse_container_id(row_id: &str) -> Option<(SourceId, &str)> {
    let (source, id) = row_id.strip_prefix("c:")?.split_once(':')?;
    Some((SourceId(source.parse().ok()?), id))
}

/// The containers of one Docker source, if it has reported any.
pub fn containers_of(store: &Store, source: SourceId) -> Option<&[Container]> {
    match store.source(source)?.data.as_ref()? {
        Payload::Containers(list) => Some(list),
        _ => None,
    }
}

/// The table's rows: hosts (when several), projects, then loose containers, each
/// group filtered and sorted; folded groups hide their children; empty groups go.
pub fn rows<'a>(
    store: &'a Store,
    table: &TableView,
    view: &ContainersView,
) -> Vec<ContainerRow<'a>> {
    let hosts: Vec<SourceId> = store.ids_of(SourceKind::Docker).collect();
    let with_hosts = hosts.len() > 1;
    let mut out = Vec::new();
    for source in hosts {
        let Some(list) = containers_of(store, source) else {
            continue;
        };
        let kept: Vec<&Container> = list.iter().filter(|c| keeps(c, table, view)).collect();
        if kept.is_empty() {
            continue;
        }
        if with_hosts {
            let folded = view.folded.contains(&host_id(source));
            let label = store
                .source(source)
                .map(|s| s.spec.label())
                .unwrap_or_default();
            out.push(ContainerRow::Host {
                source,
                label,
                count: kept.len(),
                folded,
            });
            if folded {
                continue;
            }
        }
        push_groups(&mut out, source, kept, table, view);
    }
    out
}

/// Appends one host's project groups, then its containers without a project.
fn push_groups<'a>(
    out: &mut Vec<ContainerRow<'a>>,
    source: SourceId,
    kept: Vec<&'a Container>,
    table: &TableView,
    view: &ContainersView,
) {
    let mut projects: BTreeMap<&str, Vec<&Container>> = BTreeMap::new();
    let mut loose = Vec::new();
    for c in kept {
        match c.project.as_deref() {
            Some(p) => projects.entry(p).or_default().push(c),
            None => loose.push(c),
        }
    }
    for (name, mut members) in projects {
        let folded = view.folded.contains(&project_id(source, name));
        let count = members.len();
        out.push(ContainerRow::Project {
            source,
            name: name.to_owned(),
            count,
            folded,
        });
        if !folded {
            sort(&mut members, table);
            out.extend(
                members
                    .into_iter()
                    .map(|container| ContainerRow::Container { source, container }),
            );
        }
    }
    sort(&mut loose, table);
    out.extend(
        loose
            .into_iter()
            .map(|container| ContainerRow::Container { source, container }),
    );
}

/// Whether a container passes the toggles and the `/` filter.
pub fn keeps(c: &Container, table: &TableView, view: &ContainersView) -> bool {
    let running = matches!(
        c.state,
        ContainerState::Running | ContainerState::Paused | ContainerState::Restarting
    );
    if view.running_only && !running {
        return false;
    }
    if view.problems_only && c.severity() == Severity::Ok {
        return false;
    }
    let f = table.filter.as_str();
    f.is_empty()
        || contains_ignore_case(&c.name, f)
        || contains_ignore_case(&c.image, f)
        || c.project
            .as_deref()
            .is_some_and(|p| contains_ignore_case(p, f))
        || contains_ignore_case(c.state.as_str(), f)
        || (c.crash_loop && contains_ignore_case("crash loop", f))
        || contains_ignore_case(c.health.as_str(), f)
        || c.ports.iter().any(|p| contains_ignore_case(p, f))
}

/// Sorts one group by the table's column; ties go by name, then id.
fn sort(list: &mut [&Container], table: &TableView) {
    table.sort_rows(
        list,
        |a, b, column| compare(a, b, column),
        |a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)),
    );
}

/// Ascending order of one column; STATE and HEALTH put problems first, UPTIME
/// the most recently (re)started or stopped first.
fn compare(a: &Container, b: &Container, column: usize) -> Ordering {
    match column {
        1 => a.image.cmp(&b.image),
        2 => state_key(a).cmp(&state_key(b)),
        3 => health_rank(a.health).cmp(&health_rank(b.health)),
        4 => since(b).cmp(&since(a)),
        5 => a.restart_count.cmp(&b.restart_count),
        6 => cpu(a).total_cmp(&cpu(b)),
        7 => a
            .stats
            .map(|s| s.mem_used)
            .cmp(&b.stats.map(|s| s.mem_used)),
        8 => a.ports.cmp(&b.ports),
        _ => Ordering::Equal,
    }
}

fn state_key(c: &Container) -> (Reverse<Severity>, &'static str) {
    (Reverse(c.severity()), c.state.as_str())
}

fn health_rank(h: ContainerHealth) -> u8 {
    match h {
        ContainerHealth::Unhealthy => 0,
        ContainerHealth::Starting => 1,
        ContainerHealth::Healthy => 2,
        ContainerHealth::None => 3,
    }
}

/// When the container's current phase began: its start while up, its stop otherwise.
fn since(c: &Container) -> Option<chrono::DateTime<chrono::Utc>> {
    if matches!(c.state, ContainerState::Exited | ContainerState::Dead) {
        c.finished_at
    } else {
        c.started_at
    }
}

fn cpu(c: &Container) -> f64 {
    c.stats.map_or(-1.0, |s| s.cpu_percent)
}

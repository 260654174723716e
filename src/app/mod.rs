//! The application: state owned by the event loop (`App`), the pure `update`,
//! and the loop that feeds it (`run`). Only `update` writes `App`.

pub mod alerts;
pub mod burst;
mod card;
pub mod choosers;
pub mod containers;
pub mod copy;
pub mod data;
pub mod effect;
mod incoming;
pub mod input;
pub mod jump;
mod keys;
pub mod messages;
pub mod models;
pub mod msg;
pub mod pipelines;
pub mod run;
pub mod swarm;
pub mod undo;
pub mod update;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::command::Context;
use crate::config::keymap::Keymap;
use crate::sources::docker::Focus;
use crate::sources::github::Focus as RunFocus;
use crate::state::{Health, Store};
use crate::state::{SourceId, SourceKind};
use crate::status::Attention;
use crate::view::containers::{ContainerRow, rows as containers_rows};
use crate::view::pipelines::{JobRow, find_run, job_rows, run_id, runs as pipeline_runs};
use crate::view::screen::Screen;
use crate::view::table::scroll_offset;
use crate::view::{Tab, ViewState};

/// Everything the UI shows: the store, the view state and settings.
#[derive(Debug, Clone)]
pub struct App {
    /// Data from the sources.
    pub store: Store,
    /// UI-only state.
    pub view: ViewState,
    /// Key bindings.
    pub keymap: Keymap,
    /// Whether mutations are refused.
    pub read_only: bool,
    /// Whether to ring the bell when something turns critical (`bell = true`).
    pub bell: bool,
    /// Ids of the items each source reported critical last time, for the bell.
    pub critical: HashMap<SourceId, HashSet<String>>,
    /// The time of the latest message; ages on screen are relative to it.
    pub now: DateTime<Utc>,
    /// Terminal size in cells (width, height).
    pub size: (u16, u16),
    /// Whether the screen must be redrawn.
    pub dirty: bool,
    /// The local user, the default creator of silences.
    pub user: String,
    /// Swarm actions done and watched until they converge.
    pub swarm_watch: Vec<swarm::Watch>,
    /// Actions handed to the executor that have not reported back yet.
    pub in_flight: Vec<crate::actions::Action>,
    /// This session's reversible actions that worked, oldest first, for `:undo` and `u`.
    pub undo: Vec<undo::Reversible>,
    /// The row ids of the tab last asked for, kept while only the selection moves.
    rows: RefCell<Option<(Tab, Arc<Vec<String>>)>>,
}

impl App {
    /// A borrowed view of what the screen shows, for drawing and derivations.
    pub fn screen(&self) -> Screen<'_> {
        Screen {
            store: &self.store,
            view: &self.view,
            keymap: &self.keymap,
            read_only: self.read_only,
            now: self.now,
            size: self.size,
        }
    }

    /// The keymap contexts active now, innermost first.
    pub fn contexts(&self) -> Vec<Context> {
        self.screen().contexts()
    }

    /// Rows in one page of the current pane's table or text.
    pub fn page_rows(&self) -> usize {
        self.screen().page_rows()
    }

    /// What needs attention now, worst first, as the Overview shows it.
    pub fn attention(&self) -> Vec<Attention> {
        self.screen().attention()
    }

    /// The Overview's source rows (indices into the store), filtered and sorted.
    pub fn overview_order(&self) -> Vec<usize> {
        self.screen().overview_order()
    }

    /// The sources whose data the current tab shows.
    pub fn visible_sources(&self) -> Vec<SourceId> {
        self.screen().visible_sources()
    }

    /// A fresh app on the Overview tab.
    pub fn new(store: Store, keymap: Keymap, read_only: bool, now: DateTime<Utc>) -> Self {
        App {
            store,
            view: ViewState::default(),
            keymap,
            read_only,
            bell: false,
            critical: HashMap::new(),
            now,
            size: (80, 24),
            dirty: true,
            user: crate::actions::audit::local_user(),
            swarm_watch: Vec::new(),
            in_flight: Vec::new(),
            undo: Vec::new(),
            rows: RefCell::new(None),
        }
    }

    /// The ids of the rows of a tab's table, filtered and sorted as shown. Computed
    /// once and kept while only the selection moves (`update` forgets them on any other
    /// message), so a burst of movement keys on a long table filters and sorts once.
    pub fn rows_of(&self, tab: Tab) -> Arc<Vec<String>> {
        if let Some((cached, ids)) = self.rows.borrow().as_ref()
            && *cached == tab
        {
            return Arc::clone(ids);
        }
        let ids = Arc::new(self.compute_row_ids(tab));
        *self.rows.borrow_mut() = Some((tab, Arc::clone(&ids)));
        ids
    }

    /// The ids of the rows of a tab's table, as an owned list (see `rows_of`).
    pub fn row_ids(&self, tab: Tab) -> Vec<String> {
        self.rows_of(tab).as_ref().clone()
    }

    /// Forgets the kept row ids: the store or the view may have changed them.
    pub fn forget_rows(&mut self) {
        *self.rows.get_mut() = None;
    }

    fn compute_row_ids(&self, tab: Tab) -> Vec<String> {
        match tab {
            Tab::Overview if self.view.overview.feed_focus => {
                crate::view::overview::feed_ids(&self.store.feed, &self.view.overview.feed)
            }
            Tab::Overview if self.view.overview.card.is_some() => self
                .screen()
                .card()
                .map(|a| crate::view::overview::card_ids(&a))
                .unwrap_or_default(),
            Tab::Overview => self.screen().overview_ids(),
            Tab::Containers
                if self.view.containers.mode != crate::view::swarm::ClusterMode::Containers =>
            {
                swarm::row_ids(self)
            }
            Tab::Containers => {
                let table = &self.view.tables[tab.index()];
                containers_rows(&self.store, table, &self.view.containers)
                    .iter()
                    .map(ContainerRow::id)
                    .collect()
            }
            Tab::Metrics => alerts::metrics_row_ids(self),
            Tab::Alerts => alerts::alerts_row_ids(self),
            Tab::Models if self.view.models.model.is_some() => models::version_ids(self),
            Tab::Models => crate::view::models::snapshot(&self.store)
                .map(|(_, snap)| {
                    crate::view::models::model_rows(snap, &self.view.tables[tab.index()])
                        .iter()
                        .map(|m| m.name.clone())
                        .collect()
                })
                .unwrap_or_default(),
            Tab::Pipelines => self.pipeline_row_ids(),
            Tab::Data => crate::view::dags::row_ids(
                &self.store,
                &self.view.tables[tab.index()],
                &self.view.data,
            ),
        }
    }

    /// The Pipelines rows: a run's job and step rows when drilled in, else the runs.
    fn pipeline_row_ids(&self) -> Vec<String> {
        let view = &self.view.pipelines;
        if let Some(id) = view.drill {
            return find_run(&self.store, id)
                .map(|(_, run)| {
                    job_rows(run, &view.jobs.filter)
                        .iter()
                        .map(JobRow::id)
                        .collect()
                })
                .unwrap_or_default();
        }
        let table = &self.view.tables[Tab::Pipelines.index()];
        pipeline_runs(&self.store, table, view)
            .iter()
            .map(|(_, r)| run_id(r))
            .collect()
    }

    /// Which runs each GitHub source has on screen (empty off the Pipelines tab).
    pub fn run_focus(&self) -> Vec<(SourceId, RunFocus)> {
        let mut focus: Vec<(SourceId, RunFocus)> = self
            .store
            .ids_of(SourceKind::Github)
            .map(|id| (id, RunFocus::default()))
            .collect();
        if self.view.tab != Tab::Pipelines {
            return focus;
        }
        let view = &self.view.pipelines;
        if let Some((source, run)) = view.drill.and_then(|id| find_run(&self.store, id)) {
            if let Some((_, f)) = focus.iter_mut().find(|(id, _)| *id == source) {
                f.selected = Some(run.id);
            }
            return focus;
        }
        let table = &self.view.tables[Tab::Pipelines.index()];
        let list = pipeline_runs(&self.store, table, view);
        let ids: Vec<String> = list.iter().map(|(_, r)| run_id(r)).collect();
        let selected = table.position(&ids);
        let page = self.page_rows();
        let offset = selected.map_or(table.offset, |s| {
            scroll_offset(table.offset, s, page, list.len())
        });
        for (i, (source, run)) in list.iter().enumerate().skip(offset).take(page) {
            let Some((_, f)) = focus.iter_mut().find(|(id, _)| id == source) else {
                continue;
            };
            f.visible.push(run.id);
            if Some(i) == selected {
                f.selected = Some(run.id);
            }
        }
        focus
    }

    /// Which containers each Docker source has on screen (empty off the Containers tab).
    pub fn docker_focus(&self) -> Vec<(SourceId, Focus)> {
        let mut focus: Vec<(SourceId, Focus)> = self
            .store
            .ids_of(SourceKind::Docker)
            .map(|id| (id, Focus::default()))
            .collect();
        if self.view.tab != Tab::Containers {
            return focus;
        }
        swarm::focus(self, &mut focus);
        let table = &self.view.tables[Tab::Containers.index()];
        let rows = containers_rows(&self.store, table, &self.view.containers);
        let ids: Vec<String> = rows.iter().map(ContainerRow::id).collect();
        let selected = table.position(&ids);
        let page = self.page_rows();
        let offset = selected.map_or(table.offset, |s| {
            scroll_offset(table.offset, s, page, rows.len())
        });
        for (i, row) in rows.iter().enumerate().skip(offset).take(page) {
            let Some((source, c)) = row.container() else {
                continue;
            };
            let Some((_, f)) = focus.iter_mut().find(|(id, _)| *id == source) else {
                continue;
            };
            f.visible.push(c.id.clone());
            if Some(i) == selected {
                f.selected = Some(c.id.clone());
            }
        }
        focus
    }

    /// Number of sortable columns of the current tab's table.
    pub fn column_count(&self) -> usize {
        match self.view.tab {
            Tab::Overview => 4,
            Tab::Containers => swarm_columns(&self.view.containers),
            Tab::Metrics if alerts::shows_targets(self) => crate::view::metrics::TARGET_COLUMNS,
            Tab::Models => crate::view::models::COLUMN_COUNT,
            Tab::Pipelines => crate::view::pipelines::COLUMN_COUNT,
            _ => 0,
        }
    }

    /// How long the loop may sleep before anything on screen changes by itself:
    /// an age (seconds under a minute, then minutes), fresh data turning stale,
    /// a container's uptime on the Containers tab, or a toast expiring.
    pub fn next_wakeup(&self) -> Option<Duration> {
        let age_tick = |age: i64| {
            if age < 60 {
                1000
            } else {
                (60 - age % 60) * 1000
            }
        };
        let mut waits: Vec<i64> = Vec::new();
        for s in &self.store.sources {
            match &s.health {
                Health::Ok { at } => {
                    let stale_in = (crate::state::health::stale_at(*at, s.spec.interval)
                        - self.now)
                        .num_milliseconds();
                    let age = (self.now - *at).num_seconds().max(0);
                    waits.push(if stale_in >= 0 {
                        stale_in + 1000
                    } else {
                        age_tick(age)
                    });
                }
                Health::Error { since: at, .. } | Health::Crashed { at, .. } => {
                    waits.push(age_tick((self.now - *at).num_seconds().max(0)));
                }
                Health::NeverPolled => {}
            }
        }
        if let Some(age) = self.youngest_container_age() {
            waits.push(if age < 60 { 1000 } else { 60_000 });
        }
        if let Some(t) = &self.view.toast {
            waits.push((t.until - self.now).num_milliseconds().max(0));
        }
        waits
            .into_iter()
            .min()
            .map(|ms| Duration::from_millis(ms.max(0).cast_unsigned()))
    }

    /// Seconds since the most recent container start or stop, on the Containers tab.
    fn youngest_container_age(&self) -> Option<i64> {
        if self.view.tab != Tab::Containers {
            return None;
        }
        self.store
            .sources
            .iter()
            .filter_map(|s| match &s.data {
                Some(crate::state::Payload::Containers(list)) => Some(list),
                _ => None,
            })
            .flatten()
            .filter_map(|c| c.started_at.max(c.finished_at))
            .map(|t| (self.now - t).num_seconds().max(0))
            .min()
    }
}

/// Sortable columns of the Containers tab's table on screen.
fn swarm_columns(view: &crate::view::containers::ContainersView) -> usize {
    use crate::view::swarm::{ClusterMode, NODE_COLUMNS, SERVICE_COLUMNS, TASK_COLUMNS};
    match (view.mode, &view.swarm.open) {
        (ClusterMode::Containers, _) => crate::view::containers::COLUMN_COUNT,
        (ClusterMode::Nodes, _) => NODE_COLUMNS,
        (ClusterMode::Services, Some(_)) => TASK_COLUMNS,
        (ClusterMode::Services, None) => SERVICE_COLUMNS,
    }
}

/// Shows a toast for five seconds from `app.now`.
pub fn toast(app: &mut App, text: String, level: crate::view::ToastLevel) {
    let until = app.now + chrono::Duration::seconds(5);
    toast_until(app, text, level, until);
}

/// Shows a toast until `until` and keeps its whole text for `:messages`.
pub fn toast_until(
    app: &mut App,
    text: String,
    level: crate::view::ToastLevel,
    until: DateTime<Utc>,
) {
    let messages = &mut app.view.messages;
    if messages.len() >= crate::view::MESSAGE_CAPACITY {
        messages.pop_front();
    }
    messages.push_back(crate::view::Message {
        at: app.now,
        level,
        text: text.clone(),
    });
    app.view.toast = Some(crate::view::Toast { text, level, until });
}

/// Whether actions are refused (`--read-only`); says so in a toast when they are.
pub fn refuse_read_only(app: &mut App) -> bool {
    if app.read_only {
        let text = "read-only: actions are disabled".to_owned();
        toast(app, text, crate::view::ToastLevel::Error);
    }
    app.read_only
}

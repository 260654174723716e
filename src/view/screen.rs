//! A borrowed view of everything the screen shows — the store, the view state,
//! the keymap, read-only and the time — and the derivations both `update` and
//! drawing need from it. Cheap to build: references and copies only.

use chrono::{DateTime, Utc};

use super::{Tab, ViewState};
use crate::command::{Command, Context};
use crate::config::keymap::Keymap;
use crate::state::apps::AppStatus;
use crate::state::{Health, Severity, SourceId, Store};
use crate::status::Attention;

/// Rows above the body (tab bar, source line).
pub const HEADER_ROWS: u16 = 2;
/// Rows below the body (footer).
pub const FOOTER_ROWS: u16 = 1;

/// Height of the body for a terminal of `size` (width, height).
pub fn body_height(size: (u16, u16)) -> u16 {
    size.1.saturating_sub(HEADER_ROWS + FOOTER_ROWS)
}

/// What one frame shows, borrowed from the app.
#[derive(Debug, Clone, Copy)]
pub struct Screen<'a> {
    /// Data from the sources.
    pub store: &'a Store,
    /// UI-only state.
    pub view: &'a ViewState,
    /// Key bindings.
    pub keymap: &'a Keymap,
    /// Whether mutations are refused (and hidden from hints).
    pub read_only: bool,
    /// The time ages on screen are relative to.
    pub now: DateTime<Utc>,
    /// Terminal size in cells (width, height).
    pub size: (u16, u16),
}

impl Screen<'_> {
    /// The keymap contexts active now, innermost first.
    pub fn contexts(&self) -> Vec<Context> {
        if self.view.text.is_some() && self.view.tab == Tab::Data {
            vec![Context::Text, Context::Data, Context::List, Context::Global]
        } else if self.view.text.is_some() {
            vec![Context::Text, Context::List, Context::Global]
        } else if self.view.tab == Tab::Containers {
            let inner = match self.view.containers.mode {
                _ if self.view.containers.detail.is_some() => Context::Containers,
                super::swarm::ClusterMode::Containers => Context::Containers,
                super::swarm::ClusterMode::Services => Context::Services,
                super::swarm::ClusterMode::Nodes => Context::Nodes,
            };
            vec![inner, Context::Cluster, Context::List, Context::Global]
        } else if self.view.tab == Tab::Metrics {
            vec![Context::Metrics, Context::List, Context::Global]
        } else if self.view.tab == Tab::Alerts {
            vec![Context::Alerts, Context::List, Context::Global]
        } else if self.view.tab == Tab::Models {
            vec![Context::Models, Context::List, Context::Global]
        } else if self.view.tab == Tab::Pipelines {
            vec![Context::Pipelines, Context::List, Context::Global]
        } else if self.view.tab == Tab::Data {
            vec![Context::Data, Context::List, Context::Global]
        } else {
            vec![Context::List, Context::Global]
        }
    }

    /// The first key of `cmd` that runs it in the current pane (none: no key reaches it here).
    pub fn key_for(&self, cmd: Command) -> Option<crate::config::keymap::Key> {
        let contexts = self.contexts();
        self.keymap.keys(cmd).iter().copied().find(|k| {
            let ev = crossterm::event::KeyEvent::new(k.code, k.mods);
            self.keymap.lookup(&ev, &contexts) == Some(cmd)
        })
    }

    /// Rows in one page of the current pane's table or text.
    pub fn page_rows(&self) -> usize {
        usize::from(body_height(self.size).saturating_sub(1)).max(1)
    }

    /// What needs attention now, worst first, filtered by the Overview's `/` filter;
    /// the same list `flightdeck status` prints.
    pub fn attention(&self) -> Vec<Attention> {
        let table = &self.view.tables[Tab::Overview.index()];
        crate::status::attention(self.store, self.now)
            .into_iter()
            .filter(|a| table.matches(&a.text()))
            .collect()
    }

    /// The apps, worst first, filtered by the Overview's `/` filter.
    pub fn apps(&self) -> Vec<AppStatus> {
        let table = &self.view.tables[Tab::Overview.index()];
        crate::state::apps::apps(self.store, self.now)
            .into_iter()
            .filter(|a| table.matches(&super::overview::app_haystack(a)))
            .collect()
    }

    /// The Overview's selectable rows: the apps, then what needs attention.
    pub fn overview_ids(&self) -> Vec<String> {
        let apps = self.apps();
        let attention = self.attention();
        apps.iter()
            .map(AppStatus::row_id)
            .chain(attention.iter().map(Attention::row_id))
            .collect()
    }

    /// The app whose card is open, joined now (none when it is gone from the config).
    pub fn card(&self) -> Option<AppStatus> {
        let name = self.view.overview.card.as_deref()?;
        let spec = self.store.apps.iter().find(|a| a.name == name)?;
        Some(crate::state::apps::join(self.store, spec, self.now))
    }

    /// The window title (OSC 2): the worst state and how many items share it, so a
    /// tmux window list shows trouble (`✗ 3 critical · flightdeck`); the Overview's
    /// filter does not narrow it.
    pub fn title(&self) -> String {
        title(&crate::status::attention(self.store, self.now))
    }

    /// The Overview's source rows (indices into the store), filtered and sorted.
    ///
    /// Columns: 0 source name, 1 health (failing first), 2 age of the data.
    pub fn overview_order(&self) -> Vec<usize> {
        let view = &self.view.tables[Tab::Overview.index()];
        let mut order: Vec<usize> = (0..self.store.sources.len())
            .filter(|&i| view.matches(&source_key(&self.store.sources[i])))
            .collect();
        let sources = &self.store.sources;
        match view.sort_column {
            1 => order.sort_by_key(|&i| std::cmp::Reverse(health_rank(&sources[i].health))),
            2 => order.sort_by_key(|&i| std::cmp::Reverse(sources[i].last_ok)),
            _ => order.sort_by(|&a, &b| source_key(&sources[a]).cmp(&source_key(&sources[b]))),
        }
        if view.descending {
            order.reverse();
        }
        order
    }

    /// The sources whose data the current tab shows.
    pub fn visible_sources(&self) -> Vec<SourceId> {
        let tab = self.view.tab;
        self.store
            .sources
            .iter()
            .enumerate()
            .filter(|(_, s)| tab.shows(s.spec.kind))
            .map(|(i, _)| SourceId(i))
            .collect()
    }
}

/// The window title for `items` (worst first): the worst severity, counted.
pub fn title(items: &[Attention]) -> String {
    let Some(worst) = items.first().map(|a| a.severity) else {
        return "flightdeck".to_owned();
    };
    let n = items.iter().filter(|a| a.severity == worst).count();
    let (glyph, word) = match worst {
        Severity::Critical => ("✗", "critical"),
        Severity::Warning if n == 1 => ("!", "warning"),
        Severity::Warning => ("!", "warnings"),
        Severity::Unknown => ("?", "failing"),
        Severity::Ok => return "flightdeck".to_owned(),
    };
    format!("{glyph} {n} {word} · flightdeck")
}

/// The commands the palette offers for `query`; actions are left out when read-only.
pub fn palette_entries(query: &str, read_only: bool) -> impl Iterator<Item = Command> + '_ {
    let q = query.to_lowercase();
    Command::ALL.iter().copied().filter(move |c| {
        *c != Command::Palette
            && !(read_only && c.is_action())
            && (q.is_empty()
                || c.name().contains(&q)
                || c.description().to_lowercase().contains(&q))
    })
}

/// The stable id of a source row: its label (`github`, `docker local`).
pub fn source_key(s: &crate::state::SourceState) -> String {
    s.spec.label()
}

fn health_rank(h: &Health) -> u8 {
    match h {
        Health::Crashed { .. } => 4,
        Health::Error { .. } => 3,
        Health::NeverPolled => 2,
        Health::Ok { .. } => 1,
    }
}

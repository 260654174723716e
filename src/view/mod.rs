//! The view layer: UI-only state (the current tab, overlays, the input line,
//! toasts, each tab's table view) and pure derivations from `(store, view)` —
//! rows as shown, selection by stable id, filters, sorts. Written only by
//! `update`; read by `ui::draw` through a borrowed `Screen`. No drawing here.

pub mod alerts;
pub mod ansi;
pub mod containers;
pub mod dags;
pub mod form;
pub mod metrics;
pub mod models;
pub mod overview;
pub mod pipelines;
pub mod screen;
pub mod swarm;
pub mod table;
pub mod text;

use std::collections::VecDeque;

use chrono::{DateTime, Utc};

use crate::state::DispatchTarget;
use crate::state::action::Action;
use crate::state::{SourceId, SourceKind};
use alerts::AlertsView;
use containers::ContainersView;
use form::Form;
use metrics::MetricsView;
use models::ModelsView;
use overview::OverviewView;
use pipelines::PipelinesView;
pub use screen::Screen;
use table::TableView;
use text::TextView;

/// A top-level tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Tab {
    /// What needs attention across all sources.
    #[default]
    Overview,
    /// CI pipeline runs.
    Pipelines,
    /// Containers on every Docker host.
    Containers,
    /// ML model versions.
    Models,
    /// Prometheus panels.
    Metrics,
    /// Firing and pending alerts.
    Alerts,
    /// Airflow DAGs, runs, tasks and logs.
    Data,
}

impl Tab {
    /// Every tab, in key order (`1`–`7`).
    pub const ALL: [Tab; 7] = [
        Tab::Overview,
        Tab::Pipelines,
        Tab::Containers,
        Tab::Models,
        Tab::Metrics,
        Tab::Alerts,
        Tab::Data,
    ];

    /// The tab's title.
    pub fn title(self) -> &'static str {
        match self {
            Tab::Overview => "Overview",
            Tab::Pipelines => "Pipelines",
            Tab::Containers => "Containers",
            Tab::Models => "Models",
            Tab::Metrics => "Metrics",
            Tab::Alerts => "Alerts",
            Tab::Data => "Data",
        }
    }

    /// Position in `Tab::ALL`.
    pub fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }

    /// The tab `delta` steps away, wrapping around.
    pub fn cycle(self, delta: isize) -> Tab {
        let n = Tab::ALL.len().cast_signed();
        let i = (self.index().cast_signed() + delta).rem_euclid(n);
        Tab::ALL[i.cast_unsigned()]
    }

    /// The source kinds whose data this tab shows (empty: all of them).
    pub fn kinds(self) -> &'static [SourceKind] {
        match self {
            Tab::Overview => &[],
            Tab::Pipelines => &[SourceKind::Github],
            Tab::Containers => &[SourceKind::Docker],
            Tab::Models => &[SourceKind::Mlflow],
            Tab::Metrics => &[SourceKind::Prometheus],
            Tab::Alerts => &[SourceKind::Prometheus, SourceKind::Alertmanager],
            Tab::Data => &[SourceKind::Airflow],
        }
    }

    /// Whether this tab shows data of `kind`.
    pub fn shows(self, kind: SourceKind) -> bool {
        self.kinds().is_empty() || self.kinds().contains(&kind)
    }
}

/// A layer drawn above the pane; the last one gets the keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    /// Keys of the current pane.
    Help,
    /// The `:` command palette.
    Palette(PaletteView),
    /// "Really do this?" for an action; `y` confirms, anything else cancels.
    Confirm(ConfirmView),
    /// Choose the signal to send to a container.
    Signal(SignalView),
    /// A form of text fields; Enter submits, Esc cancels.
    Form(Form, FormPurpose),
    /// Choose an alias to set on (or delete from) a model version.
    Alias(AliasView),
    /// Choose the stage to move a model version to.
    Stage(StageView),
    /// Fill a workflow's dispatch inputs.
    Dispatch(DispatchForm),
    /// "Quit anyway?" while actions are in flight; `y` quits, anything else stays.
    Quit(QuitView),
}

/// The actions still running when quit was asked for, as sentences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuitView {
    /// One line per action in flight (`Restart container 'web-1' on docker local`).
    pub in_flight: Vec<String>,
}

/// What a submitted form turns into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormPurpose {
    /// Trigger a DAG run, or mark a run or task (the Data tab).
    Dag(dags::DagForm),
    /// A silence in this Alertmanager, made from the alert `alert`.
    Silence {
        /// The Alertmanager's source.
        source: SourceId,
        /// Its label.
        host: String,
        /// The alert's name.
        alert: String,
    },
    /// Scale the service `id` of the Swarm manager `source`.
    Scale {
        /// The manager's source.
        source: SourceId,
        /// Its label.
        host: String,
        /// The service's id.
        id: String,
        /// The service's name.
        name: String,
    },
    /// Set the availability of the node `id` of the Swarm manager `source`.
    Availability {
        /// The manager's source.
        source: SourceId,
        /// Its label.
        host: String,
        /// The node's id.
        id: String,
        /// The node's hostname.
        name: String,
    },
}

impl FormPurpose {
    /// What the form asks for, in a word (`silence cancelled`).
    pub fn what(&self) -> &'static str {
        match self {
            FormPurpose::Silence { .. } => "silence",
            FormPurpose::Scale { .. } => "scale",
            FormPurpose::Availability { .. } => "availability change",
            FormPurpose::Dag(d) if d.trigger => "trigger",
            FormPurpose::Dag(_) => "mark",
        }
    }
}

/// The alias chooser for one model version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AliasView {
    /// The MLflow source.
    pub source: SourceId,
    /// Its label.
    pub host: String,
    /// Registered model name.
    pub model: String,
    /// The version acted on.
    pub version: String,
    /// Whether the chosen alias is deleted (else set on `version`).
    pub delete: bool,
    /// The aliases offered, with the version each points at now.
    pub choices: Vec<(String, String)>,
    /// What was typed: filters the choices, or names a new alias.
    pub typed: String,
    /// Index into `entries()`.
    pub selected: usize,
}

/// One line of the alias chooser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AliasEntry {
    /// The alias.
    pub alias: String,
    /// The version it points at now (`None`: a new alias).
    pub current: Option<String>,
}

impl AliasView {
    /// The aliases matching what was typed, then the typed name as a new alias.
    pub fn entries(&self) -> Vec<AliasEntry> {
        let typed = self.typed.trim();
        let mut out: Vec<AliasEntry> = self
            .choices
            .iter()
            .filter(|(a, _)| typed.is_empty() || a.contains(typed))
            .map(|(a, v)| AliasEntry {
                alias: a.clone(),
                current: Some(v.clone()),
            })
            .collect();
        if !self.delete && !typed.is_empty() && !self.choices.iter().any(|(a, _)| a == typed) {
            out.push(AliasEntry {
                alias: typed.to_owned(),
                current: None,
            });
        }
        out
    }
}

/// The stage chooser for one model version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageView {
    /// The MLflow source.
    pub source: SourceId,
    /// Its label.
    pub host: String,
    /// Registered model name.
    pub model: String,
    /// The version.
    pub version: String,
    /// Its stage now.
    pub current: Option<String>,
    /// Index into `actions::STAGES`.
    pub selected: usize,
}

/// The dispatch form of one workflow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DispatchForm {
    /// The workflow.
    pub target: DispatchTarget,
    /// The ref field, then one field per declared input.
    pub form: Form,
}

/// An action waiting for confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmView {
    /// The action.
    pub action: Action,
    /// Whether this is the second confirmation of a double-confirmed action.
    pub second: bool,
}

/// The signal chooser for one container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignalView {
    /// The engine's source.
    pub source: SourceId,
    /// The engine's label.
    pub host: String,
    /// Container id.
    pub id: String,
    /// Container name.
    pub name: String,
    /// Index into `actions::KILL_SIGNALS`.
    pub selected: usize,
}

/// The palette's query and selection.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PaletteView {
    /// What was typed.
    pub query: String,
    /// Index into the matching entries.
    pub selected: usize,
}

/// What the input line is editing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputTarget {
    /// The current tab's row filter.
    Filter(Tab),
    /// The open text viewer's search.
    Search,
}

/// The single-line text input at the bottom of the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// What the text is for.
    pub target: InputTarget,
    /// The text so far.
    pub text: String,
    /// Whether the whole text is selected (reopened): typing replaces it.
    pub selected: bool,
}

/// How a toast is coloured and worded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToastLevel {
    /// Something worked.
    Info,
    /// Something failed.
    Error,
    /// Something is under way.
    Progress,
}

/// A one-line result message that disappears after a few seconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toast {
    /// The message.
    pub text: String,
    /// Its level.
    pub level: ToastLevel,
    /// When it stops being shown.
    pub until: DateTime<Utc>,
}

impl Toast {
    /// Whether the footer, `width` cells wide, cuts the text (Enter then opens it whole).
    pub fn is_cut(&self, width: u16) -> bool {
        self.level != ToastLevel::Progress && self.text.chars().count() + 3 > usize::from(width)
    }
}

/// Most messages kept for `:messages`; older ones are dropped.
pub const MESSAGE_CAPACITY: usize = 100;

/// A toast as it was shown, kept for `:messages`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// When it was shown.
    pub at: DateTime<Utc>,
    /// Its level.
    pub level: ToastLevel,
    /// The whole text.
    pub text: String,
}

/// All UI-only state.
#[derive(Debug, Clone, Default)]
pub struct ViewState {
    /// The tab on screen.
    pub tab: Tab,
    /// Overlays, innermost last.
    pub overlays: Vec<Overlay>,
    /// The active input line, if any.
    pub input: Option<Input>,
    /// The current toast, if any.
    pub toast: Option<Toast>,
    /// The latest toasts in full, oldest first, at most `MESSAGE_CAPACITY`.
    pub messages: VecDeque<Message>,
    /// Each tab's table state, by `Tab::index`.
    pub tables: [TableView; 7],
    /// The open text viewer (logs), if any.
    pub text: Option<TextView>,
    /// The id of the newest log stream; lines of older streams are dropped.
    pub log_stream: u64,
    /// Containers pane state: toggles, folds, detail view.
    pub containers: ContainersView,
    /// Metrics pane state: zoom, targets view.
    pub metrics: MetricsView,
    /// Alerts pane state: alerts or silences.
    pub alerts: AlertsView,
    /// Models pane state: open model, version, comparison, fetched runs.
    pub models: ModelsView,
    /// Pipelines pane state: toggles, drill-down.
    pub pipelines: PipelinesView,
    /// Overview state: whether the change feed has focus, its scroll and filter.
    pub overview: OverviewView,
    /// Data tab state: the DAG and run drilled into, tasks read on demand.
    pub data: dags::DataView,
    /// Where Esc returns after a jump (from the Overview, or to a build run).
    pub back_to: Option<BackTo>,
}

/// A jump between tabs that Esc undoes while still on the tab jumped to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackTo {
    /// The tab the jump started from.
    pub from: Tab,
    /// The tab it landed on.
    pub to: Tab,
}

impl ViewState {
    /// The current tab's table state.
    pub fn table(&self) -> &TableView {
        &self.tables[self.tab.index()]
    }

    /// The table the cursor keys move: the jobs view when drilled into a run.
    pub fn active_table_mut(&mut self) -> &mut TableView {
        if self.tab == Tab::Pipelines && self.pipelines.drill.is_some() {
            return &mut self.pipelines.jobs;
        }
        if self.tab == Tab::Overview && self.overview.card.is_some() {
            return &mut self.overview.card_parts;
        }
        if self.tab == Tab::Overview && self.overview.feed_focus {
            return &mut self.overview.feed;
        }
        if self.tab == Tab::Data {
            match self.data.level() {
                dags::Level::Runs => return &mut self.data.runs,
                dags::Level::Tasks => return &mut self.data.tasks,
                dags::Level::Dags => {}
            }
        }
        if self.tab == Tab::Containers && self.containers.mode != swarm::ClusterMode::Containers {
            return swarm::table_mut(&mut self.containers.swarm, self.containers.mode);
        }
        &mut self.tables[self.tab.index()]
    }

    /// The table the `/` filter edits: the jobs view when drilled into a run.
    pub fn active_table(&self) -> &TableView {
        if self.tab == Tab::Pipelines && self.pipelines.drill.is_some() {
            return &self.pipelines.jobs;
        }
        if self.tab == Tab::Overview && self.overview.card.is_some() {
            return &self.overview.card_parts;
        }
        if self.tab == Tab::Overview && self.overview.feed_focus {
            return &self.overview.feed;
        }
        if self.tab == Tab::Data {
            match self.data.level() {
                dags::Level::Runs => return &self.data.runs,
                dags::Level::Tasks => return &self.data.tasks,
                dags::Level::Dags => {}
            }
        }
        if self.tab == Tab::Containers && self.containers.mode != swarm::ClusterMode::Containers {
            return swarm::table(&self.containers.swarm, self.containers.mode);
        }
        &self.tables[self.tab.index()]
    }

    /// The current tab's table state, mutably.
    pub fn table_mut(&mut self) -> &mut TableView {
        &mut self.tables[self.tab.index()]
    }
}

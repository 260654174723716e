//! Key- and palette-bindable intents. The keymap maps keys to these names, so a
//! variant's snake_case name is a config contract (`[keys] quit = "q"`).

use serde::Deserialize;

/// Where a command applies; the keymap resolves a key in the innermost context first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    /// Anywhere outside a modal.
    Global,
    /// A list or table pane.
    List,
    /// The log/text viewer.
    Text,
    /// The Containers pane (outside the log viewer).
    Containers,
    /// The Metrics pane.
    Metrics,
    /// The Alerts pane.
    Alerts,
    /// The Models pane.
    Models,
    /// The Pipelines pane (outside the log viewer).
    Pipelines,
}

/// A user intent, bindable to keys in `[keys]` and runnable from the `:` palette.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    // -- global
    /// Quit flightdeck.
    Quit,
    /// Show the keys of the current pane.
    Help,
    /// Open the command palette.
    Palette,
    /// Close the innermost overlay or view.
    Back,
    /// Switch to the next tab.
    NextTab,
    /// Switch to the previous tab.
    PrevTab,
    /// Switch to the Overview tab.
    TabOverview,
    /// Switch to the Pipelines tab.
    TabPipelines,
    /// Switch to the Containers tab.
    TabContainers,
    /// Switch to the Models tab.
    TabModels,
    /// Switch to the Metrics tab.
    TabMetrics,
    /// Switch to the Alerts tab.
    TabAlerts,
    /// Poll the current tab's sources now.
    Refresh,
    /// Suspend to the shell (resume with `fg`).
    Suspend,
    // -- lists and tables
    /// Move the selection up one row.
    Up,
    /// Move the selection down one row.
    Down,
    /// Move the selection up one page.
    PageUp,
    /// Move the selection down one page.
    PageDown,
    /// Jump to the first row.
    Top,
    /// Jump to the last row.
    Bottom,
    /// Drill into the selected row.
    Select,
    /// Filter the rows (or search the text).
    Filter,
    /// Sort by the next column.
    SortNext,
    /// Reverse the sort order.
    SortReverse,
    // -- text viewer
    /// Jump to the next search match.
    NextMatch,
    /// Jump to the previous search match.
    PrevMatch,
    /// Toggle following new lines.
    Follow,
    /// Toggle line wrapping.
    Wrap,
    /// Toggle the timestamps of log lines.
    Timestamps,
    /// Save the text to a file in the current directory.
    Save,
    // -- containers
    /// Restart the selected container.
    RestartContainer,
    /// Stop the selected container.
    StopContainer,
    /// Start the selected container.
    StartContainer,
    /// Pause or unpause the selected container.
    PauseContainer,
    /// Send a chosen signal to the selected container.
    KillContainer,
    /// Remove the selected (stopped) container.
    RemoveContainer,
    /// Open the selected container's logs.
    Logs,
    /// Show only running containers (toggle).
    RunningOnly,
    /// Show only containers with problems (toggle).
    ProblemsOnly,
    /// Fold or unfold the group under the cursor.
    Fold,
    // -- metrics
    /// Show the scrape targets instead of the panels (toggle).
    Targets,
    // -- alerts
    /// Silence the selected alert in Alertmanager (opens a form).
    SilenceAlert,
    /// Show Alertmanager's silences instead of the alerts (toggle).
    Silences,
    /// Expire the selected silence (or the one muting the selected alert).
    ExpireSilence,
    // -- models
    /// Set an alias on the selected model version (choose one or type a new one).
    SetAlias,
    /// Delete an alias of the selected model version.
    DeleteAlias,
    /// Move the selected model version to another stage (deprecated by MLflow).
    TransitionStage,
    /// Compare the selected version's metrics with the base (marked, champion or newest).
    CompareVersions,
    /// Mark the selected version as the comparison base.
    MarkVersion,
    // -- text viewer, continued
    /// Jump to the first error line of the log.
    FirstError,
    // -- pipelines
    /// Re-run the selected workflow run.
    Rerun,
    /// Re-run the failed jobs of the selected run.
    RerunFailed,
    /// Cancel the selected run.
    CancelRun,
    /// Dispatch the selected run's workflow, filling its inputs in a form.
    Dispatch,
    /// Show only failed runs (toggle).
    FailuresOnly,
    /// Show only runs on each repository's default branch (toggle).
    DefaultBranchOnly,
    // -- overview and traceability
    /// Move the Overview's focus between the attention list and the change feed.
    FocusFeed,
    /// Open the pipeline run that built the selected container or model version.
    OpenBuildRun,
}

impl Command {
    /// Every command, in help order.
    pub const ALL: &[Command] = &[
        Command::Quit,
        Command::Help,
        Command::Palette,
        Command::Back,
        Command::NextTab,
        Command::PrevTab,
        Command::TabOverview,
        Command::TabPipelines,
        Command::TabContainers,
        Command::TabModels,
        Command::TabMetrics,
        Command::TabAlerts,
        Command::Refresh,
        Command::Suspend,
        Command::Up,
        Command::Down,
        Command::PageUp,
        Command::PageDown,
        Command::Top,
        Command::Bottom,
        Command::Select,
        Command::Filter,
        Command::SortNext,
        Command::SortReverse,
        Command::NextMatch,
        Command::PrevMatch,
        Command::Follow,
        Command::Wrap,
        Command::Timestamps,
        Command::Save,
        Command::RestartContainer,
        Command::StopContainer,
        Command::StartContainer,
        Command::PauseContainer,
        Command::KillContainer,
        Command::RemoveContainer,
        Command::Logs,
        Command::RunningOnly,
        Command::ProblemsOnly,
        Command::Fold,
        Command::Targets,
        Command::SilenceAlert,
        Command::Silences,
        Command::ExpireSilence,
        Command::SetAlias,
        Command::DeleteAlias,
        Command::TransitionStage,
        Command::CompareVersions,
        Command::MarkVersion,
        Command::FirstError,
        Command::Rerun,
        Command::RerunFailed,
        Command::CancelRun,
        Command::Dispatch,
        Command::FailuresOnly,
        Command::DefaultBranchOnly,
        Command::FocusFeed,
        Command::OpenBuildRun,
    ];

    /// The config name of this command (`next_tab`).
    pub fn name(self) -> &'static str {
        match self {
            Command::Quit => "quit",
            Command::Help => "help",
            Command::Palette => "palette",
            Command::Back => "back",
            Command::NextTab => "next_tab",
            Command::PrevTab => "prev_tab",
            Command::TabOverview => "tab_overview",
            Command::TabPipelines => "tab_pipelines",
            Command::TabContainers => "tab_containers",
            Command::TabModels => "tab_models",
            Command::TabMetrics => "tab_metrics",
            Command::TabAlerts => "tab_alerts",
            Command::Refresh => "refresh",
            Command::Suspend => "suspend",
            Command::Up => "up",
            Command::Down => "down",
            Command::PageUp => "page_up",
            Command::PageDown => "page_down",
            Command::Top => "top",
            Command::Bottom => "bottom",
            Command::Select => "select",
            Command::Filter => "filter",
            Command::SortNext => "sort_next",
            Command::SortReverse => "sort_reverse",
            Command::NextMatch => "next_match",
            Command::PrevMatch => "prev_match",
            Command::Follow => "follow",
            Command::Wrap => "wrap",
            Command::Timestamps => "timestamps",
            Command::Save => "save",
            Command::RestartContainer => "restart_container",
            Command::StopContainer => "stop_container",
            Command::StartContainer => "start_container",
            Command::PauseContainer => "pause_container",
            Command::KillContainer => "kill_container",
            Command::RemoveContainer => "remove_container",
            Command::Logs => "logs",
            Command::RunningOnly => "running_only",
            Command::ProblemsOnly => "problems_only",
            Command::Fold => "fold",
            Command::Targets => "targets",
            Command::SilenceAlert => "silence_alert",
            Command::Silences => "silences",
            Command::ExpireSilence => "expire_silence",
            Command::SetAlias => "set_alias",
            Command::DeleteAlias => "delete_alias",
            Command::TransitionStage => "transition_stage",
            Command::CompareVersions => "compare_versions",
            Command::MarkVersion => "mark_version",
            Command::FirstError => "first_error",
            Command::Rerun => "rerun",
            Command::RerunFailed => "rerun_failed",
            Command::CancelRun => "cancel_run",
            Command::Dispatch => "dispatch",
            Command::FailuresOnly => "failures_only",
            Command::DefaultBranchOnly => "default_branch_only",
            Command::FocusFeed => "focus_feed",
            Command::OpenBuildRun => "open_build_run",
        }
    }

    /// Whether the command changes the outside world (hidden when read-only).
    pub fn is_action(self) -> bool {
        matches!(
            self,
            Command::RestartContainer
                | Command::StopContainer
                | Command::StartContainer
                | Command::PauseContainer
                | Command::KillContainer
                | Command::RemoveContainer
                | Command::SilenceAlert
                | Command::ExpireSilence
                | Command::SetAlias
                | Command::DeleteAlias
                | Command::TransitionStage
                | Command::Rerun
                | Command::RerunFailed
                | Command::CancelRun
                | Command::Dispatch
        )
    }

    /// Looks a command up by its config name.
    pub fn from_name(name: &str) -> Option<Command> {
        Command::ALL.iter().copied().find(|c| c.name() == name)
    }

    /// The context in which the command's keys are looked up.
    pub fn context(self) -> Context {
        match self {
            Command::Up
            | Command::Down
            | Command::PageUp
            | Command::PageDown
            | Command::Top
            | Command::Bottom
            | Command::Select
            | Command::Filter
            | Command::FocusFeed
            | Command::SortNext
            | Command::SortReverse => Context::List,
            Command::NextMatch
            | Command::PrevMatch
            | Command::Follow
            | Command::Wrap
            | Command::Timestamps
            | Command::FirstError
            | Command::Save => Context::Text,
            Command::Rerun
            | Command::RerunFailed
            | Command::CancelRun
            | Command::Dispatch
            | Command::FailuresOnly
            | Command::DefaultBranchOnly => Context::Pipelines,
            Command::RestartContainer
            | Command::StopContainer
            | Command::StartContainer
            | Command::PauseContainer
            | Command::KillContainer
            | Command::RemoveContainer
            | Command::Logs
            | Command::RunningOnly
            | Command::ProblemsOnly
            | Command::Fold => Context::Containers,
            Command::Targets => Context::Metrics,
            Command::SilenceAlert | Command::Silences | Command::ExpireSilence => Context::Alerts,
            Command::SetAlias
            | Command::DeleteAlias
            | Command::TransitionStage
            | Command::CompareVersions
            | Command::MarkVersion => Context::Models,
            _ => Context::Global,
        }
    }

    /// The default keys, in the syntax `[keys]` accepts.
    pub fn default_keys(self) -> &'static [&'static str] {
        match self {
            Command::Quit => &["q", "ctrl-c"],
            Command::Help => &["?"],
            Command::Palette => &[":"],
            Command::Back => &["esc"],
            Command::NextTab => &["tab"],
            Command::PrevTab => &["shift-tab"],
            Command::TabOverview => &["1"],
            Command::TabPipelines => &["2"],
            Command::TabContainers => &["3"],
            Command::TabModels => &["4"],
            Command::TabMetrics => &["5"],
            Command::TabAlerts => &["6"],
            Command::Refresh => &["r", "ctrl-r"],
            Command::Suspend => &["ctrl-z"],
            Command::Up => &["k", "up"],
            Command::Down => &["j", "down"],
            Command::PageUp => &["pageup", "ctrl-b"],
            Command::PageDown => &["pagedown", "ctrl-f"],
            Command::Top => &["g", "home"],
            Command::Bottom => &["G", "end"],
            Command::Select => &["enter"],
            Command::Filter => &["/"],
            Command::SortNext => &[">"],
            Command::SortReverse => &["<"],
            Command::NextMatch => &["n"],
            Command::PrevMatch => &["N"],
            Command::Follow | Command::FocusFeed => &["f"],
            Command::Wrap => &["w"],
            Command::Timestamps | Command::Targets => &["t"],
            Command::Save => &["ctrl-s"],
            Command::RestartContainer => &["r"],
            Command::StopContainer | Command::SilenceAlert => &["s"],
            Command::StartContainer | Command::Silences => &["S"],
            Command::PauseContainer => &["p"],
            Command::KillContainer => &["K"],
            Command::RemoveContainer | Command::DeleteAlias => &["D"],
            Command::Logs => &["l"],
            Command::RunningOnly | Command::SetAlias => &["a"],
            Command::ProblemsOnly | Command::FailuresOnly => &["!"],
            Command::Fold => &["z"],
            Command::ExpireSilence => &["x"],
            Command::TransitionStage => &["T"],
            Command::CompareVersions => &["c"],
            Command::MarkVersion => &["m"],
            Command::FirstError => &["e"],
            Command::Rerun => &["R"],
            Command::RerunFailed => &["F"],
            Command::CancelRun => &["C"],
            Command::Dispatch => &["d"],
            Command::DefaultBranchOnly | Command::OpenBuildRun => &["b"],
        }
    }

    /// One line for the help overlay and the palette.
    pub fn description(self) -> &'static str {
        match self {
            Command::Quit => "quit",
            Command::Help => "show keys",
            Command::Palette => "command palette",
            Command::Back => "back / close",
            Command::NextTab => "next tab",
            Command::PrevTab => "previous tab",
            Command::TabOverview => "Overview tab",
            Command::TabPipelines => "Pipelines tab",
            Command::TabContainers => "Containers tab",
            Command::TabModels => "Models tab",
            Command::TabMetrics => "Metrics tab",
            Command::TabAlerts => "Alerts tab",
            Command::Refresh => "refresh now",
            Command::Suspend => "suspend to shell",
            Command::Up => "up",
            Command::Down => "down",
            Command::PageUp => "page up",
            Command::PageDown => "page down",
            Command::Top => "first row",
            Command::Bottom => "last row",
            Command::Select => "open / drill in",
            Command::Filter => "filter / search",
            Command::SortNext => "sort by next column",
            Command::SortReverse => "reverse sort",
            Command::NextMatch => "next match",
            Command::PrevMatch => "previous match",
            Command::Follow => "toggle follow",
            Command::Wrap => "toggle wrap",
            Command::Timestamps => "toggle timestamps",
            Command::Save => "save to a file",
            Command::RestartContainer => "restart container",
            Command::StopContainer => "stop container",
            Command::StartContainer => "start container",
            Command::PauseContainer => "pause / unpause",
            Command::KillContainer => "send a signal",
            Command::RemoveContainer => "remove (stopped)",
            Command::Logs => "container logs",
            Command::RunningOnly => "toggle running only",
            Command::ProblemsOnly => "toggle problems only",
            Command::Fold => "fold / unfold group",
            Command::Targets => "toggle targets view",
            Command::SilenceAlert => "silence alert",
            Command::Silences => "toggle silences list",
            Command::ExpireSilence => "expire silence",
            Command::SetAlias => "set alias on version",
            Command::DeleteAlias => "delete alias",
            Command::TransitionStage => "transition stage",
            Command::CompareVersions => "compare with base",
            Command::MarkVersion => "mark comparison base",
            Command::FirstError => "jump to first error",
            Command::Rerun => "re-run workflow run",
            Command::RerunFailed => "re-run failed jobs",
            Command::CancelRun => "cancel run",
            Command::Dispatch => "dispatch workflow",
            Command::FailuresOnly => "toggle failures only",
            Command::DefaultBranchOnly => "toggle default branch only",
            Command::FocusFeed => "toggle feed focus",
            Command::OpenBuildRun => "open build run",
        }
    }
}

//! The one command table: each key- and palette-bindable intent with its config
//! name, context, default keys, description and whether it changes the outside
//! world, in one row read by the keymap, `?` help, the palette and `update`. A
//! command's snake_case name is a config contract (`[keys] quit = "q"`).

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
    /// The Containers tab in any of its views (containers, services, nodes).
    Cluster,
    /// The Containers tab's services view (and a service's tasks).
    Services,
    /// The Containers tab's nodes view.
    Nodes,
    /// The Data tab (Airflow), and its task log viewer.
    Data,
}

/// Whether a command only changes the view or changes the outside world.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Changes only what is shown.
    View,
    /// Changes the outside world (hidden and refused when read-only).
    Action,
}

/// Everything known about one command, from its row of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandSpec {
    /// The config name (`next_tab`).
    pub name: &'static str,
    /// The context in which its keys are looked up.
    pub context: Context,
    /// Whether it changes the outside world.
    pub reach: Reach,
    /// The default keys, in the syntax `[keys]` accepts.
    pub default_keys: &'static [&'static str],
    /// One line for the help overlay and the palette.
    pub description: &'static str,
}

/// Declares `Command` and its table from one row per command.
macro_rules! commands {
    ($( $(#[$doc:meta])* $variant:ident $name:literal : $context:ident, $reach:ident, [$($key:literal),*], $desc:literal; )*) => {
        /// A user intent, bindable to keys in `[keys]` and runnable from the `:` palette.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Command {
            $( $(#[$doc])* $variant, )*
        }

        impl Command {
            /// Every command, in help order.
            pub const ALL: &[Command] = &[$( Command::$variant, )*];

            /// This command's row of the table.
            pub fn spec(self) -> CommandSpec {
                match self {
                    $( Command::$variant => CommandSpec {
                        name: $name,
                        context: Context::$context,
                        reach: commands!(@reach $reach),
                        default_keys: &[$($key),*],
                        description: $desc,
                    }, )*
                }
            }
        }
    };
    (@reach view) => { Reach::View };
    (@reach action) => { Reach::Action };
}

commands! {
    // -- global
    /// Quit flightdeck.
    Quit "quit": Global, view, ["q", "ctrl-c"], "quit";
    /// Show the keys of the current pane.
    Help "help": Global, view, ["?"], "show keys";
    /// Open the command palette.
    Palette "palette": Global, view, [":"], "command palette";
    /// Close the innermost overlay or view.
    Back "back": Global, view, ["esc"], "back / close";
    /// Switch to the next tab.
    NextTab "next_tab": Global, view, ["tab"], "next tab";
    /// Switch to the previous tab.
    PrevTab "prev_tab": Global, view, ["shift-tab"], "previous tab";
    /// Switch to the Overview tab.
    TabOverview "tab_overview": Global, view, ["1"], "Overview tab";
    /// Switch to the Pipelines tab.
    TabPipelines "tab_pipelines": Global, view, ["2"], "Pipelines tab";
    /// Switch to the Containers tab.
    TabContainers "tab_containers": Global, view, ["3"], "Containers tab";
    /// Switch to the Models tab.
    TabModels "tab_models": Global, view, ["4"], "Models tab";
    /// Switch to the Metrics tab.
    TabMetrics "tab_metrics": Global, view, ["5"], "Metrics tab";
    /// Switch to the Alerts tab.
    TabAlerts "tab_alerts": Global, view, ["6"], "Alerts tab";
    /// Switch to the Data tab (Airflow).
    TabData "tab_data": Global, view, ["7"], "Data tab";
    /// Poll the current tab's sources now.
    Refresh "refresh": Global, view, ["r", "ctrl-r"], "refresh now";
    /// Suspend to the shell (resume with `fg`).
    Suspend "suspend": Global, view, ["ctrl-z"], "suspend to shell";
    /// List the latest messages (toasts) in full, newest first.
    Messages "messages": Global, view, [], "recent messages";
    /// Write an incident snapshot (status, attention, apps, feed, logs, alerts) to a file.
    Snapshot "snapshot": Global, view, [], "write an incident snapshot file";
    // -- lists and tables
    /// Move the selection up one row.
    Up "up": List, view, ["k", "up"], "up";
    /// Move the selection down one row.
    Down "down": List, view, ["j", "down"], "down";
    /// Move the selection up one page.
    PageUp "page_up": List, view, ["pageup", "ctrl-b"], "page up";
    /// Move the selection down one page.
    PageDown "page_down": List, view, ["pagedown", "ctrl-f"], "page down";
    /// Jump to the first row.
    Top "top": List, view, ["g", "home"], "first row";
    /// Jump to the last row.
    Bottom "bottom": List, view, ["G", "end"], "last row";
    /// Drill into the selected row.
    Select "select": List, view, ["enter"], "open / drill in";
    /// Filter the rows (or search the text).
    Filter "filter": List, view, ["/"], "filter / search";
    /// Sort by the next column.
    SortNext "sort_next": List, view, [">"], "sort by next column";
    /// Reverse the sort order.
    SortReverse "sort_reverse": List, view, ["<"], "reverse sort";
    /// Copy the selected item's id, URL or URI to the clipboard (OSC 52).
    Copy "copy": List, view, ["y"], "copy id / URL";
    // -- text viewer
    /// Jump to the next search match.
    NextMatch "next_match": Text, view, ["n"], "next match";
    /// Jump to the previous search match.
    PrevMatch "prev_match": Text, view, ["N"], "previous match";
    /// Toggle following new lines.
    Follow "follow": Text, view, ["f"], "toggle follow";
    /// Toggle line wrapping.
    Wrap "wrap": Text, view, ["w"], "toggle wrap";
    /// Toggle the timestamps of log lines.
    Timestamps "timestamps": Text, view, ["t"], "toggle timestamps";
    /// Save the text to a file in the current directory.
    Save "save": Text, view, ["ctrl-s"], "save to a file";
    // -- containers
    /// Restart the selected container.
    RestartContainer "restart_container": Containers, action, ["r"], "restart container";
    /// Stop the selected container.
    StopContainer "stop_container": Containers, action, ["s"], "stop container";
    /// Start the selected container.
    StartContainer "start_container": Containers, action, ["S"], "start container";
    /// Pause or unpause the selected container.
    PauseContainer "pause_container": Containers, action, ["p"], "pause / unpause";
    /// Send a chosen signal to the selected container.
    KillContainer "kill_container": Containers, action, ["K"], "send a signal";
    /// Remove the selected (stopped) container.
    RemoveContainer "remove_container": Containers, action, ["D"], "remove (stopped)";
    /// Open the selected container's logs.
    Logs "logs": Containers, view, ["l"], "container logs";
    /// Show only running containers (toggle).
    RunningOnly "running_only": Containers, view, ["a"], "toggle running only";
    /// Show only containers with problems (toggle).
    ProblemsOnly "problems_only": Containers, view, ["!"], "toggle problems only";
    /// Fold or unfold the group under the cursor.
    Fold "fold": Containers, view, ["z"], "fold / unfold group";
    // -- metrics
    /// Show the scrape targets instead of the panels (toggle).
    Targets "targets": Metrics, view, ["t"], "toggle targets view";
    // -- alerts
    /// Silence the selected alert in Alertmanager (opens a form).
    SilenceAlert "silence_alert": Alerts, action, ["s"], "silence alert";
    /// Show Alertmanager's silences instead of the alerts (toggle).
    Silences "silences": Alerts, view, ["S"], "toggle silences list";
    /// Expire the selected silence (or the one muting the selected alert).
    ExpireSilence "expire_silence": Alerts, action, ["x"], "expire silence";
    // -- models
    /// Set an alias on the selected model version (choose one or type a new one).
    SetAlias "set_alias": Models, action, ["a"], "set alias on version";
    /// Delete an alias of the selected model version.
    DeleteAlias "delete_alias": Models, action, ["D"], "delete alias";
    /// Move the selected model version to another stage (deprecated by MLflow).
    TransitionStage "transition_stage": Models, action, ["T"], "transition stage";
    /// Compare the selected version's metrics with the base (marked, champion or newest).
    CompareVersions "compare_versions": Models, view, ["c"], "compare with base";
    /// Mark the selected version as the comparison base.
    MarkVersion "mark_version": Models, view, ["m"], "mark comparison base";
    // -- text viewer, continued
    /// Jump to the first error line of the log.
    FirstError "first_error": Text, view, ["e"], "jump to first error";
    // -- pipelines
    /// Re-run the selected workflow run.
    Rerun "rerun": Pipelines, action, ["R"], "re-run workflow run";
    /// Re-run the failed jobs of the selected run.
    RerunFailed "rerun_failed": Pipelines, action, ["F"], "re-run failed jobs";
    /// Cancel the selected run.
    CancelRun "cancel_run": Pipelines, action, ["C"], "cancel run";
    /// Dispatch the selected run's workflow, filling its inputs in a form.
    Dispatch "dispatch": Pipelines, action, ["d"], "dispatch workflow";
    /// Show only failed runs (toggle).
    FailuresOnly "failures_only": Pipelines, view, ["!"], "toggle failures only";
    /// Show only runs on each repository's default branch (toggle).
    DefaultBranchOnly "default_branch_only": Pipelines, view, ["b"], "toggle default branch only";
    // -- overview and traceability
    /// Move the Overview's focus between the attention list and the change feed.
    FocusFeed "focus_feed": List, view, ["f"], "toggle feed focus";
    /// Open the pipeline run that built the selected container or model version.
    OpenBuildRun "open_build_run": Global, view, ["b"], "open build run";
    // -- undo
    /// Undo the newest reversible action of this session that worked (asks first).
    Undo "undo": Global, action, [], "undo newest action";
    /// Undo the action on the selected line of the Overview's change feed (asks first).
    UndoSelected "undo_selected": List, action, ["u"], "undo selected action";
    // -- swarm: services, tasks and nodes in the Containers tab
    /// Cycle the Containers tab's view: containers, services, nodes.
    CycleView "cycle_view": Cluster, view, ["v"], "containers / services / nodes";
    /// Follow the selected service's logs (every task, each line marked with its task).
    ServiceLogs "service_logs": Services, view, ["l"], "service logs (all tasks)";
    /// Set the selected service's replica count (opens a form).
    ScaleService "scale_service": Services, action, ["="], "scale service";
    /// Replace every task of the selected service, batch by batch (force update).
    RestartService "restart_service": Services, action, ["R"], "rolling restart";
    /// Put the selected service back on its previous spec.
    RollbackService "rollback_service": Services, action, ["U"], "roll back service";
    /// Set the selected node's availability: active, pause or drain (opens a chooser).
    NodeAvailability "node_availability": Nodes, action, ["a"], "set node availability";
    // -- data: Airflow DAGs, runs and tasks
    /// List DAGs by id instead of failures first (toggle).
    FailuresFirst "failures_first": Data, view, ["!"], "toggle failures first";
    /// Trigger a run of the selected DAG (a form for conf JSON and a logical date).
    TriggerDag "trigger_dag": Data, action, ["T"], "trigger DAG run";
    /// Clear the failed tasks of the selected run, or the selected task.
    ClearTasks "clear_tasks": Data, action, ["c"], "clear failed tasks / task";
    /// Mark the selected run or task success or failed (a chooser).
    MarkState "mark_state": Data, action, ["m"], "mark run / task success or failed";
    /// Pause or unpause the selected DAG.
    PauseDag "pause_dag": Data, action, ["p"], "pause / unpause DAG";
    /// Show the task's previous try in the log viewer.
    PrevTry "prev_try": Data, view, ["["], "previous try of the task log";
    /// Show the task's next try in the log viewer.
    NextTry "next_try": Data, view, ["]"], "next try of the task log";
}

impl Command {
    /// The config name of this command (`next_tab`).
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// Whether the command changes the outside world (hidden when read-only).
    pub fn is_action(self) -> bool {
        self.spec().reach == Reach::Action
    }

    /// Looks a command up by its config name.
    pub fn from_name(name: &str) -> Option<Command> {
        Command::ALL.iter().copied().find(|c| c.name() == name)
    }

    /// The context in which the command's keys are looked up.
    pub fn context(self) -> Context {
        self.spec().context
    }

    /// The default keys, in the syntax `[keys]` accepts.
    pub fn default_keys(self) -> &'static [&'static str] {
        self.spec().default_keys
    }

    /// One line for the help overlay and the palette.
    pub fn description(self) -> &'static str {
        self.spec().description
    }
}

#[cfg(test)]
mod table_tests {
    use super::*;

    #[test]
    fn every_name_is_the_serde_name() {
        for &c in Command::ALL {
            let parsed: Command =
                serde_json::from_value(serde_json::Value::String(c.name().into()))
                    .unwrap_or_else(|e| panic!("{}: {e}", c.name()));
            assert_eq!(parsed, c);
        }
    }
}

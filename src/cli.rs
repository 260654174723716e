//! The command line: `flightdeck [OPTIONS] [status|config]`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

const EXAMPLES: &str = "\
Examples:
  flightdeck                                  open the dashboard
  flightdeck --read-only --theme mono         look, never touch, no colours
  flightdeck status                           one-line health summary (exit 0/1/2/3)
  flightdeck status --json | jq .items        machine-readable status for scripts
  flightdeck config check --config ./fd.toml  validate a config file
  flightdeck config example > ~/.config/flightdeck/config.toml";

/// A terminal dashboard for pipelines, containers, models, metrics and alerts.
#[derive(Debug, Parser)]
#[command(name = "flightdeck", version, about, after_help = EXAMPLES)]
pub struct Cli {
    /// Config file (default: $FLIGHTDECK_CONFIG, then $XDG_CONFIG_HOME/flightdeck/config.toml).
    #[arg(long, short, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Theme: default, ansi16, mono, or a file's name in $XDG_CONFIG_HOME/flightdeck/themes/.
    #[arg(long, global = true, value_name = "NAME")]
    pub theme: Option<String>,
    /// Refuse every action that would change anything (restart, re-run, promote…).
    #[arg(long, global = true)]
    pub read_only: bool,
    /// Log file (default: $XDG_STATE_HOME/flightdeck/flightdeck.log).
    #[arg(long, global = true, value_name = "PATH")]
    pub log_file: Option<PathBuf>,
    /// Log level or filter (error, warn, info, debug, trace).
    #[arg(long, global = true, value_name = "LEVEL", default_value = "info")]
    pub log_level: String,
    /// What to do; without one, open the dashboard.
    #[command(subcommand)]
    pub command: Option<Cmd>,
}

/// A subcommand.
#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Poll every configured source once, print a summary and exit 0 OK, 1 WARNING,
    /// 2 CRITICAL or 3 UNKNOWN.
    Status {
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
        /// Longest time to wait for all sources, e.g. "10s".
        #[arg(long, default_value = "10s", value_name = "DURATION")]
        timeout: String,
    },
    /// Work with the config file.
    Config {
        /// What to do with it.
        #[command(subcommand)]
        action: ConfigCmd,
    },
}

/// A `config` subcommand.
#[derive(Debug, Subcommand)]
pub enum ConfigCmd {
    /// Validate the config file; exit 0 when valid, 1 with file:line:col errors otherwise.
    Check,
    /// Print a complete, commented example config.
    Example,
}

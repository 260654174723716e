//! The command line: `flightdeck [OPTIONS] [status|config]`.

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand};

const EXAMPLES: &str = "\
Examples:
  flightdeck                                  open the dashboard
  flightdeck --read-only --theme mono         look, never touch, no colours
  flightdeck status                           one-line health summary (exit 0/1/2/3)
  flightdeck status --json | jq .items        machine-readable status for scripts
  flightdeck snapshot --out incident.md       an incident report to paste (Markdown)
  flightdeck config check --config ./fd.toml  validate a config file
  mkdir -p ~/.config/flightdeck && flightdeck config example > ~/.config/flightdeck/config.toml";

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
        /// Longest time to wait for all sources, e.g. "10s" (1s to 1h).
        #[arg(long, default_value = "10s", value_name = "DURATION", value_parser = timeout)]
        timeout: Duration,
    },
    /// Poll every configured source once and print an incident report: the status,
    /// what needs attention, every app, failing containers' last log lines, firing alerts.
    Snapshot {
        /// Markdown for people or JSON for scripts.
        #[arg(long, value_enum, default_value = "md")]
        format: SnapshotFormat,
        /// Write the report to this file (mode 0600) instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Longest time to wait for all sources, then for the logs, e.g. "10s" (1s to 1h).
        #[arg(long, default_value = "10s", value_name = "DURATION", value_parser = timeout)]
        timeout: Duration,
    },
    /// Work with the config file.
    Config {
        /// What to do with it.
        #[command(subcommand)]
        action: ConfigCmd,
    },
}

/// The format of `flightdeck snapshot`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SnapshotFormat {
    /// Markdown, to paste into an incident channel.
    Md,
    /// One JSON object.
    Json,
}

/// A `config` subcommand.
#[derive(Debug, Subcommand)]
pub enum ConfigCmd {
    /// Validate the config file; exit 0 when valid, 1 with file:line:col errors otherwise.
    Check,
    /// Print a complete, commented example config.
    Example,
}

/// Parses `status --timeout`: a config-style duration from one second to one hour.
fn timeout(text: &str) -> Result<Duration, String> {
    let d = crate::config::duration::parse(text).map_err(|e| e.to_string())?;
    if d < Duration::from_secs(1) || d > Duration::from_secs(3600) {
        return Err(format!("'{text}' is out of range; use \"1s\" to \"1h\""));
    }
    Ok(d)
}

/// Whether these arguments (program name first) ask for `status`, so that even a usage
/// error exits 3 (UNKNOWN) as monitoring plugins must, not clap's 2.
pub fn is_status(args: &[OsString]) -> bool {
    let takes_value = ["-c", "--config", "--theme", "--log-file", "--log-level"];
    let mut args = args.iter().skip(1).filter_map(|a| a.to_str());
    while let Some(arg) = args.next() {
        if takes_value.contains(&arg) {
            args.next();
        } else if arg == "--" || !arg.starts_with('-') {
            return arg == "status";
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<OsString> {
        line.split(' ').map(OsString::from).collect()
    }

    #[test]
    fn finds_the_status_subcommand_past_global_options() {
        assert!(is_status(&args("fd status --timeout banana")));
        assert!(is_status(&args("fd --config status status")));
        assert!(is_status(&args("fd -c x --read-only status --json")));
        assert!(is_status(&args("fd --config=x status")));
        assert!(!is_status(&args("fd --config status")));
        assert!(!is_status(&args("fd config check")));
        assert!(!is_status(&args("fd")));
    }

    #[test]
    fn timeout_is_a_bounded_duration() {
        assert_eq!(timeout("10s"), Ok(Duration::from_secs(10)));
        assert!(
            timeout("banana")
                .unwrap_err()
                .starts_with("invalid duration 'banana'")
        );
        assert!(timeout("0s").is_err() && timeout("2h").is_err());
    }
}

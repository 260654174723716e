//! Logs go to a file in the XDG state dir, never to the terminal the TUI owns.

use std::path::{Path, PathBuf};

use tracing_appender::non_blocking::{NonBlockingBuilder, WorkerGuard};
use tracing_subscriber::EnvFilter;

/// Lines waiting for the log writer thread at most.
const LOG_QUEUE_LINES: usize = 1_024;

/// The default log file: `$XDG_STATE_HOME/flightdeck/flightdeck.log`.
pub fn default_log_file(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    state_dir(env).map(|d| d.join("flightdeck.log"))
}

/// `$XDG_STATE_HOME/flightdeck` (else `~/.local/state/flightdeck`).
pub fn state_dir(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    let base = env("XDG_STATE_HOME")
        .filter(|s| !s.is_empty())
        .map(PathBuf::from)
        .or_else(|| env("HOME").map(|h| Path::new(&h).join(".local/state")))?;
    Some(base.join("flightdeck"))
}

/// Starts logging to `file` at `level`; keep the guard alive until exit.
pub fn init(file: &Path, level: &str) -> anyhow::Result<WorkerGuard> {
    let dir = file.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)
        .map_err(|e| anyhow::anyhow!("cannot create log directory '{}': {e}", dir.display()))?;
    let name = file
        .file_name()
        .map_or_else(|| "flightdeck.log".into(), std::ffi::OsStr::to_os_string);
    let appender = tracing_appender::rolling::never(dir, name);
    // The default queue holds 128,000 lines, allocated up front: 4 MB of the
    // dashboard's memory for a log that writes a few lines a minute. When the
    // queue is full, lines are dropped rather than the caller blocked.
    let (writer, guard) = NonBlockingBuilder::default()
        .buffered_lines_limit(LOG_QUEUE_LINES)
        .lossy(true)
        .finish(appender);
    let filter = EnvFilter::try_new(level)
        .map_err(|e| anyhow::anyhow!("invalid --log-level '{level}': {e}"))?;
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .init();
    Ok(guard)
}

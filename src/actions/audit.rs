//! The audit log: one JSON line per executed (or refused) action, appended to
//! `$XDG_STATE_HOME/flightdeck/audit.jsonl`. Never contains tokens.

use std::io::Write;
use std::path::PathBuf;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use super::Action;

/// One audit record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// When the action finished (RFC 3339).
    pub time: String,
    /// The local user who ran flightdeck.
    pub user: String,
    /// The source's label (`docker local`).
    pub host: String,
    /// Target name (container name).
    pub target: String,
    /// Target id (container id).
    pub target_id: String,
    /// What was done (`restart`, `kill:SIGTERM`).
    pub action: String,
    /// `ok`, `error` or `refused`.
    pub outcome: &'static str,
    /// The error, when there was one.
    pub error: Option<String>,
}

impl Entry {
    /// The record of `action` finishing at `at` with `error` (`None` = success).
    pub fn new(
        action: &Action,
        at: DateTime<Utc>,
        outcome: &'static str,
        error: Option<String>,
    ) -> Self {
        let (name, target_id) = action.audit_name();
        Entry {
            time: at.to_rfc3339_opts(SecondsFormat::Millis, true),
            user: local_user(),
            host: action.host().to_owned(),
            target: action.target().to_owned(),
            target_id,
            action: name,
            outcome,
            error,
        }
    }
}

/// The local user: `USER`, else `LOGNAME`, else what `id -un` says (looked up once).
pub fn local_user() -> String {
    static USER: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    USER.get_or_init(|| {
        std::env::var("USER")
            .or_else(|_| std::env::var("LOGNAME"))
            .ok()
            .filter(|u| !u.is_empty())
            .or_else(|| {
                let out = std::process::Command::new("id").arg("-un").output().ok()?;
                let name = String::from_utf8(out.stdout).ok()?.trim().to_owned();
                (!name.is_empty()).then_some(name)
            })
            .unwrap_or_else(|| "unknown".to_owned())
    })
    .clone()
}

/// Appends entries to a JSON Lines file.
#[derive(Debug, Clone)]
pub struct AuditLog {
    path: Option<PathBuf>,
}

impl AuditLog {
    /// A log at `path` (`None`: audit records only go to the debug log).
    pub fn new(path: Option<PathBuf>) -> Self {
        AuditLog { path }
    }

    /// Where records go.
    pub fn path(&self) -> Option<&std::path::Path> {
        self.path.as_deref()
    }

    /// Appends one line; failures are logged, never fatal.
    pub fn write(&self, entry: &Entry) {
        let Some(path) = &self.path else { return };
        let result = (|| -> std::io::Result<()> {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let mut line = serde_json::to_string(entry).map_err(std::io::Error::other)?;
            line.push('\n');
            let mut f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)?;
            f.write_all(line.as_bytes())
        })();
        if let Err(e) = result {
            tracing::error!("cannot write audit log '{}': {e}", path.display());
        }
    }
}

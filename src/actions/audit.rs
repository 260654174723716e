//! The audit log: one JSON line per executed (or refused) action, appended to
//! `$XDG_STATE_HOME/flightdeck/audit.jsonl`, readable by its owner only (0600).
//! Never contains tokens: errors arrive scrubbed, and are scrubbed of URL
//! credentials once more here.

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
    /// What reverses it, for a reversible action that worked (absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inverse: Option<Link>,
    /// For an undo: the line of the action it reverses (absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub undo_of: Option<Link>,
}

/// Another action, named as its own audit line names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    /// That line's time (absent for an inverse not run yet).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// What it does (`set_alias:champion`).
    pub action: String,
    /// Target id (`churn-classifier/2`).
    pub target_id: String,
}

impl Link {
    /// `action` as its audit line names it, run (or to run) at `at`.
    fn new(action: &Action, at: Option<DateTime<Utc>>) -> Self {
        let (name, target_id) = action.audit_name();
        Link {
            time: at.map(stamp),
            action: name,
            target_id,
        }
    }
}

/// The time as audit lines write it (RFC 3339, milliseconds, `Z`).
fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
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
        let error = error.map(|e| crate::sources::redact::strip_urls(&e));
        let undo_of = match action {
            Action::Undo(undo) => Some(Link::new(&undo.original, Some(undo.original_at))),
            _ => None,
        };
        Entry {
            time: stamp(at),
            user: local_user(),
            host: action.host().to_owned(),
            target: action.target().to_owned(),
            target_id,
            action: name,
            outcome,
            error,
            inverse: None,
            undo_of,
        }
    }

    /// The same record naming what reverses the action.
    #[must_use]
    pub fn with_inverse(mut self, inverse: Option<&Action>) -> Self {
        self.inverse = inverse.map(|a| Link::new(a, None));
        self
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
            let mut f = open_private(path)?;
            f.write_all(line.as_bytes())
        })();
        if let Err(e) = result {
            tracing::error!("cannot write audit log '{}': {e}", path.display());
        }
    }
}

/// Opens `path` for appending, created with mode 0600; an existing file readable
/// by others is narrowed to 0600 (older versions created it 0644).
#[cfg(unix)]
fn open_private(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
    let f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)?;
    let mut perms = f.metadata()?.permissions();
    if perms.mode() & 0o077 != 0 {
        perms.set_mode(0o600);
        f.set_permissions(perms)?;
    }
    Ok(f)
}

/// Opens `path` for appending.
#[cfg(not(unix))]
fn open_private(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt as _;

    fn entry() -> Entry {
        Entry {
            time: "t".into(),
            user: "u".into(),
            host: "docker local".into(),
            target: "web".into(),
            target_id: "abc".into(),
            action: "restart".into(),
            outcome: "error",
            error: Some("x".into()),
            inverse: None,
            undo_of: None,
        }
    }

    #[test]
    fn the_log_is_private_to_its_owner() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state/audit.jsonl");
        AuditLog::new(Some(path.clone())).write(&entry());
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        // A log an older version left world-readable is narrowed on the next write.
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        AuditLog::new(Some(path.clone())).write(&entry());
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(std::fs::read_to_string(&path).unwrap().lines().count(), 2);
    }

    /// The fields its JSON line has (none when it does not serialise to an object).
    fn keys(entry: &Entry) -> Vec<String> {
        match serde_json::to_value(entry) {
            Ok(serde_json::Value::Object(map)) => map.keys().cloned().collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn only_reversible_actions_and_undos_add_fields() {
        let base = [
            "action",
            "error",
            "host",
            "outcome",
            "target",
            "target_id",
            "time",
            "user",
        ];
        assert_eq!(keys(&entry()), base);
        let stop = Action::Container {
            source: crate::state::SourceId(0),
            host: "docker local".into(),
            id: "abc".into(),
            name: "web".into(),
            op: crate::state::action::ContainerOp::Stop,
        };
        let inverse = crate::state::undo::inverse(&stop, &crate::state::undo::Prior::Nothing);
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let done = Entry::new(&stop, at, "ok", None).with_inverse(inverse.as_ref());
        let link = done.inverse.clone().unwrap();
        assert_eq!((link.action.as_str(), link.time), ("start", None));
        let undo = Action::Undo(Box::new(crate::state::undo::Undo {
            original: stop,
            original_at: at,
            inverse: inverse.unwrap(),
        }));
        let undone = Entry::new(&undo, at, "ok", None);
        assert_eq!(undone.action, "start");
        let of = undone.undo_of.clone().unwrap();
        assert_eq!(of.time.as_deref(), Some(done.time.as_str()));
        assert_eq!(of.action, "stop");
        assert!(keys(&undone).contains(&"undo_of".to_owned()));
        assert!(!keys(&undone).contains(&"inverse".to_owned()));
    }
}

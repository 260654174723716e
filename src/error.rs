//! Error types shown to users. `SourceError` is `Clone` because it lives in the
//! store beside the last good data, and its messages name the thing and what to do.

use chrono::{DateTime, Utc};

/// Why a poll or an action against a backend failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    /// The server could not be reached at all (refused, no route, socket missing).
    #[error("cannot reach '{target}': {detail}")]
    Unreachable {
        /// The address that was tried.
        target: String,
        /// What the transport said, with a hint where one helps.
        detail: String,
    },
    /// The server did not answer within the request timeout.
    #[error("no answer from '{target}' within {secs} s")]
    Timeout {
        /// The address that was tried.
        target: String,
        /// The timeout that ran out.
        secs: u64,
    },
    /// The server refused our credentials or permissions.
    #[error("access refused by '{target}': {detail}")]
    Auth {
        /// The address that refused.
        target: String,
        /// What was refused and how to fix it.
        detail: String,
    },
    /// The named thing does not exist (or is not visible to us).
    #[error("not found: {what}")]
    NotFound {
        /// The thing that was asked for.
        what: String,
    },
    /// The server asked us to slow down until a given time.
    #[error("rate limited by '{target}' until {until}: {detail}", until = .until.format("%H:%M:%S UTC"))]
    RateLimited {
        /// The address that limited us.
        target: String,
        /// When polling may resume.
        until: DateTime<Utc>,
        /// The server's words.
        detail: String,
    },
    /// The server answered with an unexpected HTTP status.
    #[error("'{target}' answered HTTP {status}: {detail}")]
    Http {
        /// The address that answered.
        target: String,
        /// The HTTP status code.
        status: u16,
        /// The server's message.
        detail: String,
    },
    /// The answer could not be understood.
    #[error("malformed answer from '{target}': {detail}")]
    Malformed {
        /// The address that answered.
        target: String,
        /// What was wrong with it.
        detail: String,
    },
    /// The action was refused because flightdeck runs read-only.
    #[error("refused: flightdeck is read-only (--read-only or read_only = true)")]
    ReadOnly,
    /// Anything else, already worded for the user.
    #[error("{0}")]
    Other(String),
}

impl SourceError {
    /// The same error with every text in it passed through `f` (used to scrub
    /// credentials; the address, the server's words and hints alike).
    pub fn map_text(self, f: impl Fn(&str) -> String) -> SourceError {
        use SourceError as E;
        match self {
            E::Unreachable { target, detail } => E::Unreachable {
                target: f(&target),
                detail: f(&detail),
            },
            E::Timeout { target, secs } => E::Timeout {
                target: f(&target),
                secs,
            },
            E::Auth { target, detail } => E::Auth {
                target: f(&target),
                detail: f(&detail),
            },
            E::NotFound { what } => E::NotFound { what: f(&what) },
            E::RateLimited {
                target,
                until,
                detail,
            } => E::RateLimited {
                target: f(&target),
                until,
                detail: f(&detail),
            },
            E::Http {
                target,
                status,
                detail,
            } => E::Http {
                target: f(&target),
                status,
                detail: f(&detail),
            },
            E::Malformed { target, detail } => E::Malformed {
                target: f(&target),
                detail: f(&detail),
            },
            E::ReadOnly => E::ReadOnly,
            E::Other(text) => E::Other(f(&text)),
        }
    }

    /// The time before which the source must not be asked again, when the server said so.
    pub fn retry_at(&self) -> Option<DateTime<Utc>> {
        match self {
            SourceError::RateLimited { until, .. } => Some(*until),
            _ => None,
        }
    }
}

//! Per-source health: never polled, ok at T, or error E since T (data kept).

use chrono::{DateTime, Utc};

use crate::error::SourceError;

/// How a source's polls are going.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Health {
    /// No poll has finished yet.
    NeverPolled,
    /// The last poll succeeded at this time.
    Ok {
        /// When the last poll finished.
        at: DateTime<Utc>,
    },
    /// Polls fail with this error, first seen at `since`, last at `at`.
    Error {
        /// The latest error.
        error: SourceError,
        /// When this error first appeared.
        since: DateTime<Utc>,
        /// When it was last seen.
        at: DateTime<Utc>,
    },
    /// The poller task died.
    Crashed {
        /// The panic message.
        message: String,
        /// When the loop noticed.
        at: DateTime<Utc>,
    },
}

impl Health {
    /// A one-word label that works without colour.
    pub fn label(&self) -> &'static str {
        match self {
            Health::NeverPolled => "loading",
            Health::Ok { .. } => "ok",
            Health::Error { .. } => "error",
            Health::Crashed { .. } => "crashed",
        }
    }

    /// Whether the source currently has a problem worth showing.
    pub fn is_failing(&self) -> bool {
        matches!(self, Health::Error { .. } | Health::Crashed { .. })
    }
}

/// Polls missed before data counts as stale: a hidden tab polls every 4th
/// interval (`PollPolicy::Hidden`), so one more than that.
pub const STALE_AFTER_INTERVALS: u32 = 5;

/// When data polled at `at` turns stale.
pub fn stale_at(at: DateTime<Utc>, interval: std::time::Duration) -> DateTime<Utc> {
    // Checked: an interval too long to multiply never turns stale rather than panicking.
    let limit = interval
        .checked_mul(STALE_AFTER_INTERVALS)
        .and_then(|d| chrono::Duration::from_std(d).ok())
        .unwrap_or(chrono::Duration::MAX);
    at.checked_add_signed(limit)
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// Whether data polled at `at` is stale at `now`.
pub fn is_stale(at: DateTime<Utc>, interval: std::time::Duration, now: DateTime<Utc>) -> bool {
    now > stale_at(at, interval)
}

/// Formats an age coarsely: `5s`, `3m`, `2h`, `4d` (seconds only under a minute).
pub fn format_age(now: DateTime<Utc>, then: DateTime<Utc>) -> String {
    let secs = (now - then).num_seconds().max(0);
    match secs {
        0..60 => format!("{secs}s"),
        60..3600 => format!("{}m", secs / 60),
        3600..86_400 => format!("{}h", secs / 3600),
        _ => format!("{}d", secs / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_huge_interval_never_turns_stale_and_does_not_panic() {
        let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let huge = std::time::Duration::from_secs(2_562_047_788_015_215 * 3600);
        assert!(!is_stale(t0, huge, t0 + chrono::Duration::days(365)));
        assert!(!is_stale(t0, std::time::Duration::MAX, t0));
        let two = std::time::Duration::from_secs(2);
        assert!(is_stale(t0, two, t0 + chrono::Duration::seconds(11)));
        assert!(!is_stale(t0, two, t0 + chrono::Duration::seconds(10)));
    }

    #[test]
    fn ages_are_coarse() {
        let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let at = |s| t0 + chrono::Duration::seconds(s);
        assert_eq!(format_age(at(0), t0), "0s");
        assert_eq!(format_age(at(59), t0), "59s");
        assert_eq!(format_age(at(61), t0), "1m");
        assert_eq!(format_age(at(7200), t0), "2h");
        assert_eq!(format_age(at(200_000), t0), "2d");
        assert_eq!(format_age(t0, at(5)), "0s");
    }
}

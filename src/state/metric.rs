//! Prometheus data as the source reports it: panel results (series over the
//! window and the current value), scrape targets, `up` by job and the server's
//! alerts. Plain data; thresholds turn a panel's value into a severity here.

use std::collections::BTreeMap;

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::Severity;
use super::alert::Alert;

/// One Prometheus query drawn as a sparkline with thresholds.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    /// Heading.
    pub title: String,
    /// The query expression.
    pub query: String,
    /// How values are formatted.
    pub unit: Unit,
    /// Value at which the panel turns to warning.
    pub warn: Option<f64>,
    /// Value at which the panel turns critical.
    pub crit: Option<f64>,
    /// Time range shown.
    pub window: Duration,
}

/// How a panel formats its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Unit {
    /// Bytes, shown with binary prefixes.
    Bytes,
    /// A percentage.
    Percent,
    /// Seconds, shown as a duration.
    Seconds,
    /// Requests (or events) per second.
    Rps,
    /// A plain number.
    #[default]
    None,
}

impl Unit {
    /// Every unit with its config name.
    pub const NAMES: &[(&str, Unit)] = &[
        ("bytes", Unit::Bytes),
        ("percent", Unit::Percent),
        ("seconds", Unit::Seconds),
        ("rps", Unit::Rps),
        ("none", Unit::None),
    ];
}

/// Everything one Prometheus poll found.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MetricsSnapshot {
    /// One result per configured panel, in config order.
    pub panels: Vec<PanelData>,
    /// Every scrape target.
    pub targets: Vec<Target>,
    /// Firing and pending alerts as Prometheus evaluates them.
    pub alerts: Vec<Alert>,
    /// `up` summed by job; queried only when no panels are configured.
    pub up_by_job: Vec<JobUp>,
}

/// How many of a job's targets answer, from the `up` metric.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobUp {
    /// The `job` label.
    pub job: String,
    /// Series of `up` equal to 1.
    pub up: usize,
    /// All series of `up` for the job.
    pub total: usize,
}

/// A configured panel and what its query returned.
#[derive(Debug, Clone, PartialEq)]
pub struct PanelData {
    /// The panel as configured.
    pub panel: Panel,
    /// The series, or the server's message when the query failed.
    pub result: Result<Vec<Series>, String>,
    /// Start of the charted range.
    pub start: DateTime<Utc>,
    /// End of the charted range (the poll's time).
    pub end: DateTime<Utc>,
}

/// One time series of a range query.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Series {
    /// Its labels, without `__name__` when the query aggregated it away.
    pub labels: BTreeMap<String, String>,
    /// `(unix seconds, value)` samples, oldest first.
    pub points: Vec<(f64, f64)>,
}

/// How a scrape target is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TargetHealth {
    /// The last scrape failed.
    Down,
    /// Not scraped yet.
    Unknown,
    /// The last scrape worked.
    Up,
}

/// One scrape target from `/api/v1/targets`.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// The `job` label.
    pub job: String,
    /// The `instance` label.
    pub instance: String,
    /// Health of the last scrape.
    pub health: TargetHealth,
    /// When it was last scraped.
    pub last_scrape: Option<DateTime<Utc>>,
    /// How long the last scrape took, in seconds.
    pub scrape_duration: f64,
    /// The last scrape's error, empty when none.
    pub last_error: String,
}

impl TargetHealth {
    /// Parses Prometheus's word (`up`, `down`, `unknown`).
    pub fn parse(word: &str) -> TargetHealth {
        match word {
            "up" => TargetHealth::Up,
            "down" => TargetHealth::Down,
            _ => TargetHealth::Unknown,
        }
    }

    /// Prometheus's word for it.
    pub fn as_str(self) -> &'static str {
        match self {
            TargetHealth::Up => "up",
            TargetHealth::Down => "down",
            TargetHealth::Unknown => "unknown",
        }
    }
}

impl Series {
    /// The newest sample's value.
    pub fn last(&self) -> Option<f64> {
        self.points.last().map(|(_, v)| *v)
    }

    /// A short name from its labels (`{job="api"}` → `api`), for legends.
    pub fn name(&self) -> String {
        let parts: Vec<&str> = self
            .labels
            .iter()
            .filter(|(k, _)| k.as_str() != "__name__")
            .map(|(_, v)| v.as_str())
            .collect();
        if parts.is_empty() {
            self.labels
                .get("__name__")
                .cloned()
                .unwrap_or_else(|| "value".to_owned())
        } else {
            parts.join(" ")
        }
    }
}

impl PanelData {
    /// The value that decides the severity: the highest current value of any series.
    pub fn value(&self) -> Option<f64> {
        let series = self.result.as_ref().ok()?;
        series
            .iter()
            .filter_map(Series::last)
            .filter(|v| v.is_finite())
            .reduce(f64::max)
    }

    /// The panel's severity: critical at or above `crit`, warning at or above
    /// `warn`, unknown when the query failed.
    pub fn severity(&self) -> Severity {
        if self.result.is_err() {
            return Severity::Unknown;
        }
        match self.value() {
            Some(v) => threshold_severity(&self.panel, v),
            None => Severity::Ok,
        }
    }
}

/// The severity of `value` under a panel's thresholds.
pub fn threshold_severity(panel: &Panel, value: f64) -> Severity {
    if panel.crit.is_some_and(|c| value >= c) {
        Severity::Critical
    } else if panel.warn.is_some_and(|w| value >= w) {
        Severity::Warning
    } else {
        Severity::Ok
    }
}

/// Formats a value by unit: `1.2 GiB`, `87 %`, `340 ms`, `12.3/s`, `1.5k`.
pub fn format_value(value: f64, unit: Unit) -> String {
    if value.is_nan() {
        return "NaN".to_owned();
    }
    if value.is_infinite() {
        return if value > 0.0 { "+Inf" } else { "-Inf" }.to_owned();
    }
    match unit {
        Unit::Bytes => bytes(value),
        Unit::Percent => format!("{} %", short(value)),
        Unit::Seconds => seconds(value),
        Unit::Rps => format!("{}/s", si(value)),
        Unit::None => si(value),
    }
}

/// Up to three significant digits, no trailing zeros (`87`, `1.5`, `0.123`).
fn short(v: f64) -> String {
    let a = v.abs();
    let text = if a >= 100.0 || a == 0.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else if a >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    };
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

fn bytes(v: f64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut x = v;
    let mut i = 0;
    while x.abs() >= 1024.0 && i < UNITS.len() - 1 {
        x /= 1024.0;
        i += 1;
    }
    format!("{} {}", short(x), UNITS[i])
}

fn seconds(v: f64) -> String {
    let a = v.abs();
    if a == 0.0 {
        "0 s".to_owned()
    } else if a < 1e-3 {
        format!("{} µs", short(v * 1e6))
    } else if a < 1.0 {
        format!("{} ms", short(v * 1e3))
    } else if a < 120.0 {
        format!("{} s", short(v))
    } else if a < 7200.0 {
        format!("{} min", short(v / 60.0))
    } else if a < 172_800.0 {
        format!("{} h", short(v / 3600.0))
    } else {
        format!("{} d", short(v / 86_400.0))
    }
}

fn si(v: f64) -> String {
    let a = v.abs();
    if a >= 1e9 {
        format!("{}G", short(v / 1e9))
    } else if a >= 1e6 {
        format!("{}M", short(v / 1e6))
    } else if a >= 1e4 {
        format!("{}k", short(v / 1e3))
    } else {
        short(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_format_by_unit() {
        assert_eq!(
            format_value(1.2 * 1024.0 * 1024.0 * 1024.0, Unit::Bytes),
            "1.2 GiB"
        );
        assert_eq!(format_value(512.0, Unit::Bytes), "512 B");
        assert_eq!(format_value(87.0, Unit::Percent), "87 %");
        assert_eq!(format_value(87.46, Unit::Percent), "87.5 %");
        assert_eq!(format_value(0.34, Unit::Seconds), "340 ms");
        assert_eq!(format_value(3.0, Unit::Seconds), "3 s");
        assert_eq!(format_value(12.3, Unit::Rps), "12.3/s");
        assert_eq!(format_value(15_300.0, Unit::None), "15.3k");
        assert_eq!(format_value(0.0, Unit::None), "0");
        assert_eq!(format_value(f64::NAN, Unit::None), "NaN");
    }
}

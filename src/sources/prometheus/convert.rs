//! Prometheus HTTP API answers as serde shapes, and their conversion into the
//! plain data of `state::metric` and `state::alert`. Lenient: a sample that is
//! not a number becomes NaN instead of failing the whole poll.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::state::alert::{Alert, AlertState};
use crate::state::metric::{JobUp, Series, Target, TargetHealth};

/// The envelope of every answer: `{"status": "success", "data": …}`.
#[derive(Debug, Deserialize)]
pub struct Envelope<T> {
    /// The payload.
    pub data: T,
}

/// `data` of `/api/v1/query` and `/api/v1/query_range`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryData {
    /// `matrix`, `vector`, `scalar` or `string`.
    pub result_type: String,
    /// The result; its shape depends on the type.
    pub result: serde_json::Value,
}

#[derive(Debug, Deserialize)]
struct MatrixItem {
    #[serde(default)]
    metric: BTreeMap<String, String>,
    #[serde(default)]
    values: Vec<(f64, String)>,
}

#[derive(Debug, Deserialize)]
struct VectorItem {
    #[serde(default)]
    metric: BTreeMap<String, String>,
    value: (f64, String),
}

/// `data` of `/api/v1/targets`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetsData {
    #[serde(default)]
    active_targets: Vec<RawTarget>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawTarget {
    #[serde(default)]
    labels: BTreeMap<String, String>,
    #[serde(default)]
    scrape_pool: String,
    #[serde(default)]
    health: String,
    last_scrape: Option<DateTime<Utc>>,
    #[serde(default)]
    last_scrape_duration: f64,
    #[serde(default)]
    last_error: String,
}

/// `data` of `/api/v1/alerts`.
#[derive(Debug, Deserialize)]
pub struct AlertsData {
    #[serde(default)]
    alerts: Vec<RawAlert>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawAlert {
    #[serde(default)]
    labels: BTreeMap<String, String>,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
    #[serde(default)]
    state: String,
    active_at: Option<DateTime<Utc>>,
}

fn number(text: &str) -> f64 {
    text.parse().unwrap_or(f64::NAN)
}

/// The series of a query result (a vector or scalar becomes one-point series).
pub fn series(data: QueryData) -> Result<Vec<Series>, String> {
    match data.result_type.as_str() {
        "matrix" => {
            let items: Vec<MatrixItem> =
                serde_json::from_value(data.result).map_err(|e| e.to_string())?;
            Ok(items
                .into_iter()
                .map(|m| Series {
                    labels: m.metric,
                    points: m.values.iter().map(|(t, v)| (*t, number(v))).collect(),
                })
                .collect())
        }
        "vector" => {
            let items: Vec<VectorItem> =
                serde_json::from_value(data.result).map_err(|e| e.to_string())?;
            Ok(items
                .into_iter()
                .map(|m| Series {
                    labels: m.metric,
                    points: vec![(m.value.0, number(&m.value.1))],
                })
                .collect())
        }
        "scalar" => {
            let (t, v): (f64, String) =
                serde_json::from_value(data.result).map_err(|e| e.to_string())?;
            Ok(vec![Series {
                labels: BTreeMap::new(),
                points: vec![(t, number(&v))],
            }])
        }
        other => Err(format!("a '{other}' result cannot be charted")),
    }
}

/// `up` series summed by job, sorted by job.
pub fn up_by_job(series: &[Series]) -> Vec<JobUp> {
    let mut jobs: BTreeMap<String, JobUp> = BTreeMap::new();
    for s in series {
        let job = s.labels.get("job").cloned().unwrap_or_default();
        let entry = jobs.entry(job.clone()).or_insert(JobUp {
            job,
            up: 0,
            total: 0,
        });
        entry.total += 1;
        if s.last().is_some_and(|v| v >= 1.0) {
            entry.up += 1;
        }
    }
    jobs.into_values().collect()
}

/// The active targets, sorted by job then instance.
pub fn targets(data: TargetsData) -> Vec<Target> {
    let mut list: Vec<Target> = data
        .active_targets
        .into_iter()
        .map(|t| Target {
            job: t.labels.get("job").cloned().unwrap_or(t.scrape_pool),
            instance: t.labels.get("instance").cloned().unwrap_or_default(),
            health: TargetHealth::parse(&t.health),
            // Prometheus reports "0001-01-01T00:00:00Z" for never scraped.
            last_scrape: t.last_scrape.filter(|at| at.timestamp() > 0),
            scrape_duration: t.last_scrape_duration,
            last_error: t.last_error,
        })
        .collect();
    list.sort_by(|a, b| (&a.job, &a.instance).cmp(&(&b.job, &b.instance)));
    list
}

/// Prometheus's firing and pending alerts.
pub fn alerts(data: AlertsData) -> Vec<Alert> {
    data.alerts
        .into_iter()
        .map(|a| Alert {
            labels: a.labels,
            annotations: a.annotations,
            state: if a.state == "firing" {
                AlertState::Firing
            } else {
                AlertState::Pending
            },
            since: a.active_at,
            silenced_by: Vec::new(),
            fingerprint: None,
        })
        .collect()
}

//! Metrics and alerts fixtures: a Prometheus snapshot with a multi-series panel,
//! a thresholded one and a PromQL error, targets, and alerts with a silence.
#![allow(dead_code, reason = "each test uses a different subset")]

use std::collections::BTreeMap;
use std::time::Duration;

use flightdeck::app::App;
use flightdeck::app::msg::Msg;
use flightdeck::app::update::update;
use flightdeck::config::{Panel, Unit};
use flightdeck::state::alert::{Alert, AlertState, AlertsSnapshot, Silence};
use flightdeck::state::metric::{JobUp, MetricsSnapshot, PanelData, Series, Target, TargetHealth};
use flightdeck::state::{Payload, SourceId, SourceKind, Update};

use super::common::{app, at, now, spec};

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// A series of `n` points over the last hour, shaped by `f(i)`.
pub fn series(pairs: &[(&str, &str)], n: i64, f: impl Fn(i64) -> f64) -> Series {
    let end = now().timestamp();
    #[allow(
        clippy::cast_precision_loss,
        reason = "test timestamps are small enough"
    )]
    let points = (0..n)
        .map(|i| ((end - 3600 + i * 3600 / (n - 1)) as f64, f(i)))
        .collect();
    Series {
        labels: labels(pairs),
        points,
    }
}

/// A panel over the last hour.
pub fn panel(title: &str, unit: Unit, warn: Option<f64>, crit: Option<f64>) -> Panel {
    Panel {
        title: title.to_owned(),
        query: format!("query_for_{}", title.replace(' ', "_")),
        unit,
        warn,
        crit,
        window: Duration::from_secs(3600),
    }
}

/// A panel with these results.
pub fn data(panel: Panel, result: Result<Vec<Series>, String>) -> PanelData {
    PanelData {
        panel,
        result,
        start: at(-3600),
        end: now(),
    }
}

/// Four panels: CPU (warning), memory by job (legend with more), latency (ok), a PromQL error.
pub fn panels() -> Vec<PanelData> {
    #[allow(clippy::cast_precision_loss, reason = "small test numbers")]
    let wave = |base: f64| move |i: i64| base + ((i % 12) as f64 - 6.0).abs() * 2.0;
    let mem: Vec<Series> = ["api", "db", "web", "cache", "worker"]
        .iter()
        .enumerate()
        .map(|(k, job)| {
            #[allow(clippy::cast_precision_loss, reason = "small test numbers")]
            let base = (k as f64 + 1.0) * 300.0 * 1024.0 * 1024.0;
            series(&[("job", job)], 60, move |_| base)
        })
        .collect();
    vec![
        data(
            panel("CPU busy", Unit::Percent, Some(70.0), Some(90.0)),
            Ok(vec![series(&[], 60, wave(70.0))]),
        ),
        data(
            panel("Memory by job", Unit::Bytes, None, Some(4e9)),
            Ok(mem),
        ),
        data(
            panel("p99 latency", Unit::Seconds, Some(0.5), Some(1.0)),
            Ok(vec![series(&[], 60, |_| 0.34)]),
        ),
        data(
            panel("Broken", Unit::Rps, None, None),
            Err("invalid parameter \"query\": 1:5: parse error: unclosed left parenthesis".into()),
        ),
    ]
}

/// Two targets, one down.
pub fn targets() -> Vec<Target> {
    vec![
        Target {
            job: "node".into(),
            instance: "10.0.0.7:9100".into(),
            health: TargetHealth::Down,
            last_scrape: Some(at(-4)),
            scrape_duration: 0.0021,
            last_error: "connection refused".into(),
        },
        Target {
            job: "prometheus".into(),
            instance: "127.0.0.1:9090".into(),
            health: TargetHealth::Up,
            last_scrape: Some(at(-1)),
            scrape_duration: 0.0123,
            last_error: String::new(),
        },
    ]
}

/// An alert named `name`, firing (or `state`) since `since` seconds ago.
pub fn alert(name: &str, severity: &str, state: AlertState, since: i64) -> Alert {
    Alert {
        labels: labels(&[("alertname", name), ("severity", severity), ("job", "api")]),
        annotations: labels(&[("summary", &format!("{name} is happening"))]),
        state,
        since: Some(at(-since)),
        silenced_by: vec![],
        fingerprint: None,
    }
}

/// Prometheus's alerts: a critical and a warning firing, one pending.
pub fn prometheus_alerts() -> Vec<Alert> {
    vec![
        alert("HighLatency", "warning", AlertState::Firing, 600),
        alert("InstanceDown", "critical", AlertState::Firing, 120),
        alert("DiskFilling", "warning", AlertState::Pending, 30),
    ]
}

/// Alertmanager's view: HighLatency silenced by one silence.
pub fn alertmanager() -> AlertsSnapshot {
    let mut silenced = alert("HighLatency", "warning", AlertState::Silenced, 600);
    silenced.silenced_by = vec!["5a1e7c3d-0000-4000-8000-000000000001".into()];
    AlertsSnapshot {
        alerts: vec![
            silenced,
            alert("InstanceDown", "critical", AlertState::Firing, 120),
        ],
        silences: vec![Silence {
            id: "5a1e7c3d-0000-4000-8000-000000000001".into(),
            state: "active".into(),
            matchers: vec!["alertname=\"HighLatency\"".into()],
            starts_at: Some(at(-300)),
            ends_at: Some(at(6900)),
            created_by: "alice".into(),
            comment: "deploy in progress".into(),
        }],
    }
}

/// An app with Prometheus (source 0) and, when `with_am`, Alertmanager (source 1), fed.
pub fn metrics_app(panels: Vec<PanelData>, with_am: bool) -> App {
    let mut specs = vec![spec(SourceKind::Prometheus, "prometheus")];
    if with_am {
        specs.push(spec(SourceKind::Alertmanager, "alertmanager"));
    }
    let mut a = app(specs);
    let up_by_job = if panels.is_empty() {
        vec![
            JobUp {
                job: "node".into(),
                up: 0,
                total: 1,
            },
            JobUp {
                job: "prometheus".into(),
                up: 1,
                total: 1,
            },
        ]
    } else {
        vec![]
    };
    let snap = MetricsSnapshot {
        panels,
        targets: targets(),
        alerts: prometheus_alerts(),
        up_by_job,
    };
    feed(&mut a, 0, Payload::Metrics(snap));
    if with_am {
        feed(&mut a, 1, Payload::Alerts(alertmanager()));
    }
    a
}

/// Applies a successful poll of `source` at `now()`.
pub fn feed(a: &mut App, source: usize, payload: Payload) {
    let poll = Update::Polled {
        source: SourceId(source),
        at: now(),
        result: Ok(payload),
    };
    update(a, Msg::Source(poll));
    update(a, Msg::Tick { now: now() });
}

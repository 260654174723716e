//! Fixtures for the tests against the real Prometheus and Alertmanager started
//! by `scripts/test` (URLs in `FLIGHTDECK_TEST_PROMETHEUS_URL` and
//! `FLIGHTDECK_TEST_ALERTMANAGER_URL`), and deadline loops over their sources.
#![allow(dead_code, reason = "not every test uses every helper")]

use std::time::Duration;

use flightdeck::config::{AlertmanagerConfig, Panel, PrometheusConfig, Unit};
use flightdeck::sources::alertmanager::AlertmanagerSource;
use flightdeck::sources::prometheus::PrometheusSource;
use flightdeck::sources::{Payload, Source};
use flightdeck::state::alert::AlertsSnapshot;
use flightdeck::state::metric::MetricsSnapshot;
use tokio::time::Instant;

/// The rule in the test Prometheus that always fires.
pub const ALERT: &str = "FlightdeckAlwaysFiring";

/// The servers' URLs; `None` (skip) when unset, a panic when `CI` is set.
pub fn servers() -> Option<(String, String)> {
    let prom = std::env::var("FLIGHTDECK_TEST_PROMETHEUS_URL").ok();
    let am = std::env::var("FLIGHTDECK_TEST_ALERTMANAGER_URL").ok();
    match (prom, am) {
        (Some(p), Some(a)) => Some((p, a)),
        _ if std::env::var_os("CI").is_some() => panic!(
            "CI is set, so the Prometheus tests must run, but FLIGHTDECK_TEST_PROMETHEUS_URL / \
             FLIGHTDECK_TEST_ALERTMANAGER_URL are not set: run them through scripts/test"
        ),
        _ => {
            eprintln!("skipping: no test Prometheus (run scripts/test, or set CI=1 to fail)");
            None
        }
    }
}

/// A panel over the last `window_secs` seconds.
pub fn panel(title: &str, query: &str, unit: Unit, warn: Option<f64>, crit: Option<f64>) -> Panel {
    Panel {
        title: title.to_owned(),
        query: query.to_owned(),
        unit,
        warn,
        crit,
        window: Duration::from_secs(120),
    }
}

/// `[prometheus]` at `url` with these panels.
pub fn prometheus_config(url: &str, panels: Vec<Panel>) -> PrometheusConfig {
    PrometheusConfig {
        url: url.to_owned(),
        token_env: None,
        username_env: None,
        password_env: None,
        interval: Duration::from_secs(1),
        panels,
    }
}

/// `[alertmanager]` at `url`.
pub fn alertmanager_config(url: &str) -> AlertmanagerConfig {
    AlertmanagerConfig {
        url: url.to_owned(),
        token_env: None,
        username_env: None,
        password_env: None,
        interval: Duration::from_secs(1),
    }
}

/// Polls Prometheus until `ok` holds (or panics after 30 s with the last snapshot).
pub async fn metrics_until(
    source: &mut PrometheusSource,
    ok: impl Fn(&MetricsSnapshot) -> bool,
) -> MetricsSnapshot {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let snap = match source.poll().await {
            Ok(Payload::Metrics(m)) => m,
            other => panic!("Prometheus poll: {other:?}"),
        };
        if ok(&snap) {
            return snap;
        }
        assert!(
            Instant::now() < deadline,
            "condition never held; last: {snap:#?}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// Polls Alertmanager until `ok` holds (or panics after 30 s with the last snapshot).
pub async fn alerts_until(
    source: &mut AlertmanagerSource,
    ok: impl Fn(&AlertsSnapshot) -> bool,
) -> AlertsSnapshot {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let snap = match source.poll().await {
            Ok(Payload::Alerts(a)) => a,
            other => panic!("Alertmanager poll: {other:?}"),
        };
        if ok(&snap) {
            return snap;
        }
        assert!(
            Instant::now() < deadline,
            "condition never held; last: {snap:#?}"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

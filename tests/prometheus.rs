//! The Prometheus and Alertmanager sources against the real servers started by
//! `scripts/test`: panel values and series, thresholds, a PromQL error in one
//! panel, targets, the always-firing alert in both APIs, `status --json`, and a
//! silence made through the executor, seen in Alertmanager, then expired.
#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

#[path = "common/prometheus.rs"]
mod fixtures;

use std::collections::HashMap;
use std::time::Duration;

use fixtures::{
    ALERT, alertmanager_config, alerts_until, metrics_until, panel, prometheus_config, servers,
};
use flightdeck::actions::Action;
use flightdeck::actions::audit::AuditLog;
use flightdeck::actions::executor::Executor;
use flightdeck::config::{Config, Unit};
use flightdeck::sources::alertmanager::AlertmanagerSource;
use flightdeck::sources::prometheus::PrometheusSource;
use flightdeck::state::Severity;
use flightdeck::state::SourceId;
use flightdeck::state::alert::{AlertState, parse_matchers};
use flightdeck::state::metric::TargetHealth;
use flightdeck::status;

#[tokio::test]
async fn panels_chart_real_series_with_thresholds_and_errors() {
    let Some((prom, _)) = servers() else { return };
    let panels = vec![
        panel("up", "up", Unit::None, Some(0.5), None),
        panel(
            "rss",
            "process_resident_memory_bytes",
            Unit::Bytes,
            None,
            Some(1.0),
        ),
        panel("broken", "sum(up", Unit::None, None, None),
        panel("calm", "up * 0", Unit::Percent, Some(50.0), Some(90.0)),
    ];
    let mut source = PrometheusSource::new(&prometheus_config(&prom, panels));
    let snap = metrics_until(&mut source, |m| {
        m.panels[0]
            .result
            .as_ref()
            .is_ok_and(|s| s.first().is_some_and(|s| s.points.len() >= 3))
    })
    .await;
    let up = &snap.panels[0];
    let series = up.result.as_ref().unwrap();
    assert_eq!(
        series[0].labels.get("job").map(String::as_str),
        Some("prometheus")
    );
    assert_eq!(up.value(), Some(1.0));
    assert_eq!(up.severity(), Severity::Warning);
    let rss = &snap.panels[1];
    assert!(rss.value().unwrap() > 1_000_000.0, "{rss:?}");
    assert_eq!(rss.severity(), Severity::Critical);
    let broken = &snap.panels[2];
    let message = broken.result.as_ref().unwrap_err();
    assert!(message.contains("parse error"), "{message}");
    assert_eq!(broken.severity(), Severity::Unknown);
    assert_eq!(snap.panels[3].severity(), Severity::Ok);
    let target = snap.targets.iter().find(|t| t.job == "prometheus").unwrap();
    assert_eq!(target.health, TargetHealth::Up);
    assert!(target.last_scrape.is_some() && target.scrape_duration > 0.0);
    assert!(snap.up_by_job.is_empty(), "up by job only without panels");
}

#[tokio::test]
async fn without_panels_up_by_job_and_the_firing_alert_show() {
    let Some((prom, _)) = servers() else { return };
    let mut source = PrometheusSource::new(&prometheus_config(&prom, vec![]));
    let snap = metrics_until(&mut source, |m| {
        !m.up_by_job.is_empty() && m.alerts.iter().any(|a| a.name() == ALERT)
    })
    .await;
    let job = snap
        .up_by_job
        .iter()
        .find(|j| j.job == "prometheus")
        .unwrap();
    assert_eq!((job.up, job.total), (1, 1));
    let alert = snap.alerts.iter().find(|a| a.name() == ALERT).unwrap();
    assert_eq!(alert.state, AlertState::Firing);
    assert_eq!(alert.severity(), Severity::Critical);
    assert!(alert.since.is_some());
    assert!(alert.summary().contains("always fires"));
}

#[tokio::test]
async fn status_json_reports_the_firing_alert_as_critical() {
    let Some((prom, am)) = servers() else { return };
    let config = Config {
        docker: vec![],
        prometheus: Some(prometheus_config(
            &prom,
            vec![panel("up", "up", Unit::None, None, Some(0.5))],
        )),
        alertmanager: Some(alertmanager_config(&am)),
        ..Config::default()
    };
    let report = status::collect(&config, Duration::from_secs(10)).await;
    assert_eq!(report.status, Severity::Critical, "{report:#?}");
    let json = serde_json::to_value(&report).unwrap();
    let items = json["items"].as_array().unwrap();
    let alert = items
        .iter()
        .find(|i| i["kind"] == "alert" && i["name"] == ALERT)
        .unwrap();
    assert_eq!(alert["severity"], "critical");
    assert_eq!(alert["severity_label"], "critical");
    assert!(alert["since"].is_string());
    let panel = items.iter().find(|i| i["kind"] == "panel").unwrap();
    assert_eq!(panel["value"], 1.0);
    assert_eq!(panel["unit"], "none");
    assert_eq!(panel["severity"], "critical");
    let sources = json["sources"].as_array().unwrap();
    for kind in ["prometheus", "alertmanager"] {
        let s = sources.iter().find(|s| s["kind"] == kind).unwrap();
        assert_eq!(s["health"], "ok", "{s}");
    }
}

#[tokio::test]
async fn a_silence_from_flightdeck_suppresses_the_alert_then_expires() {
    let Some((_, am)) = servers() else { return };
    let cfg = alertmanager_config(&am);
    let mut source = AlertmanagerSource::new(&cfg);
    let snap = alerts_until(&mut source, |a| a.alerts.iter().any(|x| x.name() == ALERT)).await;
    let alert = snap
        .alerts
        .iter()
        .find(|x| x.name() == ALERT)
        .unwrap()
        .clone();
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.jsonl");
    let executor = Executor::new(HashMap::new(), false, AuditLog::new(Some(audit.clone())))
        .with_alertmanager(HashMap::from([(SourceId(0), cfg.clone())]));
    let comment = format!("flightdeck test {}", std::process::id());
    let silence = Action::Silence {
        source: SourceId(0),
        host: "alertmanager".into(),
        alert: ALERT.into(),
        matchers: parse_matchers(&alert.matchers()).unwrap(),
        duration: Duration::from_secs(600),
        comment: comment.clone(),
        creator: "tester".into(),
    };
    let done = executor.act(&silence).await;
    done.result.unwrap();
    let snap = alerts_until(&mut source, |a| {
        a.alerts
            .iter()
            .any(|x| x.name() == ALERT && x.state == AlertState::Silenced)
    })
    .await;
    let made = snap.silences.iter().find(|s| s.comment == comment).unwrap();
    assert_eq!(made.state, "active");
    assert_eq!(made.created_by, "tester");
    assert!(
        made.matchers
            .iter()
            .any(|m| m == &format!("alertname=\"{ALERT}\""))
    );
    let silenced = snap.alerts.iter().find(|x| x.name() == ALERT).unwrap();
    assert!(silenced.silenced_by.contains(&made.id));
    let expire = Action::ExpireSilence {
        source: SourceId(0),
        host: "alertmanager".into(),
        id: made.id.clone(),
    };
    // Its undo, captured from the id Alertmanager answered, expires this silence.
    assert_eq!(done.inverse.as_ref(), Some(&expire));
    executor.execute(&expire).await.unwrap();
    let id = made.id.clone();
    alerts_until(&mut source, |a| {
        !a.silences.iter().any(|s| s.id == id)
            && a.alerts
                .iter()
                .any(|x| x.name() == ALERT && x.state == AlertState::Firing)
    })
    .await;
    let log = std::fs::read_to_string(&audit).unwrap();
    assert_eq!(log.lines().count(), 2, "{log}");
    assert!(log.contains("\"action\":\"silence:600s\"") && log.contains("\"expire_silence\""));
}

#[tokio::test]
async fn read_only_refuses_a_silence_and_audits_it() {
    let Some((_, am)) = servers() else { return };
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.jsonl");
    let executor = Executor::new(HashMap::new(), true, AuditLog::new(Some(audit.clone())))
        .with_alertmanager(HashMap::from([(SourceId(0), alertmanager_config(&am))]));
    let action = Action::ExpireSilence {
        source: SourceId(0),
        host: "alertmanager".into(),
        id: "nope".into(),
    };
    let err = executor.execute(&action).await.unwrap_err();
    assert!(err.to_string().contains("read-only"));
    assert!(
        std::fs::read_to_string(&audit)
            .unwrap()
            .contains("\"refused\"")
    );
}

//! Memory of a long run against an Alertmanager answering 10,000 alerts per
//! poll: every poll replaces the alerts held (never accumulates), the feed stays
//! at its cap, and resident memory stops growing once warm, with each poll also
//! applied through `update` and drawn on the Alerts tab. A binary of its own, so
//! no other test's allocations count.
#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

#[path = "common/hostile.rs"]
mod hostile;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chrono::{TimeZone, Utc};
use flightdeck::app::App;
use flightdeck::app::msg::Msg;
use flightdeck::app::update::update;
use flightdeck::config::keymap::Keymap;
use flightdeck::sources::Source;
use flightdeck::sources::alertmanager::AlertmanagerSource;
use flightdeck::state::feed::FEED_LEN;
use flightdeck::state::{SourceId, SourceKind, SourceSpec, Store, Update};
use flightdeck::theme::{self, ColorDepth};
use flightdeck::view::Tab;
use flightdeck::view::alerts::{alert_rows, alertmanager_of};
use hostile::{alertmanager_config, peak_rss_kib, reset_peak_rss, rss_kib};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const ALERTS: usize = 10_000;
/// Polls before memory is taken as warm, and polls after.
const WARM: usize = 3;
const POLLS: usize = 12;
/// Most resident memory may grow from the warm poll to the last (generous: the
/// allocator keeps what it freed; growing without bound would be gigabytes).
const GROWTH_KIB: u64 = 48 << 10;
/// Most the peak may rise above the warm resident memory during later polls.
const PEAK_KIB: u64 = 160 << 10;

/// An `/api/v2/alerts` answer of `ALERTS` alerts; `round` changes a third of
/// the label sets each time, so every poll brings new alerts and resolves others.
fn alerts_body(round: usize) -> String {
    let items: Vec<String> = (0..ALERTS)
        .map(|i| {
            let generation = if i % 3 == 0 { round } else { 0 };
            let severity = ["critical", "warning", "info"][i % 3];
            format!(
                r#"{{"labels":{{"alertname":"Load{i}","severity":"{severity}","instance":"host-{i}:9100","gen":"{generation}"}},"annotations":{{"summary":"load on host-{i} is high ({generation})"}},"startsAt":"2026-11-27T11:{:02}:00Z","status":{{"state":"active","silencedBy":[],"inhibitedBy":[]}},"fingerprint":"{:016x}"}}"#,
                i % 60,
                i * 7919 + generation
            )
        })
        .collect();
    format!("[{}]", items.join(","))
}

async fn alertmanager() -> (MockServer, Arc<AtomicUsize>) {
    let server = MockServer::start().await;
    let bodies: Vec<String> = (0..3).map(alerts_body).collect();
    let answered = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&answered);
    Mock::given(method("GET"))
        .and(path("/api/v2/alerts"))
        .respond_with(move |_: &Request| {
            let n = count.fetch_add(1, Ordering::Relaxed);
            ResponseTemplate::new(200).set_body_raw(bodies[n % 3].clone(), "application/json")
        })
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/silences"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("[]", "application/json"))
        .mount(&server)
        .await;
    (server, answered)
}

/// An app with one Alertmanager, on the Alerts tab.
fn alerts_app(start: chrono::DateTime<Utc>) -> App {
    let spec = SourceSpec {
        kind: SourceKind::Alertmanager,
        name: "am".into(),
        interval: Duration::from_secs(2),
    };
    let mut app = App::new(Store::new(vec![spec]), Keymap::default(), false, start);
    app.view.tab = Tab::Alerts;
    app
}

#[tokio::test(flavor = "current_thread")]
async fn ten_thousand_alerts_per_poll_keep_memory_bounded() {
    let (server, answered) = alertmanager().await;
    let mut source = AlertmanagerSource::new(&alertmanager_config(&server.uri()));
    let start = Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).unwrap();
    let mut app = alerts_app(start);
    let theme = theme::load("default", None, ColorDepth::TrueColor).unwrap();
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let mut warm = 0;
    for round in 0..POLLS {
        if round == WARM {
            warm = rss_kib();
            reset_peak_rss();
        }
        let result = source.poll().await;
        let at = start + chrono::Duration::seconds(2 * i64::try_from(round).unwrap());
        update(
            &mut app,
            Msg::Source(Update::Polled {
                source: SourceId(0),
                at,
                result,
            }),
        );
        update(&mut app, Msg::Tick { now: at });
        terminal
            .draw(|f| flightdeck::ui::draw(f, &app.screen(), &theme))
            .unwrap();
        let held = alertmanager_of(&app.store).map_or(0, |a| a.alerts.len());
        assert_eq!(
            held, ALERTS,
            "poll {round}: the alerts held are replaced, not added"
        );
        assert!(
            app.store.feed.len() <= FEED_LEN,
            "poll {round}: feed {}",
            app.store.feed.len()
        );
    }
    assert_eq!(answered.load(Ordering::Relaxed), POLLS);
    assert_eq!(alert_rows(&app.store, &app.view).len(), ALERTS);
    let grown = rss_kib().saturating_sub(warm);
    let peak = peak_rss_kib().saturating_sub(warm);
    eprintln!(
        "{POLLS} polls of {ALERTS} alerts: RSS {} MiB when warm, +{} MiB at the end, peak +{} MiB",
        warm >> 10,
        grown >> 10,
        peak >> 10
    );
    assert!(
        grown < GROWTH_KIB,
        "resident memory grew by {grown} KiB after warming up"
    );
    assert!(
        peak < PEAK_KIB,
        "peak rose {peak} KiB above the warm resident memory"
    );
}

//! Peak memory of one poll against a server sending a 50 MB body, per HTTP
//! source. A binary of its own, so no other test's allocations count: the peak
//! (VmHWM) is reset before each poll and must stay near the 16 MiB body cap.
#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

#[path = "common/hostile.rs"]
mod hostile;

use hostile::{ALL, Raw, peak_rss_kib, poll, raw_server, reset_peak_rss};

/// Most a 50 MB answer may add to the peak resident memory (before the cap: ~286 MB).
const BUDGET_KIB: u64 = 64 << 10;

#[tokio::test(flavor = "current_thread")]
async fn a_50_mb_body_costs_little_memory() {
    let mut figures = Vec::new();
    for kind in ALL {
        let server = raw_server(Raw::Big(50 << 20)).await;
        reset_peak_rss();
        let before = peak_rss_kib();
        let e = poll(kind, &server.url).await.unwrap_err();
        let grown = peak_rss_kib().saturating_sub(before);
        assert!(e.to_string().contains("over 16 MiB"), "{kind:?}: {e}");
        figures.push(format!("{kind:?} +{} MiB", grown >> 10));
        assert!(grown < BUDGET_KIB, "{kind:?}: peak RSS grew by {grown} KiB");
    }
    eprintln!("peak RSS growth for a 50 MB body: {}", figures.join(", "));
}

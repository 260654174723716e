//! The generic poller: runs one `Source` on its interval with a request timeout,
//! exponential backoff with jitter after errors, refresh-now and a visibility policy.
//! It stops when the cancellation token fires and never blocks the event loop; a
//! poller that panics is reported and replaced by a fresh one after a backoff.

use std::any::Any;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::FutureExt as _;
use tokio::sync::{Notify, mpsc, watch};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::http::MAX_RETRY_WAIT;
use super::redact;
use super::{Source, SourceId, Update};
use crate::error::SourceError;

/// How eagerly the loop wants a source polled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PollPolicy {
    /// Its tab (or the overview) is on screen: poll at the configured interval.
    Visible,
    /// Not on screen: poll at a quarter of the rate, to keep the header honest.
    Hidden,
    /// Do not poll until told otherwise (or refreshed).
    Paused,
}

/// The timing of one source's poller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// Delay between polls while visible and healthy.
    pub interval: Duration,
    /// Longest a single poll may take before it counts as a timeout.
    pub timeout: Duration,
    /// Upper bound of the backoff after repeated errors.
    pub max_backoff: Duration,
}

impl Schedule {
    /// The schedule for a configured interval: timeout between 5 s and 30 s, backoff up to 5 min.
    pub fn for_interval(interval: Duration) -> Self {
        Schedule {
            interval,
            timeout: interval.clamp(Duration::from_secs(5), Duration::from_secs(30)),
            max_backoff: Duration::from_secs(300).max(interval),
        }
    }

    /// The delay before the next poll, or `None` while paused.
    ///
    /// `failures` counts consecutive failed polls; `jitter` is a number in `[0, 1)`
    /// that spreads retries of many sources by up to ±20 %.
    pub fn next_delay(&self, policy: PollPolicy, failures: u32, jitter: f64) -> Option<Duration> {
        let base = match policy {
            PollPolicy::Visible => self.interval,
            PollPolicy::Hidden => self.interval.saturating_mul(4),
            PollPolicy::Paused => return None,
        };
        if failures == 0 {
            return Some(base);
        }
        let factor = 2u32.saturating_pow(failures.saturating_sub(1).min(16));
        let backoff = base.saturating_mul(factor).min(self.max_backoff.max(base));
        Some(backoff.mul_f64(0.8 + 0.4 * jitter.clamp(0.0, 1.0)))
    }
}

/// The loop's handles to one running poller.
#[derive(Debug, Clone)]
pub struct DriverHandle {
    /// Sets how eagerly it polls.
    pub policy: Arc<watch::Sender<PollPolicy>>,
    /// Wakes it for an immediate poll.
    pub refresh: Arc<Notify>,
}

/// The poller's ends of the channels.
#[derive(Clone)]
pub struct DriverLinks {
    /// Where snapshots go.
    pub tx: mpsc::Sender<Update>,
    /// The current policy.
    pub policy: watch::Receiver<PollPolicy>,
    /// Refresh-now requests.
    pub refresh: Arc<Notify>,
    /// Shutdown.
    pub cancel: CancellationToken,
}

/// Creates the handle for the loop and the links for the poller.
pub fn links(
    tx: mpsc::Sender<Update>,
    cancel: CancellationToken,
    initial: PollPolicy,
) -> (DriverHandle, DriverLinks) {
    let (policy_tx, policy_rx) = watch::channel(initial);
    let refresh = Arc::new(Notify::new());
    let handle = DriverHandle {
        policy: Arc::new(policy_tx),
        refresh: Arc::clone(&refresh),
    };
    (
        handle,
        DriverLinks {
            tx,
            policy: policy_rx,
            refresh,
            cancel,
        },
    )
}

/// Polls `source` until cancelled, sending one `Update::Polled` per poll.
pub async fn run<S: Source>(mut source: S, id: SourceId, schedule: Schedule, links: DriverLinks) {
    let DriverLinks {
        tx,
        mut policy,
        refresh,
        cancel,
    } = links;
    let mut failures: u32 = 0;
    loop {
        let result = tokio::select! {
            () = cancel.cancelled() => return,
            r = tokio::time::timeout(schedule.timeout, source.poll()) => r,
        };
        let result = result
            .unwrap_or_else(|_| {
                Err(SourceError::Timeout {
                    target: source.target(),
                    secs: schedule.timeout.as_secs(),
                })
            })
            // A last guard: no address in an error keeps its `user:password@`.
            .map_err(|e| e.map_text(redact::strip_urls));
        let retry_at = result.as_ref().err().and_then(SourceError::retry_at);
        failures = if result.is_ok() {
            0
        } else {
            failures.saturating_add(1)
        };
        let polled_at = Instant::now();
        let update = Update::Polled {
            source: id,
            at: Utc::now(),
            result,
        };
        tokio::select! {
            () = cancel.cancelled() => return,
            sent = tx.send(update) => if sent.is_err() { return },
        }
        let jitter = fastrand::f64();
        // Wait for the deadline, a refresh, or a policy change (which moves the deadline).
        loop {
            let delay = schedule.next_delay(*policy.borrow(), failures, jitter);
            let mut deadline = delay.map(|d| after(polled_at, d));
            if let Some(at) = retry_at {
                let wait = retry_wait(at, Utc::now(), schedule.max_backoff);
                deadline = deadline.map(|d| d.max(after(Instant::now(), wait)));
            }
            let sleep = async {
                match deadline {
                    Some(d) => tokio::time::sleep_until(d).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                () = cancel.cancelled() => return,
                () = sleep => break,
                () = refresh.notified() => break,
                changed = policy.changed() => if changed.is_err() { return },
            }
        }
    }
}

/// How long to honour a server's "not before `at`": a wait beyond `MAX_RETRY_WAIT`
/// is not believed and waits `cap` (the backoff cap) instead.
pub fn retry_wait(at: DateTime<Utc>, now: DateTime<Utc>, cap: Duration) -> Duration {
    let wait = (at - now).to_std().unwrap_or_default();
    if wait > MAX_RETRY_WAIT { cap } else { wait }
}

/// `start + wait`, saturating a century ahead instead of overflowing.
fn after(start: Instant, wait: Duration) -> Instant {
    const CENTURY: Duration = Duration::from_secs(100 * 365 * 86_400);
    start
        .checked_add(wait)
        .or_else(|| start.checked_add(CENTURY))
        .unwrap_or(start)
}

/// Runs pollers made by `make` until cancelled. When one panics, the loop hears
/// `Update::Crashed` and a fresh poller starts after a backoff (growing while the
/// crashes repeat quickly), so a source never stays dead.
pub async fn supervise<S: Source>(
    mut make: impl FnMut() -> S + Send + 'static,
    id: SourceId,
    schedule: Schedule,
    links: DriverLinks,
) {
    let mut crashes: u32 = 0;
    loop {
        let started = Instant::now();
        let poller = run(make(), id, schedule, links.clone());
        let Err(panic) = AssertUnwindSafe(poller).catch_unwind().await else {
            return;
        };
        crashes = if started.elapsed() > schedule.max_backoff {
            1
        } else {
            crashes.saturating_add(1)
        };
        let message = redact::strip_urls(&panic_text(panic.as_ref()));
        tracing::error!("poller {id:?} panicked ({message}); restarting it after a backoff");
        let report = Update::Crashed {
            source: id,
            at: Utc::now(),
            message,
        };
        tokio::select! {
            () = links.cancel.cancelled() => return,
            sent = links.tx.send(report) => if sent.is_err() { return },
        }
        let delay = schedule
            .next_delay(PollPolicy::Visible, crashes, fastrand::f64())
            .unwrap_or(schedule.max_backoff);
        tokio::select! {
            () = links.cancel.cancelled() => return,
            () = tokio::time::sleep(delay) => {}
        }
    }
}

/// A panic's message, when it is text.
pub fn panic_text(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panicked".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule() -> Schedule {
        Schedule::for_interval(Duration::from_secs(10))
    }

    #[test]
    fn healthy_source_waits_its_interval() {
        let s = schedule();
        assert_eq!(
            s.next_delay(PollPolicy::Visible, 0, 0.9),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            s.next_delay(PollPolicy::Hidden, 0, 0.9),
            Some(Duration::from_secs(40))
        );
        assert_eq!(s.next_delay(PollPolicy::Paused, 0, 0.5), None);
    }

    #[test]
    fn backoff_doubles_then_caps_with_jitter_bounds() {
        let s = schedule();
        let mid = |n| s.next_delay(PollPolicy::Visible, n, 0.5).unwrap();
        assert_eq!(mid(1), Duration::from_secs(10));
        assert_eq!(mid(2), Duration::from_secs(20));
        assert_eq!(mid(3), Duration::from_secs(40));
        assert_eq!(mid(10), Duration::from_secs(300));
        assert_eq!(mid(1000), Duration::from_secs(300));
        let low = s.next_delay(PollPolicy::Visible, 2, 0.0).unwrap();
        let high = s.next_delay(PollPolicy::Visible, 2, 0.999_999).unwrap();
        assert_eq!(low, Duration::from_secs(16));
        assert!(high > Duration::from_millis(23_999) && high <= Duration::from_secs(24));
    }

    #[test]
    fn absurd_retry_times_wait_the_backoff_cap() {
        let now = Utc::now();
        let cap = Duration::from_secs(300);
        let at = |s| now + chrono::Duration::seconds(s);
        assert_eq!(retry_wait(at(120), now, cap), Duration::from_secs(120));
        assert_eq!(retry_wait(at(-5), now, cap), Duration::ZERO);
        assert_eq!(retry_wait(at(86_400 * 365), now, cap), cap);
        assert_eq!(retry_wait(DateTime::<Utc>::MAX_UTC, now, cap), cap);
        let start = Instant::now();
        assert!(after(start, Duration::MAX) > start);
    }

    #[test]
    fn timeout_is_clamped() {
        assert_eq!(
            Schedule::for_interval(Duration::from_secs(2)).timeout,
            Duration::from_secs(5)
        );
        assert_eq!(
            Schedule::for_interval(Duration::from_secs(90)).timeout,
            Duration::from_secs(30)
        );
    }
}

//! What the engine's recent events say about each container's last runs: restarts
//! after deaths nobody asked for (a crash loop) and stops or kills on request. Fed by the
//! event follower and, once per connection, by the engine's buffered past events,
//! so even a one-shot `status` knows. Judging is pure: `now` comes in.

use std::collections::{HashMap, VecDeque};

use bollard::models::EventMessage;
use chrono::{DateTime, Duration, Utc};

use crate::state::container::{CRASH_LOOP_RESTARTS, CRASH_WINDOW_SECS, Container, ContainerState};

/// Marks kept per container (a crash loop writes two a cycle).
const MARKS_PER_CONTAINER: usize = 64;
/// Signals whose `kill` event means "stop it" (INT, QUIT, KILL, TERM), not a reload.
const STOPPING_SIGNALS: [&str; 4] = ["2", "3", "9", "15"];

/// One lifecycle event that matters for judging.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mark {
    /// The container started (by anyone, or by its restart policy).
    Start,
    /// Someone asked it to stop: a `stop`, or a `kill` with a stopping signal.
    Request,
    /// Its main process ended.
    Die,
}

/// Recent marks per container id, oldest first, and since when they are complete.
#[derive(Debug, Clone, Default)]
pub struct Lifecycle {
    marks: HashMap<String, VecDeque<(DateTime<Utc>, Mark)>>,
    /// From when on every event is known (`None`: nothing is known yet).
    covered_since: Option<DateTime<Utc>>,
}

/// What the marks say about one container at one time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Verdict {
    /// Restarts after deaths nobody asked for, within the crash window.
    pub restarts: u32,
    /// Whether its current stop was asked for.
    pub stopped_on_request: bool,
    /// Whether the marks cover the whole crash window.
    pub covered: bool,
}

/// The mark an engine event stands for, with the container's id and the event's time.
pub fn mark_of(ev: &EventMessage) -> Option<(String, DateTime<Utc>, Mark)> {
    let actor = ev.actor.as_ref()?;
    let mark = match ev.action.as_deref()? {
        "start" => Mark::Start,
        "die" => Mark::Die,
        "stop" => Mark::Request,
        "kill" => {
            let signal = actor
                .attributes
                .as_ref()
                .and_then(|a| a.get("signal"))
                .map(String::as_str)
                .unwrap_or_default();
            if !STOPPING_SIGNALS.contains(&signal) {
                return None;
            }
            Mark::Request
        }
        _ => return None,
    };
    let at = match (ev.time_nano, ev.time) {
        (Some(nanos), _) => DateTime::from_timestamp_nanos(nanos),
        (None, Some(secs)) => DateTime::from_timestamp(secs, 0)?,
        (None, None) => return None,
    };
    Some((actor.id.clone()?, at, mark))
}

impl Lifecycle {
    /// Records one event; repeats (the live stream and the replay overlap) count once.
    pub fn record(&mut self, ev: &EventMessage) {
        let Some((id, at, mark)) = mark_of(ev) else {
            return;
        };
        let list = self.marks.entry(id).or_default();
        let at_index = list.partition_point(|m| *m < (at, mark));
        if list.get(at_index) == Some(&(at, mark)) {
            return;
        }
        list.insert(at_index, (at, mark));
        while list.len() > MARKS_PER_CONTAINER {
            list.pop_front();
        }
    }

    /// Notes that every event since `since` has been recorded.
    pub fn cover(&mut self, since: DateTime<Utc>) {
        self.covered_since = Some(self.covered_since.map_or(since, |c| c.min(since)));
    }

    /// Forgets containers that are no longer listed, unless a mark of theirs is
    /// newer than `keep_after` (created since the list was read, not listed yet).
    pub fn retain(&mut self, alive: impl Fn(&str) -> bool, keep_after: DateTime<Utc>) {
        self.marks
            .retain(|id, marks| alive(id) || marks.back().is_some_and(|(at, _)| *at >= keep_after));
    }

    /// What the marks say about container `id` at `now`, whose current run
    /// started at `started_at`.
    pub fn verdict(
        &self,
        id: &str,
        started_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Verdict {
        let window_start = now.checked_sub_signed(Duration::seconds(CRASH_WINDOW_SECS));
        let covered = matches!((self.covered_since, window_start), (Some(c), Some(w)) if c <= w);
        let mut out = Verdict {
            covered,
            ..Verdict::default()
        };
        let Some(list) = self.marks.get(id) else {
            return out;
        };
        // A restart is a start after a death nobody asked for.
        let (mut asked, mut died) = (false, false);
        for &(at, mark) in list {
            match mark {
                Mark::Start => {
                    if died && window_start.is_none_or(|w| at >= w) {
                        out.restarts = out.restarts.saturating_add(1);
                    }
                    (asked, died) = (false, false);
                }
                Mark::Request => asked = true,
                Mark::Die => died = !asked,
            }
        }
        // A request during the current run (or since it was last seen starting).
        out.stopped_on_request = list
            .iter()
            .rev()
            .take_while(|(_, m)| *m != Mark::Start)
            .any(|&(at, m)| m == Mark::Request && started_at.is_none_or(|s| at >= s));
        out
    }
}

/// Sets `crash_loop`, `recent_restarts` and `stopped_on_request` of `c` at `now`.
/// Without events covering the crash window, a crash loop is also read from
/// inspect alone: restarted at least twice by its policy and started within the window.
pub fn judge(c: &mut Container, v: Verdict, now: DateTime<Utc>) {
    // The engine leaves a container with these policies stopped only when asked to.
    let policy_says_asked = matches!(
        c.detail.restart_policy.as_str(),
        "always" | "unless-stopped"
    ) && c.state == ContainerState::Exited
        && c.detail.error.is_empty();
    c.stopped_on_request = !c.is_running()
        && c.state != ContainerState::Restarting
        && (v.stopped_on_request || policy_says_asked);
    c.recent_restarts = v.restarts;
    let started_recently = c
        .started_at
        .is_some_and(|s| now.signed_duration_since(s) <= Duration::seconds(CRASH_WINDOW_SECS));
    let inspect_says_loop =
        !v.covered && c.restart_count >= u64::from(CRASH_LOOP_RESTARTS) && started_recently;
    c.crash_loop = !c.stopped_on_request
        && (c.state == ContainerState::Restarting
            || v.restarts >= CRASH_LOOP_RESTARTS
            || inspect_says_loop);
}

#[cfg(test)]
mod tests {

    use bollard::models::EventActor;

    use super::*;
    use crate::state::testkit;

    fn t(secs: i64) -> DateTime<Utc> {
        DateTime::<Utc>::UNIX_EPOCH + Duration::days(20_000) + Duration::seconds(secs)
    }

    fn ev(action: &str, secs: i64, signal: Option<&str>) -> EventMessage {
        let attributes = signal.map(|s| HashMap::from([("signal".to_owned(), s.to_owned())]));
        EventMessage {
            action: Some(action.to_owned()),
            actor: Some(EventActor {
                id: Some("abc".to_owned()),
                attributes,
            }),
            time_nano: t(secs).timestamp_nanos_opt(),
            ..Default::default()
        }
    }

    fn container(state: ContainerState, started: i64, restarts: u64) -> Container {
        Container {
            id: "abc".into(),
            state,
            started_at: Some(t(started)),
            exit_code: Some(1),
            restart_count: restarts,
            ..testkit::container("web")
        }
    }

    fn recorded(events: &[EventMessage]) -> Lifecycle {
        let mut l = Lifecycle::default();
        for e in events {
            l.record(e);
            l.record(e);
        }
        l.cover(t(-1000));
        l
    }

    #[test]
    fn restarts_in_the_window_make_a_crash_loop_even_while_up() {
        let l = recorded(&[
            ev("start", 0, None),
            ev("die", 2, None),
            ev("start", 3, None),
            ev("die", 5, None),
            ev("start", 6, None),
        ]);
        let v = l.verdict("abc", Some(t(6)), t(7));
        assert_eq!(
            (v.restarts, v.covered, v.stopped_on_request),
            (2, true, false)
        );
        let mut c = container(ContainerState::Running, 6, 2);
        judge(&mut c, v, t(7));
        assert!(c.crash_loop);
        assert_eq!(c.recent_restarts, 2);
        // Long after, the same restarts are out of the window.
        let later = t(7 + CRASH_WINDOW_SECS);
        judge(&mut c, l.verdict("abc", Some(t(6)), later), later);
        assert!(!c.crash_loop);
    }

    #[test]
    fn a_stop_or_kill_is_a_request_a_reload_signal_is_not() {
        let l = recorded(&[
            ev("start", 0, None),
            ev("kill", 5, Some("1")),
            ev("kill", 6, Some("15")),
            ev("die", 8, None),
            ev("stop", 8, None),
        ]);
        let v = l.verdict("abc", Some(t(0)), t(9));
        assert!(v.stopped_on_request);
        assert_eq!(v.restarts, 0);
        let hup = recorded(&[
            ev("start", 0, None),
            ev("kill", 5, Some("1")),
            ev("die", 8, None),
        ]);
        let v = hup.verdict("abc", Some(t(0)), t(9));
        assert!(!v.stopped_on_request);
        let restarted = recorded(&[
            ev("start", 0, None),
            ev("kill", 5, Some("15")),
            ev("die", 8, None),
            ev("start", 9, None),
            ev("die", 12, None),
            ev("start", 13, None),
        ]);
        assert_eq!(restarted.verdict("abc", Some(t(13)), t(14)).restarts, 1);
    }

    #[test]
    fn a_request_before_the_current_run_does_not_count() {
        let l = recorded(&[
            ev("stop", 0, None),
            ev("start", 10, None),
            ev("die", 20, None),
        ]);
        assert!(!l.verdict("abc", Some(t(10)), t(21)).stopped_on_request);
        // The start event fell out of the replay: the run's start time still tells.
        let l = recorded(&[ev("stop", 0, None), ev("die", 20, None)]);
        assert!(!l.verdict("abc", Some(t(10)), t(21)).stopped_on_request);
    }

    #[test]
    fn without_events_restarts_and_a_recent_start_tell() {
        let l = Lifecycle::default();
        let v = l.verdict("abc", Some(t(0)), t(1));
        assert!(!v.covered);
        let mut c = container(ContainerState::Running, 0, 3);
        judge(&mut c, v, t(1));
        assert!(c.crash_loop);
        let mut steady = container(ContainerState::Running, 0, 3);
        let later = t(CRASH_WINDOW_SECS + 1);
        judge(&mut steady, l.verdict("abc", Some(t(0)), later), later);
        assert!(!steady.crash_loop);
        let mut stopped = container(ContainerState::Exited, 0, 3);
        stopped.detail.restart_policy = "always".into();
        judge(&mut stopped, v, t(1));
        assert!(stopped.stopped_on_request && !stopped.crash_loop);
    }

    #[test]
    fn unlisted_containers_are_forgotten_unless_just_seen() {
        let mut l = recorded(&[ev("die", 0, None)]);
        l.retain(|_| false, t(-10));
        assert_eq!(
            l.verdict("abc", None, t(1)),
            Verdict {
                restarts: 0,
                stopped_on_request: false,
                covered: true
            }
        );
        assert!(l.marks.contains_key("abc"));
        l.retain(|_| false, t(10));
        assert!(l.marks.is_empty());
    }

    #[test]
    fn absurd_times_do_not_panic() {
        let l = recorded(&[ev("die", 0, None)]);
        let v = l.verdict(
            "abc",
            Some(DateTime::<Utc>::MIN_UTC),
            DateTime::<Utc>::MIN_UTC,
        );
        let mut c = container(ContainerState::Running, 0, 9);
        judge(&mut c, v, DateTime::<Utc>::MIN_UTC);
        c.started_at = Some(DateTime::<Utc>::MAX_UTC);
        judge(&mut c, v, DateTime::<Utc>::MIN_UTC);
    }
}

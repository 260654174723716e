//! A task's log read once, or followed while its try may still write: re-read
//! every `EVERY` with the `continuation_token` Airflow gives while the try runs
//! (it answers only the events after it), deduplicated by event position when a
//! server ignores the token, and ended when the task instance is finished.

use std::time::Duration;

use serde_json::Value;
use tokio::sync::{mpsc, watch};

use super::{AirflowClient, seg, tasks};
use crate::error::SourceError;
use crate::state::airflow::TaskKey;
use crate::state::dag_tasks::{TaskLogRef, is_unfinished};
use crate::state::{LogLine, Update};

/// How often a followed log is read again.
pub const EVERY: Duration = Duration::from_secs(2);
/// Most lines sent from one read (the viewer keeps its own cap).
const MAX_LINES: usize = 100_000;
/// Longest continuation token kept (Airflow's are about a hundred characters);
/// a longer one is not sent back, and the log is read whole and deduplicated.
const MAX_TOKEN: usize = 4096;
/// The first event of the header Airflow puts before a log read from its start.
const HEADER: &str = "::group::Log message source details";
/// The event that closes that header.
const HEADER_END: &str = "::endgroup::";

/// Where a read log stands: body events seen, and the last continuation token
/// with the body position it continues from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogCursor {
    /// Body events (the log without Airflow's header) already turned into lines.
    seen: usize,
    /// The last token the server gave, and the position it reads on from.
    token: Option<(String, usize)>,
    /// Whether the last answer carried a token (the try was running then).
    live: bool,
    /// Whether a first answer was read (its header is shown, later ones are not).
    started: bool,
}

impl LogCursor {
    /// The path of the next read of `task`'s log: the whole log, or from the last token.
    pub fn path(&self, task: &TaskLogRef) -> String {
        let map = if task.map_index >= 0 {
            format!("&map_index={}", task.map_index)
        } else {
            String::new()
        };
        let token = self
            .token
            .as_ref()
            .map(|(t, _)| format!("&token={}", seg(t)))
            .unwrap_or_default();
        format!(
            "/api/v2/dags/{}/dagRuns/{}/taskInstances/{}/logs/{}?full_content=true{map}{token}",
            seg(&task.dag_id),
            seg(&task.run_id),
            seg(&task.task_id),
            task.try_number
        )
    }

    /// Whether the last answer said the try may write more (it carried a token).
    pub fn is_live(&self) -> bool {
        self.live
    }

    /// The new lines of one answer to a read from `path` (Airflow 3 JSON with
    /// `content` as events or text; anything else as text), at most `MAX_LINES`.
    /// An answer that starts with the header was read from the start (no token, or
    /// one the server ignored): the events already seen are skipped.
    pub fn take(&mut self, text: &str) -> Vec<String> {
        let json = serde_json::from_str::<Value>(text).ok();
        let content = json.as_ref().and_then(|v| v.get("content"));
        let events: Vec<Vec<String>> = match content {
            Some(Value::Array(events)) => events.iter().map(event_lines).collect(),
            Some(Value::String(s)) => s.lines().map(|l| vec![l.to_owned()]).collect(),
            _ => text.lines().map(|l| vec![l.to_owned()]).collect(),
        };
        let header = header_len(content);
        let base = match (&self.token, header) {
            (Some((_, pos)), 0) => *pos,
            _ => 0,
        };
        let (head, body) = events.split_at(header.min(events.len()));
        let skip = self.seen.saturating_sub(base).min(body.len());
        let mut lines: Vec<String> = Vec::new();
        if !self.started {
            lines.extend(head.iter().flatten().cloned());
        }
        lines.extend(body.iter().skip(skip).flatten().cloned());
        let end = base.saturating_add(body.len());
        self.seen = self.seen.max(end);
        self.started = true;
        let token = json
            .as_ref()
            .and_then(|v| v.get("continuation_token"))
            .and_then(Value::as_str)
            .filter(|t| t.len() <= MAX_TOKEN);
        self.live = token.is_some();
        if let Some(t) = token {
            self.token = Some((t.to_owned(), end));
        }
        lines.truncate(MAX_LINES);
        lines
    }
}

/// How many leading events are Airflow's header (`::group::Log message source
/// details` up to its `::endgroup::`), 0 when the answer has none.
fn header_len(content: Option<&Value>) -> usize {
    let Some(Value::Array(events)) = content else {
        return 0;
    };
    let text = |e: &Value| {
        e.get("event")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_default()
    };
    if events.first().map(text).as_deref() != Some(HEADER) {
        return 0;
    }
    events
        .iter()
        .position(|e| text(e) == HEADER_END)
        .map_or(1, |i| i + 1)
}

/// One structured log event as text: `timestamp level event`, then its sources
/// (older servers list the log files read in the first event) and error detail.
pub fn event_lines(event: &Value) -> Vec<String> {
    let Some(obj) = event.as_object() else {
        return event.as_str().map(str::to_owned).into_iter().collect();
    };
    let field = |k: &str| obj.get(k).and_then(Value::as_str).unwrap_or("");
    let mut head: Vec<&str> = [field("timestamp"), field("level")]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    head.push(field("event"));
    let mut out: Vec<String> = head.join(" ").lines().map(str::to_owned).collect();
    if let Some(Value::Array(sources)) = obj.get("sources") {
        out.extend(
            sources
                .iter()
                .filter_map(Value::as_str)
                .map(|s| format!("  {s}")),
        );
    }
    if let Some(err) = obj.get("error_detail").filter(|v| !v.is_null()) {
        out.push(format!("  error: {err}"));
    }
    out
}

/// What a follower does after reading the task instance's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Keep following this try.
    Go,
    /// The try is over and a later one exists: read this one to its end, then that one.
    NextTry(u32),
    /// The task instance is finished (its state): read to the end and stop.
    End(String),
}

/// The step for a followed `try_number` when the instance is in `state` at `tries`.
pub fn next_step(try_number: u32, state: &str, tries: u32) -> Step {
    if tries > try_number {
        Step::NextTry(tries)
    } else if is_unfinished(state) {
        Step::Go
    } else {
        Step::End(state.to_owned())
    }
}

/// Where a follower sends what it reads.
pub struct Sink {
    /// The loop's channel.
    pub tx: mpsc::Sender<Update>,
    /// The viewer's stream.
    pub stream_id: u64,
    /// Whether the viewer follows (`f`): reading pauses while it does not.
    pub follow: watch::Receiver<bool>,
}

impl Sink {
    async fn lines(&self, lines: Vec<String>) {
        if lines.is_empty() {
            return;
        }
        let lines = lines
            .into_iter()
            .map(|text| LogLine {
                stderr: false,
                timestamp: None,
                text,
            })
            .collect();
        let update = Update::Log {
            stream_id: self.stream_id,
            lines,
        };
        let _ = self.tx.send(update).await;
    }

    async fn ended(&self, reason: String) {
        let stream_id = self.stream_id;
        let _ = self.tx.send(Update::LogEnded { stream_id, reason }).await;
    }

    /// Waits `EVERY`, then while the viewer does not follow; false once it is gone.
    async fn turn(&mut self) -> bool {
        tokio::time::sleep(EVERY).await;
        while !*self.follow.borrow_and_update() {
            if self.follow.changed().await.is_err() {
                return false;
            }
        }
        true
    }
}

/// Reads `task`'s log into the viewer; when `follow`, reads it again every `EVERY`
/// while the task instance is unfinished (the state is asked only while the last
/// read carried no token), moves to a later try when one starts, and ends with
/// the finished state. Stops when cancelled by the caller.
pub async fn run(client: AirflowClient, mut task: TaskLogRef, follow: bool, mut sink: Sink) {
    let mut cursor = LogCursor::default();
    loop {
        let mut step = Step::Go;
        if follow && !cursor.is_live() {
            match instance(&client, &task).await {
                Ok((state, tries)) => step = next_step(task.try_number, &state, tries),
                Err(e) => return sink.ended(e.to_string()).await,
            }
        }
        match client.text(&cursor.path(&task)).await {
            Ok(text) => sink.lines(cursor.take(&text)).await,
            Err(e) => return sink.ended(e.to_string()).await,
        }
        match step {
            _ if !follow => return,
            Step::End(state) => return sink.ended(format!("task {state}")).await,
            Step::NextTry(n) => {
                task.try_number = n;
                cursor = LogCursor::default();
                let update = Update::LogTry {
                    stream_id: sink.stream_id,
                    try_number: n,
                };
                let _ = sink.tx.send(update).await;
            }
            Step::Go => {}
        }
        if !sink.turn().await {
            return;
        }
    }
}

/// The task instance's state and latest try.
async fn instance(client: &AirflowClient, task: &TaskLogRef) -> Result<(String, u32), SourceError> {
    let key = TaskKey {
        task_id: task.task_id.clone(),
        map_index: task.map_index,
    };
    let path = tasks::instance_path(&task.dag_id, &task.run_id, &key);
    let ti: super::wire::WireTask = client.get(&path).await?;
    let ti = ti.into_task();
    Ok((ti.state, ti.try_number))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(events: &[&str], token: Option<&str>) -> String {
        let content: Vec<Value> = events
            .iter()
            .map(|e| serde_json::json!({ "event": e }))
            .collect();
        serde_json::json!({ "content": content, "continuation_token": token }).to_string()
    }

    fn task() -> TaskLogRef {
        TaskLogRef {
            dag_id: "d".into(),
            run_id: "manual__1".into(),
            task_id: "t".into(),
            try_number: 2,
            map_index: -1,
        }
    }

    #[test]
    fn a_token_reads_on_and_the_header_shows_once() {
        let mut c = LogCursor::default();
        assert!(!c.path(&task()).contains("token"));
        let first = answer(
            &[HEADER, "/logs/a.log", HEADER_END, "tick 1", "tick 2"],
            Some("T1"),
        );
        assert_eq!(
            c.take(&first),
            [HEADER, "/logs/a.log", HEADER_END, "tick 1", "tick 2"]
        );
        assert!(c.is_live());
        assert!(
            c.path(&task())
                .ends_with("logs/2?full_content=true&token=T1")
        );
        // The server answers only what follows the token.
        assert_eq!(c.take(&answer(&["tick 3"], Some("T2"))), ["tick 3"]);
        // The try ended: no token, the last one is kept for the final read.
        assert!(c.take(&answer(&["tick 4"], None)) == ["tick 4"] && !c.is_live());
        assert!(c.path(&task()).ends_with("token=T2"));
        // Read again from T2 (position 3): tick 4 was seen, the rest is new.
        assert_eq!(c.take(&answer(&["tick 4", "done"], None)), ["done"]);
    }

    #[test]
    fn a_server_that_ignores_the_token_is_deduplicated_by_position() {
        let mut c = LogCursor::default();
        c.take(&answer(&[HEADER, "src", HEADER_END, "a"], Some("T")));
        // The whole log again, with a header that changed: only `b` is new.
        let again = answer(
            &[HEADER, "src", "served: refused", HEADER_END, "a", "b"],
            Some("T"),
        );
        assert_eq!(c.take(&again), ["b"]);
        // Text content and plain text are lines, deduplicated the same way.
        let mut t = LogCursor::default();
        assert_eq!(t.take("x\ny"), ["x", "y"]);
        assert_eq!(t.take("x\ny\nz"), ["z"]);
    }

    #[test]
    fn an_oversized_token_is_not_sent_back() {
        let mut c = LogCursor::default();
        let huge = "x".repeat(MAX_TOKEN + 1);
        c.take(&answer(&[HEADER, HEADER_END, "a"], Some(&huge)));
        assert!(!c.path(&task()).contains("token") && !c.is_live());
        let again = answer(&[HEADER, HEADER_END, "a", "b"], None);
        assert_eq!(c.take(&again), ["b"]);
    }

    #[test]
    fn a_mapped_instance_and_odd_ids_make_a_safe_path() {
        let mut t = task();
        t.map_index = 3;
        t.run_id = "manual__2026-01-01T00:00:00+00:00".into();
        let mut c = LogCursor::default();
        c.take(&answer(&["a"], Some("a.b/c")));
        let path = c.path(&t);
        assert!(
            path.contains("manual__2026-01-01T00%3A00%3A00%2B00%3A00"),
            "{path}"
        );
        assert!(path.ends_with("&map_index=3&token=a.b%2Fc"), "{path}");
    }

    #[test]
    fn the_step_follows_unfinished_tries_and_ends_on_a_finished_state() {
        assert_eq!(next_step(1, "running", 1), Step::Go);
        assert_eq!(next_step(1, "queued", 1), Step::Go);
        assert_eq!(next_step(1, "up_for_retry", 1), Step::Go);
        assert_eq!(next_step(1, "scheduled", 2), Step::NextTry(2));
        assert_eq!(next_step(2, "success", 2), Step::End("success".into()));
        assert_eq!(next_step(2, "weird", 2), Step::End("weird".into()));
    }
}

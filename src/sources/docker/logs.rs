//! Follows one container's log: the last lines, then new ones as they come,
//! batched so a chatty container cannot flood the event loop. Stdout and stderr
//! stay told apart; the engine's timestamps are split off each line.

use std::time::Duration;

use bollard::Docker;
use bollard::container::LogOutput;
use bollard::query_parameters::LogsOptions;
use futures_util::StreamExt;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::state::{LogLine, Update};

/// Most chunks gathered into one update.
const BATCH: usize = 256;

/// Streams the log of container `id` until it ends or `cancel` fires.
pub async fn follow(
    client: Docker,
    id: String,
    stream_id: u64,
    tail: usize,
    tx: mpsc::Sender<Update>,
    cancel: CancellationToken,
) {
    let stream = client.logs(&id, Some(options(tail)));
    let reason = match pump(stream, stream_id, &tx, &cancel).await {
        Ended::Cancelled => return,
        Ended::Closed => ended_reason(&client, &id).await,
        Ended::Failed(f) => format!("log stream failed: {f}"),
    };
    let _ = tx.send(Update::LogEnded { stream_id, reason }).await;
}

pub(super) fn options(tail: usize) -> LogsOptions {
    LogsOptions {
        follow: true,
        stdout: true,
        stderr: true,
        timestamps: true,
        tail: tail.to_string(),
        ..Default::default()
    }
}

/// How a log stream stopped.
enum Ended {
    /// `cancel` fired: nothing more to say.
    Cancelled,
    /// The engine closed it.
    Closed,
    /// Reading failed.
    Failed(String),
}

/// Sends batches of whole lines until the stream ends.
async fn pump(
    stream: impl futures_util::Stream<Item = Result<LogOutput, bollard::errors::Error>>,
    stream_id: u64,
    tx: &mpsc::Sender<Update>,
    cancel: &CancellationToken,
) -> Ended {
    let mut chunks = Box::pin(stream.ready_chunks(BATCH));
    let mut split = Splitter::default();
    let ended = loop {
        let next = tokio::select! {
            () = cancel.cancelled() => return Ended::Cancelled,
            next = chunks.next() => next,
        };
        let Some(batch) = next else {
            break Ended::Closed;
        };
        let mut lines = Vec::new();
        let mut failure = None;
        for item in batch {
            match item {
                Ok(out) => split.push(&out, &mut lines),
                Err(e) => failure = Some(e.to_string()),
            }
        }
        if !lines.is_empty() && tx.send(Update::Log { stream_id, lines }).await.is_err() {
            return Ended::Cancelled;
        }
        if let Some(f) = failure {
            break Ended::Failed(f);
        }
    };
    let mut rest = Vec::new();
    split.flush(&mut rest);
    if !rest.is_empty() {
        let _ = tx
            .send(Update::Log {
                stream_id,
                lines: rest,
            })
            .await;
    }
    ended
}

async fn ended_reason(client: &Docker, id: &str) -> String {
    // `docker rm -f` ends the stream at the kill, before the removal finishes:
    // look twice before calling it a stop.
    for attempt in 0..2 {
        match client.inspect_container(id, None).await {
            Err(bollard::errors::Error::DockerResponseServerError {
                status_code: 404, ..
            }) => {
                return "the container was removed".to_owned();
            }
            Ok(i) if i.state.as_ref().and_then(|s| s.running) == Some(true) => {
                return "the engine closed the log stream".to_owned();
            }
            Ok(_) if attempt == 0 => tokio::time::sleep(Duration::from_millis(300)).await,
            Ok(_) => return "the container stopped".to_owned(),
            Err(e) => return format!("the log ended: {e}"),
        }
    }
    "the container stopped".to_owned()
}

/// Reassembles whole lines from log frames, per stream.
#[derive(Debug, Default)]
pub struct Splitter {
    out: String,
    err: String,
}

impl Splitter {
    /// Adds one frame; complete lines are appended to `lines`.
    pub fn push(&mut self, frame: &LogOutput, lines: &mut Vec<LogLine>) {
        let (buf, stderr, bytes) = match frame {
            LogOutput::StdErr { message } => (&mut self.err, true, message),
            LogOutput::StdOut { message }
            | LogOutput::Console { message }
            | LogOutput::StdIn { message } => (&mut self.out, false, message),
        };
        buf.push_str(&String::from_utf8_lossy(bytes));
        while let Some(end) = buf.find('\n') {
            let raw: String = buf.drain(..=end).collect();
            lines.push(parse_line(raw.trim_end_matches(['\n', '\r']), stderr));
        }
    }

    /// Emits what is left without a trailing newline.
    pub fn flush(&mut self, lines: &mut Vec<LogLine>) {
        for (buf, stderr) in [(&mut self.out, false), (&mut self.err, true)] {
            if !buf.is_empty() {
                lines.push(parse_line(&std::mem::take(buf), stderr));
            }
        }
    }
}

/// Splits the engine's RFC 3339 timestamp off the front of a line.
pub fn parse_line(raw: &str, stderr: bool) -> LogLine {
    match raw.split_once(' ') {
        Some((ts, rest))
            if ts.len() >= 20 && ts.as_bytes().get(4) == Some(&b'-') && ts.ends_with('Z') =>
        {
            LogLine {
                stderr,
                timestamp: Some(ts.to_owned()),
                text: rest.to_owned(),
            }
        }
        _ => LogLine {
            stderr,
            timestamp: None,
            text: raw.to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use bytes::Bytes;

    #[test]
    fn frames_are_split_into_lines_per_stream() {
        let mut s = Splitter::default();
        let mut lines = Vec::new();
        let out = |m: &'static str| LogOutput::StdOut {
            message: Bytes::from(m),
        };
        let err = |m: &'static str| LogOutput::StdErr {
            message: Bytes::from(m),
        };
        s.push(&out("2026-11-27T09:00:00.000000001Z hel"), &mut lines);
        s.push(&err("2026-11-27T09:00:00.5Z boom\n"), &mut lines);
        s.push(&out("lo\n2026-11-27T09:00:01Z second\npartial"), &mut lines);
        s.flush(&mut lines);
        let got: Vec<(bool, Option<&str>, &str)> = lines
            .iter()
            .map(|l| (l.stderr, l.timestamp.as_deref(), l.text.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (true, Some("2026-11-27T09:00:00.5Z"), "boom"),
                (false, Some("2026-11-27T09:00:00.000000001Z"), "hello"),
                (false, Some("2026-11-27T09:00:01Z"), "second"),
                (false, None, "partial"),
            ]
        );
    }
}

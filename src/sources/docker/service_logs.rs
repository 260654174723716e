//! Follows a Swarm service's logs through its manager as one stream per task
//! (`/tasks/{id}/logs`), so every line is marked with the task it came from
//! (bollard 0.21's log options cannot ask `/services/{id}/logs` for `details`).
//! Tasks the service starts later are found by listing its tasks every `RESCAN`.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use bollard::Docker;
use bollard::container::LogOutput;
use bollard::query_parameters::ListTasksOptions;
use futures_util::stream::{BoxStream, SelectAll};
use futures_util::{FutureExt as _, StreamExt as _};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::logs::{Splitter, options};
use crate::state::{LogLine, Update};

/// How often the service's running tasks are listed to follow new ones.
const RESCAN: Duration = Duration::from_secs(5);
/// Most task streams followed at once (each is one connection to the manager).
pub const MAX_TASKS: usize = 32;
/// Most frames gathered into one update.
const BATCH: usize = 256;

type Frame = (usize, Result<LogOutput, bollard::errors::Error>);

/// The task streams followed so far, each with its name and line splitter.
struct Followed {
    ids: HashSet<String>,
    names: Vec<String>,
    splitters: Vec<Splitter>,
    streams: SelectAll<BoxStream<'static, Frame>>,
}

impl Followed {
    fn add(&mut self, client: &Docker, task: &str, name: String, tail: usize) -> bool {
        if self.ids.contains(task) || self.ids.len() >= MAX_TASKS {
            return false;
        }
        let index = self.names.len();
        self.ids.insert(task.to_owned());
        self.names.push(name);
        self.splitters.push(Splitter::default());
        let stream = client.task_logs(task, Some(options(tail)));
        self.streams.push(stream.map(move |f| (index, f)).boxed());
        true
    }

    /// Splits frames into lines marked `[web.2@worker1]`; a failed stream only ends itself.
    fn lines(&mut self, frames: Vec<Frame>) -> Vec<LogLine> {
        let mut out = Vec::new();
        for (index, frame) in frames {
            let (Some(split), Some(name)) = (self.splitters.get_mut(index), self.names.get(index))
            else {
                continue;
            };
            let mut lines = Vec::new();
            match frame {
                Ok(f) => split.push(&f, &mut lines),
                Err(e) => lines.push(LogLine {
                    stderr: true,
                    timestamp: None,
                    text: format!("(the log of this task failed: {e})"),
                }),
            }
            out.extend(lines.into_iter().map(|l| mark(l, name)));
        }
        out
    }
}

/// Puts the task's name before a line.
pub fn mark(line: LogLine, name: &str) -> LogLine {
    LogLine {
        text: format!("[{name}] {}", line.text),
        ..line
    }
}

/// Streams the logs of every running task of service `id` (named `service`) until
/// `cancel` fires; `tasks` names the tasks known now by id (`web.2@worker1`).
pub async fn follow(
    client: Docker,
    (id, service): (String, String),
    tasks: Vec<(String, String)>,
    stream_id: u64,
    tail: usize,
    tx: mpsc::Sender<Update>,
    cancel: CancellationToken,
) {
    let mut followed = Followed {
        ids: HashSet::new(),
        names: Vec::new(),
        splitters: Vec::new(),
        streams: SelectAll::new(),
    };
    for (task, name) in tasks {
        followed.add(&client, &task, name, tail);
    }
    let mut rescan = tokio::time::interval(RESCAN);
    rescan.tick().await;
    loop {
        let frames = tokio::select! {
            () = cancel.cancelled() => return,
            _ = rescan.tick() => {
                match running_tasks(&client, &id, &service).await {
                    Ok(found) => {
                        let known: HashMap<String, String> = found.into_iter().collect();
                        for (task, name) in known {
                            followed.add(&client, &task, name, tail);
                        }
                    }
                    Err(reason) => {
                        let _ = tx.send(Update::LogEnded { stream_id, reason }).await;
                        return;
                    }
                }
                continue;
            }
            next = followed.streams.next(), if !followed.streams.is_empty() => next,
        };
        let Some(first) = frames else { continue };
        let mut batch = vec![first];
        while batch.len() < BATCH {
            match followed.streams.next().now_or_never() {
                Some(Some(f)) => batch.push(f),
                _ => break,
            }
        }
        let lines = followed.lines(batch);
        if !lines.is_empty() && tx.send(Update::Log { stream_id, lines }).await.is_err() {
            return;
        }
    }
}

/// The service's tasks meant to run, by id, named `web.2` (new ones have no node name yet).
async fn running_tasks(
    client: &Docker,
    id: &str,
    service: &str,
) -> Result<Vec<(String, String)>, String> {
    let filters = HashMap::from([
        ("service".to_owned(), vec![id.to_owned()]),
        ("desired-state".to_owned(), vec!["running".to_owned()]),
    ]);
    let options = ListTasksOptions {
        filters: Some(filters),
    };
    match client.list_tasks(Some(options)).await {
        Ok(list) => Ok(list
            .into_iter()
            .filter_map(|t| {
                let name = match t.slot {
                    Some(slot) => format!("{service}.{slot}"),
                    None => service.to_owned(),
                };
                Some((t.id?, name))
            })
            .collect()),
        Err(bollard::errors::Error::DockerResponseServerError {
            status_code: 404, ..
        }) => Err("the service was removed".to_owned()),
        Err(e) => Err(format!("listing the service's tasks failed: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;

    #[test]
    fn each_task_keeps_its_own_partial_line_and_its_name() {
        let mut f = Followed {
            ids: HashSet::new(),
            names: vec!["web.1@manager".into(), "web.2@worker1".into()],
            splitters: vec![Splitter::default(), Splitter::default()],
            streams: SelectAll::new(),
        };
        let out = |m: &'static str| {
            Ok(LogOutput::StdOut {
                message: Bytes::from(m),
            })
        };
        let frames = vec![
            (0, out("2026-12-06T01:08:53Z hel")),
            (1, out("2026-12-06T01:08:54Z other\n")),
            (0, out("lo\n")),
            (7, out("nobody's\n")),
        ];
        let lines = f.lines(frames);
        let got: Vec<(&str, Option<&str>)> = lines
            .iter()
            .map(|l| (l.text.as_str(), l.timestamp.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                ("[web.2@worker1] other", Some("2026-12-06T01:08:54Z")),
                ("[web.1@manager] hello", Some("2026-12-06T01:08:53Z")),
            ]
        );
    }
}

//! Fetches one job's log (the job-logs endpoint answers with a redirect to the
//! text, which the client follows) and sends it to the viewer in batches, with
//! GitHub's timestamps split off each line.

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::Client;
use crate::sources::docker::logs::parse_line;
use crate::state::{LogLine, Update};

/// Lines per update, so a huge log cannot flood the loop.
const BATCH: usize = 2_000;

/// Sends the log of `job_id` in `repo` as `Update::Log`s, then `Update::LogEnded`.
pub async fn fetch(
    client: Client,
    repo: String,
    job_id: u64,
    stream_id: u64,
    tx: mpsc::Sender<Update>,
    cancel: CancellationToken,
) {
    let work = async {
        let api = client.api().await?;
        let route = format!("/repos/{repo}/actions/jobs/{job_id}/logs");
        let what = format!(
            "the log of job {job_id} in '{repo}' (logs of running jobs appear once they finish)"
        );
        api.get_log(&route, &what).await
    };
    let answer = tokio::select! {
        () = cancel.cancelled() => return,
        a = work => a,
    };
    let reason = match answer {
        Ok(a) => {
            let lines: Vec<LogLine> = a
                .body
                .lines()
                .map(|l| parse_line(l.trim_start_matches('\u{feff}'), false))
                .collect();
            let total = lines.len();
            for chunk in lines.chunks(BATCH) {
                let update = Update::Log {
                    stream_id,
                    lines: chunk.to_vec(),
                };
                if tx.send(update).await.is_err() {
                    return;
                }
            }
            format!("end of log, {total} lines")
        }
        Err(e) => e.to_string(),
    };
    let _ = tx.send(Update::LogEnded { stream_id, reason }).await;
}

//! The log tails of a snapshot: the last lines of every failing (critical)
//! container, read once from its engine, all within one timeout.

use std::time::Duration;

use super::ContainerLog;
use crate::config::Config;
use crate::state::container::Container;
use crate::state::{Payload, Severity, Store};

/// Log lines kept per failing container.
pub const LOG_LINES: usize = 100;
/// Most containers whose logs one snapshot reads (a whole host down stays readable).
const MAX_CONTAINERS: usize = 20;

/// The failing containers, with their engine's source name: critical ones, at most 20.
pub fn failing_containers(store: &Store) -> Vec<(String, &Container)> {
    store
        .sources
        .iter()
        .filter_map(|s| match &s.data {
            Some(Payload::Containers(list)) => Some((s.spec.name.clone(), list)),
            _ => None,
        })
        .flat_map(|(name, list)| list.iter().map(move |c| (name.clone(), c)))
        .filter(|(_, c)| c.severity() == Severity::Critical)
        .take(MAX_CONTAINERS)
        .collect()
}

/// Reads the last `LOG_LINES` of each failing container; one that cannot be read
/// within `timeout` says why instead.
pub async fn tail_logs(config: &Config, store: &Store, timeout: Duration) -> Vec<ContainerLog> {
    let mut out = Vec::new();
    let deadline = tokio::time::Instant::now() + timeout;
    for (source, c) in failing_containers(store) {
        let mut log = ContainerLog {
            source: source.clone(),
            container: c.name.clone(),
            state: c.state.as_str().to_owned(),
            lines: Vec::new(),
            error: None,
        };
        let engine = config.docker.iter().find(|d| d.name == source);
        let result = match engine.map(crate::sources::docker::connect) {
            Some(Ok(client)) => {
                let read = crate::sources::docker::logs::tail(&client, &c.id, LOG_LINES);
                match tokio::time::timeout_at(deadline, read).await {
                    Ok(r) => r,
                    Err(_) => Err("no answer before the timeout".to_owned()),
                }
            }
            Some(Err(e)) => Err(e.to_string()),
            None => Err(format!("no engine named '{source}' in the config")),
        };
        match result {
            Ok(lines) => log.lines = lines.into_iter().map(|l| plain(&l.text)).collect(),
            Err(e) => log.error = Some(e),
        }
        out.push(log);
    }
    out
}

/// `text` without ANSI escape sequences (CSI `ESC [ … final` and OSC `ESC ] … BEL`).
fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            if !c.is_control() || c == '\t' {
                out.push(c);
            }
            continue;
        }
        match chars.next() {
            Some('[') => {
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            Some(']') => {
                for c in chars.by_ref() {
                    if c == '\u{7}' {
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_are_stripped() {
        assert_eq!(super::plain("\u{1b}[31mred\u{1b}[0m ok\u{7}"), "red ok");
        assert_eq!(super::plain("\u{1b}]0;title\u{7}text"), "text");
    }
}

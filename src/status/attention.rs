//! "Needs attention": failing sources and every item whose severity is not ok,
//! worst first. The overview and `flightdeck status` both list exactly this,
//! built by `attention` from the same store, so the two never disagree.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::Item;
use super::items::source_items;
use crate::state::SourceId;
use crate::state::container::CRASH_WINDOW_SECS;
use crate::state::health::format_age;
use crate::state::{Health, Severity, SourceState, Store};

/// One thing that needs a look: a failing source or an item that is not ok.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attention {
    /// How worried to be.
    pub severity: Severity,
    /// `source`, or the item's kind (`container`, `pipeline_run`, …).
    pub kind: &'static str,
    /// The source that reported it (or that fails).
    #[serde(skip)]
    pub source: SourceId,
    /// That source's name as `status` prints it (`local`; the label for a failing source).
    pub source_label: String,
    /// The item's stable id (the source's label for a failing source).
    pub id: String,
    /// A human name.
    pub name: String,
    /// Its state in the backend's words (`error` for a failing source).
    pub state: String,
    /// Extra words: an exit code, a health, how long a run is stuck, an error.
    pub detail: String,
}

impl Attention {
    /// The stable row id in the overview: kind, source and item id.
    pub fn row_id(&self) -> String {
        format!("{}:{}:{}", self.kind, self.source.0, self.id)
    }

    /// One line for `flightdeck status` (`CRITICAL container web (local): exited, exit code 3`).
    pub fn text(&self) -> String {
        let sev = self.severity.word();
        if self.kind == "source" {
            return format!("{sev:<8} source {}: {}", self.name, self.detail);
        }
        format!(
            "{sev:<8} {} {} ({}): {}{}",
            self.kind, self.name, self.source_label, self.state, self.detail
        )
    }
}

/// Everything that needs attention in `store` at `now`, worst first: by severity
/// rank, failing sources before items of the same rank, then by name.
pub fn attention(store: &Store, now: DateTime<Utc>) -> Vec<Attention> {
    let mut out = Vec::new();
    for (i, s) in store.sources.iter().enumerate() {
        let source = SourceId(i);
        out.extend(source_problem(source, s, now));
        out.extend(
            source_items(s, now)
                .into_iter()
                .filter(|item| item.severity != Severity::Ok)
                .map(|item| from_item(source, &item)),
        );
    }
    out.sort_by(|a, b| {
        b.severity
            .rank()
            .cmp(&a.severity.rank())
            .then_with(|| (b.kind == "source").cmp(&(a.kind == "source")))
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.id.cmp(&b.id))
    });
    out
}

/// A source whose polls fail or whose poller crashed; its last data still counts.
fn source_problem(source: SourceId, s: &SourceState, now: DateTime<Utc>) -> Option<Attention> {
    let (state, detail) = match &s.health {
        Health::Error { error, since, .. } => (
            "error",
            format!("{error} (failing for {})", format_age(now, *since)),
        ),
        Health::Crashed { message, .. } => ("crashed", format!("poller crashed: {message}")),
        Health::Ok { .. } | Health::NeverPolled => return None,
    };
    let label = s.spec.label();
    Some(Attention {
        severity: Severity::Unknown,
        kind: "source",
        source,
        source_label: label.clone(),
        id: label.clone(),
        name: label,
        state: state.to_owned(),
        detail,
    })
}

fn from_item(source: SourceId, item: &Item) -> Attention {
    Attention {
        severity: item.severity,
        kind: item.kind,
        source,
        source_label: item.source.clone(),
        id: item.id.clone(),
        name: item.name.clone(),
        state: item.state.clone(),
        detail: item_detail(item),
    }
}

/// Extra words: a health other than none, an exit code, how long a run is stuck.
pub fn item_detail(item: &Item) -> String {
    let mut out = String::new();
    if let Some(h) = item
        .fields
        .get("health")
        .and_then(|h| h.as_str())
        .filter(|h| *h != "none")
    {
        let _ = write!(out, ", {h}");
    }
    let int = |k: &str| item.fields.get(k).and_then(serde_json::Value::as_i64);
    container_detail(&mut out, item);
    if let (true, Some(code)) = (item.state == "exited", int("exit_code")) {
        let _ = write!(out, ", exit code {code}");
    }
    if let (Some(running), Some(desired)) = (int("replicas_running"), int("replicas_desired")) {
        let _ = write!(out, ", {running}/{desired} running");
    }
    if let Some(a) = item.fields.get("availability").and_then(|a| a.as_str()) {
        let _ = write!(out, ", {a}");
    }
    if let (Some(elapsed), Some(usual)) = (int("elapsed_seconds"), int("usual_seconds")) {
        let _ = write!(
            out,
            ", stuck: running {}, usually {}",
            minutes(elapsed),
            minutes(usual)
        );
    }
    out
}

/// A container's crash loop, failed start, OOM kill or requested stop, in words.
fn container_detail(out: &mut String, item: &Item) {
    if item.kind != "container" {
        return;
    }
    let flag = |k: &str| item.fields.get(k).and_then(serde_json::Value::as_bool) == Some(true);
    let int = |k: &str| item.fields.get(k).and_then(serde_json::Value::as_i64);
    if flag("crash_loop") {
        let window = minutes(CRASH_WINDOW_SECS);
        if let Some(n) = int("recent_restarts").filter(|n| *n >= 2) {
            let _ = write!(out, ", crash loop: {n} restarts in {window}");
        } else {
            let n = int("restart_count").unwrap_or(0);
            let _ = write!(out, ", crash loop: {n} restarts, the last within {window}");
        }
    }
    if flag("stopped_on_request") {
        out.push_str(", stopped on request");
    }
    if flag("oom_killed") {
        out.push_str(", killed out of memory");
    }
    if let Some(error) = item.fields.get("error").and_then(|e| e.as_str()) {
        let _ = write!(out, ", failed to start: {error}");
    }
}

fn minutes(secs: i64) -> String {
    if secs < 60 {
        format!("{secs}s")
    } else {
        format!("{}m", secs / 60)
    }
}

#[cfg(test)]
mod tests {

    use std::time::Duration;

    use super::*;
    use crate::error::SourceError;
    use crate::state::container::{Container, ContainerHealth, ContainerState};
    use crate::state::testkit;
    use crate::state::{Payload, SourceKind, SourceSpec, Update};

    fn now() -> DateTime<Utc> {
        DateTime::<Utc>::UNIX_EPOCH + chrono::Duration::days(20_000)
    }

    fn container(name: &str, state: ContainerState, health: ContainerHealth) -> Container {
        Container {
            state,
            health,
            exit_code: Some(137),
            ..testkit::container(name)
        }
    }

    fn store() -> Store {
        use ContainerHealth as H;
        use ContainerState as S;
        let spec = |kind, name: &str| SourceSpec {
            kind,
            name: name.into(),
            interval: Duration::from_secs(15),
        };
        let mut store = Store::new(vec![
            spec(SourceKind::Docker, "local"),
            spec(SourceKind::Docker, "prod"),
        ]);
        let list = vec![
            container("web", S::Running, H::Healthy),
            container("warm", S::Running, H::Starting),
            container("db", S::Exited, H::None),
            container("api", S::Running, H::Unhealthy),
        ];
        store.apply(Update::Polled {
            source: SourceId(0),
            at: now(),
            result: Ok(Payload::Containers(list)),
        });
        store.apply(Update::Polled {
            source: SourceId(1),
            at: now(),
            result: Err(SourceError::Timeout {
                target: "prod".into(),
                secs: 5,
            }),
        });
        store
    }

    #[test]
    fn worst_first_failing_sources_before_warnings_ok_left_out() {
        let list = attention(&store(), now());
        let names: Vec<(&str, Severity)> =
            list.iter().map(|a| (a.name.as_str(), a.severity)).collect();
        assert_eq!(
            names,
            vec![
                ("api", Severity::Critical),
                ("db", Severity::Critical),
                ("docker prod", Severity::Unknown),
                ("warm", Severity::Warning),
            ]
        );
        assert_eq!(list[0].row_id(), "container:0:id-api");
        assert_eq!(list[1].detail, ", exit code 137");
    }

    #[test]
    fn text_lines_name_kind_source_and_state() {
        let list = attention(&store(), now());
        assert_eq!(
            list[0].text(),
            "CRITICAL container api (local): running, unhealthy"
        );
        assert_eq!(
            list[2].text(),
            "UNKNOWN  source docker prod: no answer from 'prod' within 5 s (failing for 0s)"
        );
    }
}

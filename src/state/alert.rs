//! Alerts from Prometheus (`/api/v1/alerts`) and Alertmanager (`/api/v2/alerts`),
//! Alertmanager's silences, and the rules that merge and rank them. A firing alert
//! is critical when its `severity` label says so, else a warning.

use std::cmp::Reverse;
use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};

use super::Severity;

/// Where an alert stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AlertState {
    /// Its condition holds but not yet for its `for` duration.
    Pending,
    /// Firing.
    Firing,
    /// Firing, but muted by a silence in Alertmanager.
    Silenced,
    /// Firing, but muted by an inhibition rule in Alertmanager.
    Inhibited,
}

impl AlertState {
    /// The word shown and reported (`firing`, `silenced`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            AlertState::Pending => "pending",
            AlertState::Firing => "firing",
            AlertState::Silenced => "silenced",
            AlertState::Inhibited => "inhibited",
        }
    }
}

/// One alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    /// Every label, `alertname` included.
    pub labels: BTreeMap<String, String>,
    /// Annotations (`summary`, `description`, …).
    pub annotations: BTreeMap<String, String>,
    /// Its state.
    pub state: AlertState,
    /// When it became active.
    pub since: Option<DateTime<Utc>>,
    /// Ids of the silences muting it.
    pub silenced_by: Vec<String>,
    /// Alertmanager's fingerprint of its label set (none from Prometheus).
    pub fingerprint: Option<String>,
}

/// One Alertmanager silence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Silence {
    /// Its id.
    pub id: String,
    /// `active`, `pending` or `expired`.
    pub state: String,
    /// Its matchers, as written in PromQL (`alertname="X"`).
    pub matchers: Vec<String>,
    /// When it starts.
    pub starts_at: Option<DateTime<Utc>>,
    /// When it ends.
    pub ends_at: Option<DateTime<Utc>>,
    /// Who made it.
    pub created_by: String,
    /// Why.
    pub comment: String,
}

/// Everything one Alertmanager poll found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AlertsSnapshot {
    /// Alerts Alertmanager holds, with silenced/inhibited state.
    pub alerts: Vec<Alert>,
    /// Silences that are active or pending (expired ones are left out).
    pub silences: Vec<Silence>,
}

impl Alert {
    /// The `alertname` label.
    pub fn name(&self) -> &str {
        self.labels.get("alertname").map_or("", String::as_str)
    }

    /// The `severity` label, empty when there is none.
    pub fn severity_label(&self) -> &str {
        self.labels.get("severity").map_or("", String::as_str)
    }

    /// The `summary` annotation (or `description`), empty when neither is set.
    pub fn summary(&self) -> &str {
        self.annotations
            .get("summary")
            .or_else(|| self.annotations.get("description"))
            .map_or("", String::as_str)
    }

    /// How worried to be: firing and critical-labelled is critical, firing is a
    /// warning, pending or muted is ok.
    pub fn severity(&self) -> Severity {
        match self.state {
            AlertState::Firing if self.severity_label() == "critical" => Severity::Critical,
            AlertState::Firing => Severity::Warning,
            AlertState::Pending | AlertState::Silenced | AlertState::Inhibited => Severity::Ok,
        }
    }

    /// A stable id: the labels, sorted, as `name=value` pairs.
    pub fn key(&self) -> String {
        let pairs: Vec<String> = self
            .labels
            .iter()
            .map(|(k, v)| format!("{k}={v:?}"))
            .collect();
        pairs.join(",")
    }

    /// The labels as `name="value"` matchers, `alertname` first.
    pub fn matchers(&self) -> String {
        let mut list = vec![format!("alertname=\"{}\"", self.name())];
        for (k, v) in self.labels.iter().filter(|(k, _)| *k != "alertname") {
            list.push(format!("{k}=\"{v}\""));
        }
        list.join(", ")
    }
}

/// Rank of a `severity` label: critical first, then warning, info, the rest.
fn label_rank(label: &str) -> u8 {
    match label {
        "critical" | "page" => 0,
        "warning" => 1,
        "info" => 2,
        _ => 3,
    }
}

/// Prometheus's alerts with Alertmanager's state laid over them; alerts only
/// Alertmanager knows (from other servers) are added. Sorted by severity, then
/// newest first.
pub fn merge(prometheus: &[Alert], alertmanager: Option<&[Alert]>) -> Vec<Alert> {
    let mut out: Vec<Alert> = prometheus.to_vec();
    if let Some(am) = alertmanager {
        // Looked up by label set: 10,000 alerts from each would be 10^8 comparisons in pairs.
        let mut index: HashMap<&BTreeMap<String, String>, usize> = HashMap::new();
        for (i, p) in prometheus.iter().enumerate() {
            index.entry(&p.labels).or_insert(i);
        }
        for a in am {
            match index.get(&a.labels).and_then(|&i| out.get_mut(i)) {
                Some(p) => {
                    p.fingerprint.clone_from(&a.fingerprint);
                    if p.state == AlertState::Firing {
                        p.state = a.state;
                        p.silenced_by.clone_from(&a.silenced_by);
                    }
                }
                None => out.push(a.clone()),
            }
        }
    }
    sort(&mut out);
    out
}

/// Sorts alerts: firing, then pending, then muted; within each by severity label
/// (critical first), then newest first.
pub fn sort(alerts: &mut [Alert]) {
    alerts.sort_by(|a, b| {
        let rank = |x: &Alert| {
            let state = match x.state {
                AlertState::Firing => 0,
                AlertState::Pending => 1,
                AlertState::Silenced | AlertState::Inhibited => 2,
            };
            (state, label_rank(x.severity_label()))
        };
        rank(a)
            .cmp(&rank(b))
            .then_with(|| Reverse(a.since).cmp(&Reverse(b.since)))
            .then_with(|| a.key().cmp(&b.key()))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::testkit::alert;

    #[test]
    fn severity_follows_label_and_state() {
        assert_eq!(
            alert("A", "critical", AlertState::Firing).severity(),
            Severity::Critical
        );
        assert_eq!(
            alert("A", "warning", AlertState::Firing).severity(),
            Severity::Warning
        );
        assert_eq!(
            alert("A", "critical", AlertState::Silenced).severity(),
            Severity::Ok
        );
        assert_eq!(
            alert("A", "critical", AlertState::Pending).severity(),
            Severity::Ok
        );
    }

    #[test]
    fn alertmanager_state_overrides_and_extra_alerts_join() {
        let prom = vec![alert("A", "critical", AlertState::Firing)];
        let mut silenced = alert("A", "critical", AlertState::Silenced);
        silenced.silenced_by = vec!["s1".into()];
        let am = vec![silenced, alert("B", "warning", AlertState::Firing)];
        let merged = merge(&prom, Some(&am));
        assert_eq!(merged.len(), 2);
        assert_eq!(merged[0].name(), "B");
        assert_eq!(merged[1].state, AlertState::Silenced);
    }
}

/// One silence matcher (`name="value"`, `name!="v"`, `name=~"re"`, `name!~"re"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matcher {
    /// Label name.
    pub name: String,
    /// Value or regular expression.
    pub value: String,
    /// Whether `value` is a regular expression.
    pub is_regex: bool,
    /// Whether the label must match (`=`, `=~`) rather than not match.
    pub is_equal: bool,
}

impl std::fmt::Display for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let op = match (self.is_equal, self.is_regex) {
            (true, false) => "=",
            (false, false) => "!=",
            (true, true) => "=~",
            (false, true) => "!~",
        };
        write!(f, "{}{op}{:?}", self.name, self.value)
    }
}

/// Parses `a="x", b!~"y.*"` (quotes optional) into matchers; at least one is needed.
pub fn parse_matchers(text: &str) -> Result<Vec<Matcher>, String> {
    let mut out = Vec::new();
    for part in split_outside_quotes(text) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let ops = [
            ("!~", false, true),
            ("=~", true, true),
            ("!=", false, false),
            ("=", true, false),
        ];
        let found = ops
            .iter()
            .filter_map(|(op, eq, re)| part.find(op).map(|i| (i, *op, *eq, *re)))
            .min_by_key(|(i, op, ..)| (*i, std::cmp::Reverse(op.len())));
        let Some((i, op, is_equal, is_regex)) = found else {
            return Err(format!("'{part}' is not a matcher: write name=\"value\""));
        };
        let name = part[..i].trim();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!("'{name}' is not a label name in '{part}'"));
        }
        let raw = part[i + op.len()..].trim();
        let value = raw
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(raw)
            .replace("\\\"", "\"");
        out.push(Matcher {
            name: name.to_owned(),
            value,
            is_regex,
            is_equal,
        });
    }
    if out.is_empty() {
        return Err("a silence needs at least one matcher".to_owned());
    }
    Ok(out)
}

fn split_outside_quotes(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            ',' if !quoted => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

#[cfg(test)]
mod matcher_tests {
    use super::*;

    #[test]
    fn matchers_round_trip() {
        let m = parse_matchers(r#"alertname="A, b", job!~"api.*", x=y"#).unwrap();
        assert_eq!(m.len(), 3);
        assert_eq!(m[0].value, "A, b");
        assert!(!m[1].is_equal && m[1].is_regex);
        assert_eq!(m[2].to_string(), r#"x="y""#);
        assert!(parse_matchers(" , ").is_err());
        assert!(parse_matchers("novalue").is_err());
    }
}

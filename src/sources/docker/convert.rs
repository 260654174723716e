//! Converts bollard's list and inspect answers into `state::container` types.
//! Only fields that Engine 20.10 (API 1.41) already sends are relied upon.

use std::collections::BTreeMap;

use bollard::models::{ContainerInspectResponse, ContainerSummary, PortSummary};
use chrono::{DateTime, Utc};

use crate::state::container::{
    Container, ContainerDetail, ContainerHealth, ContainerState, Probe, mask_env,
};

/// The compose project label.
const PROJECT_LABEL: &str = "com.docker.compose.project";

/// What the list answer tells about a container: enough to decide whether the
/// cached inspect result is still good.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Brief {
    /// Full id.
    pub id: String,
    /// Lifecycle state.
    pub state: ContainerState,
    /// Health parsed from the status text (`Up 5 minutes (healthy)`).
    pub health: ContainerHealth,
}

/// Reads the list entry's id, state and health; `None` without an id.
pub fn brief(s: &ContainerSummary) -> Option<Brief> {
    let id = s.id.clone()?;
    let state = ContainerState::parse(&s.state.map(|st| st.to_string()).unwrap_or_default());
    let status = s.status.as_deref().unwrap_or_default();
    Some(Brief {
        id,
        state,
        health: health_from_status(status),
    })
}

/// Health from the status text, which every engine version sends.
pub fn health_from_status(status: &str) -> ContainerHealth {
    if status.contains("(healthy)") {
        ContainerHealth::Healthy
    } else if status.contains("(unhealthy)") {
        ContainerHealth::Unhealthy
    } else if status.contains("(health: starting)") {
        ContainerHealth::Starting
    } else {
        ContainerHealth::None
    }
}

/// Formats published ports like the docker CLI: `0.0.0.0:8080->80/tcp`, or `80/tcp`.
pub fn ports(list: &[PortSummary]) -> Vec<String> {
    let mut out: Vec<String> = list
        .iter()
        .map(|p| {
            let proto = p.typ.map_or_else(|| "tcp".into(), |t| t.to_string());
            match (p.ip.as_deref(), p.public_port) {
                (Some(ip), Some(public)) => format!("{ip}:{public}->{}/{proto}", p.private_port),
                _ => format!("{}/{proto}", p.private_port),
            }
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Builds a container from its list entry and its inspect answer.
pub fn container(
    summary: &ContainerSummary,
    inspect: &ContainerInspectResponse,
) -> Option<Container> {
    let b = brief(summary)?;
    let labels: BTreeMap<String, String> = summary
        .labels
        .clone()
        .unwrap_or_default()
        .into_iter()
        .collect();
    let listed = Container {
        name: name(summary, inspect),
        image: summary.image.clone().unwrap_or_default(),
        project: labels.get(PROJECT_LABEL).cloned(),
        state: b.state,
        health: b.health,
        started_at: None,
        finished_at: None,
        exit_code: None,
        restart_count: 0,
        // Judged by the source from the engine's events (`lifecycle`).
        crash_loop: false,
        recent_restarts: 0,
        stopped_on_request: false,
        ports: ports(summary.ports.as_deref().unwrap_or_default()),
        labels,
        stats: None,
        detail: ContainerDetail::default(),
        id: b.id,
    };
    Some(refreshed(&listed, inspect))
}

/// `kept` with what its inspect answer says now: state, health, times, exit
/// code, restarts and detail (the list's fields stay as they were).
pub fn refreshed(kept: &Container, inspect: &ContainerInspectResponse) -> Container {
    let st = inspect.state.as_ref();
    Container {
        health: st
            .and_then(|s| s.health.as_ref())
            .and_then(|h| h.status)
            .map_or(kept.health, |h| ContainerHealth::parse(h.as_ref())),
        state: st
            .and_then(|s| s.status)
            .map_or(kept.state, |s| ContainerState::parse(s.as_ref())),
        started_at: st.and_then(|s| time(s.started_at.as_deref())),
        finished_at: st.and_then(|s| time(s.finished_at.as_deref())),
        exit_code: st.and_then(|s| s.exit_code),
        restart_count: inspect
            .restart_count
            .and_then(|n| u64::try_from(n).ok())
            .unwrap_or(0),
        detail: detail(inspect),
        ..kept.clone()
    }
}

fn name(summary: &ContainerSummary, inspect: &ContainerInspectResponse) -> String {
    let raw = inspect
        .name
        .clone()
        .or_else(|| summary.names.as_ref().and_then(|n| n.first().cloned()))
        .unwrap_or_default();
    raw.trim_start_matches('/').to_owned()
}

/// Parses an engine timestamp; the zero time (`0001-01-01…`) means never.
pub fn time(text: Option<&str>) -> Option<DateTime<Utc>> {
    let t = DateTime::parse_from_rfc3339(text?)
        .ok()?
        .with_timezone(&Utc);
    (t.timestamp() > 0).then_some(t)
}

fn detail(inspect: &ContainerInspectResponse) -> ContainerDetail {
    let probes = inspect
        .state
        .as_ref()
        .and_then(|s| s.health.as_ref())
        .and_then(|h| h.log.as_ref())
        .map(|log| {
            log.iter()
                .map(|p| Probe {
                    start: p.start,
                    exit_code: p.exit_code.unwrap_or(-1),
                    output: p.output.clone().unwrap_or_default().trim().to_owned(),
                })
                .collect()
        })
        .unwrap_or_default();
    let config = inspect.config.as_ref();
    let env = config
        .and_then(|c| c.env.as_ref())
        .map(|env| {
            env.iter()
                .map(|kv| {
                    let (k, v) = kv.split_once('=').unwrap_or((kv.as_str(), ""));
                    (k.to_owned(), mask_env(k, v))
                })
                .collect()
        })
        .unwrap_or_default();
    let command = config
        .and_then(|c| c.cmd.as_ref())
        .map(|c| {
            c.iter()
                .map(|a| shell_quote(a))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default();
    let state = inspect.state.as_ref();
    ContainerDetail {
        probes,
        restart_policy: restart_policy(inspect),
        env,
        mounts: mounts(inspect),
        networks: networks(inspect),
        command,
        error: state
            .and_then(|s| s.error.as_deref())
            .unwrap_or_default()
            .trim()
            .to_owned(),
        oom_killed: state.and_then(|s| s.oom_killed).unwrap_or(false),
    }
}

/// Quotes an argument the way a shell would need it, so word boundaries show.
fn shell_quote(arg: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c);
    if !arg.is_empty() && arg.chars().all(plain) {
        arg.to_owned()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

fn restart_policy(inspect: &ContainerInspectResponse) -> String {
    let Some(p) = inspect
        .host_config
        .as_ref()
        .and_then(|h| h.restart_policy.as_ref())
    else {
        return "no".to_owned();
    };
    let name = p.name.map(|n| n.to_string()).filter(|n| !n.is_empty());
    match (name.as_deref(), p.maximum_retry_count) {
        (Some("on-failure"), Some(n)) if n > 0 => format!("on-failure:{n}"),
        (Some(n), _) => n.to_owned(),
        (None, _) => "no".to_owned(),
    }
}

fn mounts(inspect: &ContainerInspectResponse) -> Vec<String> {
    inspect
        .mounts
        .iter()
        .flatten()
        .map(|m| {
            let src = m.name.as_deref().or(m.source.as_deref()).unwrap_or("?");
            let dst = m.destination.as_deref().unwrap_or("?");
            let mode = if m.rw.unwrap_or(true) { "rw" } else { "ro" };
            format!("{src} → {dst} ({mode})")
        })
        .collect()
}

fn networks(inspect: &ContainerInspectResponse) -> Vec<String> {
    let Some(nets) = inspect
        .network_settings
        .as_ref()
        .and_then(|n| n.networks.as_ref())
    else {
        return Vec::new();
    };
    let mut out: Vec<String> = nets
        .iter()
        .map(
            |(name, ep)| match ep.ip_address.as_deref().filter(|ip| !ip.is_empty()) {
                Some(ip) => format!("{name} {ip}"),
                None => name.clone(),
            },
        )
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_from_status_text() {
        assert_eq!(
            health_from_status("Up 3 minutes (healthy)"),
            ContainerHealth::Healthy
        );
        assert_eq!(
            health_from_status("Up 1 second (health: starting)"),
            ContainerHealth::Starting
        );
        assert_eq!(
            health_from_status("Up 9 minutes (unhealthy)"),
            ContainerHealth::Unhealthy
        );
        assert_eq!(
            health_from_status("Exited (3) 2 hours ago"),
            ContainerHealth::None
        );
    }

    #[test]
    fn zero_time_means_never() {
        assert_eq!(time(Some("0001-01-01T00:00:00Z")), None);
        assert!(time(Some("2026-11-27T09:00:00.123456789Z")).is_some());
        assert_eq!(time(Some("garbage")), None);
    }

    #[test]
    fn converts_an_engine_20_10_inspect_answer() {
        let summary: ContainerSummary = serde_json::from_str(
            r#"{"Id":"abc123","Names":["/web"],"Image":"fd-test:1","State":"running",
                "Status":"Up 2 minutes (healthy)","Ports":[{"IP":"0.0.0.0","PrivatePort":80,"PublicPort":8080,"Type":"tcp"}],
                "Labels":{"com.docker.compose.project":"shop","org.opencontainers.image.revision":"deadbeef"}}"#,
        )
        .unwrap();
        let inspect: ContainerInspectResponse = serde_json::from_str(
            r#"{"Id":"abc123","Name":"/web","RestartCount":2,
                "State":{"Status":"running","Running":true,"ExitCode":0,
                  "StartedAt":"2026-11-27T09:00:00Z","FinishedAt":"0001-01-01T00:00:00Z",
                  "Health":{"Status":"healthy","FailingStreak":0,"Log":[
                    {"Start":"2026-11-27T09:00:01Z","End":"2026-11-27T09:00:02Z","ExitCode":0,"Output":"ok\n"}]}},
                "HostConfig":{"RestartPolicy":{"Name":"on-failure","MaximumRetryCount":3}},
                "Config":{"Env":["PATH=/bin","API_TOKEN=s3cret"],"Cmd":["httpd","-f"]},
                "Mounts":[{"Type":"volume","Name":"data","Source":"/var/lib/x","Destination":"/data","RW":false}],
                "NetworkSettings":{"Networks":{"bridge":{"IPAddress":"172.17.0.2"}}}}"#,
        )
        .unwrap();
        let c = container(&summary, &inspect).unwrap();
        assert_eq!(c.name, "web");
        assert_eq!(c.project.as_deref(), Some("shop"));
        assert_eq!(c.health, ContainerHealth::Healthy);
        assert_eq!(c.restart_count, 2);
        assert_eq!(c.finished_at, None);
        assert_eq!(c.ports, vec!["0.0.0.0:8080->80/tcp"]);
        assert_eq!(c.revision(), Some("deadbeef"));
        assert_eq!(c.detail.restart_policy, "on-failure:3");
        assert_eq!(
            c.detail.env[1],
            ("API_TOKEN".to_owned(), "••••••".to_owned())
        );
        assert_eq!(c.detail.mounts, vec!["data → /data (ro)"]);
        assert_eq!(c.detail.networks, vec!["bridge 172.17.0.2"]);
        assert_eq!(c.detail.probes[0].output, "ok");
        assert_eq!(c.detail.command, "httpd -f");
        assert_eq!(
            shell_quote("echo 'hi' && exit 3"),
            r"'echo '\''hi'\'' && exit 3'"
        );
        assert_eq!(shell_quote(""), "''");
    }

    #[test]
    fn a_failed_start_keeps_its_error_and_an_oom_kill_shows() {
        let summary: ContainerSummary = serde_json::from_str(
            r#"{"Id":"bad","Names":["/bad"],"Image":"fd-test:1","State":"created","Status":"Created"}"#,
        )
        .unwrap();
        let inspect: ContainerInspectResponse = serde_json::from_str(
            r#"{"Id":"bad","Name":"/bad","RestartCount":0,
                "State":{"Status":"created","Running":false,"OOMKilled":true,"ExitCode":127,
                  "Error":"exec: \"/nonexistent\": stat /nonexistent: no such file or directory\n",
                  "StartedAt":"0001-01-01T00:00:00Z","FinishedAt":"0001-01-01T00:00:00Z"}}"#,
        )
        .unwrap();
        let c = container(&summary, &inspect).unwrap();
        assert_eq!(
            c.detail.error,
            "exec: \"/nonexistent\": stat /nonexistent: no such file or directory"
        );
        assert!(c.detail.oom_killed);
        assert!(c.has_failed_start());
    }
}

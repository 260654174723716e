//! The `[[docker]]` tables: the raw shape, validation into `DockerConfig`, and the
//! engine `docker` itself would use (`DOCKER_HOST` and its TLS variables).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use super::diagnostics::{KeyPath, Problem, Problems};
use super::sources::{Env, interval};

/// The Docker socket used when neither the config nor `DOCKER_HOST` names one.
pub const DEFAULT_DOCKER_HOST: &str = "unix:///var/run/docker.sock";

/// One Docker engine to watch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DockerConfig {
    /// Unique name shown in the UI.
    pub name: String,
    /// Engine address: `unix://`, `tcp://`, `ssh://` or `npipe://`.
    pub host: String,
    /// Poll interval.
    pub interval: Duration,
    /// Directory with `ca.pem`, `cert.pem`, `key.pem` for TLS.
    pub cert_path: Option<PathBuf>,
    /// Whether to verify the engine's TLS certificate.
    pub tls_verify: bool,
    /// Whether a Swarm manager's services, tasks and nodes are polled too.
    pub swarm: bool,
}

/// A `[[docker]]` table as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDocker {
    name: Option<String>,
    host: Option<String>,
    interval: Option<String>,
    cert_path: Option<PathBuf>,
    tls_verify: Option<bool>,
    #[serde(default = "yes")]
    swarm: bool,
}

/// Serde's default for keys that are on unless turned off.
fn yes() -> bool {
    true
}

/// The engine used with no `[[docker]]` table: `DOCKER_HOST` (and its TLS variables) or the socket.
pub(crate) fn docker_default(env: Env<'_>) -> Result<DockerConfig, String> {
    let set = |name: &str| env(name).filter(|v| !v.is_empty());
    let host = set("DOCKER_HOST").unwrap_or_else(|| DEFAULT_DOCKER_HOST.to_owned());
    docker_host_error(&host).map_or(Ok(()), Err)?;
    Ok(DockerConfig {
        name: "local".to_owned(),
        host,
        interval: Duration::from_secs(2),
        cert_path: set("DOCKER_CERT_PATH").map(PathBuf::from),
        tls_verify: set("DOCKER_TLS_VERIFY").is_some(),
        swarm: true,
    })
}

fn docker_host_error(host: &str) -> Option<String> {
    let known = ["unix://", "tcp://", "ssh://", "npipe://"];
    let rest = known.iter().find_map(|scheme| host.strip_prefix(scheme));
    rest.is_none_or(str::is_empty).then(|| {
        format!(
            "unsupported Docker host '{host}': use unix://, tcp://, ssh:// or npipe://, \
             like 'unix:///var/run/docker.sock' or 'tcp://host:2376'"
        )
    })
}

/// Validates the `[[docker]]` tables; names default to the host's name and must be unique.
pub(crate) fn docker(
    raw: Vec<RawDocker>,
    env: Env<'_>,
    problems: &mut Problems,
) -> Vec<DockerConfig> {
    let base = KeyPath::default().key("docker");
    let mut names = BTreeSet::new();
    let mut engines = Vec::with_capacity(raw.len());
    for (i, table) in raw.into_iter().enumerate() {
        let path = base.index(i);
        // Without `host`, the engine is the one `docker` itself would use, TLS settings included.
        let from_env = match table.host {
            Some(_) => None,
            None => match docker_default(env) {
                Ok(engine) => Some(engine),
                Err(e) => {
                    let value = env("DOCKER_HOST").unwrap_or_default();
                    let detail = format!("no 'host' and DOCKER_HOST is '{value}': {e}");
                    problems.push(Problem::value(path.clone(), detail));
                    continue;
                }
            },
        };
        let host = match (table.host, &from_env) {
            (Some(host), _) => host,
            (None, Some(engine)) => engine.host.clone(),
            (None, None) => DEFAULT_DOCKER_HOST.to_owned(),
        };
        if let Some(message) = docker_host_error(&host) {
            problems.push(Problem::value(path.key("host"), message));
            continue;
        }
        let name = table.name.unwrap_or_else(|| docker_name(&host));
        if !names.insert(name.clone()) {
            let detail = format!(
                "another [[docker]] table is already named '{name}'; give each one its own name = \"...\""
            );
            problems.push(Problem::value(path.key("name"), detail));
            continue;
        }
        let env_cert = from_env.as_ref().and_then(|e| e.cert_path.clone());
        let env_verify = from_env.as_ref().is_some_and(|e| e.tls_verify);
        engines.push(DockerConfig {
            name,
            host,
            interval: problems.take(interval(
                &path,
                table.interval.as_deref(),
                Duration::from_secs(2),
            )),
            cert_path: table.cert_path.map(|p| expand_home(p, env)).or(env_cert),
            tls_verify: table.tls_verify.unwrap_or(env_verify),
            swarm: table.swarm,
        });
    }
    engines
}

/// `tcp://build-1:2376` → `build-1`; local sockets are `local`.
fn docker_name(host: &str) -> String {
    let Some(rest) = host
        .strip_prefix("tcp://")
        .or_else(|| host.strip_prefix("ssh://"))
    else {
        return "local".to_owned();
    };
    let authority = rest.split('/').next().unwrap_or(rest);
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    host.split(':').next().unwrap_or(host).to_owned()
}

fn expand_home(path: PathBuf, env: Env<'_>) -> PathBuf {
    match (path.strip_prefix("~"), env("HOME")) {
        (Ok(rest), Some(home)) => Path::new(&home).join(rest),
        _ => path,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_names_and_hosts() {
        assert_eq!(docker_name("unix:///var/run/docker.sock"), "local");
        assert_eq!(docker_name("tcp://build-1:2376"), "build-1");
        assert_eq!(docker_name("ssh://me@box"), "box");
        assert!(docker_host_error("npipe:////./pipe/docker_engine").is_none());
        assert!(docker_host_error("tcp://").is_some());
        assert!(docker_host_error("http://x").is_some());
    }
}

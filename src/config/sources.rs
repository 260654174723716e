//! The `[[docker]]`, `[github]`, `[mlflow]`, `[prometheus]` and `[alertmanager]` sections:
//! raw serde shapes, their validation into typed configs, and the defaults taken from the
//! environment (`DOCKER_HOST`, `MLFLOW_TRACKING_URI`, the current checkout's `origin`).
//! The `[github]` and `[[docker]]` parts live in `github.rs` and `docker.rs` next to this
//! file and are re-exported here.

use std::time::Duration;

use serde::Deserialize;

use super::diagnostics::{KeyPath, Problem, Problems};
pub use super::docker::{DEFAULT_DOCKER_HOST, DockerConfig};
pub(crate) use super::docker::{RawDocker, docker, docker_default};
use super::duration;
pub use crate::state::metric::{Panel, Unit};

pub use super::github::{
    DEFAULT_GITHUB_API, GithubConfig, RepoSpec, github_default, origin_repo, resolve_token,
};
pub(crate) use super::github::{RawGithub, github};

/// The model registry of an `MLflow` tracking server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MlflowConfig {
    /// Tracking server URL.
    pub url: String,
    /// Environment variable holding a bearer token.
    pub token_env: Option<String>,
    /// Environment variable holding a basic-auth user name.
    pub username_env: Option<String>,
    /// Environment variable holding a basic-auth password.
    pub password_env: Option<String>,
    /// Registered models to show; empty means all.
    pub models: Vec<String>,
    /// Poll interval.
    pub interval: Duration,
}

/// Prometheus server and the metric panels to draw from it.
#[derive(Debug, Clone, PartialEq)]
pub struct PrometheusConfig {
    /// Server URL.
    pub url: String,
    /// Environment variable holding a bearer token.
    pub token_env: Option<String>,
    /// Environment variable holding a basic-auth user name.
    pub username_env: Option<String>,
    /// Environment variable holding a basic-auth password.
    pub password_env: Option<String>,
    /// Poll interval.
    pub interval: Duration,
    /// Panels, in screen order.
    pub panels: Vec<Panel>,
}

/// Alertmanager server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertmanagerConfig {
    /// Server URL.
    pub url: String,
    /// Environment variable holding a bearer token.
    pub token_env: Option<String>,
    /// Environment variable holding a basic-auth user name.
    pub username_env: Option<String>,
    /// Environment variable holding a basic-auth password.
    pub password_env: Option<String>,
    /// Poll interval.
    pub interval: Duration,
}

// -- raw shapes, as written in the file

/// The `[mlflow]` table as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMlflow {
    url: Option<String>,
    token_env: Option<String>,
    username_env: Option<String>,
    password_env: Option<String>,
    #[serde(default)]
    models: Vec<String>,
    interval: Option<String>,
}

/// The `[prometheus]` table as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPrometheus {
    url: String,
    token_env: Option<String>,
    username_env: Option<String>,
    password_env: Option<String>,
    interval: Option<String>,
    #[serde(default)]
    panels: Vec<RawPanel>,
}

/// A `[[prometheus.panels]]` table as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPanel {
    title: String,
    query: String,
    unit: Option<String>,
    warn: Option<f64>,
    crit: Option<f64>,
    window: Option<String>,
}

/// The `[alertmanager]` table as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAlertmanager {
    url: String,
    token_env: Option<String>,
    username_env: Option<String>,
    password_env: Option<String>,
    interval: Option<String>,
}

// -- validation

pub(super) type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Validates `[mlflow]`, or builds it from `MLFLOW_TRACKING_URI` when the section is absent.
pub(crate) fn mlflow(
    raw: Option<RawMlflow>,
    env: Env<'_>,
    problems: &mut Problems,
) -> Option<MlflowConfig> {
    let from_env = env("MLFLOW_TRACKING_URI").filter(|v| !v.is_empty());
    let path = KeyPath::default().key("mlflow");
    let raw = match raw {
        Some(raw) => raw,
        // Without the section, a non-HTTP URI (a local `file:` store) is simply not watched.
        None => match from_env.clone().filter(|u| is_http(u)) {
            Some(url) => RawMlflow::from_url(url),
            None => return None,
        },
    };
    let url = match (&raw.url, from_env) {
        (Some(url), _) => problems.take(self::url(&path.key("url"), url)),
        (None, Some(uri)) if is_http(&uri) => uri.trim_end_matches('/').to_owned(),
        (None, uri) => {
            let found = uri.map_or("is not set".to_owned(), |u| format!("is '{u}'"));
            let detail = format!(
                "no 'url' and MLFLOW_TRACKING_URI {found}; add url = \"http://127.0.0.1:5000\""
            );
            problems.push(Problem::value(path.clone(), detail));
            String::new()
        }
    };
    let (token_env, username_env, password_env) = problems.take(auth(
        &path,
        raw.token_env,
        raw.username_env,
        raw.password_env,
    ));
    let interval = problems.take(interval(
        &path,
        raw.interval.as_deref(),
        Duration::from_secs(30),
    ));
    Some(MlflowConfig {
        url,
        token_env,
        username_env,
        password_env,
        models: raw.models,
        interval,
    })
}

impl RawMlflow {
    fn from_url(url: String) -> RawMlflow {
        RawMlflow {
            url: Some(url),
            token_env: None,
            username_env: None,
            password_env: None,
            models: Vec::new(),
            interval: None,
        }
    }
}

/// Validates `[prometheus]` and its panels.
pub(crate) fn prometheus(raw: RawPrometheus, problems: &mut Problems) -> PrometheusConfig {
    let path = KeyPath::default().key("prometheus");
    let url = problems.take(url(&path.key("url"), &raw.url));
    let (token_env, username_env, password_env) = problems.take(auth(
        &path,
        raw.token_env,
        raw.username_env,
        raw.password_env,
    ));
    let interval = problems.take(interval(
        &path,
        raw.interval.as_deref(),
        Duration::from_secs(15),
    ));
    let mut panels = Vec::with_capacity(raw.panels.len());
    for (i, panel) in raw.panels.into_iter().enumerate() {
        panels.push(self::panel(&path.key("panels").index(i), panel, problems));
    }
    PrometheusConfig {
        url,
        token_env,
        username_env,
        password_env,
        interval,
        panels,
    }
}

fn panel(path: &KeyPath, raw: RawPanel, problems: &mut Problems) -> Panel {
    let unit = problems.take(match raw.unit.as_deref() {
        None => Ok(Unit::None),
        Some(text) => Unit::NAMES
            .iter()
            .find(|(name, _)| *name == text)
            .map(|(_, u)| *u)
            .ok_or_else(|| {
                let names: Vec<&str> = Unit::NAMES.iter().map(|(name, _)| *name).collect();
                let hint = super::diagnostics::suggest(text, names.iter().copied())
                    .map_or(String::new(), |s| format!("did you mean '{s}'? "));
                let list = super::diagnostics::quoted_list(&names);
                Problem::value(
                    path.key("unit"),
                    format!("unknown unit '{text}'; {hint}use one of {list}"),
                )
            }),
    });
    let window = match raw.window.as_deref() {
        None => Duration::from_secs(3600),
        Some(text) => problems.take(bounded(&path.key("window"), text, WINDOW_BOUNDS)),
    };
    Panel {
        title: raw.title,
        query: raw.query,
        unit,
        warn: raw.warn,
        crit: raw.crit,
        window,
    }
}

/// Validates `[alertmanager]`.
pub(crate) fn alertmanager(raw: RawAlertmanager, problems: &mut Problems) -> AlertmanagerConfig {
    let path = KeyPath::default().key("alertmanager");
    let url = problems.take(url(&path.key("url"), &raw.url));
    let (token_env, username_env, password_env) = problems.take(auth(
        &path,
        raw.token_env,
        raw.username_env,
        raw.password_env,
    ));
    AlertmanagerConfig {
        url,
        token_env,
        username_env,
        password_env,
        interval: problems.take(interval(
            &path,
            raw.interval.as_deref(),
            Duration::from_secs(15),
        )),
    }
}

type Auth = (Option<String>, Option<String>, Option<String>);

fn auth(
    path: &KeyPath,
    token: Option<String>,
    user: Option<String>,
    pass: Option<String>,
) -> Result<Auth, Problem> {
    if user.is_some() != pass.is_some() {
        let (set, missing) = if user.is_some() {
            ("username_env", "password_env")
        } else {
            ("password_env", "username_env")
        };
        let detail = format!("'{set}' needs '{missing}' too; name both environment variables");
        return Err(Problem::value(path.key(set), detail));
    }
    Ok((
        env_name(&path.key("token_env"), token)?,
        env_name(&path.key("username_env"), user)?,
        env_name(&path.key("password_env"), pass)?,
    ))
}

pub(super) fn env_name(path: &KeyPath, name: Option<String>) -> Result<Option<String>, Problem> {
    let Some(name) = name else { return Ok(None) };
    let looks_like_secret = ["ghp_", "gho_", "ghs_", "github_pat_", "glpat-"]
        .iter()
        .any(|p| name.starts_with(p));
    let is_name = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if looks_like_secret || !is_name {
        let detail = format!(
            "'{name}' is not an environment variable name; this key names the variable that holds \
             the secret, like 'GITHUB_TOKEN', and the secret stays in the environment"
        );
        return Err(Problem::value(path.clone(), detail));
    }
    Ok(Some(name))
}

fn is_http(url: &str) -> bool {
    ["http://", "https://"]
        .iter()
        .any(|s| url.strip_prefix(s).is_some_and(|rest| !rest.is_empty()))
}

pub(super) fn url(path: &KeyPath, text: &str) -> Result<String, Problem> {
    if is_http(text) {
        Ok(text.trim_end_matches('/').to_owned())
    } else {
        let example = if text.contains("://") {
            String::new()
        } else {
            format!(", like 'http://{text}'")
        };
        let detail = format!("invalid URL '{text}': start it with http:// or https://{example}");
        Err(Problem::value(path.clone(), detail))
    }
}

/// The shortest and longest poll interval: a poll takes about a second, and a
/// source polled less than daily is not being watched.
const INTERVAL_BOUNDS: Bounds = (
    Duration::from_secs(1),
    "1s",
    Duration::from_secs(86_400),
    "24h",
);

/// The shortest and longest panel window: Prometheus keeps 15 days by default,
/// long-term stores rarely more than a quarter.
const WINDOW_BOUNDS: Bounds = (
    Duration::from_secs(1),
    "1s",
    Duration::from_secs(90 * 86_400),
    "90d",
);

/// Least and most a duration key takes, each with its spelling for messages.
type Bounds = (Duration, &'static str, Duration, &'static str);

/// The section's `interval`, or `default` when absent.
pub(super) fn interval(
    section: &KeyPath,
    text: Option<&str>,
    default: Duration,
) -> Result<Duration, Problem> {
    text.map_or(Ok(default), |text| {
        bounded(&section.key("interval"), text, INTERVAL_BOUNDS)
    })
}

/// Parses a duration and refuses one outside `bounds`, which the dashboard cannot use.
fn bounded(path: &KeyPath, text: &str, bounds: Bounds) -> Result<Duration, Problem> {
    let (min, min_text, max, max_text) = bounds;
    let problem = |detail: String| Err(Problem::value(path.clone(), detail));
    match duration::parse(text) {
        Ok(d) if d.is_zero() => problem(format!("'{text}' is zero; use at least \"{min_text}\"")),
        Ok(d) if d < min => problem(format!(
            "'{text}' is shorter than \"{min_text}\"; use at least \"{min_text}\""
        )),
        Ok(d) if d > max => problem(format!(
            "'{text}' is longer than \"{max_text}\"; use at most \"{max_text}\""
        )),
        Ok(d) => Ok(d),
        Err(e) => problem(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_names_reject_secrets_pasted_in() {
        let path = KeyPath::default().key("token_env");
        assert_eq!(
            env_name(&path, Some("MY_TOKEN".into())),
            Ok(Some("MY_TOKEN".into()))
        );
        assert!(env_name(&path, Some("ghp_abc123".into())).is_err());
        assert!(env_name(&path, Some("not a name".into())).is_err());
    }

    #[test]
    fn intervals_and_windows_are_bounded() {
        let at = KeyPath::default().key("docker").index(0);
        let err = |text| {
            interval(&at, Some(text), Duration::ZERO)
                .unwrap_err()
                .message
        };
        assert_eq!(
            err("2562047788015215h"),
            "'docker[0].interval': '2562047788015215h' is longer than \"24h\"; use at most \"24h\""
        );
        assert_eq!(
            err("500ms"),
            "'docker[0].interval': '500ms' is shorter than \"1s\"; use at least \"1s\""
        );
        assert_eq!(
            interval(&at, Some("24h"), Duration::ZERO),
            Ok(Duration::from_secs(86_400))
        );
        let window = KeyPath::default().key("w");
        assert!(bounded(&window, "9999999999h", WINDOW_BOUNDS).is_err());
        assert!(bounded(&window, "90d", WINDOW_BOUNDS).is_ok());
    }

    #[test]
    fn zero_interval_is_refused() {
        let err = interval(
            &KeyPath::default().key("github"),
            Some("0s"),
            Duration::ZERO,
        );
        assert_eq!(
            err.unwrap_err().message,
            "'github.interval': '0s' is zero; use at least \"1s\""
        );
    }
}

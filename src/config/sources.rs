//! The `[[docker]]`, `[github]`, `[mlflow]`, `[prometheus]` and `[alertmanager]` sections:
//! raw serde shapes, their validation into typed configs, and the defaults taken from the
//! environment (`DOCKER_HOST`, `MLFLOW_TRACKING_URI`, the current checkout's `origin`).

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use super::diagnostics::{KeyPath, Problem};
use super::duration;

/// The Docker socket used when neither the config nor `DOCKER_HOST` names one.
pub const DEFAULT_DOCKER_HOST: &str = "unix:///var/run/docker.sock";
/// The GitHub REST API used when `[github] api_url` is not set.
pub const DEFAULT_GITHUB_API: &str = "https://api.github.com";

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
}

/// GitHub Actions: which repositories to watch and how to authenticate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GithubConfig {
    /// REST API root (`https://HOST/api/v3` for GitHub Enterprise).
    pub api_url: String,
    /// Environment variable holding the token, tried before `GITHUB_TOKEN` and `GH_TOKEN`.
    pub token_env: Option<String>,
    /// Repositories, exact or with a glob in the name.
    pub repos: Vec<RepoSpec>,
    /// Poll interval.
    pub interval: Duration,
}

/// `owner/name`, where the name may hold `*` and `?` globs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RepoSpec {
    /// User or organisation.
    pub owner: String,
    /// Repository name or glob.
    pub name: String,
}

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

/// One Prometheus query drawn as a sparkline with thresholds.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    /// Heading.
    pub title: String,
    /// The query expression.
    pub query: String,
    /// How values are formatted.
    pub unit: Unit,
    /// Value at which the panel turns to warning.
    pub warn: Option<f64>,
    /// Value at which the panel turns critical.
    pub crit: Option<f64>,
    /// Time range shown.
    pub window: Duration,
}

/// How a panel formats its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Unit {
    /// Bytes, shown with binary prefixes.
    Bytes,
    /// A percentage.
    Percent,
    /// Seconds, shown as a duration.
    Seconds,
    /// Requests (or events) per second.
    Rps,
    /// A plain number.
    #[default]
    None,
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

impl Unit {
    /// Every unit with its config name.
    pub const NAMES: &[(&str, Unit)] = &[
        ("bytes", Unit::Bytes),
        ("percent", Unit::Percent),
        ("seconds", Unit::Seconds),
        ("rps", Unit::Rps),
        ("none", Unit::None),
    ];
}

impl RepoSpec {
    /// Parses `owner/name` or `owner/<glob>`; the error says how to write one.
    pub fn parse(text: &str) -> Result<RepoSpec, String> {
        let invalid = || {
            format!("invalid repo '{text}': write it as 'owner/name', 'owner/*' or 'owner/api-*'")
        };
        let (owner, name) = text.split_once('/').ok_or_else(invalid)?;
        let owner_ok = !owner.is_empty()
            && owner
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        let name_ok = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.*?".contains(c));
        if owner_ok && name_ok {
            Ok(RepoSpec {
                owner: owner.to_owned(),
                name: name.to_owned(),
            })
        } else {
            Err(invalid())
        }
    }

    /// Whether the name holds a glob and must be expanded by listing the owner's repos.
    pub fn is_glob(&self) -> bool {
        self.name.contains(['*', '?'])
    }

    /// Whether `owner/name` is selected by this spec (case-insensitive, like GitHub).
    pub fn matches(&self, owner: &str, name: &str) -> bool {
        let lower = |s: &str| s.to_ascii_lowercase().chars().collect::<Vec<_>>();
        self.owner.eq_ignore_ascii_case(owner) && glob(&lower(&self.name), &lower(name))
    }
}

fn glob(pattern: &[char], text: &[char]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some(('*', rest)) => (0..=text.len()).any(|i| glob(rest, &text[i..])),
        Some((p, rest)) => text
            .split_first()
            .is_some_and(|(t, tail)| (*p == '?' || p == t) && glob(rest, tail)),
    }
}

impl fmt::Display for RepoSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

/// Finds a GitHub token: the variable named by `token_env`, then `GITHUB_TOKEN`, then `GH_TOKEN`.
pub fn resolve_token(
    token_env: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<String> {
    token_env
        .into_iter()
        .chain(["GITHUB_TOKEN", "GH_TOKEN"])
        .find_map(|name| env(name).filter(|v| !v.trim().is_empty()))
}

/// The `[github]` used with no such section: the checkout's `origin`, if on `github.com` and a token is set.
pub fn github_default(cwd: &Path, env: &dyn Fn(&str) -> Option<String>) -> Option<GithubConfig> {
    resolve_token(None, env)?;
    let repo = origin_repo(cwd)?;
    Some(GithubConfig {
        api_url: DEFAULT_GITHUB_API.to_owned(),
        token_env: None,
        repos: vec![repo],
        interval: Duration::from_secs(15),
    })
}

/// The `github.com` repository of the `origin` remote of the checkout holding `cwd`.
pub fn origin_repo(cwd: &Path) -> Option<RepoSpec> {
    let git = cwd
        .ancestors()
        .map(|dir| dir.join(".git"))
        .find(|p| p.exists())?;
    let git_dir = if git.is_file() {
        let text = std::fs::read_to_string(&git).ok()?;
        let target = PathBuf::from(text.strip_prefix("gitdir:")?.trim());
        let target = git.parent()?.join(target);
        // A worktree's own dir points at the shared one, which holds `config`.
        match std::fs::read_to_string(target.join("commondir")) {
            Ok(common) => target.join(common.trim()),
            Err(_) => target,
        }
    } else {
        git
    };
    let config = std::fs::read_to_string(git_dir.join("config")).ok()?;
    github_repo_from_url(&origin_url(&config)?)
}

/// The `url` of `[remote "origin"]` in a git config file.
fn origin_url(config: &str) -> Option<String> {
    let mut in_origin = false;
    for line in config.lines().map(str::trim) {
        if line.starts_with('[') {
            in_origin = line.replace(' ', "") == "[remote\"origin\"]";
        } else if let Some((key, value)) = line.split_once('=')
            && in_origin
            && key.trim() == "url"
        {
            return Some(value.trim().trim_matches('"').to_owned());
        }
    }
    None
}

/// Parses `https://github.com/o/r.git`, `git@github.com:o/r.git`, `ssh://git@github.com/o/r`.
fn github_repo_from_url(url: &str) -> Option<RepoSpec> {
    let (host, path) = match url.split_once("://") {
        Some((_, rest)) => {
            let (authority, path) = rest.split_once('/')?;
            let host = authority
                .rsplit_once('@')
                .map_or(authority, |(_, host)| host);
            (host.split(':').next()?, path)
        }
        None => url
            .split_once('@')
            .map_or(url, |(_, rest)| rest)
            .split_once(':')?,
    };
    if !matches!(host, "github.com" | "www.github.com" | "ssh.github.com") {
        return None;
    }
    let path = path.trim_end_matches('/');
    let path = path.strip_suffix(".git").unwrap_or(path);
    RepoSpec::parse(path).ok().filter(|spec| !spec.is_glob())
}

// -- raw shapes, as written in the file

/// A `[[docker]]` table as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDocker {
    name: Option<String>,
    host: String,
    interval: Option<String>,
    cert_path: Option<PathBuf>,
    #[serde(default)]
    tls_verify: bool,
}

/// The `[github]` table as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawGithub {
    api_url: Option<String>,
    token_env: Option<String>,
    #[serde(default)]
    repos: Vec<String>,
    interval: Option<String>,
}

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

type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

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
pub(crate) fn docker(raw: Vec<RawDocker>, env: Env<'_>) -> Result<Vec<DockerConfig>, Problem> {
    let base = KeyPath::default().key("docker");
    let mut names = BTreeSet::new();
    let mut engines = Vec::with_capacity(raw.len());
    for (i, table) in raw.into_iter().enumerate() {
        let path = base.index(i);
        if let Some(message) = docker_host_error(&table.host) {
            return Err(Problem::value(path.key("host"), message));
        }
        let name = table.name.unwrap_or_else(|| docker_name(&table.host));
        if !names.insert(name.clone()) {
            let detail = format!(
                "another [[docker]] table is already named '{name}'; give each one its own name = \"...\""
            );
            return Err(Problem::value(path.key("name"), detail));
        }
        engines.push(DockerConfig {
            name,
            host: table.host,
            interval: interval(&path, table.interval.as_deref(), Duration::from_secs(2))?,
            cert_path: table.cert_path.map(|p| expand_home(p, env)),
            tls_verify: table.tls_verify,
        });
    }
    Ok(engines)
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

/// Validates `[github]`; with no repos listed it watches the checkout's `origin`.
pub(crate) fn github(raw: RawGithub, cwd: Option<&Path>) -> Result<GithubConfig, Problem> {
    let path = KeyPath::default().key("github");
    let api_url = url(
        &path.key("api_url"),
        raw.api_url.as_deref().unwrap_or(DEFAULT_GITHUB_API),
    )?;
    let mut repos = Vec::with_capacity(raw.repos.len());
    for (i, text) in raw.repos.iter().enumerate() {
        let spec =
            RepoSpec::parse(text).map_err(|e| Problem::value(path.key("repos").index(i), e))?;
        repos.push(spec);
    }
    if repos.is_empty() {
        repos.extend(cwd.and_then(origin_repo));
    }
    Ok(GithubConfig {
        api_url,
        token_env: env_name(&path.key("token_env"), raw.token_env)?,
        repos,
        interval: interval(&path, raw.interval.as_deref(), Duration::from_secs(15))?,
    })
}

/// Validates `[mlflow]`, or builds it from `MLFLOW_TRACKING_URI` when the section is absent.
pub(crate) fn mlflow(
    raw: Option<RawMlflow>,
    env: Env<'_>,
) -> Result<Option<MlflowConfig>, Problem> {
    let from_env = env("MLFLOW_TRACKING_URI").filter(|v| !v.is_empty());
    let path = KeyPath::default().key("mlflow");
    let raw = match raw {
        Some(raw) => raw,
        // Without the section, a non-HTTP URI (a local `file:` store) is simply not watched.
        None => match from_env.clone().filter(|u| is_http(u)) {
            Some(url) => RawMlflow::from_url(url),
            None => return Ok(None),
        },
    };
    let url = match (&raw.url, from_env) {
        (Some(url), _) => self::url(&path.key("url"), url)?,
        (None, Some(uri)) if is_http(&uri) => uri.trim_end_matches('/').to_owned(),
        (None, uri) => {
            let found = uri.map_or("is not set".to_owned(), |u| format!("is '{u}'"));
            let detail = format!(
                "no 'url' and MLFLOW_TRACKING_URI {found}; add url = \"http://127.0.0.1:5000\""
            );
            return Err(Problem::value(path, detail));
        }
    };
    let (token_env, username_env, password_env) =
        auth(&path, raw.token_env, raw.username_env, raw.password_env)?;
    let interval = interval(&path, raw.interval.as_deref(), Duration::from_secs(30))?;
    Ok(Some(MlflowConfig {
        url,
        token_env,
        username_env,
        password_env,
        models: raw.models,
        interval,
    }))
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
pub(crate) fn prometheus(raw: RawPrometheus) -> Result<PrometheusConfig, Problem> {
    let path = KeyPath::default().key("prometheus");
    let (token_env, username_env, password_env) =
        auth(&path, raw.token_env, raw.username_env, raw.password_env)?;
    let mut panels = Vec::with_capacity(raw.panels.len());
    for (i, panel) in raw.panels.into_iter().enumerate() {
        panels.push(self::panel(&path.key("panels").index(i), panel)?);
    }
    Ok(PrometheusConfig {
        url: url(&path.key("url"), &raw.url)?,
        token_env,
        username_env,
        password_env,
        interval: interval(&path, raw.interval.as_deref(), Duration::from_secs(15))?,
        panels,
    })
}

fn panel(path: &KeyPath, raw: RawPanel) -> Result<Panel, Problem> {
    let unit = match raw.unit.as_deref() {
        None => Unit::None,
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
            })?,
    };
    let window = match raw.window.as_deref() {
        None => Duration::from_secs(3600),
        Some(text) => positive(&path.key("window"), text)?,
    };
    Ok(Panel {
        title: raw.title,
        query: raw.query,
        unit,
        warn: raw.warn,
        crit: raw.crit,
        window,
    })
}

/// Validates `[alertmanager]`.
pub(crate) fn alertmanager(raw: RawAlertmanager) -> Result<AlertmanagerConfig, Problem> {
    let path = KeyPath::default().key("alertmanager");
    let (token_env, username_env, password_env) =
        auth(&path, raw.token_env, raw.username_env, raw.password_env)?;
    Ok(AlertmanagerConfig {
        url: url(&path.key("url"), &raw.url)?,
        token_env,
        username_env,
        password_env,
        interval: interval(&path, raw.interval.as_deref(), Duration::from_secs(15))?,
    })
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

fn env_name(path: &KeyPath, name: Option<String>) -> Result<Option<String>, Problem> {
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

fn url(path: &KeyPath, text: &str) -> Result<String, Problem> {
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

/// The section's `interval`, or `default` when absent.
fn interval(section: &KeyPath, text: Option<&str>, default: Duration) -> Result<Duration, Problem> {
    text.map_or(Ok(default), |text| positive(&section.key("interval"), text))
}

fn positive(path: &KeyPath, text: &str) -> Result<Duration, Problem> {
    match duration::parse(text) {
        Ok(d) if d.is_zero() => Err(Problem::value(
            path.clone(),
            format!("'{text}' is zero; use at least \"1s\""),
        )),
        Ok(d) => Ok(d),
        Err(e) => Err(Problem::value(path.clone(), e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repo_specs_and_globs() {
        let spec = RepoSpec::parse("acme/api-*").unwrap();
        assert!(spec.is_glob());
        assert!(spec.matches("Acme", "api-gateway"));
        assert!(!spec.matches("acme", "web"));
        assert!(
            RepoSpec::parse("acme/*")
                .unwrap()
                .matches("acme", "anything")
        );
        assert!(RepoSpec::parse("acme/a?i").unwrap().matches("acme", "api"));
        for bad in ["acme", "/api", "acme/", "ac me/api", "acme/api/x", "*/api"] {
            assert!(RepoSpec::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn github_urls() {
        let repo = |url: &str| github_repo_from_url(url).map(|r| r.to_string());
        assert_eq!(
            repo("https://github.com/acme/api.git").as_deref(),
            Some("acme/api")
        );
        assert_eq!(
            repo("https://tok@github.com/acme/api").as_deref(),
            Some("acme/api")
        );
        assert_eq!(
            repo("git@github.com:acme/api.git").as_deref(),
            Some("acme/api")
        );
        assert_eq!(
            repo("ssh://git@ssh.github.com:443/42org/api.git").as_deref(),
            Some("42org/api")
        );
        assert_eq!(repo("https://gitlab.com/acme/api"), None);
        assert_eq!(repo("/srv/git/api.git"), None);
    }

    #[test]
    fn origin_url_reads_only_the_origin_remote() {
        let config = "[remote \"up\"]\n\turl = a\n[remote \"origin\"]\n\tfetch = x\n\turl = b\n";
        assert_eq!(origin_url(config).as_deref(), Some("b"));
        assert_eq!(origin_url("[core]\n\turl = a\n"), None);
    }

    #[test]
    fn docker_names_and_hosts() {
        assert_eq!(docker_name("unix:///var/run/docker.sock"), "local");
        assert_eq!(docker_name("tcp://build-1:2376"), "build-1");
        assert_eq!(docker_name("ssh://me@box"), "box");
        assert!(docker_host_error("npipe:////./pipe/docker_engine").is_none());
        assert!(docker_host_error("tcp://").is_some());
        assert!(docker_host_error("http://x").is_some());
    }

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

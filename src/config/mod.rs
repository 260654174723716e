//! Configuration: defaults, then the TOML file (`--config` > `FLIGHTDECK_CONFIG` >
//! `$XDG_CONFIG_HOME/flightdeck/config.toml`), then the environment for what the file leaves out.
//! Every error names file, line, column and key, and says what to do.

pub mod diagnostics;
pub mod duration;
mod github;
pub mod keymap;
pub mod sources;

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use serde::Deserialize;

pub use diagnostics::Diagnostic;
pub use keymap::{Key, Keymap};
pub use sources::{
    AlertmanagerConfig, DockerConfig, GithubConfig, MlflowConfig, Panel, PrometheusConfig,
    RepoSpec, Unit, github_default, resolve_token,
};

use diagnostics::{Document, KeyPath, Problem, Target};
use keymap::KeySpecs;
use sources::{RawAlertmanager, RawDocker, RawGithub, RawMlflow, RawPrometheus};

/// The whole configuration, with defaults and environment already applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Theme name: a built-in (`default`, `ansi16`, `mono`) or a theme file's name.
    pub theme: String,
    /// Refuse every Action.
    pub read_only: bool,
    /// Ring the bell when something turns critical.
    pub bell: bool,
    /// Key bindings.
    pub keymap: Keymap,
    /// Docker engines; empty only when the file says `docker = []`.
    pub docker: Vec<DockerConfig>,
    /// GitHub Actions, if configured or found from the current checkout.
    pub github: Option<GithubConfig>,
    /// `MLflow`, if configured or named by `MLFLOW_TRACKING_URI`.
    pub mlflow: Option<MlflowConfig>,
    /// Prometheus, if configured.
    pub prometheus: Option<PrometheusConfig>,
    /// Alertmanager, if configured.
    pub alertmanager: Option<AlertmanagerConfig>,
}

impl Default for Config {
    /// The configuration with no file and an empty environment: the local Docker socket only.
    fn default() -> Config {
        Config {
            theme: "default".to_owned(),
            read_only: false,
            bell: false,
            keymap: Keymap::default(),
            docker: vec![DockerConfig {
                name: "local".to_owned(),
                host: sources::DEFAULT_DOCKER_HOST.to_owned(),
                interval: std::time::Duration::from_secs(2),
                cert_path: None,
                tls_verify: false,
            }],
            github: None,
            mlflow: None,
            prometheus: None,
            alertmanager: None,
        }
    }
}

/// A loaded configuration and the file it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    /// The configuration.
    pub config: Config,
    /// The file read; `None` when no file exists and defaults are used.
    pub path: Option<PathBuf>,
}

/// Why the configuration could not be loaded; `Display` is the full message for the user.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A file named by `--config` or `FLIGHTDECK_CONFIG` does not exist.
    #[error("error: config file '{}' does not exist (named by {origin}); {hint}", path.display())]
    NotFound {
        /// The missing file.
        path: PathBuf,
        /// `--config` or `FLIGHTDECK_CONFIG`.
        origin: &'static str,
        /// What to do about it.
        hint: &'static str,
    },
    /// The file exists but could not be read.
    #[error("error: cannot read config file '{}': {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
    /// The file is not valid TOML or not a valid configuration.
    #[error("{0}")]
    Invalid(Box<Diagnostic>),
    /// An environment variable the config falls back on holds an unusable value.
    #[error("error: {var} is '{value}': {message}")]
    Env {
        /// The variable.
        var: &'static str,
        /// Its value.
        value: String,
        /// What is wrong and what to do.
        message: String,
    },
}

/// The top level of the file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    theme: Option<String>,
    #[serde(default)]
    read_only: bool,
    #[serde(default)]
    bell: bool,
    #[serde(default)]
    keys: BTreeMap<String, KeySpecs>,
    docker: Option<Vec<RawDocker>>,
    github: Option<RawGithub>,
    mlflow: Option<RawMlflow>,
    prometheus: Option<RawPrometheus>,
    alertmanager: Option<RawAlertmanager>,
}

type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The commented example config, listing every key with its default.
pub fn example() -> &'static str {
    include_str!("example.toml")
}

/// `$XDG_CONFIG_HOME/flightdeck`, falling back to `$HOME/.config/flightdeck`.
pub fn config_dir(env: Env<'_>) -> Option<PathBuf> {
    // The XDG spec says to ignore relative values.
    let xdg = env("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute());
    let base = xdg.or_else(|| {
        env("HOME")
            .filter(|h| !h.is_empty())
            .map(|h| Path::new(&h).join(".config"))
    })?;
    Some(base.join("flightdeck"))
}

/// Finds and loads the config file: `cli_path`, else `FLIGHTDECK_CONFIG`, else the default location.
pub fn load(cli_path: Option<&Path>, env: Env<'_>) -> Result<Loaded, ConfigError> {
    let from_env = env("FLIGHTDECK_CONFIG")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from);
    let (path, named_by) = match (cli_path, from_env) {
        (Some(path), _) => (
            Some(path.to_path_buf()),
            Some(("--config", "check the path")),
        ),
        (None, Some(path)) => (
            Some(path),
            Some((
                "FLIGHTDECK_CONFIG",
                "check the path, or unset FLIGHTDECK_CONFIG",
            )),
        ),
        (None, None) => (config_dir(env).map(|dir| dir.join("config.toml")), None),
    };
    let cwd = std::env::current_dir().ok();
    let defaults = || {
        let config = parse_in("", Path::new("(defaults)"), cwd.as_deref(), env)?;
        Ok(Loaded { config, path: None })
    };
    let Some(path) = path else { return defaults() };
    match std::fs::read(&path) {
        Ok(bytes) => {
            let src = std::str::from_utf8(&bytes).map_err(|e| {
                ConfigError::Invalid(Box::new(diagnostics::invalid_utf8(&bytes, &path, e)))
            })?;
            let config = parse_in(src, &path, cwd.as_deref(), env)?;
            Ok(Loaded {
                config,
                path: Some(path),
            })
        }
        Err(err) if err.kind() == io::ErrorKind::NotFound => match named_by {
            Some((origin, hint)) => Err(ConfigError::NotFound { path, origin, hint }),
            None => defaults(),
        },
        Err(source) => Err(ConfigError::Read { path, source }),
    }
}

/// Parses config text read from `file`, taking defaults from `env` and the current directory.
pub fn parse(src: &str, file: &Path, env: Env<'_>) -> Result<Config, ConfigError> {
    parse_in(src, file, std::env::current_dir().ok().as_deref(), env)
}

/// Like [`parse`], with `cwd` as the directory whose git `origin` gives the default GitHub repo.
pub fn parse_in(
    src: &str,
    file: &Path,
    cwd: Option<&Path>,
    env: Env<'_>,
) -> Result<Config, ConfigError> {
    let invalid = |d: Diagnostic| ConfigError::Invalid(Box::new(d));
    let doc = Document::parse(src, file).map_err(invalid)?;
    let deserializer = toml::de::Deserializer::parse(src)
        .map_err(|e| invalid(diagnostics::syntax(src, file, &e)))?;
    let raw: RawConfig =
        serde_path_to_error::deserialize(deserializer).map_err(|e| invalid(doc.serde(&e)))?;
    build(raw, &doc, cwd, env)
}

/// Validates the raw file and fills in what it leaves out from the environment.
fn build(
    raw: RawConfig,
    doc: &Document<'_>,
    cwd: Option<&Path>,
    env: Env<'_>,
) -> Result<Config, ConfigError> {
    let located = |p: Problem| ConfigError::Invalid(Box::new(doc.problem(p)));
    let mut keys: Vec<(String, KeySpecs)> = raw.keys.into_iter().collect();
    // File order, so a conflict is reported at the later entry, where the reader meets it.
    let keys_path = KeyPath::default().key("keys");
    keys.sort_by_key(|(name, _)| doc.locate(&keys_path.key(name), Target::Key).start);
    let docker = match raw.docker {
        Some(tables) => sources::docker(tables, env).map_err(located)?,
        None => vec![
            sources::docker_default(env).map_err(|message| ConfigError::Env {
                var: "DOCKER_HOST",
                value: env("DOCKER_HOST").unwrap_or_default(),
                message,
            })?,
        ],
    };
    let github = match raw.github {
        Some(raw) => Some(sources::github(raw, cwd).map_err(located)?),
        None => cwd.and_then(|cwd| github_default(cwd, env)),
    };
    if let Some(name) = &raw.theme {
        theme_problem(name, env).map_or(Ok(()), |p| Err(located(p)))?;
    }
    Ok(Config {
        theme: raw.theme.unwrap_or_else(|| "default".to_owned()),
        read_only: raw.read_only,
        bell: raw.bell,
        keymap: Keymap::with_overrides(&keys).map_err(located)?,
        docker,
        github,
        mlflow: sources::mlflow(raw.mlflow, env).map_err(located)?,
        prometheus: raw
            .prometheus
            .map(sources::prometheus)
            .transpose()
            .map_err(located)?,
        alertmanager: raw
            .alertmanager
            .map(sources::alertmanager)
            .transpose()
            .map_err(located)?,
    })
}

/// Loads the theme as the dashboard will at start, so `config check` refuses what it would.
fn theme_problem(name: &str, env: Env<'_>) -> Option<Problem> {
    let user_themes = config_dir(env).map(|d| d.join("themes"));
    let depth = crate::theme::ColorDepth::TrueColor;
    let err = crate::theme::load(name, user_themes.as_deref(), depth).err()?;
    Some(Problem::value(KeyPath::default().key("theme"), err))
}

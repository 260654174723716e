//! Configuration: defaults, then the TOML file (`--config` > `FLIGHTDECK_CONFIG` >
//! `$XDG_CONFIG_HOME/flightdeck/config.toml`), then the environment for what the file leaves out.
//! Every error names file, line, column and key, and says what to do.

mod airflow;
mod apps;
pub mod diagnostics;
mod docker;
pub mod duration;
mod github;
pub mod keymap;
mod mask;
pub mod sources;

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use serde::Deserialize;

pub use airflow::AirflowConfig;
pub use apps::{AppSpec, ModelRef, Selector};
pub use diagnostics::{Diagnostic, Diagnostics};
pub use keymap::{Key, Keymap};
pub use sources::{
    AlertmanagerConfig, DockerConfig, GithubConfig, MlflowConfig, Panel, PrometheusConfig,
    RepoSpec, Unit, github_default, resolve_token,
};

use diagnostics::{Document, KeyPath, Problem, Problems, Target};
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
    /// Airflow, if configured.
    pub airflow: Option<AirflowConfig>,
    /// Apps (`[[app]]`), in file order.
    pub apps: Vec<AppSpec>,
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
                swarm: true,
            }],
            github: None,
            mlflow: None,
            prometheus: None,
            alertmanager: None,
            airflow: None,
            apps: Vec::new(),
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
    /// The file is not valid TOML or not a valid configuration: every error, in file order.
    #[error("{0}")]
    Invalid(Diagnostics),
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
    airflow: Option<airflow::RawAirflow>,
    #[serde(default)]
    app: Vec<apps::RawApp>,
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
                let found = vec![diagnostics::invalid_utf8(&bytes, &path, e)];
                ConfigError::Invalid(Diagnostics::new(found))
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
///
/// Every error of the file is reported, in file order: an entry serde refuses is blanked
/// out (offsets kept) and the text read again, then the rest is validated as a whole.
pub fn parse_in(
    src: &str,
    file: &Path,
    cwd: Option<&Path>,
    env: Env<'_>,
) -> Result<Config, ConfigError> {
    let invalid = |all: Vec<Diagnostic>| ConfigError::Invalid(Diagnostics::new(all));
    Document::parse(src, file).map_err(|d| invalid(vec![d]))?;
    let mut found = Vec::new();
    let mut reported = Vec::new();
    let mut masked = src.to_owned();
    for _ in 0..mask::MAX_PASSES {
        match mask::pass(src, &masked, file, &mut found, &mut reported) {
            mask::Pass::Read(raw) => {
                let doc = Document::masked(src, &masked, file).map_err(|d| invalid(vec![d]))?;
                let mut problems = Problems::default();
                let config = build(raw, &doc, cwd, env, &mut problems)?;
                found.extend(problems.0.into_iter().map(|p| doc.problem(p)));
                return if found.is_empty() {
                    Ok(config)
                } else {
                    Err(invalid(found))
                };
            }
            mask::Pass::Again(next) => masked = next,
            mask::Pass::Stop => break,
        }
    }
    Err(invalid(found))
}

/// Validates the raw file and fills in what it leaves out from the environment.
fn build(
    raw: Box<RawConfig>,
    doc: &Document<'_>,
    cwd: Option<&Path>,
    env: Env<'_>,
    problems: &mut Problems,
) -> Result<Config, ConfigError> {
    let raw = *raw;
    let mut keys: Vec<(String, KeySpecs)> = raw.keys.into_iter().collect();
    // File order, so a conflict is reported at the later entry, where the reader meets it.
    let keys_path = KeyPath::default().key("keys");
    keys.sort_by_key(|(name, _)| doc.locate(&keys_path.key(name), Target::Key).start);
    let docker = match raw.docker {
        Some(tables) => sources::docker(tables, env, problems),
        None => vec![
            sources::docker_default(env).map_err(|message| ConfigError::Env {
                var: "DOCKER_HOST",
                value: env("DOCKER_HOST").unwrap_or_default(),
                message,
            })?,
        ],
    };
    let github = match raw.github {
        Some(raw) => Some(sources::github(raw, cwd, problems)),
        None => cwd.and_then(|cwd| github_default(cwd, env)),
    };
    if let Some(name) = &raw.theme
        && let Some(problem) = theme_problem(name, env)
    {
        problems.push(problem);
    }
    let keymap = Keymap::with_overrides(&keys).unwrap_or_else(|found| {
        problems.0.extend(found);
        Keymap::default()
    });
    let prometheus = raw.prometheus.map(|p| sources::prometheus(p, problems));
    let known = apps::Known {
        github: github.as_ref(),
        prometheus: prometheus.as_ref(),
    };
    let apps = apps::apps(raw.app, &known, problems);
    Ok(Config {
        theme: raw.theme.unwrap_or_else(|| "default".to_owned()),
        read_only: raw.read_only,
        bell: raw.bell,
        keymap,
        docker,
        github,
        mlflow: sources::mlflow(raw.mlflow, env, problems),
        prometheus,
        alertmanager: raw.alertmanager.map(|a| sources::alertmanager(a, problems)),
        airflow: raw.airflow.map(|a| airflow::airflow(a, problems)),
        apps,
    })
}

/// Loads the theme as the dashboard will at start, so `config check` refuses what it would.
fn theme_problem(name: &str, env: Env<'_>) -> Option<Problem> {
    let user_themes = config_dir(env).map(|d| d.join("themes"));
    let depth = crate::theme::ColorDepth::TrueColor;
    let err = crate::theme::load(name, user_themes.as_deref(), depth).err()?;
    Some(Problem::value(KeyPath::default().key("theme"), err))
}

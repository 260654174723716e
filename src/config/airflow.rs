//! The `[airflow]` section: an Airflow 3 server's public API, the credentials it is
//! reached with (named environment variables, never the secrets themselves), the DAG
//! globs to watch and the poll interval.

use std::time::Duration;

use serde::Deserialize;

use super::diagnostics::{KeyPath, Problem, Problems};
use super::sources::{env_name, interval, url};
pub use crate::state::glob::glob;

/// An Airflow 3 server, polled over `/api/v2`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AirflowConfig {
    /// Server URL (the API is under `/api/v2`).
    pub url: String,
    /// Environment variable holding the user name `POST /auth/token` is sent.
    pub username_env: Option<String>,
    /// Environment variable holding that user's password.
    pub password_env: Option<String>,
    /// Environment variable holding a JWT, used as is instead of a user and password.
    pub token_env: Option<String>,
    /// `dag_id` globs (`*`, `?`); empty means every DAG.
    pub dags: Vec<String>,
    /// Poll interval.
    pub interval: Duration,
}

impl AirflowConfig {
    /// Whether `dag_id` is watched: every DAG when no glob is given.
    pub fn watches(&self, dag_id: &str) -> bool {
        self.dags.is_empty() || self.dags.iter().any(|g| glob(g, dag_id))
    }
}

/// The `[airflow]` table as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAirflow {
    url: String,
    username_env: Option<String>,
    password_env: Option<String>,
    token_env: Option<String>,
    #[serde(default)]
    dags: Vec<String>,
    interval: Option<String>,
}

/// Validates `[airflow]`.
pub(crate) fn airflow(raw: RawAirflow, problems: &mut Problems) -> AirflowConfig {
    let path = KeyPath::default().key("airflow");
    let url = problems.take(url(&path.key("url"), &raw.url));
    if raw.username_env.is_some() != raw.password_env.is_some() {
        let (set, missing) = if raw.username_env.is_some() {
            ("username_env", "password_env")
        } else {
            ("password_env", "username_env")
        };
        let detail = format!("'{set}' needs '{missing}' too; name both environment variables");
        problems.push(Problem::value(path.key(set), detail));
    }
    let mut name =
        |key: &str, value: Option<String>| problems.take(env_name(&path.key(key), value));
    let username_env = name("username_env", raw.username_env);
    let password_env = name("password_env", raw.password_env);
    let token_env = name("token_env", raw.token_env);
    for (i, g) in raw.dags.iter().enumerate() {
        if g.trim().is_empty() {
            let detail = "an empty DAG glob matches nothing; remove it or write a dag_id";
            problems.push(Problem::value(path.key("dags").index(i), detail.to_owned()));
        }
    }
    let interval = problems.take(interval(
        &path,
        raw.interval.as_deref(),
        Duration::from_secs(15),
    ));
    AirflowConfig {
        url,
        username_env,
        password_env,
        token_env,
        dags: raw.dags,
        interval,
    }
}

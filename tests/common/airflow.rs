//! The real Airflow 3 that `scripts/test` starts: its URL (FLIGHTDECK_AIRFLOW_URL;
//! under `CI` a missing one fails the test) and a config watching the test DAGs.
#![allow(dead_code, reason = "each test file uses a different subset")]

use std::time::Duration;

use flightdeck::config::AirflowConfig;

/// The variable naming the server's URL.
pub const URL_VAR: &str = "FLIGHTDECK_AIRFLOW_URL";

/// The server's URL; panics when `CI` is set and there is none (CI must not skip).
pub fn server() -> Option<String> {
    match std::env::var(URL_VAR) {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => {
            panic!(
                "CI is set, so the Airflow tests must run, but {URL_VAR} is not set (run scripts/test)"
            )
        }
        _ => {
            eprintln!(
                "skipping: {URL_VAR} is not set (scripts/test starts Airflow; set CI=1 to make this a failure)"
            );
            None
        }
    }
}

/// `[airflow]` for the server, user and password from the environment, `fd_*` DAGs.
pub fn config(url: &str) -> AirflowConfig {
    AirflowConfig {
        url: url.to_owned(),
        username_env: Some("AIRFLOW_USERNAME".into()),
        password_env: Some("AIRFLOW_PASSWORD".into()),
        token_env: None,
        dags: vec!["fd_*".into()],
        interval: Duration::from_secs(15),
    }
}

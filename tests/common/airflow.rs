//! The real Airflow 3 that `scripts/test` starts: its URL (FLIGHTDECK_AIRFLOW_URL;
//! under `CI` a missing one fails the test) and a config watching the test DAGs.
#![allow(dead_code, reason = "each test file uses a different subset")]

use std::time::Duration;

use flightdeck::config::AirflowConfig;
use flightdeck::sources::airflow::{self, AirflowClient};

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

/// Triggers `dag` with `conf` over the API; returns the run's id. sqlite makes a
/// busy server answer 500 now and then ("database is locked"): tried three times.
pub async fn trigger_with(url: &str, dag: &str, conf: serde_json::Value) -> String {
    let client = AirflowClient::new(&config(url));
    let mut tries = 0;
    loop {
        match airflow::trigger(&client, dag, conf.clone(), None).await {
            Ok(run) => return run,
            Err(e) if tries < 2 => eprintln!("trigger {dag}: {e:?}; again"),
            Err(e) => panic!("trigger {dag}: {e:?}"),
        }
        tries += 1;
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}

/// Triggers `dag` with an empty conf, as `trigger_with`.
pub async fn trigger(url: &str, dag: &str) -> String {
    trigger_with(url, dag, serde_json::json!({})).await
}

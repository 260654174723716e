//! The Alertmanager source: active alerts with their silenced/inhibited state
//! (`/api/v2/alerts`) and the silences that are not expired. Creating and
//! expiring silences live here too, for the executor.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde::{Deserialize, Serialize};

use super::http::{Api, AuthEnv};
use super::{Payload, Source};
use crate::config::AlertmanagerConfig;
use crate::error::SourceError;
use crate::state::alert::{Alert, AlertState, AlertsSnapshot, Matcher, Silence};

/// An Alertmanager polled for alerts and silences.
pub struct AlertmanagerSource {
    api: Api,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawAlert {
    #[serde(default)]
    labels: BTreeMap<String, String>,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
    starts_at: Option<DateTime<Utc>>,
    status: RawAlertStatus,
    #[serde(default)]
    fingerprint: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawAlertStatus {
    state: String,
    #[serde(default)]
    silenced_by: Vec<String>,
    #[serde(default)]
    inhibited_by: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawMatcher {
    name: String,
    value: String,
    is_regex: bool,
    #[serde(default = "yes")]
    is_equal: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawSilence {
    id: String,
    status: RawSilenceStatus,
    #[serde(default)]
    matchers: Vec<RawMatcher>,
    starts_at: Option<DateTime<Utc>>,
    ends_at: Option<DateTime<Utc>>,
    #[serde(default)]
    created_by: String,
    #[serde(default)]
    comment: String,
}

#[derive(Debug, Deserialize)]
struct RawSilenceStatus {
    state: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct NewSilence<'a> {
    matchers: Vec<RawMatcher>,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    created_by: &'a str,
    comment: &'a str,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Created {
    #[serde(rename = "silenceID")]
    silence_id: String,
}

impl AlertmanagerSource {
    /// A source for `[alertmanager]` (credentials are read from the environment now).
    pub fn new(cfg: &AlertmanagerConfig) -> Self {
        let env = AuthEnv {
            token: cfg.token_env.as_deref(),
            username: cfg.username_env.as_deref(),
            password: cfg.password_env.as_deref(),
        };
        AlertmanagerSource {
            api: Api::new(&cfg.url, env, "Alertmanager"),
        }
    }

    /// Creates a silence from `starts_at` to `ends_at`; returns its id.
    pub async fn create_silence(
        &self,
        matchers: &[Matcher],
        starts_at: DateTime<Utc>,
        ends_at: DateTime<Utc>,
        created_by: &str,
        comment: &str,
    ) -> Result<String, SourceError> {
        let body = NewSilence {
            matchers: matchers
                .iter()
                .map(|m| RawMatcher {
                    name: m.name.clone(),
                    value: m.value.clone(),
                    is_regex: m.is_regex,
                    is_equal: m.is_equal,
                })
                .collect(),
            starts_at,
            ends_at,
            created_by,
            comment,
        };
        let created: Created = self
            .api
            .send(Method::POST, "/api/v2/silences", |r| r.json(&body))
            .await
            .map_err(|f| f.into_source(self.api.base()))?;
        Ok(created.silence_id)
    }

    /// Expires the silence `id` now.
    pub async fn expire_silence(&self, id: &str) -> Result<(), SourceError> {
        let path = format!("/api/v2/silence/{id}");
        let _: serde_json::Value = self
            .api
            .send(Method::DELETE, &path, |r| r)
            .await
            .map_err(|f| f.into_source(self.api.base()))?;
        Ok(())
    }

    async fn get<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T, SourceError> {
        self.api
            .send(Method::GET, path, |r| r)
            .await
            .map_err(|f| f.into_source(self.api.base()))
    }
}

fn alert(a: RawAlert) -> Alert {
    let state = match a.status.state.as_str() {
        "suppressed" if a.status.silenced_by.is_empty() && !a.status.inhibited_by.is_empty() => {
            AlertState::Inhibited
        }
        "suppressed" => AlertState::Silenced,
        _ => AlertState::Firing,
    };
    Alert {
        labels: a.labels,
        annotations: a.annotations,
        state,
        since: a.starts_at,
        silenced_by: a.status.silenced_by,
        fingerprint: a.fingerprint.filter(|f| !f.is_empty()),
    }
}

fn silence(s: RawSilence) -> Silence {
    Silence {
        id: s.id,
        state: s.status.state,
        matchers: s
            .matchers
            .into_iter()
            .map(|m| {
                Matcher {
                    name: m.name,
                    value: m.value,
                    is_regex: m.is_regex,
                    is_equal: m.is_equal,
                }
                .to_string()
            })
            .collect(),
        starts_at: s.starts_at,
        ends_at: s.ends_at,
        created_by: s.created_by,
        comment: s.comment,
    }
}

/// Alerts from the bytes of an `/api/v2/alerts` answer, sorted; `None` when not that shape.
pub(crate) fn fuzz_alerts(data: &[u8]) -> Option<Vec<Alert>> {
    let raw: Vec<RawAlert> = serde_json::from_slice(data).ok()?;
    let mut alerts: Vec<Alert> = raw.into_iter().map(alert).collect();
    crate::state::alert::sort(&mut alerts);
    Some(alerts)
}

/// Silences from the bytes of an `/api/v2/silences` answer; `None` when not that shape.
pub(crate) fn fuzz_silences(data: &[u8]) -> Option<Vec<Silence>> {
    let raw: Vec<RawSilence> = serde_json::from_slice(data).ok()?;
    Some(raw.into_iter().map(silence).collect())
}

impl Source for AlertmanagerSource {
    async fn poll(&mut self) -> Result<Payload, SourceError> {
        let alerts: Vec<RawAlert> = self.get("/api/v2/alerts").await?;
        let silences: Vec<RawSilence> = self.get("/api/v2/silences").await?;
        let mut silences: Vec<Silence> = silences
            .into_iter()
            .filter(|s| s.status.state != "expired")
            .map(silence)
            .collect();
        silences.sort_by(|a, b| a.ends_at.cmp(&b.ends_at).then_with(|| a.id.cmp(&b.id)));
        let mut alerts: Vec<Alert> = alerts.into_iter().map(alert).collect();
        crate::state::alert::sort(&mut alerts);
        Ok(Payload::Alerts(AlertsSnapshot { alerts, silences }))
    }

    fn target(&self) -> String {
        self.api.base().to_owned()
    }
}

//! The Prometheus source: each poll runs one range query per panel (the window
//! ending now, ~120 points; the chart downsamples to its width), reads the
//! targets and the server's alerts, and `up` by job when no panels are set.
//! A bad PromQL expression fails only its panel, with the server's message.

pub mod convert;

use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::future::join_all;
use reqwest::Method;

use super::http::{Api, AuthEnv, Failure};
use super::{Payload, Source};
use crate::config::{Panel, PrometheusConfig};
use crate::error::SourceError;
use crate::state::metric::{MetricsSnapshot, PanelData, Series};
use convert::{AlertsData, Envelope, QueryData, TargetsData};

/// Points a range query asks for; the chart downsamples further to its width.
pub const POINTS: u32 = 120;

/// A Prometheus server polled for panels, targets and alerts.
pub struct PrometheusSource {
    api: Api,
    panels: Vec<Panel>,
}

impl PrometheusSource {
    /// A source for `[prometheus]` (credentials are read from the environment now).
    pub fn new(cfg: &PrometheusConfig) -> Self {
        let env = AuthEnv {
            token: cfg.token_env.as_deref(),
            username: cfg.username_env.as_deref(),
            password: cfg.password_env.as_deref(),
        };
        PrometheusSource {
            api: Api::new(&cfg.url, env, "Prometheus"),
            panels: cfg.panels.clone(),
        }
    }

    /// Runs `query` over the `window` ending at `end`.
    pub async fn range(
        &self,
        query: &str,
        window: Duration,
        end: DateTime<Utc>,
    ) -> Result<Vec<Series>, Failure> {
        let step = step_for(window);
        let start = window_start(end, window);
        let params = [
            ("query", query.to_owned()),
            ("start", unix(start)),
            ("end", unix(end)),
            ("step", format!("{step}s")),
        ];
        let env: Envelope<QueryData> = self
            .api
            .send(Method::GET, "/api/v1/query_range", |r| r.query(&params))
            .await?;
        convert::series(env.data).map_err(|e| self.malformed(e))
    }

    /// Runs an instant `query` now.
    pub async fn instant(&self, query: &str) -> Result<Vec<Series>, Failure> {
        let env: Envelope<QueryData> = self
            .api
            .send(Method::GET, "/api/v1/query", |r| {
                r.query(&[("query", query)])
            })
            .await?;
        convert::series(env.data).map_err(|e| self.malformed(e))
    }

    fn malformed(&self, detail: String) -> Failure {
        Failure::Source(SourceError::Malformed {
            target: self.api.base().to_owned(),
            detail,
        })
    }

    async fn panel(&self, panel: &Panel, end: DateTime<Utc>) -> Result<PanelData, SourceError> {
        let result = match self.range(&panel.query, panel.window, end).await {
            Ok(series) => Ok(series),
            Err(Failure::Api { message, .. }) => Err(message),
            Err(Failure::Source(e)) => return Err(e),
        };
        Ok(PanelData {
            panel: panel.clone(),
            result,
            start: window_start(end, panel.window),
            end,
        })
    }

    async fn get<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T, SourceError> {
        let env: Envelope<T> = self
            .api
            .send(Method::GET, path, |r| r)
            .await
            .map_err(|f| f.into_source(self.api.base()))?;
        Ok(env.data)
    }
}

/// A time as Prometheus's unix seconds with milliseconds (`1700000000.123`).
fn unix(t: DateTime<Utc>) -> String {
    format!("{}.{:03}", t.timestamp(), t.timestamp_subsec_millis())
}

/// The start of `window` ending at `end`, saturating at the Unix epoch (no sample
/// is older) however long the window, so an absurd one never panics.
pub fn window_start(end: DateTime<Utc>, window: Duration) -> DateTime<Utc> {
    chrono::Duration::from_std(window)
        .ok()
        .and_then(|w| end.checked_sub_signed(w))
        .map_or(DateTime::UNIX_EPOCH, |start| {
            start.max(DateTime::UNIX_EPOCH)
        })
}

/// The step giving about `POINTS` points over `window`, in whole seconds (at least 1).
pub fn step_for(window: Duration) -> u64 {
    (window.as_secs() / u64::from(POINTS)).max(1)
}

impl Source for PrometheusSource {
    async fn poll(&mut self) -> Result<Payload, SourceError> {
        let end = Utc::now();
        let targets: TargetsData = self.get("/api/v1/targets?state=active").await?;
        let alerts: AlertsData = self.get("/api/v1/alerts").await?;
        let panels = join_all(self.panels.iter().map(|p| self.panel(p, end))).await;
        let panels = panels.into_iter().collect::<Result<Vec<_>, _>>()?;
        let up_by_job = if self.panels.is_empty() {
            let up = self
                .instant("up")
                .await
                .map_err(|f| f.into_source(self.api.base()))?;
            convert::up_by_job(&up)
        } else {
            Vec::new()
        };
        Ok(Payload::Metrics(MetricsSnapshot {
            panels,
            targets: convert::targets(targets),
            alerts: convert::alerts(alerts),
            up_by_job,
        }))
    }

    fn target(&self) -> String {
        self.api.base().to_owned()
    }
}

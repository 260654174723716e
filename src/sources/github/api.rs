//! The GitHub client: octocrab's generic calls with our own headers, so polling can
//! send `If-None-Match` and read a 304 as "unchanged" (its typed calls cannot).
//! Routes are always relative, so the token goes only to the configured API host.
//! Every answer's rate-limit headers are remembered for the pane footer. Bodies
//! are read as a stream up to a cap, and server text is scrubbed of the token.

use std::sync::{Arc, Mutex};

use bytes::{Bytes, BytesMut};
use chrono::{DateTime, Utc};
use http::{HeaderMap, HeaderValue, Method, header};
use http_body_util::BodyExt as _;
use http_body_util::combinators::BoxBody;
use octocrab::Octocrab;
use serde::de::DeserializeOwned;

use super::errors;
use crate::config::{GithubConfig, resolve_token};
use crate::error::SourceError;
use crate::sources::http::MAX_BODY;
use crate::sources::redact::{self, Secrets};
use crate::state::pipeline::RateLimit;

/// Longest `gh auth token` may take before it is given up on.
const GH_TIMEOUT_SECS: u64 = 5;
/// Largest job log read (64 MiB); API answers are capped at `MAX_BODY`.
pub const MAX_LOG_BODY: usize = 64 << 20;

/// An answer with a 2xx or 304 status.
#[derive(Debug)]
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body as text.
    pub body: String,
    /// The client's secrets, so errors about the body are scrubbed too.
    secrets: Secrets,
}

impl Answer {
    /// Whether the server said the cached copy is still good.
    pub fn not_modified(&self) -> bool {
        self.status == 304
    }

    /// The entity tag to send next time.
    pub fn etag(&self) -> Option<String> {
        errors::header(&self.headers, "etag").map(str::to_owned)
    }

    /// Whether a `Link` header names a next page.
    pub fn has_next(&self) -> bool {
        errors::header(&self.headers, "link").is_some_and(|l| {
            l.split(',')
                .any(|part| part.contains("rel=\"next\"") || part.contains("rel=next"))
        })
    }

    /// The body parsed as `T`; the error names the JSON path that broke.
    pub fn json<T: DeserializeOwned>(&self, target: &str, route: &str) -> Result<T, SourceError> {
        if self.body.trim().is_empty() {
            return Err(errors::malformed(
                target,
                route,
                &"the body is empty (expected JSON)",
            ));
        }
        let de = &mut serde_json::Deserializer::from_str(&self.body);
        serde_path_to_error::deserialize(de)
            .map_err(|e| errors::malformed(target, route, &e).map_text(|t| self.secrets.scrub(t)))
    }
}

/// A GitHub API client shared by the poller, the log fetcher and the executor.
#[derive(Clone)]
pub struct Api {
    octo: Octocrab,
    target: String,
    secrets: Secrets,
    authenticated: bool,
    rate: Arc<Mutex<Option<RateLimit>>>,
}

impl std::fmt::Debug for Api {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never prints the token.
        f.debug_struct("Api")
            .field("target", &self.target)
            .field("authenticated", &self.authenticated)
            .finish_non_exhaustive()
    }
}

impl Api {
    /// A client for `[github]`, with the token from the environment or `gh auth token`.
    pub async fn connect(cfg: &GithubConfig) -> Result<Api, SourceError> {
        let env = |k: &str| std::env::var(k).ok();
        let token = match resolve_token(cfg.token_env.as_deref(), &env) {
            Some(t) => Some(t),
            None => gh_token(&cfg.api_url).await,
        };
        Api::new(&cfg.api_url, token)
    }

    /// A client for `api_url` with this token (anonymous without one).
    pub fn new(api_url: &str, token: Option<String>) -> Result<Api, SourceError> {
        let target = redact::display_url(api_url);
        let mut secrets = Secrets::of_url(api_url);
        if let Some(t) = &token {
            secrets.add(t);
        }
        let bad = |e: &dyn std::fmt::Display| {
            SourceError::Other(format!("cannot build a GitHub client for '{target}': {e}"))
        };
        let mut builder = Octocrab::builder()
            .base_uri(api_url.trim_end_matches('/'))
            .map_err(|e| bad(&e))?
            .set_connect_timeout(Some(std::time::Duration::from_secs(10)))
            .set_read_timeout(Some(std::time::Duration::from_secs(30)));
        let authenticated = token.is_some();
        if let Some(token) = token {
            builder = builder.personal_token(token);
        }
        let octo = builder.build().map_err(|e| bad(&e))?;
        Ok(Api {
            octo,
            target,
            secrets,
            authenticated,
            rate: Arc::new(Mutex::new(None)),
        })
    }

    /// The API root shown in errors (never holds the token).
    pub fn target(&self) -> &str {
        &self.target
    }

    /// Whether requests carry a token.
    pub fn is_authenticated(&self) -> bool {
        self.authenticated
    }

    /// The rate limit stated by the latest answer.
    pub fn rate(&self) -> Option<RateLimit> {
        self.rate.lock().ok().and_then(|r| *r)
    }

    /// GETs a relative `route`, conditionally when `etag` is given; `what` names the
    /// thing for a 404.
    pub async fn get(
        &self,
        route: &str,
        etag: Option<&str>,
        what: &str,
    ) -> Result<Answer, SourceError> {
        let mut headers = HeaderMap::new();
        if let Some(tag) = etag.and_then(|t| HeaderValue::from_str(t).ok()) {
            headers.insert(header::IF_NONE_MATCH, tag);
        }
        let result = self.octo._get_with_headers(route, Some(headers)).await;
        self.finish(result, what, MAX_BODY).await
    }

    /// GETs a job's log (a larger cap than API answers).
    pub async fn get_log(&self, route: &str, what: &str) -> Result<Answer, SourceError> {
        let result = self.octo._get_with_headers(route, None).await;
        self.finish(result, what, MAX_LOG_BODY).await
    }

    /// Sends a mutation (`POST`) with a JSON body; `what` names the thing for a 404.
    pub async fn send(
        &self,
        method: Method,
        route: &str,
        body: Option<&serde_json::Value>,
        what: &str,
    ) -> Result<Answer, SourceError> {
        let request = http::Request::builder().method(method).uri(route);
        let request = self
            .octo
            .build_request(request, body)
            .map_err(|e| SourceError::Other(format!("cannot build a request for {what}: {e}")))?;
        let result = self.octo.execute(request).await;
        self.finish(result, what, MAX_BODY).await
    }

    /// Reads the answer (its body up to `cap`) and maps a failure; every error's
    /// text is scrubbed of the token.
    async fn finish(
        &self,
        result: octocrab::Result<http::Response<BoxBody<Bytes, octocrab::Error>>>,
        what: &str,
        cap: usize,
    ) -> Result<Answer, SourceError> {
        self.read(result, what, cap)
            .await
            .map_err(|e| e.map_text(|t| self.secrets.scrub(t)))
    }

    async fn read(
        &self,
        result: octocrab::Result<http::Response<BoxBody<Bytes, octocrab::Error>>>,
        what: &str,
        cap: usize,
    ) -> Result<Answer, SourceError> {
        let response = result.map_err(|e| errors::transport(&self.target, &e))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        self.remember_rate(&headers);
        let bytes = self.read_body(response.into_body(), &headers, cap).await?;
        if (200..300).contains(&status) || status == 304 {
            let body = String::from_utf8(bytes.to_vec()).map_err(|e| SourceError::Malformed {
                target: self.target.clone(),
                detail: format!(
                    "{what}: the body is not valid UTF-8, so not JSON ({})",
                    e.utf8_error()
                ),
            })?;
            return Ok(Answer {
                status,
                headers,
                body,
                secrets: self.secrets.clone(),
            });
        }
        let body = String::from_utf8_lossy(&bytes);
        Err(errors::status(
            &self.target,
            status,
            &headers,
            &body,
            what,
            Utc::now(),
        ))
    }

    /// The body, frame by frame, stopping with an error past `cap` bytes.
    async fn read_body(
        &self,
        mut body: BoxBody<Bytes, octocrab::Error>,
        headers: &HeaderMap,
        cap: usize,
    ) -> Result<Bytes, SourceError> {
        let too_large = || SourceError::Malformed {
            target: self.target.clone(),
            detail: format!(
                "response body over {} MiB: flightdeck stops reading there",
                cap >> 20
            ),
        };
        let declared =
            errors::header(headers, "content-length").and_then(|v| v.trim().parse::<u64>().ok());
        if declared.is_some_and(|n| n > cap as u64) {
            return Err(too_large());
        }
        let mut out = BytesMut::new();
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| errors::cut_off(&self.target, &e))?;
            if let Ok(data) = frame.into_data() {
                if out.len() + data.len() > cap {
                    return Err(too_large());
                }
                out.extend_from_slice(&data);
            }
        }
        Ok(out.freeze())
    }

    fn remember_rate(&self, headers: &HeaderMap) {
        let num = |name| errors::header(headers, name).and_then(|v| v.trim().parse::<i64>().ok());
        let (Some(remaining), Some(limit), Some(reset)) = (
            num("x-ratelimit-remaining"),
            num("x-ratelimit-limit"),
            num("x-ratelimit-reset"),
        ) else {
            return;
        };
        let rate = RateLimit {
            remaining: u32::try_from(remaining).unwrap_or(0),
            limit: u32::try_from(limit).unwrap_or(0),
            reset: DateTime::from_timestamp(reset, 0).unwrap_or_default(),
        };
        if let Ok(mut r) = self.rate.lock() {
            *r = Some(rate);
        }
    }
}

/// The token of the GitHub CLI for the API's host, when `gh` is installed and logged in.
pub async fn gh_token(api_url: &str) -> Option<String> {
    let host = api_url
        .split_once("://")
        .map_or(api_url, |(_, rest)| rest)
        .split(['/', ':'])
        .next()
        .unwrap_or_default();
    let host = if host == "api.github.com" {
        "github.com"
    } else {
        host
    };
    let run = tokio::process::Command::new("gh")
        .args(["auth", "token", "--hostname", host])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(std::time::Duration::from_secs(GH_TIMEOUT_SECS), run)
        .await
        .ok()?
        .ok()?;
    let token = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    (out.status.success() && !token.is_empty()).then_some(token)
}

//! The one HTTP layer of the JSON sources (Prometheus, Alertmanager, MLflow) and
//! the executor: auth from named environment variables, one timeout, a body cap
//! read as a stream, one `Retry-After` parse, and errors mapped to `SourceError`s
//! that say what to do. Server text is scrubbed of every credential first.

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use chrono::{DateTime, Utc};
use reqwest::{Client, Method, RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;

use super::redact::{self, Secrets};
use crate::error::SourceError;

/// Longest one request may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);
/// Longest a connection may take to open.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Largest answer body read from a JSON API (16 MiB); a longer one is an error.
pub const MAX_BODY: usize = 16 << 20;
/// Longest wait a `Retry-After` or a rate-limit reset is believed for; a longer one
/// (or one that does not fit a date) waits `FALLBACK_WAIT` instead.
pub const MAX_RETRY_WAIT: Duration = Duration::from_secs(24 * 60 * 60);
/// The wait used for an absurd `Retry-After`: the pollers' backoff cap.
pub const FALLBACK_WAIT: Duration = Duration::from_secs(300);
/// The wait used for a 429 without `Retry-After`.
const DEFAULT_WAIT: Duration = Duration::from_secs(60);

/// Credentials sent with every request.
#[derive(Clone, Default, PartialEq, Eq)]
pub enum Auth {
    /// None.
    #[default]
    None,
    /// `Authorization: Bearer`.
    Bearer(String),
    /// HTTP basic auth (user, password).
    Basic(String, String),
}

impl Auth {
    /// Every form the credentials take on the wire, for scrubbing.
    pub fn secrets(&self) -> Secrets {
        match self {
            Auth::None => Secrets::none(),
            Auth::Bearer(t) => Secrets::token(t),
            Auth::Basic(u, p) => Secrets::basic(u, p),
        }
    }
}

impl std::fmt::Debug for Auth {
    // Never prints a secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Auth::None => "Auth::None",
            Auth::Bearer(_) => "Auth::Bearer(***)",
            Auth::Basic(..) => "Auth::Basic(***)",
        })
    }
}

/// A failed request: a source failure, or an API error the caller may show in place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The server is unusable (down, auth, rate limit, garbage).
    Source(SourceError),
    /// The server refused this one request with a message (bad PromQL, bad silence).
    Api {
        /// The HTTP status.
        status: u16,
        /// The server's message (scrubbed).
        message: String,
    },
}

impl Failure {
    /// The failure as a source error (API errors become `Http`).
    pub fn into_source(self, target: &str) -> SourceError {
        match self {
            Failure::Source(e) => e,
            Failure::Api { status, message } => SourceError::Http {
                target: target.to_owned(),
                status,
                detail: message,
            },
        }
    }
}

/// An HTTP answer of any status, its body read within the cap.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The HTTP status.
    pub status: StatusCode,
    /// The bounded wait `Retry-After` asked for, when sent.
    pub retry_after: Option<Duration>,
    /// The body.
    pub body: Bytes,
}

/// A JSON API at one base URL.
#[derive(Clone)]
pub struct Api {
    client: Result<Client, String>,
    url: String,
    target: String,
    auth: Result<Auth, SourceError>,
    secrets: Secrets,
    /// What the server is called in hints (`Prometheus`).
    product: &'static str,
    /// Where to look when it cannot be reached, when not the generic hint.
    hint: Option<&'static str>,
    timeout: Duration,
}

impl std::fmt::Debug for Api {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Api")
            .field("target", &self.target)
            .field("product", &self.product)
            .finish_non_exhaustive()
    }
}

/// The names of the environment variables holding credentials.
#[derive(Debug, Clone, Copy, Default)]
pub struct AuthEnv<'a> {
    /// Bearer token variable.
    pub token: Option<&'a str>,
    /// Basic-auth user variable.
    pub username: Option<&'a str>,
    /// Basic-auth password variable.
    pub password: Option<&'a str>,
}

impl Api {
    /// A client for `base` (no request is made yet); credentials are read now.
    pub fn new(base: &str, env: AuthEnv<'_>, product: &'static str) -> Api {
        Api::build(base, resolve(base, env), product)
    }

    /// A client for `base` with these credentials.
    pub fn with_auth(base: &str, auth: Auth, product: &'static str) -> Api {
        Api::build(base, Ok(auth), product)
    }

    fn build(base: &str, auth: Result<Auth, SourceError>, product: &'static str) -> Api {
        let mut secrets = Secrets::of_url(base);
        if let Ok(a) = &auth {
            secrets.extend(&a.secrets());
        }
        Api {
            client: client(REQUEST_TIMEOUT),
            url: base.trim_end_matches('/').to_owned(),
            target: redact::display_url(base),
            auth,
            secrets,
            product,
            hint: None,
            timeout: REQUEST_TIMEOUT,
        }
    }

    /// The same API with another request timeout (tests of stalling servers use 1 s).
    pub fn with_timeout(mut self, timeout: Duration) -> Api {
        self.client = client(timeout);
        self.timeout = timeout;
        self
    }

    /// The same API with its own words for "cannot reach it: look here".
    pub fn with_hint(mut self, hint: &'static str) -> Api {
        self.hint = Some(hint);
        self
    }

    /// The same API also scrubbing `extra` (a password sent in a body, say).
    pub fn with_secrets(mut self, extra: &Secrets) -> Api {
        self.secrets.extend(extra);
        self
    }

    /// The base URL without credentials, for errors and the header.
    pub fn base(&self) -> &str {
        &self.target
    }

    /// `text` without any credential this client holds.
    pub fn scrub(&self, text: &str) -> String {
        self.secrets.scrub(text)
    }

    /// Sends a request to `path` and decodes the JSON answer.
    pub async fn send<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        build: impl FnOnce(RequestBuilder) -> RequestBuilder,
    ) -> Result<T, Failure> {
        let answer = self
            .answer(method, path, build)
            .await
            .map_err(Failure::Source)?;
        self.finish(&answer)
    }

    /// An answer already read, as `T` or the failure its status means.
    pub fn finish<T: DeserializeOwned>(&self, answer: &Answer) -> Result<T, Failure> {
        if !answer.status.is_success() {
            return Err(self.status_failure(answer));
        }
        self.decode(&answer.body).map_err(Failure::Source)
    }

    /// Sends a request to `path` and reads the answer of any status, its body capped
    /// at `MAX_BODY`; only transport failures (and an oversized body) are errors.
    pub async fn answer(
        &self,
        method: Method,
        path: &str,
        build: impl FnOnce(RequestBuilder) -> RequestBuilder,
    ) -> Result<Answer, SourceError> {
        let url = format!("{}{path}", self.url);
        let client = self.client.as_ref().map_err(|e| {
            SourceError::Other(self.scrub(&format!("cannot build an HTTP client: {e}")))
        })?;
        let request = client.request(method, &url);
        let request = match self.auth.as_ref().map_err(Clone::clone)? {
            Auth::None => request,
            Auth::Bearer(t) => request.bearer_auth(t),
            Auth::Basic(u, p) => request.basic_auth(u, Some(p)),
        };
        let response = build(request)
            .send()
            .await
            .map_err(|e| self.transport(&e))?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| retry_after(v, Utc::now()));
        let body = self.read_body(response).await?;
        Ok(Answer {
            status,
            retry_after,
            body,
        })
    }

    /// Reads the body chunk by chunk, stopping at `MAX_BODY`.
    async fn read_body(&self, mut response: reqwest::Response) -> Result<Bytes, SourceError> {
        if response
            .content_length()
            .is_some_and(|n| n > MAX_BODY as u64)
        {
            return Err(self.too_large());
        }
        let mut body = BytesMut::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.transport(&e))? {
            if body.len() + chunk.len() > MAX_BODY {
                return Err(self.too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    }

    fn too_large(&self) -> SourceError {
        SourceError::Malformed {
            target: self.target.clone(),
            detail: format!(
                "response body over {} MiB: flightdeck stops reading there (is this really {}?)",
                MAX_BODY >> 20,
                self.product
            ),
        }
    }

    /// A JSON body as `T`: an empty body, bytes that are not UTF-8 and JSON of
    /// another shape each say so (nesting deeper than 128 is an error, not a crash).
    pub fn decode<T: DeserializeOwned>(&self, body: &[u8]) -> Result<T, SourceError> {
        if body.iter().all(u8::is_ascii_whitespace) {
            // Some answers are legitimately empty (a DELETE); a `T` that needs data is not.
            return serde_json::from_slice(b"null")
                .map_err(|_| self.malformed("the body is empty (expected JSON)"));
        }
        let text = std::str::from_utf8(body).map_err(|e| {
            self.malformed(&format!("the body is not valid UTF-8, so not JSON ({e})"))
        })?;
        serde_json::from_str(text)
            .map_err(|e| self.malformed(&format!("not the expected JSON: {e}")))
    }

    /// A malformed-answer error whose detail is scrubbed of credentials.
    pub fn malformed(&self, detail: &str) -> SourceError {
        SourceError::Malformed {
            target: self.target.clone(),
            detail: self.scrub(detail),
        }
    }

    /// A rate-limit error waiting `retry_after` (else a minute), with the server's words.
    pub fn rate_limited(&self, retry_after: Option<Duration>, detail: &str) -> SourceError {
        let now = Utc::now();
        let until = later(now, retry_after.unwrap_or(DEFAULT_WAIT));
        SourceError::RateLimited {
            target: self.target.clone(),
            until,
            detail: format!(
                "{}; retrying {}",
                self.scrub(detail),
                wait_words(now, until)
            ),
        }
    }

    fn status_failure(&self, answer: &Answer) -> Failure {
        let target = self.target.clone();
        let message = self.scrub(&server_message(&answer.body));
        let product = self.product;
        let status = answer.status.as_u16();
        match status {
            401 | 403 => Failure::Source(SourceError::Auth {
                target,
                detail: format!(
                    "HTTP {status}: {message}; check the credentials named by token_env or \
                     username_env/password_env in the config"
                ),
            }),
            429 => Failure::Source(self.rate_limited(answer.retry_after, &message)),
            404 => Failure::Source(SourceError::Http {
                target,
                status: 404,
                detail: format!("{message}: is this URL really {product} (and its API path)?"),
            }),
            400 | 422 => Failure::Api { status, message },
            500..=599 => Failure::Source(SourceError::Http {
                target,
                status,
                detail: format!("server error: {message}"),
            }),
            code => Failure::Source(SourceError::Http {
                target,
                status: code,
                detail: message,
            }),
        }
    }

    /// Maps a transport failure (refused, DNS, TLS, timeout, a body cut off).
    pub fn transport(&self, e: &reqwest::Error) -> SourceError {
        let target = self.target.clone();
        if e.is_timeout() {
            return SourceError::Timeout {
                target,
                secs: self.timeout.as_secs().max(1),
            };
        }
        let mut root: &dyn std::error::Error = e;
        while let Some(next) = root.source() {
            root = next;
        }
        let root = self.scrub(&root.to_string());
        if e.is_body() || e.is_decode() {
            return SourceError::Malformed {
                target,
                detail: format!("the body was cut off or unreadable: {root}"),
            };
        }
        let refused = e.is_connect() && root.to_ascii_lowercase().contains("refused");
        let cause = if refused { "connection refused" } else { &root };
        let detail = match self.hint {
            Some(hint) => format!("{cause}: {hint}"),
            None => format!("{cause}: is {} running at '{target}'?", self.product),
        };
        SourceError::Unreachable { target, detail }
    }
}

fn client(timeout: Duration) -> Result<Client, String> {
    Client::builder()
        .timeout(timeout)
        .connect_timeout(CONNECT_TIMEOUT.min(timeout))
        .user_agent(concat!("flightdeck/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| e.to_string())
}

/// The wait a `Retry-After` value asks for (seconds or an HTTP date), bounded by
/// `bounded_wait`; `None` when it is neither.
pub fn retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Digits too many for a u64 are as absurd as a huge number.
        let secs = value.parse::<u64>().unwrap_or(u64::MAX);
        return Some(bounded_wait(Duration::from_secs(secs)));
    }
    let at = DateTime::parse_from_rfc2822(value)
        .ok()?
        .with_timezone(&Utc);
    Some(bounded_wait((at - now).to_std().unwrap_or_default()))
}

/// A server-given wait made sane: at least a second, and `FALLBACK_WAIT` when it
/// is over `MAX_RETRY_WAIT`.
pub fn bounded_wait(wait: Duration) -> Duration {
    if wait > MAX_RETRY_WAIT {
        FALLBACK_WAIT
    } else {
        wait.max(Duration::from_secs(1))
    }
}

/// `now + wait`, saturating at the latest time chrono knows (never panics).
pub fn later(now: DateTime<Utc>, wait: Duration) -> DateTime<Utc> {
    chrono::TimeDelta::from_std(wait)
        .ok()
        .and_then(|d| now.checked_add_signed(d))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// When `until` is, said from `now`: `in 3 h 20 m`, with the date when it is not today.
pub fn wait_words(now: DateTime<Utc>, until: DateTime<Utc>) -> String {
    let secs = (until - now).num_seconds().max(0);
    let (d, h, m, s) = (secs / 86_400, secs / 3_600 % 24, secs / 60 % 60, secs % 60);
    let rel = match (d, h, m) {
        (0, 0, 0) => format!("in {s} s"),
        (0, 0, _) => format!("in {m} m {s} s"),
        (0, _, _) => format!("in {h} h {m} m"),
        _ => format!("in {d} d {h} h"),
    };
    if until.date_naive() == now.date_naive() {
        format!("{rel} (at {})", until.format("%H:%M:%S UTC"))
    } else {
        format!("{rel} (on {})", until.format("%Y-%m-%d %H:%M UTC"))
    }
}

/// The `error` field of a Prometheus/Alertmanager error body, else the body's text.
fn server_message(body: &[u8]) -> String {
    #[derive(serde::Deserialize)]
    struct ErrorBody {
        error: Option<String>,
        message: Option<String>,
    }
    if let Ok(ErrorBody { error, message }) = serde_json::from_slice::<ErrorBody>(body)
        && let Some(text) = error.or(message)
    {
        return text.chars().take(300).collect();
    }
    let text = String::from_utf8_lossy(&body[..body.len().min(4096)]);
    let text = text.trim();
    if text.is_empty() {
        "no message".to_owned()
    } else {
        text.chars()
            .take(300)
            .collect::<String>()
            .trim_matches('"')
            .to_owned()
    }
}

fn resolve(base: &str, env: AuthEnv<'_>) -> Result<Auth, SourceError> {
    let read = |name: &str| {
        std::env::var(name)
            .ok()
            .filter(|v| !v.is_empty())
            .ok_or_else(|| SourceError::Auth {
                target: redact::display_url(base),
                detail: format!("environment variable '{name}' named in the config is not set"),
            })
    };
    if let Some(name) = env.token {
        return Ok(Auth::Bearer(read(name)?));
    }
    match (env.username, env.password) {
        (Some(u), Some(p)) => Ok(Auth::Basic(read(u)?, read(p)?)),
        _ => Ok(Auth::None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn server_messages_prefer_the_error_field() {
        let body = br#"{"status":"error","errorType":"bad_data","error":"parse error"}"#;
        assert_eq!(server_message(body), "parse error");
        assert_eq!(server_message(b"  nope \n"), "nope");
        assert_eq!(server_message(b""), "no message");
    }

    #[test]
    fn retry_after_is_bounded_and_never_overflows() {
        let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let secs = |s| Some(Duration::from_secs(s));
        assert_eq!(retry_after("120", now), secs(120));
        assert_eq!(retry_after("0", now), secs(1));
        assert_eq!(retry_after("99999999999999", now), Some(FALLBACK_WAIT));
        assert_eq!(
            retry_after("99999999999999999999999", now),
            Some(FALLBACK_WAIT)
        );
        assert_eq!(retry_after("Thu, 01 Jan 2026 00:02:00 GMT", now), secs(120));
        assert_eq!(retry_after("soon", now), None);
        assert_eq!(retry_after("-5", now), None);
        assert_eq!(later(now, Duration::MAX), DateTime::<Utc>::MAX_UTC);
        assert_eq!(
            later(now, Duration::from_secs(60)),
            now + chrono::Duration::seconds(60)
        );
    }

    #[test]
    fn waits_read_relative_with_the_date_when_not_today() {
        let now = Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap();
        let at = |s| now + chrono::Duration::seconds(s);
        assert_eq!(wait_words(now, at(30)), "in 30 s (at 09:00:30 UTC)");
        assert_eq!(wait_words(now, at(12_000)), "in 3 h 20 m (at 12:20:00 UTC)");
        assert_eq!(
            wait_words(now, at(90_000)),
            "in 1 d 1 h (on 2026-01-02 10:00 UTC)"
        );
    }
}

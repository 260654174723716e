//! A small JSON-over-HTTP client shared by the Prometheus and Alertmanager
//! sources and the executor: auth from named environment variables, a timeout
//! per request, and errors mapped to `SourceError`s that say what to do.
//! Credentials never appear in errors or logs.

use std::time::Duration;

use chrono::Utc;
use reqwest::{Client, Method, RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;

use crate::error::SourceError;

/// Longest one request may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Credentials, resolved from the environment.
#[derive(Clone, Default)]
enum Auth {
    #[default]
    None,
    Bearer(String),
    Basic(String, String),
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
        /// The server's message.
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

/// A JSON API at one base URL.
#[derive(Clone)]
pub struct Api {
    client: Result<Client, String>,
    base: String,
    auth: Result<Auth, SourceError>,
    /// What the server is called in hints (`Prometheus`).
    product: &'static str,
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
        let client = Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .connect_timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| e.to_string());
        Api {
            client,
            base: base.trim_end_matches('/').to_owned(),
            auth: resolve(base, env),
            product,
        }
    }

    /// The base URL, for errors and the header.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Sends a request to `path` and decodes the JSON answer.
    pub async fn send<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        build: impl FnOnce(RequestBuilder) -> RequestBuilder,
    ) -> Result<T, Failure> {
        let url = format!("{}{path}", self.base);
        let client = self.client.as_ref().map_err(|e| {
            Failure::Source(SourceError::Other(format!(
                "cannot build an HTTP client: {e}"
            )))
        })?;
        let request = client.request(method, &url);
        let request = match self.auth.as_ref().map_err(|e| Failure::Source(e.clone()))? {
            Auth::None => request,
            Auth::Bearer(t) => request.bearer_auth(t),
            Auth::Basic(u, p) => request.basic_auth(u, Some(p)),
        };
        let response = build(request)
            .send()
            .await
            .map_err(|e| Failure::Source(self.transport(&e)))?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<i64>().ok());
        let body = response
            .bytes()
            .await
            .map_err(|e| Failure::Source(self.transport(&e)))?;
        if !status.is_success() {
            return Err(self.status_failure(status, retry_after, &body));
        }
        if body.is_empty() {
            return serde_json::from_slice(b"null").map_err(|e| self.malformed(&e));
        }
        serde_json::from_slice(&body).map_err(|e| self.malformed(&e))
    }

    fn malformed(&self, e: &serde_json::Error) -> Failure {
        Failure::Source(SourceError::Malformed {
            target: self.base.clone(),
            detail: e.to_string(),
        })
    }

    fn status_failure(&self, status: StatusCode, retry_after: Option<i64>, body: &[u8]) -> Failure {
        let target = self.base.clone();
        let message = server_message(body);
        let product = self.product;
        match status.as_u16() {
            401 | 403 => Failure::Source(SourceError::Auth {
                target,
                detail: format!(
                    "HTTP {}: {message}; check the credentials named by token_env or \
                     username_env/password_env in the config",
                    status.as_u16()
                ),
            }),
            429 => Failure::Source(SourceError::RateLimited {
                target,
                until: Utc::now() + chrono::Duration::seconds(retry_after.unwrap_or(60).max(1)),
                detail: message,
            }),
            404 => Failure::Source(SourceError::Http {
                target,
                status: 404,
                detail: format!("{message}: is this URL really {product} (and its API path)?"),
            }),
            400 | 422 => Failure::Api {
                status: status.as_u16(),
                message,
            },
            code => Failure::Source(SourceError::Http {
                target,
                status: code,
                detail: message,
            }),
        }
    }

    fn transport(&self, e: &reqwest::Error) -> SourceError {
        let target = self.base.clone();
        if e.is_timeout() {
            return SourceError::Timeout {
                target,
                secs: REQUEST_TIMEOUT.as_secs(),
            };
        }
        if e.is_decode() {
            return SourceError::Malformed {
                target,
                detail: e.to_string(),
            };
        }
        let mut root: &dyn std::error::Error = e;
        while let Some(next) = root.source() {
            root = next;
        }
        let refused = e.is_connect()
            && root
                .downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::ConnectionRefused);
        let detail = if refused {
            format!(
                "connection refused: is {} running at '{target}'?",
                self.product
            )
        } else {
            format!("{root}: is {} running at '{target}'?", self.product)
        };
        SourceError::Unreachable { target, detail }
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
        return text;
    }
    let text = String::from_utf8_lossy(body);
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
                target: base.to_owned(),
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

    #[test]
    fn server_messages_prefer_the_error_field() {
        let body = br#"{"status":"error","errorType":"bad_data","error":"parse error"}"#;
        assert_eq!(server_message(body), "parse error");
        assert_eq!(server_message(b"  nope \n"), "nope");
        assert_eq!(server_message(b""), "no message");
    }
}

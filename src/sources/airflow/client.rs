//! The client for Airflow 3's public API on the shared HTTP layer: a JWT from
//! `POST /auth/token` (user and password from named environment variables), kept
//! and renewed when it nears expiry or a request answers 401. The password and the
//! JWT are registered for scrubbing and never printed.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use chrono::{DateTime, Utc};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tokio::sync::Mutex;

use super::wire::Token;
use crate::config::AirflowConfig;
use crate::error::SourceError;
use crate::sources::http::{self, Api, Failure};
use crate::sources::redact::{self, Secrets};

/// What the server is called in messages.
const PRODUCT: &str = "Airflow";
/// Where to look when the server cannot be reached.
const HINT: &str = "is the Airflow api-server running there? (check [airflow] url)";
/// A JWT this close to its expiry is renewed before use.
const RENEW_BEFORE: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

/// How the client proves who it is.
#[derive(Clone)]
enum Login {
    /// A user and password exchanged for a JWT.
    Password { user: String, password: String },
    /// A JWT given as is.
    Token(String),
    /// No credentials configured (the server will say 401).
    None,
    /// A variable named in the config is not set.
    Missing(SourceError),
}

/// A JWT in use and the API client that sends it.
#[derive(Clone)]
struct Session {
    api: Api,
    expires: Option<DateTime<Utc>>,
}

/// A client for one Airflow server; clones share the session.
#[derive(Clone)]
pub struct AirflowClient {
    url: String,
    target: String,
    login: Login,
    secrets: Secrets,
    anon: Api,
    session: Arc<Mutex<Option<Session>>>,
    timeout: Duration,
}

impl fmt::Debug for AirflowClient {
    // Never prints a secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AirflowClient")
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}

impl AirflowClient {
    /// A client for `[airflow]`, with credentials read from the environment now.
    pub fn new(cfg: &AirflowConfig) -> AirflowClient {
        Self::with_env(cfg, &|k| std::env::var(k).ok())
    }

    /// A client for `[airflow]` reading credentials through `env`.
    pub fn with_env(cfg: &AirflowConfig, env: &dyn Fn(&str) -> Option<String>) -> AirflowClient {
        let target = redact::display_url(&cfg.url);
        let read = |name: &str| {
            env(name)
                .filter(|v| !v.is_empty())
                .ok_or_else(|| SourceError::Auth {
                    target: target.clone(),
                    detail: format!(
                        "airflow: environment variable '{name}' named in [airflow] is not set"
                    ),
                })
        };
        let login = match (&cfg.token_env, &cfg.username_env, &cfg.password_env) {
            (Some(t), _, _) => read(t).map_or_else(Login::Missing, Login::Token),
            (None, Some(u), Some(p)) => match (read(u), read(p)) {
                (Ok(user), Ok(password)) => Login::Password { user, password },
                (Err(e), _) | (_, Err(e)) => Login::Missing(e),
            },
            _ => Login::None,
        };
        let mut secrets = Secrets::of_url(&cfg.url);
        match &login {
            Login::Password { user, password } => secrets.extend(&Secrets::basic(user, password)),
            Login::Token(t) => secrets.add(t),
            Login::None | Login::Missing(_) => {}
        }
        let anon = Api::with_auth(&cfg.url, http::Auth::None, PRODUCT)
            .with_hint(HINT)
            .with_secrets(&secrets);
        AirflowClient {
            url: cfg.url.clone(),
            target,
            login,
            secrets,
            anon,
            session: Arc::new(Mutex::new(None)),
            timeout: http::REQUEST_TIMEOUT,
        }
    }

    /// The same client with another request timeout (tests of stalling servers).
    pub fn with_timeout(mut self, timeout: Duration) -> AirflowClient {
        self.anon = self.anon.with_timeout(timeout);
        self.timeout = timeout;
        self
    }

    /// The URL without credentials, for errors and the header.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// `text` without the password or any JWT this client has held.
    pub fn scrub(&self, text: &str) -> String {
        self.secrets.scrub(text)
    }

    /// GETs `path` (under the server's URL) as `T`.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, SourceError> {
        self.send(Method::GET, path, None)
            .await
            .map_err(|f| self.source_error(f))
    }

    /// GETs `path` as text (a task's log).
    pub async fn text(&self, path: &str) -> Result<String, SourceError> {
        let answer = self.exchange(Method::GET, path, None).await?;
        let api = self.api(false).await?;
        if answer.status.is_success() {
            return Ok(api.scrub(&String::from_utf8_lossy(&answer.body)));
        }
        Err(
            self.source_error(api.finish::<Value>(&answer).err().unwrap_or_else(|| {
                Failure::Source(SourceError::Other("airflow: unreadable answer".to_owned()))
            })),
        )
    }

    /// Sends `body` (JSON) with `method` to `path` and decodes the answer as `T`.
    pub async fn send<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<T, Failure> {
        let answer = self
            .exchange(method, path, body)
            .await
            .map_err(Failure::Source)?;
        let api = self.api(false).await.map_err(Failure::Source)?;
        api.finish(&answer)
    }

    /// One request, renewing the JWT once when the server answers 401.
    async fn exchange(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<http::Answer, SourceError> {
        let api = self.api(false).await?;
        let first = Self::once(&api, method.clone(), path, body.clone()).await?;
        if first.status != StatusCode::UNAUTHORIZED || !matches!(self.login, Login::Password { .. })
        {
            return Ok(first);
        }
        let api = self.api(true).await?;
        Self::once(&api, method, path, body).await
    }

    async fn once(
        api: &Api,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<http::Answer, SourceError> {
        api.answer(method, path, |r| match body {
            Some(b) => r.json(&b),
            None => r,
        })
        .await
    }

    /// The API client with a valid JWT: the kept one, or a new one when `renew`,
    /// when there is none yet, or when it expires within a minute.
    async fn api(&self, renew: bool) -> Result<Api, SourceError> {
        let mut session = self.session.lock().await;
        let fresh = |s: &Session| s.expires.is_none_or(|e| Utc::now() + RENEW_BEFORE < e);
        if !renew && let Some(s) = session.as_ref().filter(|s| fresh(s)) {
            return Ok(s.api.clone());
        }
        let (jwt, auth) = match &self.login {
            Login::Password { user, password } => {
                let jwt = self.token(user, password).await?;
                (Some(jwt.clone()), http::Auth::Bearer(jwt))
            }
            Login::Token(t) => (Some(t.clone()), http::Auth::Bearer(t.clone())),
            Login::None => (None, http::Auth::None),
            Login::Missing(e) => return Err(e.clone()),
        };
        let api = Api::with_auth(&self.url, auth, PRODUCT)
            .with_hint(HINT)
            .with_secrets(&self.secrets)
            .with_timeout(self.timeout);
        let expires = jwt.as_deref().and_then(expiry);
        *session = Some(Session {
            api: api.clone(),
            expires,
        });
        Ok(api)
    }

    /// Exchanges the user and password for a JWT (`POST /auth/token`).
    async fn token(&self, user: &str, password: &str) -> Result<String, SourceError> {
        let body = json!({ "username": user, "password": password });
        let answer = self
            .anon
            .answer(Method::POST, "/auth/token", |r| r.json(&body))
            .await?;
        let status = answer.status.as_u16();
        if matches!(status, 401 | 403) {
            let said = serde_json::from_slice::<Value>(&answer.body)
                .ok()
                .and_then(|v| v.get("detail")?.as_str().map(str::to_owned))
                .unwrap_or_else(|| "no message".to_owned());
            let said: String = self.anon.scrub(&said).chars().take(200).collect();
            return Err(SourceError::Auth {
                target: self.target.clone(),
                detail: format!(
                    "airflow refused the login of '{user}' with HTTP {status} ({said}); check \
                     the password in the variables named by [airflow] username_env/password_env"
                ),
            });
        }
        self.anon
            .finish::<Token>(&answer)
            .map(|t| t.access_token)
            .map_err(|f| self.source_error(f))
    }

    /// A failure as a source error naming airflow, scrubbed.
    pub fn source_error(&self, f: Failure) -> SourceError {
        let e = f.into_source(&self.target);
        let e = match e {
            SourceError::Auth { target, detail } if !detail.starts_with("airflow") => {
                SourceError::Auth {
                    target,
                    detail: format!("airflow: {detail}"),
                }
            }
            other => other,
        };
        e.map_text(|t| self.scrub(t))
    }
}

/// The `exp` claim of a JWT, when it has one (the signature is the server's business).
fn expiry(jwt: &str) -> Option<DateTime<Utc>> {
    let payload = jwt.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let claims: Value = serde_json::from_slice(&bytes).ok()?;
    DateTime::from_timestamp(claims.get("exp")?.as_i64()?, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_reads_the_exp_claim() {
        let claims =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(br#"{"exp":1700000000}"#);
        let jwt = format!("h.{claims}.s");
        assert_eq!(expiry(&jwt).map(|d| d.timestamp()), Some(1_700_000_000));
        assert_eq!(expiry("not-a-jwt"), None);
    }
}

//! The client for MLflow's REST API 2.0 on the shared HTTP layer (one timeout,
//! body cap, Retry-After parse and transport mapping): credentials resolved from
//! the environment (never printed), JSON in and out.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::{Method, RequestBuilder};
use serde_json::Value;

use super::errors;
use crate::config::MlflowConfig;
use crate::error::SourceError;
use crate::sources::http::{self, Api};
use crate::sources::redact;

/// Credentials for the tracking server, and the variable they came from.
#[derive(Clone, PartialEq, Eq)]
pub enum Auth {
    /// No credentials found.
    None,
    /// `Authorization: Bearer` with a token read from `from`.
    Bearer {
        /// The token.
        token: String,
        /// The environment variable it came from.
        from: String,
    },
    /// HTTP basic auth read from `from` (user and password variables).
    Basic {
        /// User name.
        user: String,
        /// Password.
        password: String,
        /// The environment variables they came from.
        from: String,
    },
}

impl fmt::Debug for Auth {
    // Never prints a secret, only where it came from.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

impl Auth {
    /// What was sent, in words without the secret (`the token from MLFLOW_TRACKING_TOKEN`).
    pub fn describe(&self) -> String {
        match self {
            Auth::None => "no credentials".to_owned(),
            Auth::Bearer { from, .. } => format!("the token from {from}"),
            Auth::Basic { from, .. } => format!("the user and password from {from}"),
        }
    }
}

/// Resolves credentials: the variables named in `[mlflow]` first, then
/// `MLFLOW_TRACKING_TOKEN`, then `MLFLOW_TRACKING_USERNAME`/`MLFLOW_TRACKING_PASSWORD`.
pub fn resolve_auth(cfg: &MlflowConfig, env: &dyn Fn(&str) -> Option<String>) -> Auth {
    let get = |name: &str| env(name).filter(|v| !v.is_empty());
    let bearer = |name: &str| {
        get(name).map(|token| Auth::Bearer {
            token,
            from: name.to_owned(),
        })
    };
    let basic = |user_var: &str, pass_var: &str| {
        let user = get(user_var)?;
        Some(Auth::Basic {
            user,
            password: get(pass_var).unwrap_or_default(),
            from: format!("{user_var}/{pass_var}"),
        })
    };
    let configured_basic = cfg.username_env.as_deref().and_then(|u| {
        let p = cfg
            .password_env
            .as_deref()
            .unwrap_or("MLFLOW_TRACKING_PASSWORD");
        basic(u, p)
    });
    cfg.token_env
        .as_deref()
        .and_then(bearer)
        .or(configured_basic)
        .or_else(|| bearer("MLFLOW_TRACKING_TOKEN"))
        .or_else(|| basic("MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD"))
        .unwrap_or(Auth::None)
}

/// The URL without any `user:password@` part, for messages.
pub fn display_url(url: &str) -> String {
    redact::display_url(url)
}

/// Where to look when the server cannot be reached.
const UNREACHABLE_HINT: &str =
    "is the MLflow server running there? (check [mlflow] url or MLFLOW_TRACKING_URI)";
/// The REST API's path under the server's URL.
const API_PATH: &str = "/api/2.0/mlflow/";

/// A client for one tracking server on the shared HTTP layer; cheap to clone.
#[derive(Clone)]
pub struct MlflowClient {
    api: Api,
    auth: Arc<Auth>,
}

impl fmt::Debug for MlflowClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MlflowClient")
            .field("target", &self.api.base())
            .field("auth", &self.auth)
            .finish_non_exhaustive()
    }
}

impl MlflowClient {
    /// A client for `[mlflow]`, with credentials from the process environment.
    pub fn new(cfg: &MlflowConfig) -> Result<Self, SourceError> {
        let auth = resolve_auth(cfg, &|k| std::env::var(k).ok());
        Self::with_auth(&cfg.url, auth)
    }

    /// A client for `url` with these credentials.
    pub fn with_auth(url: &str, auth: Auth) -> Result<Self, SourceError> {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(SourceError::Other(format!(
                "mlflow url '{}' is not http:// or https://: set [mlflow] url \
                 (or MLFLOW_TRACKING_URI) to the tracking server's address",
                display_url(url)
            )));
        }
        let wire = match &auth {
            Auth::None => http::Auth::None,
            Auth::Bearer { token, .. } => http::Auth::Bearer(token.clone()),
            Auth::Basic { user, password, .. } => http::Auth::Basic(user.clone(), password.clone()),
        };
        let api = Api::with_auth(url, wire, "MLflow").with_hint(UNREACHABLE_HINT);
        Ok(MlflowClient {
            api,
            auth: Arc::new(auth),
        })
    }

    /// The same client with another request timeout (tests of stalling servers).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.api = self.api.with_timeout(timeout);
        self
    }

    /// The server's address as shown in errors (no credentials).
    pub fn target(&self) -> &str {
        self.api.base()
    }

    /// The credentials, described without secrets.
    pub fn auth(&self) -> &Auth {
        &self.auth
    }

    /// `GET endpoint?query`, as JSON.
    pub async fn get(
        &self,
        endpoint: &str,
        query: &[(&str, String)],
    ) -> Result<Value, SourceError> {
        self.send(Method::GET, endpoint, |r| r.query(query)).await
    }

    /// `POST endpoint` with a JSON body, as JSON.
    pub async fn post(&self, endpoint: &str, body: &Value) -> Result<Value, SourceError> {
        self.send(Method::POST, endpoint, |r| r.json(body)).await
    }

    /// `DELETE endpoint` with the fields both as query and JSON body (servers differ).
    pub async fn delete(
        &self,
        endpoint: &str,
        fields: &[(&str, String)],
    ) -> Result<Value, SourceError> {
        let body: serde_json::Map<String, Value> = fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), Value::String(v.clone())))
            .collect();
        self.send(Method::DELETE, endpoint, |r| r.query(fields).json(&body))
            .await
    }

    async fn send(
        &self,
        method: Method,
        endpoint: &str,
        build: impl FnOnce(RequestBuilder) -> RequestBuilder,
    ) -> Result<Value, SourceError> {
        let is_read = method == Method::GET;
        let answer = self
            .api
            .answer(method, &format!("{API_PATH}{endpoint}"), build)
            .await?;
        if !answer.status.is_success() {
            let ctx = errors::Context {
                api: &self.api,
                endpoint,
                auth: &self.auth,
                retry_after: answer.retry_after,
            };
            return Err(errors::status(&ctx, answer.status.as_u16(), &answer.body));
        }
        if answer.body.iter().all(u8::is_ascii_whitespace) {
            // MLflow answers `{}` when a list is empty; nothing at all is not MLflow.
            // A mutation's empty answer (a proxy's 200/204) still means it was done.
            if is_read {
                return Err(self.api.malformed(&format!(
                    "'{endpoint}' answered an empty body (expected JSON): is this MLflow?"
                )));
            }
            return Ok(Value::Object(serde_json::Map::new()));
        }
        self.api.decode::<Value>(&answer.body).map_err(|e| match e {
            SourceError::Malformed { target, detail } => SourceError::Malformed {
                target,
                detail: format!("'{endpoint}': {detail}"),
            },
            other => other,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> MlflowConfig {
        MlflowConfig {
            url: "http://x".into(),
            token_env: None,
            username_env: None,
            password_env: None,
            models: vec![],
            interval: Duration::from_secs(30),
        }
    }

    #[test]
    fn auth_prefers_config_then_token_then_basic() {
        let env = |k: &str| match k {
            "MY_TOKEN" => Some("t1".to_owned()),
            "MLFLOW_TRACKING_TOKEN" => Some("t2".to_owned()),
            "MLFLOW_TRACKING_USERNAME" => Some("u".to_owned()),
            "MLFLOW_TRACKING_PASSWORD" => Some("p".to_owned()),
            _ => None,
        };
        let mut c = cfg();
        c.token_env = Some("MY_TOKEN".into());
        assert_eq!(resolve_auth(&c, &env).describe(), "the token from MY_TOKEN");
        assert_eq!(
            resolve_auth(&cfg(), &env).describe(),
            "the token from MLFLOW_TRACKING_TOKEN"
        );
        let no_token = |k: &str| env(k).filter(|_| k != "MLFLOW_TRACKING_TOKEN");
        let basic = resolve_auth(&cfg(), &no_token);
        assert!(matches!(basic, Auth::Basic { ref user, .. } if user == "u"));
        assert_eq!(resolve_auth(&cfg(), &|_| None), Auth::None);
    }

    #[test]
    fn debug_never_shows_secrets() {
        let auth = Auth::Bearer {
            token: "s3cr3t".into(),
            from: "X".into(),
        };
        assert!(!format!("{auth:?}").contains("s3cr3t"));
        let client = MlflowClient::with_auth("http://h:5000", auth).unwrap();
        assert!(!format!("{client:?}").contains("s3cr3t"));
    }

    #[test]
    fn urls_lose_their_credentials() {
        assert_eq!(
            display_url("https://u:p@host:5000/x/"),
            "https://host:5000/x"
        );
        assert_eq!(display_url("http://host/a@b"), "http://host/a@b");
        assert_eq!(display_url("http://h:5000/"), "http://h:5000");
    }
}

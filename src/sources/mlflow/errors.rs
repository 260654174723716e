//! Turns MLflow's non-success HTTP answers into `SourceError`s that say what to do
//! (transport failures, the body cap and Retry-After are the shared `http` layer's).
//! Never includes a credential, nor a URL that could hold one.

use std::time::Duration;

use serde_json::Value;

use super::client::Auth;
use crate::error::SourceError;
use crate::sources::http::Api;

/// What a failed request was, for wording its error.
pub struct Context<'a> {
    /// The API the request went to (its address, and the secrets to scrub).
    pub api: &'a Api,
    /// The REST endpoint (`registered-models/search`).
    pub endpoint: &'a str,
    /// The credentials that were sent.
    pub auth: &'a Auth,
    /// The bounded wait `Retry-After` asked for, when sent.
    pub retry_after: Option<Duration>,
}

/// Maps a non-success HTTP answer.
pub fn status(ctx: &Context<'_>, status: u16, body: &[u8]) -> SourceError {
    let target = ctx.api.base().to_owned();
    let (code, message) = server_words(body);
    let message = message.map(|m| ctx.api.scrub(&m));
    let code = code.map(|c| ctx.api.scrub(&c));
    match status {
        401 | 403 => SourceError::Auth {
            target,
            detail: format!(
                "HTTP {status}{} (sent {}): set MLFLOW_TRACKING_TOKEN, or \
                 MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, or name your own \
                 variables with token_env / username_env in [mlflow]",
                message.map(|m| format!(" '{m}'")).unwrap_or_default(),
                ctx.auth.describe()
            ),
        },
        404 if code.as_deref() == Some("RESOURCE_DOES_NOT_EXIST") => SourceError::NotFound {
            what: message.unwrap_or_else(|| format!("'{}' answered 404", ctx.endpoint)),
        },
        404 => SourceError::Http {
            target,
            status,
            detail: format!(
                "no model registry here ('{}' does not exist): check that [mlflow] url \
                 (or MLFLOW_TRACKING_URI) is an MLflow tracking server with its registry",
                ctx.endpoint
            ),
        },
        429 => ctx.api.rate_limited(
            ctx.retry_after,
            &message.unwrap_or_else(|| "too many requests".to_owned()),
        ),
        _ => SourceError::Http {
            target,
            status,
            detail: match (code, message) {
                (Some(c), Some(m)) => format!("{c}: {m}"),
                (None, Some(m)) if status >= 500 => format!("server error: {m}"),
                (None, Some(m)) => m,
                (c, None) => c.unwrap_or_else(|| format!("'{}' failed", ctx.endpoint)),
            },
        },
    }
}

/// MLflow's `error_code` and `message`, or the start of a non-JSON body.
fn server_words(body: &[u8]) -> (Option<String>, Option<String>) {
    if let Ok(v) = serde_json::from_slice::<Value>(body) {
        let field = |k: &str| {
            v.get(k)
                .and_then(Value::as_str)
                .map(|s| s.chars().take(300).collect())
        };
        return (field("error_code"), field("message"));
    }
    let text = String::from_utf8_lossy(&body[..body.len().min(4096)]);
    let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let short: String = text.chars().take(120).collect();
    (None, (!short.is_empty()).then_some(short))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(api: &Api) -> Context<'_> {
        Context {
            api,
            endpoint: "registered-models/search",
            auth: &Auth::None,
            retry_after: None,
        }
    }

    #[test]
    fn statuses_say_what_to_do() {
        let api = Api::with_auth("http://h", crate::sources::http::Auth::None, "MLflow");
        let ctx = || ctx(&api);
        let e = status(
            &ctx(),
            401,
            b"{\"error_code\":\"UNAUTHENTICATED\",\"message\":\"no\"}",
        );
        assert!(e.to_string().contains("MLFLOW_TRACKING_TOKEN"), "{e}");
        let e = status(&ctx(), 404, b"<html>Not Found</html>");
        assert!(e.to_string().contains("no model registry"), "{e}");
        let body = br#"{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"Registered Model with name=x not found"}"#;
        assert_eq!(
            status(&ctx(), 404, body),
            SourceError::NotFound {
                what: "Registered Model with name=x not found".into()
            }
        );
        let e = status(&ctx(), 500, b"boom");
        assert_eq!(
            e.to_string(),
            "'http://h' answered HTTP 500: server error: boom"
        );
    }
}

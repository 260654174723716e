//! Turns GitHub's answers and octocrab's transport errors into `SourceError`s that
//! say what to do. Rate limiting (403/429 with the limit spent, or Retry-After)
//! becomes `RateLimited`, which makes the driver wait until the reset.

use std::error::Error as _;
use std::io;

use ::http::HeaderMap;
use chrono::{DateTime, Utc};

use crate::error::SourceError;
use crate::sources::http::{self, FALLBACK_WAIT, MAX_RETRY_WAIT};

/// Wait used for a secondary rate limit that names no time.
const SECONDARY_WAIT: std::time::Duration = std::time::Duration::from_secs(60);

/// Maps a non-success HTTP answer about `what` (`repository 'acme/api'`).
pub fn status(
    target: &str,
    code: u16,
    headers: &HeaderMap,
    body: &str,
    what: &str,
    now: DateTime<Utc>,
) -> SourceError {
    let target = target.to_owned();
    let message = message(body);
    if let Some(until) = rate_limited_until(code, headers, &message, now) {
        return SourceError::RateLimited {
            target,
            until,
            detail: format!(
                "HTTP {code}: {message}; waiting for the limit to reset {}",
                http::wait_words(now, until)
            ),
        };
    }
    match code {
        401 => SourceError::Auth {
            target,
            detail: format!(
                "token rejected (HTTP 401: {message}): set a valid token in GITHUB_TOKEN, \
                 GH_TOKEN or [github] token_env, or run 'gh auth login'"
            ),
        },
        403 => SourceError::Auth {
            target,
            detail: format!(
                "HTTP 403 on {what}: {message}; the token lacks a permission: it needs {}",
                needed_scope(headers)
            ),
        },
        500..=599 => SourceError::Http {
            target,
            status: code,
            detail: format!("server error on {what}: {message}; GitHub may be having trouble"),
        },
        404 => SourceError::NotFound {
            what: format!(
                "{what} on '{target}' (HTTP 404): the repository does not exist or the \
                 token has no access to it"
            ),
        },
        _ => SourceError::Http {
            target,
            status: code,
            detail: message,
        },
    }
}

/// When a 403/429 answer is a rate limit, the time polling may resume.
fn rate_limited_until(
    code: u16,
    headers: &HeaderMap,
    message: &str,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    if code != 403 && code != 429 {
        return None;
    }
    if let Some(wait) = header(headers, "retry-after").and_then(|v| http::retry_after(v, now)) {
        return Some(http::later(now, wait));
    }
    let spent = header(headers, "x-ratelimit-remaining").is_some_and(|v| v.trim() == "0");
    if spent {
        let reset = header(headers, "x-ratelimit-reset")
            .and_then(|v| v.trim().parse::<i64>().ok())
            .and_then(|s| DateTime::from_timestamp(s, 0));
        return Some(match reset {
            // A reset further ahead than any real limit is not believed.
            Some(at) if at > http::later(now, MAX_RETRY_WAIT) => http::later(now, FALLBACK_WAIT),
            Some(at) => at,
            None => http::later(now, SECONDARY_WAIT),
        });
    }
    let lower = message.to_ascii_lowercase();
    (code == 429 || lower.contains("rate limit")).then(|| http::later(now, SECONDARY_WAIT))
}

/// The scope or permission GitHub says it wanted, else the usual ones for Actions.
fn needed_scope(headers: &HeaderMap) -> String {
    let oauth = header(headers, "x-accepted-oauth-scopes").filter(|v| !v.trim().is_empty());
    let fine = header(headers, "x-accepted-github-permissions").filter(|v| !v.trim().is_empty());
    match (oauth, fine) {
        (Some(s), _) => format!("the '{s}' scope (classic token)"),
        (None, Some(p)) => format!("the '{p}' permission (fine-grained token)"),
        (None, None) => "the 'repo' scope (classic token; 'workflow' to dispatch) or the \
                         'Actions' permission (fine-grained token)"
            .to_owned(),
    }
}

/// One header as text.
pub fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// GitHub's `message`, or the start of a body that is not GitHub's JSON.
fn message(body: &str) -> String {
    #[derive(serde::Deserialize)]
    struct Message {
        message: String,
    }
    match serde_json::from_str::<Message>(body) {
        Ok(m) => m.message.chars().take(300).collect(),
        Err(_) if body.trim().is_empty() => "no message".to_owned(),
        Err(_) => body.trim().chars().take(120).collect(),
    }
}

/// Maps a failure while reading a body that had begun (the connection closed early).
pub fn cut_off(target: &str, err: &octocrab::Error) -> SourceError {
    let mut root = err.to_string();
    let mut source = err.source();
    while let Some(e) = source {
        root = e.to_string();
        source = e.source();
    }
    SourceError::Malformed {
        target: target.to_owned(),
        detail: format!("the body was cut off or unreadable: {root}"),
    }
}

/// Maps a transport failure (no HTTP answer at all).
pub fn transport(target: &str, err: &octocrab::Error) -> SourceError {
    let target = target.to_owned();
    let mut source: Option<&(dyn std::error::Error + 'static)> = err.source();
    let mut last = err.to_string();
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<io::Error>() {
            let detail = match io.kind() {
                io::ErrorKind::ConnectionRefused => {
                    "connection refused: is the API up there? (check [github] api_url)".to_owned()
                }
                _ => io.to_string(),
            };
            return SourceError::Unreachable { target, detail };
        }
        last = e.to_string();
        source = e.source();
    }
    SourceError::Unreachable {
        target,
        detail: format!("{last} (is the network up?)"),
    }
}

/// A payload that does not parse, with the JSON path where it broke.
pub fn malformed(target: &str, route: &str, err: &impl std::fmt::Display) -> SourceError {
    SourceError::Malformed {
        target: target.to_owned(),
        detail: format!("{route}: {err}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn rate_limits_and_scopes() {
        let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let spent = headers(&[
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset", "1767226200"),
        ]);
        let e = status(
            "t",
            403,
            &spent,
            "{\"message\":\"API rate limit exceeded\"}",
            "x",
            now,
        );
        assert_eq!(e.retry_at(), DateTime::from_timestamp(1_767_226_200, 0));
        let after = headers(&[("retry-after", "30")]);
        let e = status("t", 429, &after, "", "x", now);
        assert_eq!(e.retry_at(), Some(now + chrono::Duration::seconds(30)));
        let scope = headers(&[("x-accepted-github-permissions", "actions=read")]);
        let e = status(
            "t",
            403,
            &scope,
            "{\"message\":\"Resource not accessible\"}",
            "x",
            now,
        );
        assert!(e.to_string().contains("'actions=read' permission"), "{e}");
        let e = status(
            "t",
            401,
            &HeaderMap::new(),
            "{\"message\":\"Bad credentials\"}",
            "x",
            now,
        );
        assert!(e.to_string().contains("token rejected"), "{e}");
    }
}

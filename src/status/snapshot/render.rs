//! A snapshot as text: Markdown for people, JSON for scripts. Both pass through
//! the secrets of every configured source (tokens, passwords, URL userinfo).

use std::fmt::Write as _;

use super::Snapshot;
use crate::config::Config;
use crate::sources::redact::Secrets;

/// Reads an environment variable; `Sync` so the TUI can take a snapshot off its loop.
type Env<'a> = &'a (dyn Fn(&str) -> Option<String> + Sync);

/// Every secret the config's sources use: tokens and passwords named by `*_env`,
/// `GITHUB_TOKEN`/`GH_TOKEN` (or `gh auth token`), and credentials in URLs.
pub async fn secrets(config: &Config, env: Env<'_>) -> Secrets {
    let mut s = Secrets::none();
    if let Some(g) = &config.github {
        s.extend(&Secrets::of_url(&g.api_url));
        match crate::config::resolve_token(g.token_env.as_deref(), env) {
            Some(t) => s.add(&t),
            None => {
                if let Some(t) = crate::sources::github::api::gh_token(&g.api_url).await {
                    s.add(&t);
                }
            }
        }
    }
    let auths = [
        config
            .mlflow
            .as_ref()
            .map(|m| (&m.url, &m.token_env, &m.username_env, &m.password_env)),
        config
            .prometheus
            .as_ref()
            .map(|p| (&p.url, &p.token_env, &p.username_env, &p.password_env)),
        config
            .alertmanager
            .as_ref()
            .map(|a| (&a.url, &a.token_env, &a.username_env, &a.password_env)),
        config
            .airflow
            .as_ref()
            .map(|a| (&a.url, &a.token_env, &a.username_env, &a.password_env)),
    ];
    for (url, token, user, pass) in auths.into_iter().flatten() {
        s.extend(&Secrets::of_url(url));
        s.extend(&auth_secrets(
            env,
            token.as_ref(),
            user.as_ref(),
            pass.as_ref(),
        ));
    }
    for d in &config.docker {
        s.extend(&Secrets::of_url(&d.host));
    }
    // The variables sources fall back on, whether or not the config names them.
    for name in [
        "GITHUB_TOKEN",
        "GH_TOKEN",
        "MLFLOW_TRACKING_TOKEN",
        "MLFLOW_TRACKING_PASSWORD",
    ] {
        if let Some(value) = env(name) {
            s.add(&value);
        }
    }
    s
}

/// The secrets held in the variables a source's `token_env`, `username_env` and
/// `password_env` name.
fn auth_secrets(
    env: Env<'_>,
    token: Option<&String>,
    user: Option<&String>,
    pass: Option<&String>,
) -> Secrets {
    let read = |name: Option<&String>| name.and_then(|n| env(n));
    let mut s = Secrets::none();
    if let Some(t) = read(token) {
        s.add(&t);
    }
    match (read(user), read(pass)) {
        (Some(u), Some(p)) => s.extend(&Secrets::basic(&u, &p)),
        (_, Some(p)) => s.add(&p),
        _ => {}
    }
    s
}

/// The snapshot as pretty JSON, every string scrubbed.
pub fn to_json(snapshot: &Snapshot, secrets: &Secrets) -> String {
    let mut value = serde_json::to_value(snapshot).unwrap_or_default();
    scrub_value(&mut value, secrets);
    serde_json::to_string_pretty(&value).unwrap_or_default()
}

fn scrub_value(value: &mut serde_json::Value, secrets: &Secrets) {
    match value {
        serde_json::Value::String(s) => *s = secrets.scrub(s),
        serde_json::Value::Array(list) => list.iter_mut().for_each(|v| scrub_value(v, secrets)),
        serde_json::Value::Object(map) => map.values_mut().for_each(|v| scrub_value(v, secrets)),
        _ => {}
    }
}

/// The snapshot as Markdown for an incident channel, scrubbed.
pub fn markdown(snapshot: &Snapshot, secrets: &Secrets) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# flightdeck snapshot — {}", snapshot.status.word());
    let _ = writeln!(out, "\nTaken {}.", snapshot.generated_at);
    let _ = writeln!(out, "\n## Needs attention ({})\n", snapshot.attention.len());
    if snapshot.attention.is_empty() {
        let _ = writeln!(out, "Nothing: every source answers and every item is ok.");
    }
    for a in &snapshot.attention {
        let _ = writeln!(out, "- {}", a.text().trim_end());
    }
    apps_markdown(&mut out, snapshot);
    if let Some(feed) = &snapshot.feed {
        let _ = writeln!(out, "\n## Recent changes ({})\n", feed.len());
        if feed.is_empty() {
            let _ = writeln!(out, "None seen yet.");
        }
        for line in feed {
            let _ = writeln!(out, "- {line}");
        }
    }
    alerts_markdown(&mut out, snapshot);
    logs_markdown(&mut out, snapshot);
    secrets.scrub(&out)
}

fn apps_markdown(out: &mut String, snapshot: &Snapshot) {
    if !snapshot.apps.is_empty() {
        let _ = writeln!(out, "\n## Apps");
    }
    for app in &snapshot.apps {
        let _ = writeln!(out, "\n### {} — {}\n", app.name, app.severity.word());
        for p in &app.parts {
            let _ = writeln!(out, "- {} **{}** {}", p.glyph, p.part, p.word);
            for d in &p.details {
                let _ = writeln!(out, "  - {d}");
            }
        }
    }
}

fn alerts_markdown(out: &mut String, snapshot: &Snapshot) {
    let _ = writeln!(out, "\n## Firing alerts ({})\n", snapshot.alerts.len());
    if snapshot.alerts.is_empty() {
        let _ = writeln!(out, "None.");
    }
    for a in &snapshot.alerts {
        let labels: Vec<String> = a
            .labels
            .iter()
            .map(|(k, v)| format!("{k}=\"{v}\""))
            .collect();
        let _ = writeln!(
            out,
            "- **{}** ({}) {}",
            a.name,
            a.severity.word(),
            a.summary
        );
        let _ = writeln!(out, "  - `{}`", labels.join(", "));
    }
}

fn logs_markdown(out: &mut String, snapshot: &Snapshot) {
    for log in &snapshot.logs {
        let _ = writeln!(
            out,
            "\n## Log of {} ({}, {}) — last {} lines\n",
            log.container,
            log.source,
            log.state,
            log.lines.len()
        );
        if let Some(e) = &log.error {
            let _ = writeln!(out, "Could not read the log: {e}");
            continue;
        }
        let _ = writeln!(out, "```");
        for line in &log.lines {
            // A fence inside the log would end the block early.
            let _ = writeln!(out, "{}", line.replace("```", "'''"));
        }
        let _ = writeln!(out, "```");
    }
}

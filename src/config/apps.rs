//! The `[[app]]` tables: one app each, joining a repo, containers, a model alias,
//! DAGs, panels and alert labels. Validated against the rest of the file: the repo
//! must be watched by `[github]` and each panel a `[[prometheus.panels]]` title.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::diagnostics::{KeyPath, Problem, Problems, quoted_list, suggest};
use super::github::{GithubConfig, RepoSpec};
use super::sources::PrometheusConfig;
pub use crate::state::apps::{AppSpec, ModelRef, Selector};

/// An `[[app]]` table as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawApp {
    name: String,
    repo: Option<String>,
    #[serde(default)]
    containers: Vec<String>,
    model: Option<String>,
    #[serde(default)]
    dags: Vec<String>,
    #[serde(default)]
    panels: Vec<String>,
    #[serde(default)]
    alerts: BTreeMap<String, String>,
}

/// The sections an app refers to, for checking its references.
pub(crate) struct Known<'a> {
    /// `[github]`, if configured.
    pub github: Option<&'a GithubConfig>,
    /// `[prometheus]`, if configured.
    pub prometheus: Option<&'a PrometheusConfig>,
}

/// Validates every `[[app]]` table, recording each problem.
pub(crate) fn apps(raw: Vec<RawApp>, known: &Known<'_>, problems: &mut Problems) -> Vec<AppSpec> {
    let mut out: Vec<AppSpec> = Vec::with_capacity(raw.len());
    for (i, raw) in raw.into_iter().enumerate() {
        let path = KeyPath::default().key("app").index(i);
        if raw.name.trim().is_empty() {
            let detail = "an app needs a name, like name = \"checkout\"";
            problems.push(Problem::value(path.key("name"), detail));
        } else if out.iter().any(|a| a.name == raw.name) {
            let detail = format!(
                "another [[app]] is named '{}'; give each app its own name",
                raw.name
            );
            problems.push(Problem::value(path.key("name"), detail));
        }
        out.push(app(&path, raw, known, problems));
    }
    out
}

fn app(path: &KeyPath, raw: RawApp, known: &Known<'_>, problems: &mut Problems) -> AppSpec {
    let repo = raw.repo.filter(|r| {
        let problem = repo_problem(r, known.github);
        let ok = problem.is_none();
        problems
            .0
            .extend(problem.map(|p| Problem::value(path.key("repo"), p)));
        ok
    });
    let mut containers = Vec::with_capacity(raw.containers.len());
    for (i, text) in raw.containers.iter().enumerate() {
        match Selector::parse(text) {
            Ok(s) => containers.push(s),
            Err(e) => problems.push(Problem::value(path.key("containers").index(i), e)),
        }
    }
    let model = raw.model.and_then(|m| match ModelRef::parse(&m) {
        Ok(m) => Some(m),
        Err(e) => {
            problems.push(Problem::value(path.key("model"), e));
            None
        }
    });
    for (i, dag) in raw.dags.iter().enumerate() {
        if dag.trim().is_empty() {
            let detail = "an empty dag_id matches nothing; remove it or write a dag_id";
            problems.push(Problem::value(path.key("dags").index(i), detail));
        }
    }
    for (i, title) in raw.panels.iter().enumerate() {
        if let Some(p) = panel_problem(title, known.prometheus) {
            problems.push(Problem::value(path.key("panels").index(i), p));
        }
    }
    for name in raw.alerts.keys() {
        if !is_label_name(name) {
            let detail = format!(
                "'{name}' is not a label name; use letters, digits and '_', like service = \"checkout\""
            );
            problems.push(Problem::key(
                path.key("alerts").key(name),
                format!("'{}': {detail}", path.key("alerts").key(name)),
            ));
        }
    }
    AppSpec {
        name: raw.name,
        repo,
        containers,
        model,
        dags: raw.dags,
        panels: raw.panels,
        alerts: raw.alerts,
    }
}

/// Why `repo` cannot be an app's: malformed, or not among `[github].repos`.
fn repo_problem(repo: &str, github: Option<&GithubConfig>) -> Option<String> {
    let spec = match RepoSpec::parse(repo) {
        Ok(spec) if spec.is_glob() => {
            return Some(format!(
                "'{repo}' is a glob; an app's repo is one repository, like 'acme/api'"
            ));
        }
        Ok(spec) => spec,
        Err(e) => return Some(e),
    };
    let Some(github) = github else {
        return Some(format!(
            "repo '{repo}' needs a [github] section watching it; add repos = [\"{repo}\"] under [github]"
        ));
    };
    if github
        .repos
        .iter()
        .any(|r| r.matches(&spec.owner, &spec.name))
    {
        return None;
    }
    let watched: Vec<String> = github.repos.iter().map(ToString::to_string).collect();
    let names: Vec<&str> = watched.iter().map(String::as_str).collect();
    let hint = suggest(repo, names.iter().copied())
        .map_or(String::new(), |s| format!("did you mean '{s}'? "));
    Some(format!(
        "repo '{repo}' is not in [github].repos; {hint}add it there or use one of {}",
        quoted_list(&names)
    ))
}

/// Why `title` names no panel of `[prometheus]`.
fn panel_problem(title: &str, prometheus: Option<&PrometheusConfig>) -> Option<String> {
    let Some(prometheus) = prometheus else {
        return Some(format!(
            "panel '{title}' needs a [prometheus] section with a [[prometheus.panels]] of that title"
        ));
    };
    if prometheus.panels.iter().any(|p| p.title == title) {
        return None;
    }
    let titles: Vec<&str> = prometheus.panels.iter().map(|p| p.title.as_str()).collect();
    if titles.is_empty() {
        return Some(format!(
            "unknown panel '{title}': [prometheus] has no panels; add a [[prometheus.panels]] titled '{title}'"
        ));
    }
    let hint = suggest(title, titles.iter().copied())
        .map_or(String::new(), |s| format!("did you mean '{s}'? "));
    Some(format!(
        "unknown panel '{title}'; {hint}use a [[prometheus.panels]] title: {}",
        quoted_list(&titles)
    ))
}

fn is_label_name(name: &str) -> bool {
    name.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

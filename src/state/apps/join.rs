//! The join: for each app, its build, deploy, containers, model, data and signals
//! from the store, each with a severity, a glyph and a word. Pure; a part whose
//! source is not configured is left out. Deploy lag warns, never more.

use chrono::{DateTime, Utc};

use super::AppSpec;
use super::parts;
use crate::state::pipeline::{Outcome, PipelineRun};
use crate::state::trace::container_commit;
use crate::state::{Payload, Severity, SourceId, SourceKind, Store};

/// Which part of an app a line is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PartKind {
    /// The newest default-branch CI run.
    Build,
    /// The commit the containers run and how far behind it is.
    Deploy,
    /// The app's containers.
    Containers,
    /// The model version behind the app's alias.
    Model,
    /// The newest runs of the app's DAGs.
    Data,
    /// Its panels and firing alerts.
    Signals,
}

impl PartKind {
    /// The lower-case name (`build`), as rows and JSON say it.
    pub fn name(self) -> &'static str {
        match self {
            PartKind::Build => "build",
            PartKind::Deploy => "deploy",
            PartKind::Containers => "containers",
            PartKind::Model => "model",
            PartKind::Data => "data",
            PartKind::Signals => "signals",
        }
    }
}

/// What a part links to, as an attention item would name it (kind, source, id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// `pipeline_run`, `container`, `model_version`, `dag_run`, `panel`, `alert`.
    pub kind: &'static str,
    /// The source holding it.
    pub source: SourceId,
    /// Its id in that kind's terms.
    pub id: String,
}

/// One part of an app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// Which part.
    pub kind: PartKind,
    /// How worried to be.
    pub severity: Severity,
    /// `✓`, `!`, `✗` or `?`: never colour alone.
    pub glyph: &'static str,
    /// The short word for a row (`CI #42 failure`, `3 runs behind`).
    pub word: String,
    /// Every detail, one line each, for the app card.
    pub details: Vec<String>,
    /// Where the part lives in its tab.
    pub link: Option<Link>,
}

impl Part {
    /// A part whose glyph follows its severity.
    pub fn new(kind: PartKind, severity: Severity, word: String) -> Part {
        Part {
            kind,
            severity,
            glyph: glyph(severity),
            word,
            details: Vec::new(),
            link: None,
        }
    }
}

/// The glyph of a severity.
pub fn glyph(severity: Severity) -> &'static str {
    match severity {
        Severity::Ok => "✓",
        Severity::Warning => "!",
        Severity::Critical => "✗",
        Severity::Unknown => "?",
    }
}

/// One app, joined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppStatus {
    /// The app's name.
    pub name: String,
    /// The worst of its parts (ok with none).
    pub severity: Severity,
    /// Its parts, in `PartKind` order.
    pub parts: Vec<Part>,
}

impl AppStatus {
    /// The part of this kind, if shown.
    pub fn part(&self, kind: PartKind) -> Option<&Part> {
        self.parts.iter().find(|p| p.kind == kind)
    }

    /// The stable row id on the Overview (`app:checkout`).
    pub fn row_id(&self) -> String {
        format!("app:{}", self.name)
    }
}

/// Every configured app at `now`, worst first, then by name.
pub fn apps(store: &Store, now: DateTime<Utc>) -> Vec<AppStatus> {
    let mut out: Vec<AppStatus> = store.apps.iter().map(|a| join(store, a, now)).collect();
    out.sort_by(|a, b| {
        b.severity
            .rank()
            .cmp(&a.severity.rank())
            .then_with(|| a.name.cmp(&b.name))
    });
    out
}

/// One app's parts at `now`.
pub fn join(store: &Store, app: &AppSpec, now: DateTime<Utc>) -> AppStatus {
    let deployed = parts::deployed_commits(store, app);
    let mut parts: Vec<Part> = [
        build(store, app),
        deploy(store, app, &deployed),
        parts::containers(store, app),
        parts::model(store, app, &deployed),
        parts::data(store, app, now),
        parts::signals(store, app),
    ]
    .into_iter()
    .flatten()
    .collect();
    parts.sort_by_key(|p| p.kind);
    let severity = parts
        .iter()
        .map(|p| p.severity)
        .max_by_key(|s| s.rank())
        .unwrap_or(Severity::Ok);
    AppStatus {
        name: app.name.clone(),
        severity,
        parts,
    }
}

/// The runs of `repo` seen by every GitHub source (with the first source's id); `None`
/// when no GitHub source has reported yet.
fn repo_runs<'a>(store: &'a Store, repo: &str) -> Option<(SourceId, Vec<&'a PipelineRun>)> {
    let mut found: Option<(SourceId, Vec<&PipelineRun>)> = None;
    for id in store.ids_of(SourceKind::Github) {
        if let Some(Payload::Pipelines(p)) = store.source(id).and_then(|s| s.data.as_ref()) {
            let runs = p.runs.iter().filter(|r| r.repo.eq_ignore_ascii_case(repo));
            found.get_or_insert((id, Vec::new())).1.extend(runs);
        }
    }
    found
}

/// The newest default-branch run of the app's repo.
fn build(store: &Store, app: &AppSpec) -> Option<Part> {
    let repo = app.repo.as_deref()?;
    if !store.has_kind(SourceKind::Github) {
        return None;
    }
    let Some((source, runs)) = repo_runs(store, repo) else {
        return Some(Part::new(
            PartKind::Build,
            Severity::Unknown,
            "no data".into(),
        ));
    };
    let Some(run) = runs
        .into_iter()
        .filter(|r| r.on_default_branch)
        .max_by_key(|r| (r.created_at, r.id))
    else {
        return Some(Part::new(PartKind::Build, Severity::Ok, "no runs".into()));
    };
    let mut part = Part::new(
        PartKind::Build,
        run.severity(),
        format!("{} #{} {}", run.workflow, run.number, run.outcome().word()),
    );
    part.details.push(format!(
        "{repo} {} {}: {}",
        run.branch,
        run.short_sha(),
        run.title
    ));
    part.link = Some(Link {
        kind: "pipeline_run",
        source,
        id: run.id.to_string(),
    });
    Some(part)
}

/// The commit the app's containers run and how many successful default-branch runs
/// of the workflow that built it came after.
fn deploy(store: &Store, app: &AppSpec, deployed: &[String]) -> Option<Part> {
    let repo = app.repo.as_deref()?;
    let sources = store.has_kind(SourceKind::Docker) && store.has_kind(SourceKind::Github);
    if app.containers.is_empty() || !sources {
        return None;
    }
    let runs = repo_runs(store, repo).map(|(_, r)| r).unwrap_or_default();
    if deployed.is_empty() {
        let mut part = Part::new(PartKind::Deploy, Severity::Ok, "unknown commit".into());
        part.glyph = "?";
        part.details.push(
            "no container carries an org.opencontainers.image.revision label or a SHA in its tag"
                .into(),
        );
        return Some(part);
    }
    // Mid-rollout several commits run: the one furthest behind speaks for the app.
    let lags: Vec<(String, Option<usize>)> = deployed
        .iter()
        .map(|c| (c.clone(), runs_behind(&runs, c)))
        .collect();
    let (commit, lag) = lags
        .iter()
        .max_by_key(|(_, lag)| lag.map_or(usize::MAX, |n| n))
        .cloned()
        .unwrap_or_default();
    let short: String = commit.chars().take(7).collect();
    let (severity, word) = match lag {
        Some(0) => (Severity::Ok, format!("{short} current")),
        Some(1) => (Severity::Warning, format!("{short} 1 run behind")),
        Some(n) => (Severity::Warning, format!("{short} {n} runs behind")),
        None => (Severity::Warning, format!("{short} not in recent CI runs")),
    };
    let mut part = Part::new(PartKind::Deploy, severity, word);
    // Enter on the part opens the run that built what runs.
    part.link = crate::state::trace::run_for_commit(store, &commit).map(|(source, run)| Link {
        kind: "pipeline_run",
        source,
        id: run.id.to_string(),
    });
    for (c, lag) in &lags {
        let short: String = c.chars().take(7).collect();
        part.details.push(match lag {
            Some(n) => format!("{short}: {n} successful default-branch runs newer"),
            None => format!("{short}: built by no recent run of {repo}"),
        });
    }
    Some(part)
}

/// How many successful default-branch runs of the workflow that built `commit`
/// started after that build; `None` when no successful run built it.
pub fn runs_behind(runs: &[&PipelineRun], commit: &str) -> Option<usize> {
    let commit = commit.to_ascii_lowercase();
    let ok = |r: &&&PipelineRun| r.on_default_branch && r.outcome() == Outcome::Success;
    let built = runs
        .iter()
        .filter(ok)
        .filter(|r| r.head_sha.to_ascii_lowercase().starts_with(&commit))
        .max_by_key(|r| (r.created_at, r.id))?;
    let newer = runs
        .iter()
        .filter(ok)
        .filter(|r| r.workflow_id == built.workflow_id && r.created_at > built.created_at)
        .filter(|r| !r.head_sha.eq_ignore_ascii_case(&built.head_sha))
        .count();
    Some(newer)
}

/// The distinct commits (lower case) the app's running containers were built from.
pub fn commits_of<'a>(
    containers: impl Iterator<Item = &'a crate::state::container::Container>,
) -> Vec<String> {
    let mut out: Vec<String> = containers
        .filter(|c| c.is_running())
        .filter_map(container_commit)
        .collect();
    out.sort();
    out.dedup();
    out
}

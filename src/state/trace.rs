//! Deploy traceability: which pipeline run built what runs. A container links by
//! its image's revision label (or a commit SHA in its tag), a model version by its
//! `mlflow.source.git.commit`; either matches a run's `head_sha` by prefix.

use super::Store;
use super::container::Container;
use super::pipeline::{Outcome, PipelineRun};
use crate::state::{Payload, SourceId};

/// The commit a container's image was built from: the OCI revision label, else a
/// 7–40 digit hex SHA in the image tag (`web:1.4-3f2a9c1`); lower case.
pub fn container_commit(c: &Container) -> Option<String> {
    if let Some(rev) = c.revision().filter(|r| is_sha(r)) {
        return Some(rev.to_ascii_lowercase());
    }
    tag_commit(&c.image).map(str::to_ascii_lowercase)
}

/// A commit SHA among the tag's `-`, `_`, `.` or `+` separated parts.
pub fn tag_commit(image: &str) -> Option<&str> {
    let name = image.split('@').next().unwrap_or(image);
    let (_, tag) = name.rsplit_once(':')?;
    if tag.contains('/') {
        return None; // a registry port, not a tag
    }
    tag.split(['-', '_', '.', '+'])
        .find(|part| is_sha(part) && part.chars().any(|c| c.is_ascii_alphabetic()))
}

/// Whether `text` looks like a (possibly abbreviated) commit SHA: 7 to 40 hex digits.
pub fn is_sha(text: &str) -> bool {
    (7..=40).contains(&text.len()) && text.chars().all(|c| c.is_ascii_hexdigit())
}

/// The run that built `commit`: among the runs whose head SHA starts with it, the
/// newest successful one, else the newest (several workflows run per commit).
pub fn run_for_commit<'a>(store: &'a Store, commit: &str) -> Option<(SourceId, &'a PipelineRun)> {
    if !is_sha(commit) {
        return None;
    }
    let commit = commit.to_ascii_lowercase();
    let mut matches: Vec<(SourceId, &PipelineRun)> = store
        .sources
        .iter()
        .enumerate()
        .filter_map(|(i, s)| match &s.data {
            Some(Payload::Pipelines(p)) => Some((SourceId(i), p)),
            _ => None,
        })
        .flat_map(|(id, p)| p.runs.iter().map(move |r| (id, r)))
        .filter(|(_, r)| r.head_sha.to_ascii_lowercase().starts_with(&commit))
        .collect();
    matches.sort_by_key(|(_, r)| (r.outcome() == Outcome::Success, r.created_at, r.id));
    matches.pop()
}

/// "built by CI #42 (success)" for the run that built `commit`, if one is known.
pub fn built_by(store: &Store, commit: &str) -> Option<String> {
    let (_, run) = run_for_commit(store, commit)?;
    Some(format!(
        "built by {} #{} ({})",
        run.workflow,
        run.number,
        run.outcome().word()
    ))
}

/// One commit that runs somewhere: its repository, the run that built it and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deployment {
    /// `owner/name` of the run.
    pub repo: String,
    /// The first 7 characters of the commit.
    pub short_sha: String,
    /// "built by CI #42 (success)".
    pub built_by: String,
    /// Where it runs: `web (docker local)`, `fraud v3 (mlflow)`.
    pub places: Vec<String>,
}

/// Which commit of the watched repositories runs where: every container and
/// watched model version whose commit a known run built, grouped by commit.
pub fn deployments(store: &Store) -> Vec<Deployment> {
    let mut out: Vec<Deployment> = Vec::new();
    for s in &store.sources {
        let label = s.spec.label();
        let places: Vec<(String, String)> = match &s.data {
            Some(Payload::Containers(list)) => list
                .iter()
                .filter_map(|c| Some((container_commit(c)?, format!("{} ({label})", c.name))))
                .collect(),
            Some(Payload::Models(snap)) => snap
                .models
                .iter()
                .flat_map(|m| m.watched().map(move |v| (m, v)))
                .filter_map(|(m, v)| {
                    let sha = v.git_commit.clone()?;
                    Some((sha, format!("{} v{} ({label})", m.name, v.version)))
                })
                .collect(),
            _ => Vec::new(),
        };
        for (sha, place) in places {
            let Some((_, run)) = run_for_commit(store, &sha) else {
                continue;
            };
            let short = run.short_sha().to_owned();
            match out
                .iter_mut()
                .find(|d| d.short_sha == short && d.repo == run.repo)
            {
                Some(d) => d.places.push(place),
                None => out.push(Deployment {
                    repo: run.repo.clone(),
                    short_sha: short,
                    built_by: built_by(store, &sha).unwrap_or_default(),
                    places: vec![place],
                }),
            }
        }
    }
    out.sort_by(|a, b| a.repo.cmp(&b.repo).then(a.short_sha.cmp(&b.short_sha)));
    out
}

/// The MLflow run tag naming the Airflow DAG that trained a model.
pub const AIRFLOW_DAG_TAG: &str = "airflow.dag_id";
/// The MLflow run tag naming the DAG run that trained a model.
pub const AIRFLOW_RUN_TAG: &str = "airflow.run_id";

/// "trained by etl_daily run manual__… (success)" for an MLflow run tagged with
/// `airflow.dag_id` and `airflow.run_id`; the state when a watched Airflow lists
/// that run.
pub fn trained_by(
    store: &Store,
    tags: &std::collections::BTreeMap<String, String>,
) -> Option<String> {
    let dag = tags.get(AIRFLOW_DAG_TAG).filter(|d| !d.is_empty())?;
    let run = tags.get(AIRFLOW_RUN_TAG).filter(|r| !r.is_empty())?;
    let state = store
        .sources
        .iter()
        .filter_map(|s| match s.data.as_ref()? {
            Payload::Airflow(a) => Some(a),
            _ => None,
        })
        .flat_map(|a| a.dags.iter().filter(|d| &d.dag_id == dag))
        .flat_map(|d| d.runs.iter())
        .find(|r| &r.run_id == run)
        .map(|r| format!(" ({})", r.state.name()))
        .unwrap_or_default();
    Some(format!("trained by {dag} run {run}{state}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_carry_shas_but_versions_and_ports_do_not() {
        assert_eq!(tag_commit("acme/web:1.4-3f2a9c1"), Some("3f2a9c1"));
        assert_eq!(tag_commit("reg:5000/web:3f2a9c1d"), Some("3f2a9c1d"));
        assert_eq!(tag_commit("web:sha-3F2A9C1e0"), Some("3F2A9C1e0"));
        assert_eq!(tag_commit("reg:5000/web"), None);
        assert_eq!(
            tag_commit("web:20240101"),
            None,
            "all digits: a date, not a SHA"
        );
        assert_eq!(tag_commit("web:latest"), None);
        assert_eq!(tag_commit("web:1.2@sha256:abcdef0123"), None);
    }

    #[test]
    fn a_run_tagged_with_a_dag_run_is_trained_by_it() {
        use crate::state::airflow::{AirflowSnapshot, Dag, DagRun, RunState};
        use crate::state::{SourceKind, SourceSpec, Update};
        let mut store = Store::new(vec![SourceSpec {
            kind: SourceKind::Airflow,
            name: "airflow".into(),
            interval: std::time::Duration::from_secs(15),
        }]);
        let mut tags = std::collections::BTreeMap::new();
        tags.insert(AIRFLOW_DAG_TAG.to_owned(), "etl_daily".to_owned());
        assert_eq!(trained_by(&store, &tags), None, "both tags are needed");
        tags.insert(AIRFLOW_RUN_TAG.to_owned(), "manual__1".to_owned());
        assert_eq!(
            trained_by(&store, &tags).as_deref(),
            Some("trained by etl_daily run manual__1")
        );
        let run = DagRun {
            dag_id: "etl_daily".into(),
            run_id: "manual__1".into(),
            run_type: "manual".into(),
            logical_date: None,
            state: RunState::Success,
            queued_at: None,
            start_date: None,
            end_date: None,
            conf: "{}".into(),
        };
        let dag = Dag {
            dag_id: "etl_daily".into(),
            name: "etl_daily".into(),
            is_paused: false,
            schedule: None,
            next_run: None,
            owners: vec![],
            tags: vec![],
            runs: vec![run],
        };
        let snap = AirflowSnapshot {
            dags: vec![dag],
            truncated: false,
        };
        store.apply(Update::Polled {
            source: SourceId(0),
            at: chrono::DateTime::UNIX_EPOCH,
            result: Ok(Payload::Airflow(snap)),
        });
        assert_eq!(
            trained_by(&store, &tags).as_deref(),
            Some("trained by etl_daily run manual__1 (success)")
        );
    }
}

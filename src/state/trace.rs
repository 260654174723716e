//! Deploy traceability: which pipeline run built what runs. A container links by
//! its image's revision label (or a commit SHA in its tag), a model version by its
//! `mlflow.source.git.commit`; either matches a run's `head_sha` by prefix.

use super::Store;
use super::container::Container;
use super::pipeline::{Outcome, PipelineRun};
use super::swarm::Service;
use crate::state::{Payload, SourceId};

/// The commit a container's image was built from: the OCI revision label, else a
/// 7–40 digit hex SHA in the image tag (`web:1.4-3f2a9c1`); lower case.
pub fn container_commit(c: &Container) -> Option<String> {
    if let Some(rev) = c.revision().filter(|r| is_sha(r)) {
        return Some(rev.to_ascii_lowercase());
    }
    tag_commit(&c.image).map(str::to_ascii_lowercase)
}

/// The commit a Swarm service's image was built from, read as for a container:
/// its revision label, else a commit SHA in the image tag; lower case.
pub fn service_commit(s: &Service) -> Option<String> {
    if let Some(rev) = s.revision.as_deref().filter(|r| is_sha(r)) {
        return Some(rev.to_ascii_lowercase());
    }
    tag_commit(&s.image).map(str::to_ascii_lowercase)
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

/// Which commit of the watched repositories runs where: every container, Swarm
/// service and watched model version whose commit a known run built, grouped by commit.
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
        let services = s.swarm.iter().flat_map(|w| &w.snapshot.services);
        let places = places.into_iter().chain(services.filter_map(|svc| {
            Some((
                service_commit(svc)?,
                format!("{} (service on {label})", svc.name),
            ))
        }));
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
    use std::time::Duration;

    use super::*;
    use crate::state::pipeline::{Pipelines, RunConclusion, RunStatus};
    use crate::state::swarm::{ServiceMode, SwarmSnapshot};
    use crate::state::testkit::{epoch, run};
    use crate::state::{SourceKind, SourceSpec, Update};

    fn service(name: &str, image: &str, revision: Option<&str>) -> Service {
        Service {
            id: format!("id-{name}"),
            name: name.into(),
            stack: None,
            mode: ServiceMode::Replicated,
            replicas_desired: 1,
            replicas_running: 1,
            image: image.into(),
            revision: revision.map(str::to_owned),
            update_state: None,
            update_message: None,
            ports: Vec::new(),
            created: None,
            recent_failures: 0,
            version: 1,
        }
    }

    const SHA: &str = "3f2a9c1e0b5d4c3a2b1f0e9d8c7b6a5f4e3d2c1b";

    /// A GitHub source with run 42 (success) and a Swarm manager with these services.
    fn store(services: Vec<Service>) -> Store {
        let spec = |kind, name: &str| SourceSpec {
            kind,
            name: name.into(),
            interval: Duration::from_secs(15),
        };
        let mut store = Store::new(vec![
            spec(SourceKind::Github, "github"),
            spec(SourceKind::Docker, "manager"),
        ]);
        let built = PipelineRun {
            conclusion: Some(RunConclusion::Success),
            head_sha: SHA.into(),
            ..run(42, RunStatus::Completed, epoch())
        };
        let pipelines = Pipelines {
            runs: vec![built],
            ..Pipelines::default()
        };
        store.apply(Update::Polled {
            source: SourceId(0),
            at: epoch(),
            result: Ok(Payload::Pipelines(pipelines)),
        });
        let snapshot = SwarmSnapshot {
            services,
            ..SwarmSnapshot::default()
        };
        store.apply(Update::Polled {
            source: SourceId(1),
            at: epoch(),
            result: Ok(Payload::Swarm(Ok(Some(snapshot)))),
        });
        store
    }

    #[test]
    fn a_service_links_to_the_run_of_its_revision_label_else_its_tag() {
        let labelled = service("web", "acme/web:latest", Some(&SHA.to_ascii_uppercase()));
        assert_eq!(service_commit(&labelled).as_deref(), Some(SHA));
        let tagged = service("api", &format!("acme/api:1.4-{}", &SHA[..7]), None);
        assert_eq!(service_commit(&tagged).as_deref(), Some(&SHA[..7]));
        let neither = service("db", "postgres:16", Some("v1.4"));
        assert_eq!(service_commit(&neither), None, "a version is not a commit");

        let store = store(vec![labelled, tagged, neither]);
        let commit = service_commit(&store.sources[1].swarm.as_ref().unwrap().snapshot.services[0]);
        assert_eq!(
            built_by(&store, &commit.unwrap()).as_deref(),
            Some("built by CI #42 (success)")
        );
        let deployed = deployments(&store);
        assert_eq!(deployed.len(), 1, "{deployed:?}");
        assert_eq!(
            deployed[0].places,
            [
                "web (service on docker manager)",
                "api (service on docker manager)"
            ]
        );
    }

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
        use crate::state::airflow::{AirflowSnapshot, DagRun, RunState};
        use crate::state::testkit;
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
            run_type: "manual".into(),
            conf: "{}".into(),
            ..testkit::dag_run("etl_daily", "manual__1", RunState::Success)
        };
        let dag = testkit::dag("etl_daily", vec![run]);
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

//! The parts of an app read from one kind of source each: its containers (Docker),
//! model (MLflow), data (Airflow) and signals (Prometheus panels, firing alerts).

use std::fmt::Write as _;

use chrono::{DateTime, Utc};

use super::AppSpec;
use super::join::{Link, Part, PartKind, commits_of};
use crate::state::alert::{Alert, AlertState, merge};
use crate::state::container::Container;
use crate::state::glob::glob;
use crate::state::metric::format_value;
use crate::state::{Payload, Severity, SourceId, SourceKind, Store};

/// The app's containers on every engine, with the engine's source.
pub fn app_containers<'a>(
    store: &'a Store,
    app: &'a AppSpec,
) -> impl Iterator<Item = (SourceId, &'a Container)> + 'a {
    store
        .ids_of(SourceKind::Docker)
        .filter_map(|id| match store.source(id).and_then(|s| s.data.as_ref()) {
            Some(Payload::Containers(list)) => Some((id, list)),
            _ => None,
        })
        .flat_map(|(id, list)| list.iter().map(move |c| (id, c)))
        .filter(|(_, c)| app.selects(c))
}

/// The commits the app's running containers were built from.
pub fn deployed_commits(store: &Store, app: &AppSpec) -> Vec<String> {
    commits_of(app_containers(store, app).map(|(_, c)| c))
}

fn worst(severities: impl Iterator<Item = Severity>) -> Severity {
    severities.max_by_key(|s| s.rank()).unwrap_or(Severity::Ok)
}

/// `n/m ok` and crash loops; the worst container decides.
pub fn containers(store: &Store, app: &AppSpec) -> Option<Part> {
    if app.containers.is_empty() || !store.has_kind(SourceKind::Docker) {
        return None;
    }
    let polled = store
        .ids_of(SourceKind::Docker)
        .any(|id| store.source(id).is_some_and(|s| s.data.is_some()));
    if !polled {
        return Some(Part::new(
            PartKind::Containers,
            Severity::Unknown,
            "no data".into(),
        ));
    }
    let list: Vec<(SourceId, &Container)> = app_containers(store, app).collect();
    if list.is_empty() {
        let mut part = Part::new(PartKind::Containers, Severity::Warning, "none found".into());
        let sel: Vec<String> = app.containers.iter().map(ToString::to_string).collect();
        part.details
            .push(format!("no container matches {}", sel.join(", ")));
        return Some(part);
    }
    let ok = list
        .iter()
        .filter(|(_, c)| c.is_running() && c.severity() == Severity::Ok)
        .count();
    let loops = list.iter().filter(|(_, c)| c.crash_loop).count();
    let mut word = format!("{ok}/{} ok", list.len());
    if loops > 0 {
        let s = if loops == 1 { "" } else { "s" };
        let _ = write!(word, ", {loops} crash loop{s}");
    }
    let mut part = Part::new(
        PartKind::Containers,
        worst(list.iter().map(|(_, c)| c.severity())),
        word,
    );
    for (_, c) in &list {
        let looping = if c.crash_loop { ", crash loop" } else { "" };
        part.details.push(format!(
            "{} {} {}{looping} ({})",
            super::join::glyph(c.severity()),
            c.name,
            c.state.as_str(),
            c.image
        ));
    }
    let worst_one = list.iter().max_by_key(|(_, c)| c.severity().rank());
    part.link = worst_one.map(|(source, c)| Link {
        kind: "container",
        source: *source,
        id: c.id.clone(),
    });
    Some(part)
}

/// The version behind the app's alias, and whether it was trained on the deployed commit.
pub fn model(store: &Store, app: &AppSpec, deployed: &[String]) -> Option<Part> {
    let m = app.model.as_ref()?;
    let ids: Vec<SourceId> = store.ids_of(SourceKind::Mlflow).collect();
    if ids.is_empty() {
        return None;
    }
    let snapshots = ids
        .iter()
        .filter_map(|id| match store.source(*id)?.data.as_ref() {
            Some(Payload::Models(s)) => Some((*id, s)),
            _ => None,
        });
    let mut polled = false;
    for (source, snap) in snapshots {
        polled = true;
        if snap.missing.contains(&m.name) {
            let word = format!("{} not registered", m.name);
            return Some(Part::new(PartKind::Model, Severity::Critical, word));
        }
        let Some(model) = snap.model(&m.name) else {
            continue;
        };
        let Some(v) = model.aliases.get(&m.alias).and_then(|v| model.version(v)) else {
            let word = format!("no {} alias", m.alias);
            return Some(Part::new(PartKind::Model, Severity::Critical, word));
        };
        let matches = match (&v.git_commit, deployed) {
            (Some(c), [_, ..]) => Some(deployed.iter().any(|d| same_commit(c, d))),
            _ => None,
        };
        let tail = match matches {
            Some(true) => ", trained on the deployed commit",
            Some(false) => ", trained on another commit",
            None => "",
        };
        let word = format!("{} → v{} {}{tail}", m.alias, v.version, v.status.as_str());
        let mut part = Part::new(PartKind::Model, v.severity(), word);
        if let Some(c) = &v.git_commit {
            part.details.push(format!(
                "source commit {}",
                c.chars().take(7).collect::<String>()
            ));
        }
        part.details
            .extend(v.run_name.as_ref().map(|r| format!("run {r}")));
        part.link = Some(Link {
            kind: "model_version",
            source,
            id: format!("{}/{}", model.name, v.version),
        });
        return Some(part);
    }
    let (severity, word) = if polled {
        (Severity::Unknown, format!("{} not watched", m.name))
    } else {
        (Severity::Unknown, "no data".to_owned())
    };
    Some(Part::new(PartKind::Model, severity, word))
}

fn same_commit(a: &str, b: &str) -> bool {
    let (a, b) = (a.to_ascii_lowercase(), b.to_ascii_lowercase());
    a.starts_with(&b) || b.starts_with(&a)
}

/// The newest run of each of the app's DAGs; a failed one is critical.
pub fn data(store: &Store, app: &AppSpec, now: DateTime<Utc>) -> Option<Part> {
    if app.dags.is_empty() {
        return None;
    }
    let id = store.ids_of(SourceKind::Airflow).next()?;
    let Some(Payload::Airflow(snap)) = store.source(id).and_then(|s| s.data.as_ref()) else {
        return Some(Part::new(
            PartKind::Data,
            Severity::Unknown,
            "no data".into(),
        ));
    };
    let dags: Vec<_> = snap
        .dags
        .iter()
        .filter(|d| app.dags.iter().any(|g| glob(g, &d.dag_id)))
        .collect();
    if dags.is_empty() {
        let word = format!("{} not found", app.dags.join(", "));
        return Some(Part::new(PartKind::Data, Severity::Warning, word));
    }
    let sev = |d: &&crate::state::airflow::Dag| d.severity(now).unwrap_or(Severity::Ok);
    let worst_dag = dags.iter().max_by_key(|d| sev(d).rank())?;
    let state = |d: &crate::state::airflow::Dag| {
        d.newest()
            .map_or("no runs".to_owned(), |r| r.state.name().to_owned())
    };
    let word = if dags.len() == 1 {
        format!("{} {}", worst_dag.dag_id, state(worst_dag))
    } else {
        format!(
            "{} DAGs, worst {} {}",
            dags.len(),
            worst_dag.dag_id,
            state(worst_dag)
        )
    };
    let mut part = Part::new(PartKind::Data, worst(dags.iter().map(sev)), word);
    for d in &dags {
        let paused = if d.is_paused { " (paused)" } else { "" };
        part.details.push(format!(
            "{} {} {}{paused}",
            super::join::glyph(sev(d)),
            d.dag_id,
            state(d)
        ));
    }
    part.link = Some(Link {
        kind: "dag_run",
        source: id,
        id: worst_dag.dag_id.clone(),
    });
    Some(part)
}

/// What the signals part gathers: severities, short notes, detail lines and a link.
#[derive(Default)]
struct Signals {
    severities: Vec<Severity>,
    notes: Vec<String>,
    details: Vec<String>,
    link: Option<Link>,
}

/// Panels over a threshold and firing alerts matching the app's label matchers.
pub fn signals(store: &Store, app: &AppSpec) -> Option<Part> {
    let wants_alerts = !app.alerts.is_empty();
    if app.panels.is_empty() && !wants_alerts {
        return None;
    }
    let has_source = store.has_kind(SourceKind::Prometheus)
        || (wants_alerts && store.has_kind(SourceKind::Alertmanager));
    if !has_source {
        return None;
    }
    let mut found = Signals::default();
    panels(store, app, &mut found);
    if wants_alerts {
        alerts(store, app, &mut found);
    }
    let word = if found.notes.is_empty() {
        "quiet".to_owned()
    } else {
        found.notes.join(", ")
    };
    let mut part = Part::new(PartKind::Signals, worst(found.severities.into_iter()), word);
    part.details = found.details;
    part.link = found.link;
    Some(part)
}

/// The app's panels of every Prometheus source.
fn panels(store: &Store, app: &AppSpec, found: &mut Signals) {
    for (i, s) in store.sources.iter().enumerate() {
        let Some(Payload::Metrics(m)) = &s.data else {
            continue;
        };
        for p in m
            .panels
            .iter()
            .filter(|p| app.panels.contains(&p.panel.title))
        {
            let sev = p.severity();
            let value = p
                .value()
                .map_or("no value".to_owned(), |v| format_value(v, p.panel.unit));
            let glyph = super::join::glyph(sev);
            found
                .details
                .push(format!("{glyph} {} {value}", p.panel.title));
            if sev != Severity::Ok {
                found.notes.push(format!("{} {value}", p.panel.title));
                found.link.get_or_insert(Link {
                    kind: "panel",
                    source: SourceId(i),
                    id: p.panel.title.clone(),
                });
            }
            found.severities.push(sev);
        }
    }
}

/// Every firing alert: Prometheus's with Alertmanager's state laid over them.
pub fn firing(store: &Store) -> Vec<Alert> {
    let mut prom: Vec<Alert> = Vec::new();
    let mut am: Option<Vec<Alert>> = None;
    for s in &store.sources {
        match &s.data {
            Some(Payload::Metrics(m)) => prom.extend(m.alerts.iter().cloned()),
            Some(Payload::Alerts(a)) => am
                .get_or_insert_with(Vec::new)
                .extend(a.alerts.iter().cloned()),
            _ => {}
        }
    }
    merge(&prom, am.as_deref())
        .into_iter()
        .filter(|a| a.state == AlertState::Firing)
        .collect()
}

/// The firing alerts whose labels match the app's matchers.
fn alerts(store: &Store, app: &AppSpec, found: &mut Signals) {
    let firing: Vec<Alert> = firing(store)
        .into_iter()
        .filter(|a| app.alerts.iter().all(|(k, v)| a.labels.get(k) == Some(v)))
        .collect();
    for a in &firing {
        let glyph = super::join::glyph(a.severity());
        found.severities.push(a.severity());
        found.details.push(format!(
            "{glyph} alert {} firing: {}",
            a.name(),
            a.summary()
        ));
    }
    if let (Some(a), None) = (firing.first(), &found.link) {
        let source = store
            .ids_of(SourceKind::Alertmanager)
            .chain(store.ids_of(SourceKind::Prometheus))
            .next();
        found.link = source.map(|source| Link {
            kind: "alert",
            source,
            id: a.key(),
        });
    }
    if !firing.is_empty() {
        let s = if firing.len() == 1 { "" } else { "s" };
        found
            .notes
            .push(format!("{} alert{s} firing", firing.len()));
    }
}

/// The change-feed lines about the app, newest first, at most `limit`: those naming
/// one of its containers, its repo, model, DAGs or panels.
pub fn feed_of<'a>(
    store: &'a Store,
    app: &AppSpec,
    limit: usize,
) -> Vec<&'a crate::state::feed::FeedEntry> {
    let mut names: Vec<String> = app_containers(store, app)
        .map(|(_, c)| c.name.clone())
        .collect();
    names.extend(app.repo.clone());
    names.extend(app.model.as_ref().map(|m| m.name.clone()));
    names.extend(app.dags.iter().filter(|d| !d.contains(['*', '?'])).cloned());
    names.extend(app.panels.iter().cloned());
    names.retain(|n| !n.is_empty());
    store
        .feed
        .newest_first()
        .filter(|e| names.iter().any(|n| e.text.contains(n.as_str())))
        .take(limit)
        .collect()
}

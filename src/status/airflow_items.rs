//! The items of an Airflow server: kind `dag_run`, one per unpaused DAG for its
//! newest run, with the field names `flightdeck status --json` promises
//! (`dag_id run_id logical_date state`). Paused DAGs give none.

use chrono::{DateTime, SecondsFormat, Utc};

use super::Item;
use super::items::object;
use crate::state::airflow::{AirflowSnapshot, Dag};

/// One item per unpaused DAG at `now` (a run can turn overdue).
pub fn items(source: &str, snapshot: &AirflowSnapshot, now: DateTime<Utc>) -> Vec<Item> {
    snapshot
        .dags
        .iter()
        .filter_map(|d| dag_item(source, d, now))
        .collect()
}

fn dag_item(source: &str, d: &Dag, now: DateTime<Utc>) -> Option<Item> {
    let severity = d.severity(now)?;
    let run = d.newest();
    let overdue = d.overdue(now);
    let state = run.map_or("none", |r| r.state.name()).to_owned();
    let fields = serde_json::json!({
        "dag_id": d.dag_id,
        "run_id": run.map(|r| r.run_id.as_str()),
        "logical_date": run
            .and_then(|r| r.logical_date)
            .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true)),
        "run_type": run.map(|r| r.run_type.as_str()),
        "stuck": overdue.is_some(),
        "elapsed_seconds": overdue.map(|o| o.elapsed.num_seconds()),
        "usual_seconds": overdue.map(|o| o.usual.num_seconds()),
    });
    Some(Item {
        kind: "dag_run",
        source: source.to_owned(),
        id: match run {
            Some(r) => format!("{}/{}", d.dag_id, r.run_id),
            None => d.dag_id.clone(),
        },
        name: d.dag_id.clone(),
        state,
        severity,
        fields: object(fields),
    })
}

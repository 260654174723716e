//! The Models pane's rows, shared by `update` and drawing: the watched models
//! filtered and sorted as shown, and one model's versions filtered as shown.

use super::table::TableView;
use crate::error::SourceError;
use crate::state::Store;
use crate::state::model::RunDetail;
use crate::state::model::{ModelVersion, ModelsSnapshot, RegisteredModel};
use crate::state::{Payload, SourceId, SourceKind};
use std::collections::BTreeMap;

/// Sortable columns of the models table: name, latest, aliases, versions, updated.
pub const COLUMN_COUNT: usize = 5;

/// The MLflow source and its last good snapshot, when one has reported.
pub fn snapshot(store: &Store) -> Option<(SourceId, &ModelsSnapshot)> {
    store
        .ids_of(SourceKind::Mlflow)
        .find_map(|id| match store.source(id)?.data.as_ref()? {
            Payload::Models(s) => Some((id, s)),
            _ => None,
        })
}

/// The models passing the filter, sorted by the table's column.
pub fn model_rows<'a>(snapshot: &'a ModelsSnapshot, table: &TableView) -> Vec<&'a RegisteredModel> {
    let mut rows: Vec<&RegisteredModel> = snapshot
        .models
        .iter()
        .filter(|m| {
            table.matches(&m.name)
                || table.matches(&m.alias_text())
                || table.matches(m.summary())
                || m.tags
                    .iter()
                    .any(|(k, v)| table.matches(&format!("{k}={v}")))
        })
        .collect();
    let latest = |m: &RegisteredModel| m.latest().map_or(0, ModelVersion::number);
    match table.sort_column {
        1 => rows.sort_by_key(|m| std::cmp::Reverse(latest(m))),
        2 => rows.sort_by_key(|m| std::cmp::Reverse(m.aliases.len())),
        3 => rows.sort_by_key(|m| std::cmp::Reverse(m.versions.len())),
        4 => rows.sort_by_key(|m| std::cmp::Reverse(m.updated)),
        _ => rows.sort_by(|a, b| a.name.cmp(&b.name)),
    }
    if table.descending {
        rows.reverse();
    }
    rows
}

/// A model's versions passing `filter` (version, alias, status, stage, run, commit).
pub fn version_rows<'a>(model: &'a RegisteredModel, table: &TableView) -> Vec<&'a ModelVersion> {
    model
        .versions
        .iter()
        .filter(|v| {
            let words = [
                format!("v{}", v.version),
                v.aliases.join(" "),
                v.status.as_str().to_owned(),
                v.stage.clone().unwrap_or_default(),
                v.run_name.clone().unwrap_or_default(),
                v.run_id.clone().unwrap_or_default(),
                v.git_commit.clone().unwrap_or_default(),
            ];
            table.filter.is_empty() || words.iter().any(|w| table.matches(w))
        })
        .collect()
}

/// The version a comparison measures `other` against: the marked one, else the
/// champion (or first alias), else the newest other version.
pub fn comparison_base(
    model: &RegisteredModel,
    other: &str,
    marked: Option<&str>,
) -> Option<String> {
    let candidates: Vec<String> = marked
        .map(str::to_owned)
        .into_iter()
        .chain(model.aliases.get("champion").cloned())
        .chain(model.aliases.values().cloned())
        .chain(model.versions.iter().map(|v| v.version.clone()))
        .collect();
    candidates
        .into_iter()
        .find(|v| v != other && model.version(v).is_some())
}

/// A source run read on demand.
#[derive(Debug, Clone, PartialEq)]
pub enum RunLoad {
    /// Asked for, no answer yet.
    Loading,
    /// Read.
    Loaded(Box<RunDetail>),
    /// Could not be read.
    Failed(SourceError),
}

/// The Models pane's UI-only state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ModelsView {
    /// The model whose versions are listed.
    pub model: Option<String>,
    /// Selection and filter of the versions list (row id: the version).
    pub versions: TableView,
    /// The version whose detail is open.
    pub detail: Option<String>,
    /// Two versions compared side by side: (base, other).
    pub compare: Option<(String, String)>,
    /// The version marked as the comparison base.
    pub marked: Option<String>,
    /// The metric drawn in the detail's chart.
    pub metric: Option<String>,
    /// Source runs read on demand, by run id.
    pub runs: BTreeMap<String, RunLoad>,
}

impl ModelsView {
    /// The fetched run, when it has been read.
    pub fn run(&self, run_id: Option<&str>) -> Option<&RunLoad> {
        self.runs.get(run_id?)
    }
}

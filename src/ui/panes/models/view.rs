//! The Models pane's UI-only state: which model and version are open, the
//! comparison, the metric on the chart, and the source runs fetched on demand.

use std::collections::BTreeMap;

use crate::error::SourceError;
use crate::state::model::RunDetail;
use crate::ui::widgets::table::TableView;

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

//! The Alerts pane's UI state and rows: alerts merged from Prometheus and
//! Alertmanager, and silences, filtered as shown.

use super::{Tab, ViewState};
use crate::state::alert::{self, Alert, AlertsSnapshot, Silence};
use crate::state::{Payload, SourceKind, Store};

/// The Alerts pane's UI-only state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AlertsView {
    /// Whether the silences list is shown instead of the alerts.
    pub silences: bool,
}

/// The last good snapshot of the (first) Alertmanager.
pub fn alertmanager_of(store: &Store) -> Option<&AlertsSnapshot> {
    let id = store.ids_of(SourceKind::Alertmanager).next()?;
    match store.source(id)?.data.as_ref()? {
        Payload::Alerts(a) => Some(a),
        _ => None,
    }
}

/// Every alert known, merged and sorted, then filtered by the tab's `/` filter.
pub fn alert_rows(store: &Store, view: &ViewState) -> Vec<Alert> {
    let prom = super::metrics::metrics_of(store).map_or(&[][..], |m| &m.alerts[..]);
    let am = alertmanager_of(store).map(|a| &a.alerts[..]);
    let table = &view.tables[Tab::Alerts.index()];
    let mut rows = alert::merge(prom, am);
    if table.filter.is_empty() {
        // Every row passes: no text is built for 10,000 alerts per frame.
        return rows;
    }
    rows.retain(|a| {
        let labels: Vec<String> = a.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
        table.matches(&format!(
            "{} {} {} {}",
            a.state.as_str(),
            a.summary(),
            labels.join(" "),
            a.name()
        ))
    });
    rows
}

/// Columns of the silences table.
pub const SILENCE_COLUMNS: usize = 6;

/// The silences passing the filter, soonest to end first.
pub fn silence_rows<'a>(store: &'a Store, view: &ViewState) -> Vec<&'a Silence> {
    let table = &view.tables[Tab::Alerts.index()];
    alertmanager_of(store).map_or_else(Vec::new, |a| {
        a.silences
            .iter()
            .filter(|s| {
                table.matches(&format!(
                    "{} {} {} {}",
                    s.id,
                    s.matchers.join(" "),
                    s.created_by,
                    s.comment
                ))
            })
            .collect()
    })
}

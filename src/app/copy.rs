//! `y`: the selected item's natural handle (container id, run URL, commit SHA,
//! model version URI, alert fingerprint) for the clipboard. Pure: it returns
//! `Effect::Copy`, which the loop writes as OSC 52, and a toast saying what was copied.

use super::effect::Effect;
use super::{App, toast};
use crate::view::alerts::alert_rows;
use crate::view::{Tab, ToastLevel};

/// Copies the handle of what is selected on the current tab, or says there is none.
pub fn copy(app: &mut App) -> Vec<Effect> {
    let Some((what, text)) = handle(app) else {
        toast(app, "nothing to copy here".to_owned(), ToastLevel::Info);
        return Vec::new();
    };
    toast(app, format!("copied {what} '{text}'"), ToastLevel::Info);
    vec![Effect::Copy(text)]
}

/// What is selected, as (a few words naming the kind of handle, the handle).
pub fn handle(app: &App) -> Option<(&'static str, String)> {
    match app.view.tab {
        Tab::Containers => {
            super::containers::target(app).map(|(_, c)| ("container id", c.id.clone()))
        }
        Tab::Pipelines => super::pipelines::target(app).map(|(_, r)| {
            if r.url.is_empty() {
                ("commit", r.head_sha.clone())
            } else {
                ("run URL", r.url.clone())
            }
        }),
        Tab::Models => model(app),
        Tab::Alerts => alert(app),
        Tab::Overview => overview(app),
        Tab::Metrics => None,
        Tab::Data => super::data::target_run(app)
            .filter(|_| app.view.data.dag.is_some())
            .map(|(_, _, r)| ("run id", r.run_id.clone()))
            .or_else(|| super::data::target_dag(app).map(|(_, d)| ("DAG id", d.dag_id.clone()))),
    }
}

fn model(app: &App) -> Option<(&'static str, String)> {
    if app.view.models.model.is_some() {
        let (_, m, v) = super::models::target(app)?;
        return Some(("model version", format!("models:/{}/{}", m.name, v.version)));
    }
    let name = super::models::selected_model(app)?;
    Some(("model", format!("models:/{name}")))
}

fn alert(app: &App) -> Option<(&'static str, String)> {
    let id = super::alerts::selected_id(app)?;
    if app.view.alerts.silences {
        return Some(("silence id", id));
    }
    let found = alert_rows(&app.store, &app.view)
        .into_iter()
        .find(|a| a.key() == id)?;
    Some(match found.fingerprint {
        Some(f) => ("alert fingerprint", f),
        // Prometheus gives no fingerprint; the matchers select the alert as well.
        None => ("alert matchers", format!("{{{}}}", found.matchers())),
    })
}

fn overview(app: &App) -> Option<(&'static str, String)> {
    if app.view.overview.feed_focus {
        return None;
    }
    let list = app.attention();
    let ids: Vec<String> = list.iter().map(crate::status::Attention::row_id).collect();
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let item = list.get(app.view.table().position(&refs)?)?;
    Some(("id", item.id.clone()))
}

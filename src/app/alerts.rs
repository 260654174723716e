//! `update` for the Metrics and Alerts panes: zoom and the targets toggle; the
//! silence form (prefilled from the selected alert), its validation, and the
//! silence and expire actions, confirmed like every other action.

use super::App;
use super::effect::Effect;
use super::{refuse_read_only, toast};
use crate::actions::Action;
use crate::command::Command;
use crate::config::duration;
use crate::state::SourceKind;
use crate::state::alert::{Alert, parse_matchers};
use crate::view::alerts::{alert_rows, silence_rows};
use crate::view::form::{Field, Form};
use crate::view::metrics::{self, metrics_of, panel_id, target_rows};
use crate::view::table::TableView;
use crate::view::{ConfirmView, FormPurpose, Overlay, Tab, ToastLevel};

/// How long a new silence lasts unless the form says otherwise.
pub const DEFAULT_SILENCE: &str = "2h";

/// Whether the Metrics tab shows the targets table.
pub fn shows_targets(app: &App) -> bool {
    metrics_of(&app.store).is_some_and(|m| metrics::shows_targets(m, app.view.metrics))
}

/// The Metrics tab's row ids: targets, or panels in grid order.
pub fn metrics_row_ids(app: &App) -> Vec<String> {
    let Some(m) = metrics_of(&app.store) else {
        return Vec::new();
    };
    if metrics::shows_targets(m, app.view.metrics) {
        let table = &app.view.tables[Tab::Metrics.index()];
        return target_rows(m, table)
            .iter()
            .map(|t| metrics::target_id(t))
            .collect();
    }
    m.panels
        .iter()
        .enumerate()
        .map(|(i, p)| panel_id(i, &p.panel.title))
        .collect()
}

/// The Alerts tab's row ids: silences, or alerts as sorted on screen.
pub fn alerts_row_ids(app: &App) -> Vec<String> {
    if app.view.alerts.silences {
        silence_rows(&app.store, &app.view)
            .iter()
            .map(|s| s.id.clone())
            .collect()
    } else {
        alert_rows(&app.store, &app.view)
            .iter()
            .map(Alert::key)
            .collect()
    }
}

/// Runs a Metrics- or Alerts-pane command.
pub fn run(app: &mut App, cmd: Command) -> Vec<Effect> {
    match cmd {
        Command::Targets => {
            app.view.metrics.targets ^= true;
            app.view.metrics.zoomed = false;
            app.view.tables[Tab::Metrics.index()] = TableView::default();
        }
        Command::Silences => {
            app.view.alerts.silences ^= true;
            app.view.tables[Tab::Alerts.index()].selected = None;
        }
        Command::SilenceAlert => open_silence_form(app),
        Command::ExpireSilence => ask_expire(app),
        _ => {}
    }
    Vec::new()
}

/// Enter on the Metrics tab: zoom the selected panel in or out.
pub fn toggle_zoom(app: &mut App) {
    if !shows_targets(app) {
        app.view.metrics.zoomed ^= true;
    }
}

/// The selected row's id on the Alerts tab.
pub(crate) fn selected_id(app: &App) -> Option<String> {
    let ids = alerts_row_ids(app);
    let table = &app.view.tables[Tab::Alerts.index()];
    table.position(&ids).and_then(|i| ids.get(i).cloned())
}

fn alertmanager(app: &mut App) -> Option<(crate::state::SourceId, String)> {
    let found = app.store.ids_of(SourceKind::Alertmanager).next().map(|id| {
        let host = app
            .store
            .source(id)
            .map(|s| s.spec.label())
            .unwrap_or_default();
        (id, host)
    });
    if found.is_none() {
        let why = "Alertmanager is not configured: add [alertmanager] with url = \"http://127.0.0.1:9093\"";
        toast(app, why.to_owned(), ToastLevel::Error);
    }
    found
}

fn open_silence_form(app: &mut App) {
    if app.view.alerts.silences || refuse_read_only(app) {
        return;
    }
    let Some(key) = selected_id(app) else { return };
    let Some(alert) = alert_rows(&app.store, &app.view)
        .into_iter()
        .find(|a| a.key() == key)
    else {
        return;
    };
    let Some((source, host)) = alertmanager(app) else {
        return;
    };
    let matchers_help = "name=\"value\", name=~\"regex\", name!=\"value\"";
    let form = Form::new(
        format!("silence '{}' on {host}", alert.name()),
        vec![
            // `validate` checks every field with a message that says what to do.
            Field::text("Matchers", alert.matchers(), matchers_help, false),
            Field::text("Duration", DEFAULT_SILENCE, "e.g. 30m, 2h, 1h30m", false),
            Field::text("Comment", "", "why (required by Alertmanager)", false),
            Field::text("Created by", app.user.clone(), "who to ask about it", false),
        ],
    );
    let purpose = FormPurpose::Silence {
        source,
        host,
        alert: alert.name().to_owned(),
    };
    app.view.overlays.push(Overlay::Form(form, purpose));
}

/// The action a filled-in form asks for, or what is wrong with it.
pub fn validate(form: &Form, purpose: &FormPurpose) -> Result<Action, String> {
    let FormPurpose::Silence {
        source,
        host,
        alert,
    } = purpose
    else {
        return Err("not a silence form".to_owned());
    };
    let matchers = parse_matchers(&form.value("Matchers"))?;
    let duration = duration::parse(&form.value("Duration")).map_err(|e| e.to_string())?;
    if duration.is_zero() {
        return Err("the duration must be longer than zero".to_owned());
    }
    let comment = form.value("Comment").trim().to_owned();
    if comment.is_empty() {
        return Err("write a comment: Alertmanager requires one".to_owned());
    }
    let creator = form.value("Created by").trim().to_owned();
    if creator.is_empty() {
        return Err("say who creates the silence".to_owned());
    }
    Ok(Action::Silence {
        source: *source,
        host: host.clone(),
        alert: alert.clone(),
        matchers,
        duration,
        comment,
        creator,
    })
}

fn ask_expire(app: &mut App) {
    if refuse_read_only(app) {
        return;
    }
    let Some(key) = selected_id(app) else { return };
    let id = if app.view.alerts.silences {
        Some(key)
    } else {
        let alert = alert_rows(&app.store, &app.view)
            .into_iter()
            .find(|a| a.key() == key);
        alert.and_then(|a| a.silenced_by.first().cloned())
    };
    let Some(id) = id else {
        toast(
            app,
            "this alert is not silenced".to_owned(),
            ToastLevel::Error,
        );
        return;
    };
    let Some((source, host)) = alertmanager(app) else {
        return;
    };
    let action = Action::ExpireSilence { source, host, id };
    app.view.overlays.push(Overlay::Confirm(ConfirmView {
        action,
        second: false,
    }));
}

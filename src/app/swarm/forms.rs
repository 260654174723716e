//! The Swarm actions' forms and confirmations: scale asks for a replica count,
//! availability for active/pause/drain; each becomes an `Action` confirmed with
//! `(y/N)` naming the service or node and its engine.

use super::{ClusterMode, find_node, host_label, selected_row_id, target_service};
use crate::actions::Action;
use crate::app::{App, refuse_read_only, toast};
use crate::state::action::SwarmOp;
use crate::state::swarm::Availability;
use crate::view::form::{Field, FieldKind, Form};
use crate::view::{ConfirmView, FormPurpose, Overlay, ToastLevel};

pub(super) fn confirm(app: &mut App, action: Action) {
    app.view.overlays.push(Overlay::Confirm(ConfirmView {
        action,
        second: false,
    }));
}

pub(super) fn ask_service(app: &mut App, op: SwarmOp) {
    if refuse_read_only(app) {
        return;
    }
    let Some((source, id, name, _, _)) = target_service(app) else {
        toast(app, "select a service first".to_owned(), ToastLevel::Info);
        return;
    };
    let host = host_label(app, source);
    confirm(
        app,
        Action::Swarm {
            source,
            host,
            id,
            name,
            op,
        },
    );
}

pub(super) fn scale_form(app: &mut App) {
    if refuse_read_only(app) {
        return;
    }
    let Some((source, id, name, desired, replicated)) = target_service(app) else {
        toast(app, "select a service first".to_owned(), ToastLevel::Info);
        return;
    };
    if !replicated {
        toast(
            app,
            format!("'{name}' is not a replicated service: only those can be scaled"),
            ToastLevel::Error,
        );
        return;
    }
    let host = host_label(app, source);
    let field = Field::text("Replicas", desired.to_string(), "0 to 1000", true);
    let form = Form::new(format!(" scale '{name}' on {host} "), vec![field]);
    let purpose = FormPurpose::Scale {
        source,
        host,
        id,
        name,
    };
    app.view.overlays.push(Overlay::Form(form, purpose));
}

pub(super) fn availability_form(app: &mut App) {
    if refuse_read_only(app) {
        return;
    }
    let view = &app.view.containers;
    let node = (view.mode == ClusterMode::Nodes)
        .then(|| selected_row_id(app))
        .flatten()
        .and_then(|id| find_node(&app.store, &id));
    let Some((source, node)) = node else {
        toast(app, "select a node first".to_owned(), ToastLevel::Info);
        return;
    };
    let (id, name) = (node.id.clone(), node.hostname.clone());
    let current = AVAILABILITIES
        .iter()
        .position(|a| *a == node.availability)
        .unwrap_or(0);
    let host = host_label(app, source);
    let field = Field {
        name: "Availability".to_owned(),
        help: "←/→ to choose: active takes tasks, pause keeps its tasks, drain moves them"
            .to_owned(),
        required: true,
        kind: FieldKind::Choice {
            options: AVAILABILITIES
                .iter()
                .map(|a| a.as_str().to_owned())
                .collect(),
            selected: current,
        },
    };
    let form = Form::new(format!(" availability of '{name}' on {host} "), vec![field]);
    let purpose = FormPurpose::Availability {
        source,
        host,
        id,
        name,
    };
    app.view.overlays.push(Overlay::Form(form, purpose));
}

/// The availabilities offered, in the chooser's order.
pub const AVAILABILITIES: [Availability; 3] = [
    Availability::Active,
    Availability::Pause,
    Availability::Drain,
];

/// Most replicas the scale form accepts (a typo guard, not an engine limit).
pub const MAX_REPLICAS: u64 = 1000;

/// The action a filled-in scale or availability form asks for, or what is wrong.
pub fn validate(form: &Form, purpose: &FormPurpose) -> Result<Action, String> {
    let (source, host, id, name, op) = match purpose {
        FormPurpose::Scale {
            source,
            host,
            id,
            name,
        } => {
            let text = form.value("Replicas");
            let n: u64 = text
                .trim()
                .parse()
                .map_err(|_| format!("'{}' is not a number of replicas", text.trim()))?;
            if n > MAX_REPLICAS {
                return Err(format!("{n} replicas is more than {MAX_REPLICAS}"));
            }
            (source, host, id, name, SwarmOp::Scale(n))
        }
        FormPurpose::Availability {
            source,
            host,
            id,
            name,
        } => {
            let word = form.value("Availability");
            let a = AVAILABILITIES
                .iter()
                .find(|a| a.as_str() == word)
                .ok_or_else(|| format!("'{word}' is not active, pause or drain"))?;
            (source, host, id, name, SwarmOp::Availability(*a))
        }
        FormPurpose::Silence { .. } | FormPurpose::Dag(_) => {
            return Err("not a Swarm form".to_owned());
        }
    };
    Ok(Action::Swarm {
        source: *source,
        host: host.clone(),
        id: id.clone(),
        name: name.clone(),
        op,
    })
}

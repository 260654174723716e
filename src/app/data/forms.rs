//! The Data tab's forms: trigger (conf JSON, checked before anything is sent,
//! and an optional logical date) and the mark chooser (success or failed), each
//! turned into a DAG action that is then confirmed.

use chrono::{DateTime, NaiveDate, Utc};

use super::{host, target_dag, target_run, target_task};
use crate::actions::Action;
use crate::app::{App, refuse_read_only, toast};
use crate::state::airflow::{DagOp, parse_conf};
use crate::view::dags::DagForm;
use crate::view::form::{Field, FieldKind, Form};
use crate::view::{FormPurpose, Overlay, ToastLevel};

/// `T`: a form for the conf (a JSON object) and an optional logical date.
pub(super) fn trigger_form(app: &mut App) {
    if refuse_read_only(app) {
        return;
    }
    let Some((source, dag)) = target_dag(app) else {
        return;
    };
    let purpose = DagForm {
        source,
        host: host(app, source),
        dag_id: dag.dag_id.clone(),
        run_id: None,
        task: None,
        trigger: true,
    };
    let fields = vec![
        Field::text("conf", "{}", "a JSON object, checked before sending", false),
        Field::text(
            "logical date",
            "",
            "optional: 2026-01-31 or 2026-01-31T06:00:00Z",
            false,
        ),
    ];
    let form = Form::new(
        format!("trigger {} on {}", dag.dag_id, purpose.host),
        fields,
    );
    app.view
        .overlays
        .push(Overlay::Form(form, FormPurpose::Dag(purpose)));
}

/// `m`: choose success or failed for the selected task, else the selected run.
pub(super) fn mark_form(app: &mut App) {
    if refuse_read_only(app) {
        return;
    }
    let task = target_task(app).map(|t| t.key);
    let Some((source, dag, run)) = target_run(app) else {
        return toast(app, "no run to mark".to_owned(), ToastLevel::Info);
    };
    let what = match &task {
        Some(t) => format!("mark task {t} of {}", run.run_id),
        None => format!("mark run {}", run.run_id),
    };
    let purpose = DagForm {
        source,
        host: host(app, source),
        dag_id: dag.dag_id.clone(),
        run_id: Some(run.run_id.clone()),
        task,
        trigger: false,
    };
    let field = Field {
        name: "state".to_owned(),
        help: "←/→ to choose".to_owned(),
        required: true,
        kind: FieldKind::Choice {
            options: vec!["success".to_owned(), "failed".to_owned()],
            selected: 0,
        },
    };
    let form = Form::new(what, vec![field]);
    app.view
        .overlays
        .push(Overlay::Form(form, FormPurpose::Dag(purpose)));
}

/// The action a filled-in trigger or mark form asks for, or what is wrong.
pub fn validate(form: &Form, purpose: &DagForm) -> Result<Action, String> {
    let op = if purpose.trigger {
        let conf = parse_conf(&form.value("conf"))?;
        let logical_date = parse_date(&form.value("logical date"))?;
        DagOp::Trigger {
            conf: conf.to_string(),
            logical_date,
        }
    } else {
        let ok = form.value("state") == "success";
        match &purpose.task {
            Some(t) => DagOp::MarkTask(t.clone(), ok),
            None => DagOp::Mark(ok),
        }
    };
    Ok(Action::Dag {
        source: purpose.source,
        host: purpose.host.clone(),
        dag_id: purpose.dag_id.clone(),
        run_id: purpose.run_id.clone(),
        op,
    })
}

/// An optional logical date: empty, a day (midnight UTC) or RFC 3339.
fn parse_date(text: &str) -> Result<Option<DateTime<Utc>>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(text) {
        return Ok(Some(d.with_timezone(&Utc)));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| Some(d.and_utc()))
        .ok_or_else(|| format!("'{text}' is not a date: use 2026-01-31 or 2026-01-31T06:00:00Z"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_a_day_or_rfc3339() {
        assert_eq!(parse_date(" "), Ok(None));
        let day = parse_date("2026-01-31").unwrap().unwrap();
        assert_eq!(day.to_rfc3339(), "2026-01-31T00:00:00+00:00");
        assert!(parse_date("2026-01-31T06:00:00+02:00").unwrap().is_some());
        assert!(parse_date("yesterday").unwrap_err().contains("not a date"));
        assert!(parse_date("2026-02-30").is_err());
    }
}

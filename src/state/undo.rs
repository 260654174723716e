//! Undo: which action reverses another, from what was true just before it ran.
//! Plain data and pure functions; the executor captures the prior state (the
//! alias's old version, the old replica count, the new silence's id) as it acts.

use chrono::{DateTime, Utc};

use super::action::{Action, ContainerOp, SwarmOp};
use super::airflow::DagOp;
use super::swarm::Availability;

/// What the executor learned just before (or while) acting that an inverse needs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Prior {
    /// Nothing beyond the action itself.
    #[default]
    Nothing,
    /// The version an alias pointed at before (`None`: it was not set).
    Alias(Option<String>),
    /// A service's replica count before it was scaled.
    Replicas(u64),
    /// A node's availability before it was set.
    Availability(Availability),
    /// The id of the silence the action created.
    Silence(String),
}

/// An undo of an earlier action: its inverse, run and audited as an undo of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undo {
    /// The action being undone.
    pub original: Action,
    /// When it finished: the time of its audit line, which the undo's line names.
    pub original_at: DateTime<Utc>,
    /// What reverses it.
    pub inverse: Action,
}

/// The action that reverses `action`, given what was true before it ran; `None`
/// when nothing reverses it (restart, kill, remove, re-run, an undo) or it
/// changed nothing (an alias set to the version it already had).
pub fn inverse(action: &Action, prior: &Prior) -> Option<Action> {
    match (action, prior) {
        (Action::Container { .. }, _) => container(action),
        (Action::Swarm { .. }, _) => swarm(action, prior),
        (Action::Silence { source, host, .. }, Prior::Silence(id)) => Some(Action::ExpireSilence {
            source: *source,
            host: host.clone(),
            id: id.clone(),
        }),
        (Action::SetAlias { .. } | Action::DeleteAlias { .. }, Prior::Alias(before)) => {
            alias(action, before.as_deref())
        }
        (
            Action::Dag {
                run_id: None,
                op: DagOp::Pause(paused),
                ..
            },
            _,
        ) => {
            let mut back = action.clone();
            if let Action::Dag { op, .. } = &mut back {
                *op = DagOp::Pause(!paused);
            }
            Some(back)
        }
        _ => None,
    }
}

/// Stop ↔ start, pause ↔ unpause.
fn container(action: &Action) -> Option<Action> {
    let mut back = action.clone();
    let Action::Container { op, .. } = &mut back else {
        return None;
    };
    *op = match op {
        ContainerOp::Stop => ContainerOp::Start,
        ContainerOp::Start => ContainerOp::Stop,
        ContainerOp::Pause => ContainerOp::Unpause,
        ContainerOp::Unpause => ContainerOp::Pause,
        ContainerOp::Restart | ContainerOp::Kill(_) | ContainerOp::Remove => return None,
    };
    Some(back)
}

/// Scale back to the old replica count; set the old availability again.
fn swarm(action: &Action, prior: &Prior) -> Option<Action> {
    let mut back = action.clone();
    let Action::Swarm { op, .. } = &mut back else {
        return None;
    };
    *op = match (*op, prior) {
        (SwarmOp::Scale(n), Prior::Replicas(before)) if n != *before => SwarmOp::Scale(*before),
        (SwarmOp::Availability(a), Prior::Availability(before)) if a != *before => {
            SwarmOp::Availability(*before)
        }
        _ => return None,
    };
    Some(back)
}

/// An alias set or moved goes back to its old version, or is deleted when it had
/// none; a deleted alias is set again on the version it had.
fn alias(action: &Action, before: Option<&str>) -> Option<Action> {
    let (Action::SetAlias {
        source,
        host,
        model,
        alias,
        version,
    }
    | Action::DeleteAlias {
        source,
        host,
        model,
        alias,
        version,
    }) = action
    else {
        return None;
    };
    let (source, host, model, alias) = (*source, host.clone(), model.clone(), alias.clone());
    match (action, before) {
        (Action::SetAlias { .. }, Some(old)) if old == version.as_str() => None,
        (Action::SetAlias { .. }, None) => Some(Action::DeleteAlias {
            source,
            host,
            model,
            alias,
            version: version.clone(),
        }),
        (_, Some(old)) => Some(Action::SetAlias {
            source,
            host,
            model,
            alias,
            version: old.to_owned(),
        }),
        (_, None) => None,
    }
}

impl Undo {
    /// The verb phrase of its confirmation and toasts, before the target
    /// (`Undo: move alias 'champion' back to version 2 of model`).
    pub fn label(&self) -> String {
        let what = match (&self.original, &self.inverse) {
            (Action::SetAlias { .. }, Action::SetAlias { alias, version, .. }) => {
                format!("move alias '{alias}' back to version {version} of model")
            }
            (Action::DeleteAlias { .. }, Action::SetAlias { alias, version, .. }) => {
                format!("set alias '{alias}' again on version {version} of model")
            }
            (_, Action::DeleteAlias { alias, version, .. }) => {
                format!("delete the new alias '{alias}' (version {version}) of model")
            }
            (_, Action::ExpireSilence { .. }) => "expire the silence of".to_owned(),
            (_, inverse) => lower_first(&inverse.label()),
        };
        format!("Undo: {what}")
    }
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::SourceId;

    fn set_alias(version: &str) -> Action {
        Action::SetAlias {
            source: SourceId(1),
            host: "mlflow".into(),
            model: "churn-classifier".into(),
            alias: "champion".into(),
            version: version.into(),
        }
    }

    fn delete_alias(version: &str) -> Action {
        Action::DeleteAlias {
            source: SourceId(1),
            host: "mlflow".into(),
            model: "churn-classifier".into(),
            alias: "champion".into(),
            version: version.into(),
        }
    }

    fn container(op: ContainerOp) -> Action {
        Action::Container {
            source: SourceId(0),
            host: "docker local".into(),
            id: "abc".into(),
            name: "web-1".into(),
            op,
        }
    }

    fn swarm(op: SwarmOp) -> Action {
        Action::Swarm {
            source: SourceId(0),
            host: "docker local".into(),
            id: "svc".into(),
            name: "shop_api".into(),
            op,
        }
    }

    fn dag(run_id: Option<&str>, op: DagOp) -> Action {
        Action::Dag {
            source: SourceId(2),
            host: "airflow".into(),
            dag_id: "etl_daily".into(),
            run_id: run_id.map(str::to_owned),
            op,
        }
    }

    fn undo_of(original: Action, prior: &Prior) -> Undo {
        let inverse = inverse(&original, prior).expect("reversible");
        Undo {
            original,
            original_at: DateTime::<Utc>::UNIX_EPOCH,
            inverse,
        }
    }

    #[test]
    fn a_moved_alias_goes_back_to_its_old_version() {
        let back = inverse(&set_alias("3"), &Prior::Alias(Some("2".into())));
        assert_eq!(back, Some(set_alias("2")));
        let undo = undo_of(set_alias("3"), &Prior::Alias(Some("2".into())));
        assert_eq!(
            format!("{} '{}'", undo.label(), undo.original.target()),
            "Undo: move alias 'champion' back to version 2 of model 'churn-classifier'"
        );
    }

    #[test]
    fn a_new_alias_is_deleted_and_a_deleted_one_set_again() {
        let back = inverse(&set_alias("3"), &Prior::Alias(None));
        assert_eq!(back, Some(delete_alias("3")));
        let undo = undo_of(set_alias("3"), &Prior::Alias(None));
        assert_eq!(
            undo.label(),
            "Undo: delete the new alias 'champion' (version 3) of model"
        );
        let back = inverse(&delete_alias("2"), &Prior::Alias(Some("2".into())));
        assert_eq!(back, Some(set_alias("2")));
        assert_eq!(
            undo_of(delete_alias("2"), &Prior::Alias(Some("2".into()))).label(),
            "Undo: set alias 'champion' again on version 2 of model"
        );
    }

    #[test]
    fn an_alias_that_did_not_move_or_was_not_known_has_no_inverse() {
        assert_eq!(
            inverse(&set_alias("3"), &Prior::Alias(Some("3".into()))),
            None
        );
        assert_eq!(inverse(&set_alias("3"), &Prior::Nothing), None);
        assert_eq!(inverse(&delete_alias("3"), &Prior::Alias(None)), None);
    }

    #[test]
    fn containers_stop_and_start_pause_and_unpause_reverse_each_other() {
        let pairs = [
            (ContainerOp::Stop, ContainerOp::Start),
            (ContainerOp::Start, ContainerOp::Stop),
            (ContainerOp::Pause, ContainerOp::Unpause),
            (ContainerOp::Unpause, ContainerOp::Pause),
        ];
        for (op, back) in pairs {
            let got = inverse(&container(op.clone()), &Prior::Nothing);
            assert_eq!(got, Some(container(back)), "{op:?}");
        }
        let undo = undo_of(container(ContainerOp::Stop), &Prior::Nothing);
        assert_eq!(undo.label(), "Undo: start container");
        for op in [
            ContainerOp::Restart,
            ContainerOp::Remove,
            ContainerOp::Kill("SIGKILL".into()),
        ] {
            assert_eq!(inverse(&container(op.clone()), &Prior::Nothing), None);
        }
    }

    #[test]
    fn a_scale_goes_back_to_the_old_replica_count() {
        let back = inverse(&swarm(SwarmOp::Scale(5)), &Prior::Replicas(2));
        assert_eq!(back, Some(swarm(SwarmOp::Scale(2))));
        assert_eq!(
            inverse(&swarm(SwarmOp::Scale(2)), &Prior::Replicas(2)),
            None
        );
        assert_eq!(inverse(&swarm(SwarmOp::Scale(2)), &Prior::Nothing), None);
        assert_eq!(inverse(&swarm(SwarmOp::ForceUpdate), &Prior::Nothing), None);
        assert_eq!(inverse(&swarm(SwarmOp::Rollback), &Prior::Nothing), None);
        let drain = SwarmOp::Availability(Availability::Drain);
        let back = inverse(&swarm(drain), &Prior::Availability(Availability::Active));
        assert_eq!(
            back,
            Some(swarm(SwarmOp::Availability(Availability::Active)))
        );
    }

    #[test]
    fn a_silence_is_expired() {
        let silence = Action::Silence {
            source: SourceId(3),
            host: "alertmanager".into(),
            alert: "HighCPU".into(),
            matchers: Vec::new(),
            duration: std::time::Duration::from_secs(3600),
            comment: "deploy".into(),
            creator: "ops".into(),
        };
        assert_eq!(inverse(&silence, &Prior::Nothing), None);
        let undo = undo_of(silence, &Prior::Silence("s-1".into()));
        assert_eq!(
            undo.inverse,
            Action::ExpireSilence {
                source: SourceId(3),
                host: "alertmanager".into(),
                id: "s-1".into(),
            }
        );
        assert_eq!(
            format!("{} '{}'", undo.label(), undo.original.target()),
            "Undo: expire the silence of 'HighCPU'"
        );
    }

    #[test]
    fn a_dag_pause_and_unpause_reverse_each_other_and_run_actions_do_not() {
        let back = inverse(&dag(None, DagOp::Pause(true)), &Prior::Nothing);
        assert_eq!(back, Some(dag(None, DagOp::Pause(false))));
        let back = inverse(&dag(None, DagOp::Pause(false)), &Prior::Nothing);
        assert_eq!(back, Some(dag(None, DagOp::Pause(true))));
        let mark = dag(Some("manual__1"), DagOp::Mark(true));
        assert_eq!(inverse(&mark, &Prior::Nothing), None);
        assert_eq!(
            inverse(&dag(None, DagOp::ClearFailed), &Prior::Nothing),
            None
        );
    }

    #[test]
    fn an_undo_is_not_undone_again() {
        let undo = undo_of(container(ContainerOp::Stop), &Prior::Nothing);
        let action = Action::Undo(Box::new(undo));
        assert_eq!(inverse(&action, &Prior::Nothing), None);
    }
}

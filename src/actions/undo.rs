//! The executor's side of undo: an alias is read just before it moves (its
//! inverse needs the old version), and an undo of an alias change runs only while
//! the alias is still where the original left it, so it never overwrites a change
//! someone made since.

use super::executor::Executor;
use super::{Action, Undo};
use crate::error::SourceError;
use crate::sources::mlflow;
use crate::state::undo::Prior;

/// Where an alias must be for it to change.
#[derive(Debug, Clone, Copy)]
pub(super) enum Expect<'a> {
    /// Anywhere: an action of its own.
    Anywhere,
    /// Where the action being undone left it (`None`: deleted).
    LeftOn(Option<&'a str>),
}

impl Executor {
    /// Sets or deletes an alias, reading the version it had first; refuses when it
    /// is not where `expect` says (an undo after someone moved it since).
    pub(super) async fn alias(
        &self,
        action: &Action,
        expect: Expect<'_>,
    ) -> Result<Prior, SourceError> {
        let (Action::SetAlias {
            source,
            model,
            alias,
            ..
        }
        | Action::DeleteAlias {
            source,
            model,
            alias,
            ..
        }) = action
        else {
            return Err(SourceError::Other("not an alias action".into()));
        };
        let client = self.mlflow_client(*source)?;
        let before = mlflow::alias_version(client, model, alias).await;
        if let Expect::LeftOn(left) = expect {
            let now = before.clone()?;
            if now.as_deref() != left {
                return Err(moved(model, alias, now.as_deref(), left));
            }
        }
        match action {
            Action::SetAlias { version, .. } => {
                mlflow::set_alias(client, model, alias, version).await?;
            }
            _ => mlflow::delete_alias(client, model, alias).await?,
        }
        Ok(match before {
            Ok(version) => Prior::Alias(version),
            Err(e) => {
                tracing::warn!(
                    "alias '{alias}' of '{model}' was not read before it changed, so it cannot be undone: {e}"
                );
                Prior::Nothing
            }
        })
    }

    /// Runs the inverse of an earlier action (never an undo of an undo).
    pub(super) async fn undo(&self, undo: &Undo) -> Result<Prior, SourceError> {
        let expect = match &undo.original {
            Action::SetAlias { version, .. } => Expect::LeftOn(Some(version.as_str())),
            Action::DeleteAlias { .. } => Expect::LeftOn(None),
            _ => Expect::Anywhere,
        };
        let done = match &undo.inverse {
            Action::Undo(_) => Err(SourceError::Other("an undo cannot itself be undone".into())),
            inverse @ (Action::SetAlias { .. } | Action::DeleteAlias { .. }) => {
                self.alias(inverse, expect).await
            }
            inverse => Box::pin(self.dispatch(inverse)).await,
        };
        done.map(|_| Prior::Nothing)
    }
}

/// Why an undo of an alias change was refused: the alias is no longer where it was left.
fn moved(model: &str, alias: &str, now: Option<&str>, left: Option<&str>) -> SourceError {
    let now = now.map_or_else(
        || "is not set".to_owned(),
        |v| format!("points at version {v}"),
    );
    let left = left.map_or_else(|| "deleted".to_owned(), |v| format!("on version {v}"));
    SourceError::Other(format!(
        "alias '{alias}' of model '{model}' now {now}, not {left} as flightdeck left it: not undone (it changed since)"
    ))
}

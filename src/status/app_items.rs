//! The items of kind `app`, one per `[[app]]`: `build` and `deploy` as their words,
//! `parts` with each part's severity, glyph, word and details. Severity is the
//! worst part's; deploy lag only warns.

use chrono::{DateTime, Utc};

use super::Item;
use super::items::object;
use crate::state::Store;
use crate::state::apps::{AppStatus, PartKind, apps};

/// One item per configured app at `now`.
pub fn items(store: &Store, now: DateTime<Utc>) -> Vec<Item> {
    apps(store, now).iter().map(app_item).collect()
}

/// The item of one joined app.
pub fn app_item(app: &AppStatus) -> Item {
    let word = |kind| app.part(kind).map(|p| p.word.clone());
    let parts: Vec<serde_json::Value> = app
        .parts
        .iter()
        .map(|p| {
            serde_json::json!({
                "part": p.kind.name(),
                "severity": p.severity,
                "glyph": p.glyph,
                "word": p.word,
                "details": p.details,
            })
        })
        .collect();
    let worst = app
        .parts
        .iter()
        .filter(|p| p.severity == app.severity)
        .map(|p| format!("{} {}", p.kind.name(), p.word))
        .next();
    Item {
        kind: "app",
        source: "apps".to_owned(),
        id: app.name.clone(),
        name: app.name.clone(),
        state: worst.unwrap_or_else(|| "no parts".to_owned()),
        severity: app.severity,
        fields: object(serde_json::json!({
            "build": word(PartKind::Build),
            "deploy": word(PartKind::Deploy),
            "parts": parts,
        })),
    }
}

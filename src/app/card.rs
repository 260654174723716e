//! The app card: Enter on an app row of the Overview opens it; j/k choose a part and
//! Enter opens that part, selected, in its own tab (Esc there comes back to the card).

use super::App;
use super::effect::Effect;
use super::jump;
use crate::state::apps::Link;
use crate::status::Attention;
use crate::view::Tab;

/// Enter on the Overview's apps and attention rows: opens the card or the item.
pub fn open_row(app: &mut App) -> Vec<Effect> {
    let ids = app.row_ids(Tab::Overview);
    let Some(id) = app.view.table().position(&ids).and_then(|i| ids.get(i)) else {
        return Vec::new();
    };
    if let Some(name) = id.strip_prefix("app:") {
        app.view.overview.card = Some(name.to_owned());
        app.view.overview.card_parts = crate::view::table::TableView::default();
        return Vec::new();
    }
    let list = app.attention();
    match list.iter().find(|a| a.row_id() == *id) {
        Some(item) => jump::to_attention(app, item),
        None => Vec::new(),
    }
}

/// Enter on a part of the open card: opens what it links to in its tab.
pub fn open_part(app: &mut App) -> Vec<Effect> {
    let Some(card) = app.screen().card() else {
        app.view.overview.card = None;
        return Vec::new();
    };
    let ids = crate::view::overview::card_ids(&card);
    let Some(index) = app.view.overview.card_parts.position(&ids) else {
        return Vec::new();
    };
    let Some(part) = card.parts.get(index) else {
        return Vec::new();
    };
    let Some(link) = &part.link else {
        super::toast(
            app,
            format!("{} of {} has nothing to open", part.kind.name(), card.name),
            crate::view::ToastLevel::Info,
        );
        return Vec::new();
    };
    let item = attention_of(link, &card.name, part.severity);
    jump::to_attention(app, &item)
}

/// A part's link as the attention item the jumps already know how to open.
fn attention_of(link: &Link, app: &str, severity: crate::state::Severity) -> Attention {
    Attention {
        severity,
        kind: link.kind,
        source: link.source,
        source_label: String::new(),
        id: link.id.clone(),
        name: app.to_owned(),
        state: String::new(),
        detail: String::new(),
    }
}

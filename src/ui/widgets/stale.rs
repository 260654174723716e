//! The banner a pane shows above its data when the sources of its kind fail: one
//! critical line per failing source with the cause and the age of the data still shown.

use chrono::{DateTime, Utc};
use ratatui::text::Line;

use crate::state::health::format_age;
use crate::state::{Health, SourceKind, Store};
use crate::theme::{Role, Theme};
use crate::ui::status::health_badge;
use crate::ui::widgets::fit::fit;

/// At most this many failing sources get a line; the header shows every one.
pub const MAX_BANNER_LINES: usize = 3;

/// `✗ docker build-1: cannot connect … — showing stale data from 3m ago`, fitted to `width`.
pub fn failing_sources(
    store: &Store,
    kind: SourceKind,
    now: DateTime<Utc>,
    width: u16,
    theme: &Theme,
) -> Vec<Line<'static>> {
    store
        .ids_of(kind)
        .filter_map(|id| store.source(id))
        .filter_map(|s| {
            let error = match &s.health {
                Health::Error { error, .. } => error.to_string(),
                Health::Crashed { message, .. } => format!("poller crashed: {message}"),
                Health::Ok { .. } | Health::NeverPolled => return None,
            };
            let (_, glyph) = health_badge(&s.health);
            let head = format!("{glyph} {}: ", s.spec.label());
            let tail = match (s.last_ok, &s.data) {
                (Some(t), Some(_)) => {
                    format!(" — showing stale data from {} ago", format_age(now, t))
                }
                _ => " — no data yet".to_owned(),
            };
            let room =
                usize::from(width).saturating_sub(head.chars().count() + tail.chars().count());
            let text = format!("{head}{}{tail}", fit(&error, room.max(8)));
            Some(Line::styled(text, theme.style(Role::Critical)))
        })
        .take(MAX_BANNER_LINES)
        .collect()
}

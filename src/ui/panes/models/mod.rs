//! The Models pane: an MLflow registry's models (aliases, versions, last update),
//! a model's versions (status, aliases, stage, source run, git commit), a version's
//! detail (params, metrics and a metric's history as a chart), and a comparison of
//! two versions' metrics. A borrowed view over the store and `ModelsView`.

mod compare;
mod detail;
mod list;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub use crate::view::models::{COLUMN_COUNT, comparison_base, model_rows, snapshot, version_rows};
pub use crate::view::models::{ModelsView, RunLoad};

use crate::state::SourceKind;
use crate::state::model::ModelsSnapshot;
use crate::theme::{Role, Theme};
use crate::ui::widgets::stale::failing_sources;
use crate::view::Screen;
use crate::view::Tab;

/// A borrowed view of the app for the Models tab.
pub struct ModelsPane<'a> {
    /// The app being shown.
    pub app: &'a Screen<'a>,
}

impl ModelsPane<'_> {
    /// Draws the banner (errors, missing models), then the open level of the pane.
    pub fn draw(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let Some((_, snap)) = snapshot(self.app.store) else {
            super::draw_source_state(frame, area, self.app, Tab::Models, theme);
            return;
        };
        let banner = self.banner(snap, area.width, theme);
        let height = u16::try_from(banner.len()).unwrap_or(u16::MAX);
        let [top, body] =
            Layout::vertical([Constraint::Length(height), Constraint::Min(0)]).areas(area);
        frame.render_widget(Paragraph::new(banner), top);
        let view = &self.app.view.models;
        let model = view.model.as_deref().and_then(|m| snap.model(m));
        match (model, &view.detail, &view.compare) {
            (Some(m), _, Some((base, other))) => {
                compare::draw(frame, body, self.app, m, (base, other), theme);
            }
            (Some(m), Some(v), None) => match m.version(v) {
                Some(v) => detail::draw(frame, body, self.app, m, v, theme),
                None => gone(frame, body, &format!("v{v} of '{}' is gone", m.name), theme),
            },
            (Some(m), None, None) => list::draw_versions(frame, body, self.app, m, theme),
            (None, ..) if view.model.is_some() => {
                let name = view.model.as_deref().unwrap_or_default();
                gone(
                    frame,
                    body,
                    &format!("model '{name}' is gone from the registry"),
                    theme,
                );
            }
            (None, ..) => list::draw_models(frame, body, self.app, snap, theme),
        }
    }

    /// A line when polls fail (the data is stale) and one per configured model not found.
    fn banner(&self, snap: &ModelsSnapshot, width: u16, theme: &Theme) -> Vec<Line<'static>> {
        let mut lines = failing_sources(
            self.app.store,
            SourceKind::Mlflow,
            self.app.now,
            width,
            theme,
        );
        for name in &snap.missing {
            lines.push(Line::styled(
                format!("! model '{name}' (listed in [mlflow] models) is not on the server"),
                theme.style(Role::Warning),
            ));
        }
        lines
    }
}

fn gone(frame: &mut Frame, area: Rect, text: &str, theme: &Theme) {
    let lines = vec![
        Line::raw(""),
        Line::styled(text.to_owned(), theme.style(Role::Warning)),
        Line::from(Span::styled("esc goes back", theme.style(Role::Muted))),
    ];
    frame.render_widget(crate::ui::notice(lines, theme), area);
}

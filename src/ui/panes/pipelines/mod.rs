//! The Pipelines pane: GitHub Actions runs of every watched repository, newest
//! first, with live durations; a drill-down into a run's jobs and steps; a footer
//! with the toggles, the filter and the API rate limit. A borrowed view.

pub mod cells;
mod jobs;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub use crate::view::pipelines::{
    COLUMN_COUNT, JobRow, PipelinesView, find_run, job_rows, pipelines_of, run_id, runs,
};

use crate::state::SourceKind;
use crate::state::pipeline::Pipelines;
use crate::theme::{Role, Theme};
use crate::ui::notice;
use crate::ui::widgets::stale::{MAX_BANNER_LINES, failing_sources};
use crate::ui::widgets::table::{self, TableView};
use crate::view::Screen;
use crate::view::Tab;

/// A borrowed view of the app for the Pipelines tab.
pub struct PipelinesPane<'a> {
    /// The app being shown.
    pub app: &'a Screen<'a>,
}

impl PipelinesPane<'_> {
    /// Draws the banner, then the jobs view or the runs table, then the footer.
    pub fn draw(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let store = &self.app.store;
        let has_data = store
            .ids_of(SourceKind::Github)
            .any(|id| pipelines_of(store, id).is_some());
        if !has_data {
            super::draw_source_state(frame, area, self.app, Tab::Pipelines, theme);
            return;
        }
        let banner = self.banner(area.width, theme);
        let height = u16::try_from(banner.len()).unwrap_or(u16::MAX);
        let [top, body, foot] = Layout::vertical([
            Constraint::Length(height),
            Constraint::Min(2),
            Constraint::Length(1),
        ])
        .areas(area);
        frame.render_widget(Paragraph::new(banner), top);
        let view = &self.app.view.pipelines;
        match view.drill.and_then(|id| find_run(store, id)) {
            Some((_, run)) => jobs::draw(frame, body, run, &view.jobs, self.app.now, theme),
            None => self.draw_runs(frame, body, theme),
        }
        frame.render_widget(Paragraph::new(self.footer(theme)), foot);
    }

    fn draw_runs(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let app = self.app;
        let table = &app.view.tables[Tab::Pipelines.index()];
        let view = &app.view.pipelines;
        let all = runs(app.store, table, view);
        if all.is_empty() {
            let why = if view.failures_only || view.default_branch_only || !table.filter.is_empty()
            {
                "no runs match the filters"
            } else {
                "no workflow runs in the watched repositories"
            };
            frame.render_widget(notice(vec![Line::raw(""), Line::raw(why)], theme), area);
            return;
        }
        let ids: Vec<String> = all.iter().map(|(_, r)| run_id(r)).collect();
        let selected = table.position(&ids);
        let plan = cells::plan(area.width);
        let shown = TableView {
            sort_column: cells::sort_position(&plan, table.sort_column),
            ..table.clone()
        };
        let stale = |id| app.store.source(id).is_some_and(|s| s.health.is_failing());
        let listing = cells::RunRows {
            runs: &all,
            plan: &plan,
            now: app.now,
            stale: &stale,
            theme,
        };
        let columns = cells::columns(&plan);
        table::draw(frame, area, &columns, &listing, &shown, selected, theme);
    }

    /// Failing sources (with the age of the data shown) and unreadable repositories.
    fn banner(&self, width: u16, theme: &Theme) -> Vec<Line<'static>> {
        let store = &self.app.store;
        let mut lines = failing_sources(store, SourceKind::Github, self.app.now, width, theme);
        let problems = store
            .ids_of(SourceKind::Github)
            .filter_map(|id| pipelines_of(store, id))
            .flat_map(|p| p.problems.iter());
        for (repo, why) in problems {
            lines.push(Line::styled(
                format!("! {repo}: {why}"),
                theme.style(Role::Warning),
            ));
        }
        lines.truncate(MAX_BANNER_LINES);
        lines
    }

    /// Toggles, filter, counts and the rate limit.
    fn footer(&self, theme: &Theme) -> Line<'static> {
        let app = self.app;
        let view = &app.view.pipelines;
        let table = &app.view.tables[Tab::Pipelines.index()];
        let mut on = Vec::new();
        if view.failures_only {
            on.push("failures only".to_owned());
        }
        if view.default_branch_only {
            on.push("default branch only".to_owned());
        }
        if !table.filter.is_empty() {
            on.push(format!("filter '{}'", table.filter));
        }
        let store = &app.store;
        let all: Vec<&Pipelines> = store
            .ids_of(SourceKind::Github)
            .filter_map(|id| pipelines_of(store, id))
            .collect();
        let total: usize = all.iter().map(|p| p.runs.len()).sum();
        let kept = runs(store, table, view).len();
        let mut spans = vec![Span::styled(
            format!(" {kept} of {total} runs"),
            theme.style(Role::Muted),
        )];
        if !on.is_empty() {
            spans.push(Span::styled(" · showing: ", theme.style(Role::Muted)));
            spans.push(Span::styled(on.join(" · "), theme.style(Role::Accent)));
        }
        for p in all {
            spans.push(rate_span(p, app.now, theme));
        }
        Line::from(spans)
    }
}

/// `· API 4873/5000, resets 12:34 UTC`, warning when low; says so when anonymous.
fn rate_span(p: &Pipelines, now: chrono::DateTime<chrono::Utc>, theme: &Theme) -> Span<'static> {
    let anonymous = if p.authenticated {
        ""
    } else {
        " · no token: anonymous (set GITHUB_TOKEN or run 'gh auth login')"
    };
    let Some(rate) = p.rate else {
        return Span::styled(anonymous.to_owned(), theme.style(Role::Warning));
    };
    let low = rate.remaining.saturating_mul(10) < rate.limit;
    let role = if low || !p.authenticated {
        Role::Warning
    } else {
        Role::Muted
    };
    let resets = if rate.reset > now {
        format!(", resets {}", rate.reset.format("%H:%M UTC"))
    } else {
        String::new()
    };
    Span::styled(
        format!(
            " · API {}/{}{resets}{anonymous}",
            rate.remaining, rate.limit
        ),
        theme.style(role),
    )
}

//! The models table and a model's versions table, as lazy `Rows`: cells are built
//! only for the visible rows. Status always shows a glyph and a word.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph};

use crate::state::health::format_age;
use crate::state::model::{ModelVersion, ModelsSnapshot, RegisteredModel};
use crate::theme::{Role, Theme};
use crate::ui::notice;
use crate::ui::panes::containers::short_id;
use crate::ui::status::version_badge;
use crate::ui::widgets::table::{self, Column, Rows, TableView};
use crate::view::Screen;
use crate::view::Tab;
use crate::view::models::{model_rows, version_rows};

/// The models table with a footer counting what the filter keeps.
pub fn draw_models(
    frame: &mut Frame,
    area: Rect,
    app: &Screen<'_>,
    snap: &ModelsSnapshot,
    theme: &Theme,
) {
    let table = &app.view.tables[Tab::Models.index()];
    let rows = model_rows(snap, table);
    let [list, footer] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
    let mut foot = vec![Span::styled(
        format!(" {} of {} models", rows.len(), snap.models.len()),
        theme.style(Role::Muted),
    )];
    if !table.filter.is_empty() {
        foot.push(Span::styled(
            format!(" · filter '{}'", table.filter),
            theme.style(Role::Accent),
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(foot)), footer);
    if rows.is_empty() {
        let why = if table.filter.is_empty() {
            "no registered models on this server"
        } else {
            "no models match the filter"
        };
        frame.render_widget(notice(vec![Line::raw(""), Line::raw(why)], theme), list);
        return;
    }
    let wide = area.width >= 110;
    // Aliases are what promotion looks at: they get the room a wide screen has.
    let alias_w = if wide {
        area.width.saturating_sub(100).clamp(28, 60)
    } else {
        18
    };
    let mut columns = vec![
        col("MODEL", Constraint::Length(if wide { 28 } else { 22 })),
        col("LATEST", Constraint::Length(10)),
        col("ALIASES", Constraint::Length(alias_w)),
        col("VERS", Constraint::Length(5)),
        col("UPDATED", Constraint::Length(8)),
    ];
    if wide {
        columns.push(col("TAGS", Constraint::Length(20)));
    }
    columns.push(col("DESCRIPTION", Constraint::Min(10)));
    let ids: Vec<&str> = rows.iter().map(|m| m.name.as_str()).collect();
    let selected = table.position(&ids);
    let body = ModelRows {
        app,
        rows: &rows,
        wide,
        alias_w,
        theme,
    };
    table::draw(frame, list, &columns, &body, table, selected, theme);
}

/// Cuts `text` to `width` characters, ending in `…` when cut.
fn fit(text: &str, width: u16) -> String {
    let width = usize::from(width);
    if text.chars().count() <= width {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn col(title: &'static str, width: Constraint) -> Column {
    Column { title, width }
}

struct ModelRows<'a> {
    app: &'a Screen<'a>,
    rows: &'a [&'a RegisteredModel],
    wide: bool,
    alias_w: u16,
    theme: &'a Theme,
}

impl Rows for ModelRows<'_> {
    fn len(&self) -> usize {
        self.rows.len()
    }

    fn cells(&self, index: usize) -> Vec<Cell<'_>> {
        let Some(m) = self.rows.get(index) else {
            return Vec::new();
        };
        let t = self.theme;
        let latest = m.latest().map_or_else(
            || Cell::from(Span::styled("–", t.style(Role::Muted))),
            |v| {
                let (role, glyph) = version_badge(v.status);
                Cell::from(Span::styled(
                    format!("{glyph} v{}", v.version),
                    t.style(role),
                ))
            },
        );
        let count = if m.truncated {
            format!("{}+", m.versions.len())
        } else {
            m.versions.len().to_string()
        };
        let (name_w, alias_w) = (if self.wide { 28 } else { 22 }, self.alias_w);
        let mut cells = vec![
            Cell::from(Span::styled(fit(&m.name, name_w), t.style(Role::Text))),
            latest,
            Cell::from(Span::styled(
                fit(&m.alias_text(), alias_w),
                t.style(Role::Accent),
            )),
            Cell::from(Span::styled(count, t.style(Role::Text))),
            Cell::from(Span::styled(age(self.app, m.updated), t.style(Role::Muted))),
        ];
        if self.wide {
            let tags: Vec<String> = m.tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
            cells.push(Cell::from(Span::styled(
                tags.join(" "),
                t.style(Role::Muted),
            )));
        }
        cells.push(Cell::from(Span::styled(
            m.summary().to_owned(),
            t.style(Role::Muted),
        )));
        cells
    }
}

fn age(app: &Screen<'_>, at: Option<chrono::DateTime<chrono::Utc>>) -> String {
    at.map_or_else(
        || "–".to_owned(),
        |t| format!("{} ago", format_age(app.now, t)),
    )
}

/// A model's versions, newest first, with the model's heading and the base marker.
pub fn draw_versions(
    frame: &mut Frame,
    area: Rect,
    app: &Screen<'_>,
    model: &RegisteredModel,
    theme: &Theme,
) {
    let view = &app.view.models;
    let rows = version_rows(model, &view.versions);
    let [head, list] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    frame.render_widget(Paragraph::new(versions_title(app, model, theme)), head);
    if rows.is_empty() {
        frame.render_widget(
            notice(vec![Line::raw(""), Line::raw("no versions match")], theme),
            list,
        );
        return;
    }
    let stages = model.versions.iter().any(ModelVersion::has_stage);
    let wide = area.width >= 110;
    let mut columns = vec![
        col("VER", Constraint::Length(6)),
        col("STATUS", Constraint::Length(10)),
        col("ALIASES", Constraint::Length(if wide { 22 } else { 16 })),
    ];
    if stages {
        columns.push(col("STAGE", Constraint::Length(11)));
    }
    columns.extend([
        col("CREATED", Constraint::Length(8)),
        col("RUN", Constraint::Min(12)),
        col("COMMIT", Constraint::Length(8)),
    ]);
    if wide {
        columns.push(col("UPDATED", Constraint::Length(8)));
        columns.push(col("RUN ID", Constraint::Length(12)));
    }
    let ids: Vec<&str> = rows.iter().map(|v| v.version.as_str()).collect();
    let selected = view.versions.position(&ids);
    let body = VersionRows {
        app,
        rows: &rows,
        stages,
        wide,
        theme,
    };
    let shown = TableView {
        sort_column: usize::MAX,
        ..view.versions.clone()
    };
    table::draw(frame, list, &columns, &body, &shown, selected, theme);
}

/// The versions heading: the model, its version count, aliases and filter.
fn versions_title<'a>(app: &Screen<'_>, model: &RegisteredModel, theme: &Theme) -> Line<'a> {
    let view = &app.view.models;
    let mut title = vec![
        Span::styled(format!(" {} ", model.name), theme.style(Role::Title)),
        Span::styled(
            format!("{} versions", model.versions.len()),
            theme.style(Role::Muted),
        ),
    ];
    if !model.aliases.is_empty() {
        title.push(Span::styled(
            format!(" · {}", model.alias_text()),
            theme.style(Role::Accent),
        ));
    }
    if !view.versions.filter.is_empty() {
        title.push(Span::styled(
            format!(" · filter '{}'", view.versions.filter),
            theme.style(Role::Accent),
        ));
    }
    Line::from(title)
}

struct VersionRows<'a> {
    app: &'a Screen<'a>,
    rows: &'a [&'a ModelVersion],
    stages: bool,
    wide: bool,
    theme: &'a Theme,
}

impl Rows for VersionRows<'_> {
    fn len(&self) -> usize {
        self.rows.len()
    }

    fn cells(&self, index: usize) -> Vec<Cell<'_>> {
        let Some(v) = self.rows.get(index) else {
            return Vec::new();
        };
        let t = self.theme;
        let styled = |text: String, role: Role| Cell::from(Span::styled(text, t.style(role)));
        let (role, glyph) = version_badge(v.status);
        let word = match v.status.as_str() {
            "PENDING_REGISTRATION" => "PENDING",
            "FAILED_REGISTRATION" => "FAILED",
            w => w,
        };
        let base = if self.app.view.models.marked.as_deref() == Some(v.version.as_str()) {
            "◆"
        } else {
            " "
        };
        let mut cells = vec![
            styled(format!("{base}v{}", v.version), Role::Text),
            styled(format!("{glyph} {word}"), role),
            styled(v.aliases.join(", "), Role::Accent),
        ];
        if self.stages {
            let stage = v
                .stage
                .clone()
                .filter(|_| v.has_stage())
                .unwrap_or_else(|| "–".into());
            cells.push(styled(stage, Role::Text));
        }
        let run = v
            .run_name
            .clone()
            .or_else(|| v.run_id.as_deref().map(|r| short_id(r).to_owned()));
        let commit = v
            .git_commit
            .as_deref()
            .map(|c| c.chars().take(7).collect::<String>());
        cells.extend([
            styled(age(self.app, v.created), Role::Muted),
            styled(run.unwrap_or_else(|| "–".into()), Role::Text),
            styled(commit.unwrap_or_else(|| "–".into()), Role::Muted),
        ]);
        if self.wide {
            cells.push(styled(age(self.app, v.updated), Role::Muted));
            let id = v.run_id.as_deref().map_or("–", short_id).to_owned();
            cells.push(styled(id, Role::Muted));
        }
        cells
    }
}

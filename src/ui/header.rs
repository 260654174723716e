//! The tab bar, the source health line and the footer (input, toast or key hints).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::status::{health_age, source_badge};
use crate::view::Screen;

use crate::command::Command;
use crate::state::SourceKind;
use crate::theme::{Role, Theme};
use crate::view::{InputTarget, Tab, Toast, ToastLevel};

/// Draws `flightdeck  1 Overview  2 Pipelines …` with the current tab highlighted.
pub fn draw_tabs(frame: &mut Frame, area: Rect, app: &Screen<'_>, theme: &Theme) {
    // The tabs take 78 cells (71 without their outer spaces, where the read-only
    // badge needs them); the brand and the badge only where they fit.
    let mut spans = Vec::new();
    let compact = app.read_only && area.width < 83;
    let tabs_width = if compact { 71 } else { 78 };
    let mut room = usize::from(area.width).saturating_sub(tabs_width);
    if app.read_only {
        let badge = if room >= 24 { " READ-ONLY " } else { " RO " };
        room = room.saturating_sub(badge.len() + 1);
        spans.push(Span::styled(badge, theme.style(Role::Warning)));
        spans.push(Span::raw(" "));
    }
    if room >= 12 {
        spans.insert(0, Span::styled(" flightdeck ", theme.style(Role::Accent)));
    }
    for (i, tab) in Tab::ALL.iter().enumerate() {
        let role = if *tab == app.view.tab {
            Role::TabActive
        } else {
            Role::TabInactive
        };
        let text = if compact {
            format!("{} {} ", i + 1, tab.title())
        } else {
            format!(" {} {} ", i + 1, tab.title())
        };
        spans.push(Span::styled(text, theme.style(role)));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Draws each configured source with a glyph, its health word and the age of its data.
///
/// When the full form does not fit, the health words are dropped (the glyphs stay).
pub fn draw_sources(frame: &mut Frame, area: Rect, app: &Screen<'_>, theme: &Theme) {
    let full = source_spans(app, theme, true);
    let width: usize = full.iter().map(Span::width).sum();
    let mut spans = if width <= usize::from(area.width) {
        full
    } else {
        source_spans(app, theme, false)
    };
    if app.store.sources.is_empty() {
        spans.push(Span::styled(
            "no sources configured",
            theme.style(Role::Muted),
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn source_spans<'a>(app: &Screen<'_>, theme: &Theme, words: bool) -> Vec<Span<'a>> {
    let mut spans = vec![Span::raw(" ")];
    for (i, s) in app.store.sources.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" · ", theme.style(Role::Muted)));
        }
        let (role, glyph, word) = source_badge(&s.health, s.spec.interval, app.now);
        spans.push(Span::styled(format!("{glyph} "), theme.style(role)));
        spans.push(Span::styled(s.spec.label(), theme.style(Role::Text)));
        let age = health_age(&s.health, s.spec.interval, app.now)
            .map(|a| format!(" {a}"))
            .unwrap_or_default();
        let word = if words {
            format!(" {word}")
        } else {
            String::new()
        };
        if !word.is_empty() || !age.is_empty() {
            spans.push(Span::styled(format!("{word}{age}"), theme.style(role)));
        }
    }
    spans
}

/// Draws the input line when editing, else the toast, else the main key hints.
pub fn draw_footer(frame: &mut Frame, area: Rect, app: &Screen<'_>, theme: &Theme) {
    let line = if let Some(input) = &app.view.input {
        let prompt = match input.target {
            InputTarget::Filter(_) => "filter: ",
            InputTarget::Search => "search: ",
        };
        // A reopened query shows selected: typing replaces it.
        let text_role = if input.selected {
            Role::Selection
        } else {
            Role::Text
        };
        let found = match (input.target, app.view.text.as_ref()) {
            (InputTarget::Search, Some(t)) => match t.match_position() {
                Some((_, 0)) if !input.text.is_empty() => "  no match".to_owned(),
                Some((n, total)) if total > 0 => format!("  {n}/{total}"),
                _ => String::new(),
            },
            _ => String::new(),
        };
        Line::from(vec![
            Span::styled(format!(" /{prompt}"), theme.style(Role::Accent)),
            Span::styled(input.text.as_str(), theme.style(text_role)),
            Span::styled("█", theme.style(Role::Accent)),
            Span::styled(found, theme.style(Role::Warning)),
            Span::styled("  enter keep · esc clear", theme.style(Role::Muted)),
        ])
    } else if let Some(toast) = &app.view.toast {
        toast_line(toast, area.width, theme)
    } else {
        hints(app, theme, area.width)
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// The toast, cut to the footer's width with a pointer to the whole text.
fn toast_line<'a>(toast: &Toast, width: u16, theme: &Theme) -> Line<'a> {
    let (role, glyph) = match toast.level {
        ToastLevel::Info => (Role::Toast, "✓"),
        ToastLevel::Error => (Role::Error, "✗"),
        ToastLevel::Progress => (Role::Pending, "…"),
    };
    if !toast.is_cut(width) {
        return Line::styled(format!(" {glyph} {}", toast.text), theme.style(role));
    }
    let more = "… enter: whole text";
    let room = usize::from(width).saturating_sub(3 + more.chars().count());
    let cut: String = toast.text.chars().take(room).collect();
    Line::from(vec![
        Span::styled(format!(" {glyph} {cut}"), theme.style(role)),
        Span::styled(more, theme.style(Role::Key)),
    ])
}

/// The commands worth a hint in the current view, most useful first.
fn hint_commands(app: &Screen<'_>) -> Vec<Command> {
    use Command as C;
    let tab = app.view.tab;
    let mut cmds = if app.view.text.is_some() {
        vec![C::Back, C::Filter, C::NextMatch, C::Follow, C::Wrap]
    } else if tab == Tab::Containers && app.view.containers.detail.is_some() {
        vec![C::Back, C::Logs, C::RestartContainer, C::StopContainer]
    } else if tab == Tab::Containers {
        vec![C::Select, C::Logs, C::RestartContainer, C::Filter]
    } else if tab == Tab::Metrics && app.store.has_kind(SourceKind::Prometheus) {
        vec![C::Select, C::Targets, C::Filter, C::Refresh]
    } else if tab == Tab::Alerts && !app.visible_sources().is_empty() {
        vec![C::SilenceAlert, C::Silences, C::ExpireSilence, C::Filter]
    } else if tab == Tab::Models && crate::ui::panes::models::snapshot(app.store).is_some() {
        model_hints(app)
    } else if tab == Tab::Pipelines && has_runs(app) && app.view.pipelines.drill.is_some() {
        vec![C::Select, C::Back, C::Rerun, C::RerunFailed, C::CancelRun]
    } else if tab == Tab::Pipelines && has_runs(app) {
        vec![C::Select, C::Filter, C::FailuresOnly, C::Rerun, C::Dispatch]
    } else if tab == Tab::Data && crate::view::dags::snapshot(app.store).is_some() {
        data_hints(app)
    } else {
        vec![C::Filter, C::Refresh, C::Palette]
    };
    if app.view.text.is_some() && tab == Tab::Data {
        cmds.splice(0..0, [C::PrevTry, C::NextTry]);
    }
    if app.view.text.is_some() {
        cmds.extend([C::Timestamps, C::FirstError, C::Save]);
    }
    cmds.extend([C::Help, C::Quit]);
    cmds.retain(|c| !(app.read_only && c.is_action()));
    cmds
}

/// The Data pane's hints: they follow the level that is open.
fn data_hints(app: &Screen<'_>) -> Vec<Command> {
    use crate::view::dags::Level;
    use Command as C;
    match app.view.data.level() {
        Level::Dags => vec![
            C::Select,
            C::TriggerDag,
            C::PauseDag,
            C::FailuresFirst,
            C::Filter,
        ],
        Level::Runs => vec![
            C::Select,
            C::Back,
            C::ClearTasks,
            C::MarkState,
            C::TriggerDag,
        ],
        Level::Tasks => vec![C::Select, C::Back, C::ClearTasks, C::MarkState],
    }
}

/// The Models pane's hints: they follow the level that is open.
fn model_hints(app: &Screen<'_>) -> Vec<Command> {
    let view = &app.view.models;
    if view.compare.is_some() {
        vec![Command::Back]
    } else if view.detail.is_some() {
        vec![
            Command::Back,
            Command::Down,
            Command::SetAlias,
            Command::CompareVersions,
        ]
    } else if view.model.is_some() {
        vec![
            Command::Select,
            Command::SetAlias,
            Command::CompareVersions,
            Command::MarkVersion,
            Command::DeleteAlias,
            Command::Back,
        ]
    } else {
        vec![Command::Select, Command::Filter, Command::SortNext]
    }
}
/// Whether any GitHub source has reported runs (else the pane shows its state, not a table).
fn has_runs(app: &Screen<'_>) -> bool {
    app.store
        .ids_of(crate::state::SourceKind::Github)
        .any(|id| crate::ui::panes::pipelines::pipelines_of(app.store, id).is_some())
}

/// Key hints that fit the footer, each with a key that really runs it here.
fn hints<'a>(app: &Screen<'_>, theme: &Theme, width: u16) -> Line<'a> {
    let mut spans = Vec::new();
    let filter = &app.view.table().filter;
    if !filter.is_empty() && app.view.text.is_none() {
        spans.push(Span::styled(
            format!(" filter '{filter}' "),
            theme.style(Role::Warning),
        ));
    }
    let mut used: usize = spans.iter().map(Span::width).sum();
    for cmd in hint_commands(app) {
        let Some(key) = app.key_for(cmd) else {
            continue;
        };
        let (k, d) = (format!(" {key}"), format!(" {} ", cmd.description()));
        used += k.chars().count() + d.chars().count();
        if used > usize::from(width) {
            break;
        }
        spans.push(Span::styled(k, theme.style(Role::Key)));
        spans.push(Span::styled(d, theme.style(Role::Muted)));
    }
    Line::from(spans)
}

//! The Overview's lower sections: the apps, the attention list, "which commit runs
//! where" and the change feed. Only the visible lines are built.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::height;
use crate::state::Severity;
use crate::state::apps::AppStatus;
use crate::state::feed::FeedEntry;
use crate::state::trace::Deployment;
use crate::status::Attention;
use crate::theme::{Role, Theme};
use crate::ui::widgets::table::scroll_offset;
use crate::view::Screen;
use crate::view::Tab;

/// Most "runs where" lines; the feed below needs the room more.
const MAX_DEPLOY_LINES: usize = 3;

/// Draws the three sections into `area`, top to bottom.
pub fn draw(
    frame: &mut Frame,
    area: Rect,
    app: &Screen<'_>,
    (apps, attention): (&[AppStatus], &[Attention]),
    deploys: &[Deployment],
    theme: &Theme,
) {
    let [apps_area, area] = Layout::vertical([
        Constraint::Length(height(apps_rows(apps.len(), area.height))),
        Constraint::Min(0),
    ])
    .areas(area);
    let rest = usize::from(area.height);
    let attention_rows = (attention.len().max(1) + 2).min((rest / 2).max(3));
    let deploy_rows = if deploys.is_empty() {
        0
    } else {
        deploys.len().min(MAX_DEPLOY_LINES) + 2
    };
    let [a, d, f] = Layout::vertical([
        Constraint::Length(height(attention_rows)),
        Constraint::Length(height(deploy_rows)),
        Constraint::Min(0),
    ])
    .areas(area);
    let focus = app.view.overview.feed_focus;
    let table = &app.view.tables[Tab::Overview.index()];
    // Apps and attention share one selection: the position among both lists.
    let app_ids = apps.iter().map(AppStatus::row_id);
    let ids: Vec<String> = app_ids
        .chain(attention.iter().map(Attention::row_id))
        .collect();
    let selected = table.position(&ids).filter(|_| !focus);
    if !apps.is_empty() {
        let title = format!("Apps ({})", apps.len());
        section(frame, apps_area, &title, theme, |h| {
            let lines = apps.iter().map(|a| app_line(a, theme));
            let sel = selected.filter(|s| *s < apps.len());
            visible(lines, apps.len(), sel, 0, h, "", theme)
        });
    }
    let title = format!("Needs attention ({})", attention.len());
    let empty = "nothing: every source answers and every item is ok";
    section(frame, a, &title, theme, |h| {
        let lines = attention.iter().map(|item| attention_line(item, theme));
        let sel = selected.and_then(|s| s.checked_sub(apps.len()));
        let offset = table.offset.saturating_sub(apps.len());
        visible(lines, attention.len(), sel, offset, h, empty, theme)
    });
    section(
        frame,
        d,
        "Runs where (commit · built by · where)",
        theme,
        |_| {
            deploys
                .iter()
                .take(MAX_DEPLOY_LINES)
                .map(|d| deploy_line(d, theme))
                .collect()
        },
    );
    draw_feed(frame, f, app, theme);
}

/// A section: an empty line, a title, then the lines `body` builds for its height.
pub(super) fn section(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    theme: &Theme,
    body: impl FnOnce(usize) -> Vec<Line<'static>>,
) {
    if area.height < 2 {
        return;
    }
    let mut lines = vec![
        Line::raw(""),
        Line::styled(format!(" {title}"), theme.style(Role::Title)),
    ];
    lines.extend(body(usize::from(area.height - 2)));
    frame.render_widget(Paragraph::new(lines), area);
}

/// Most app rows before the list scrolls: the attention list below needs room too.
const MAX_APP_ROWS: usize = 8;

/// The height of the apps section: none without apps, else a title and the rows.
fn apps_rows(apps: usize, area_height: u16) -> usize {
    if apps == 0 {
        return 0;
    }
    let most = (usize::from(area_height) / 3).max(3);
    (apps.min(MAX_APP_ROWS) + 2).min(most)
}

/// One app: its glyph and name, then its parts, the worrying ones first.
fn app_line(app: &AppStatus, theme: &Theme) -> Line<'static> {
    let (role, glyph) = severity_badge(app.severity);
    let mut spans = vec![
        Span::styled(format!("   {glyph} "), theme.style(role)),
        Span::styled(format!("{:<12}", app.name), theme.style(Role::Text)),
    ];
    let mut parts: Vec<_> = app.parts.iter().collect();
    parts.sort_by_key(|p| std::cmp::Reverse(p.severity.rank()));
    for (i, p) in parts.into_iter().enumerate() {
        let sep = if i == 0 { " " } else { " · " };
        spans.push(Span::styled(
            format!("{sep}{} ", p.kind.name()),
            theme.style(Role::Muted),
        ));
        let (role, _) = severity_badge(p.severity);
        spans.push(Span::styled(format!("{} ", p.glyph), theme.style(role)));
        spans.push(Span::styled(p.word.clone(), theme.style(Role::Text)));
    }
    Line::from(spans)
}

/// The `len` lines in view around the selection, the selected one highlighted.
pub(super) fn visible(
    lines: impl Iterator<Item = Line<'static>>,
    len: usize,
    selected: Option<usize>,
    offset: usize,
    rows: usize,
    empty: &str,
    theme: &Theme,
) -> Vec<Line<'static>> {
    if len == 0 {
        return vec![Line::styled(
            format!("   {empty}"),
            theme.style(Role::Muted),
        )];
    }
    let offset = selected.map_or(0, |s| scroll_offset(offset, s, rows, len));
    lines
        .enumerate()
        .skip(offset)
        .take(rows)
        .map(|(i, line)| {
            if Some(i) == selected {
                line.style(theme.style(Role::Selection))
            } else {
                line
            }
        })
        .collect()
}

/// The role and glyph of a severity (unknown: a source that cannot be read).
pub(super) fn severity_badge(severity: Severity) -> (Role, &'static str) {
    match severity {
        Severity::Critical => (Role::Critical, "✗"),
        Severity::Unknown => (Role::Stale, "?"),
        Severity::Warning => (Role::Warning, "!"),
        Severity::Ok => (Role::Ok, "✓"),
    }
}

fn attention_line(item: &Attention, theme: &Theme) -> Line<'static> {
    let (role, glyph) = severity_badge(item.severity);
    Line::from(vec![
        Span::styled(format!("   {glyph} "), theme.style(role)),
        Span::styled(item.text(), theme.style(Role::Text)),
    ])
}

fn deploy_line(d: &Deployment, theme: &Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled(
            format!("   {} {}", d.repo, d.short_sha),
            theme.style(Role::Accent),
        ),
        Span::styled(format!(" · {} · ", d.built_by), theme.style(Role::Muted)),
        Span::styled(d.places.join(", "), theme.style(Role::Text)),
    ])
}

fn draw_feed(frame: &mut Frame, area: Rect, app: &Screen<'_>, theme: &Theme) {
    let view = &app.view.overview;
    let entries: Vec<&FeedEntry> = app
        .store
        .feed
        .newest_first()
        .filter(|e| view.feed.matches(&e.haystack()))
        .collect();
    let ids: Vec<String> = entries.iter().map(|e| e.id.to_string()).collect();
    let focus = if view.feed_focus {
        "focused: j/k scroll, / filter, esc back"
    } else {
        "f to focus"
    };
    let filter = if view.feed.filter.is_empty() {
        String::new()
    } else {
        format!(" matching '{}'", view.feed.filter)
    };
    let title = format!("Change feed ({}{filter}) — {focus}", entries.len());
    let empty = "no changes seen yet";
    let selected = view.feed.position(&ids).filter(|_| view.feed_focus);
    section(frame, area, &title, theme, |h| {
        let lines = entries.iter().map(|e| feed_line(e, theme));
        visible(
            lines,
            ids.len(),
            selected,
            view.feed.offset,
            h,
            empty,
            theme,
        )
    });
}

pub(super) fn feed_line(e: &FeedEntry, theme: &Theme) -> Line<'static> {
    let (role, glyph) = severity_badge(e.severity);
    Line::from(vec![
        Span::styled(
            format!("   {} ", e.at.format("%H:%M:%S")),
            theme.style(Role::Muted),
        ),
        Span::styled(format!("{glyph} "), theme.style(role)),
        Span::styled(format!("{:<14} ", e.source), theme.style(Role::Muted)),
        Span::styled(format!("{:<9} ", e.kind.word()), theme.style(Role::Muted)),
        Span::styled(e.text.clone(), theme.style(Role::Text)),
    ])
}

//! The detail view of one container: identity and build provenance first, then
//! health probes, restart policy, environment (masked at the source), mounts,
//! networks, labels and command. Scrolled by whole lines; never mutates anything.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::cells::{Status, badge, state_word, uptime};
use crate::state::SourceId;
use crate::state::container::{
    CRASH_WINDOW_SECS, Container, ContainerHealth, ContainerState, SOURCE_LABEL,
};
use crate::state::health::format_age;
use crate::state::trace::{built_by, container_commit};
use crate::theme::{Role, Theme};
use crate::ui::notice;
use crate::view::Screen;
use crate::view::ansi;
use crate::view::containers::{containers_of, parse_container_id};

/// Draws the detail of the container with row id `row_id`, skipping `scroll` lines.
pub fn draw(
    frame: &mut Frame,
    area: Rect,
    app: &Screen<'_>,
    row_id: &str,
    scroll: u16,
    theme: &Theme,
) {
    let found = parse_container_id(row_id).and_then(|(source, id)| {
        let c = containers_of(app.store, source)?
            .iter()
            .find(|c| c.id == id)?;
        Some((source, c))
    });
    let Some((source, c)) = found else {
        let id = parse_container_id(row_id).map_or(row_id, |(_, id)| id);
        let lines = vec![
            Line::raw(""),
            Line::styled(
                format!("container '{}' is gone (removed)", short_id(id)),
                theme.style(Role::Warning),
            ),
        ];
        frame.render_widget(notice(lines, theme), area);
        return;
    };
    let lines = lines(app, source, c, theme);
    let last = u16::try_from(lines.len().saturating_sub(1)).unwrap_or(u16::MAX);
    let text = Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((scroll.min(last), 0));
    frame.render_widget(text, area);
}

/// The first 12 characters of a container id, as `docker ps` shows it.
pub fn short_id(id: &str) -> &str {
    id.char_indices().nth(12).map_or(id, |(i, _)| &id[..i])
}

fn lines(app: &Screen<'_>, source: SourceId, c: &Container, theme: &Theme) -> Vec<Line<'static>> {
    let mut out = header(app, source, c, theme);
    out.push(Line::raw(""));
    // `probes` explains an empty list itself.
    section(&mut out, "Health probes", 1, theme);
    probes(&mut out, app, c, theme);
    section(&mut out, "Restart policy", 1, theme);
    let policy = if c.detail.restart_policy.is_empty() {
        "–"
    } else {
        &c.detail.restart_policy
    };
    out.push(item(
        &format!("{policy} · {} restarts", c.restart_count),
        theme,
    ));
    section(&mut out, "Environment", c.detail.env.len(), theme);
    out.extend(c.detail.env.iter().map(|(k, v)| pair(k, v, theme)));
    section(&mut out, "Mounts", c.detail.mounts.len(), theme);
    out.extend(c.detail.mounts.iter().map(|m| item(m, theme)));
    section(&mut out, "Ports", c.ports.len(), theme);
    out.extend(c.ports.iter().map(|p| item(p, theme)));
    section(&mut out, "Networks", c.detail.networks.len(), theme);
    out.extend(c.detail.networks.iter().map(|n| item(n, theme)));
    section(&mut out, "Labels", c.labels.len(), theme);
    out.extend(c.labels.iter().map(|(k, v)| pair(k, v, theme)));
    let has_command = !c.detail.command.is_empty();
    section(&mut out, "Command", usize::from(has_command), theme);
    if has_command {
        out.push(item(&c.detail.command, theme));
    }
    out
}

/// Name, id, host, image, state and the image's provenance labels.
fn header(app: &Screen<'_>, source: SourceId, c: &Container, theme: &Theme) -> Vec<Line<'static>> {
    let host = app
        .store
        .source(source)
        .map(|s| s.spec.label())
        .unwrap_or_default();
    let muted = theme.style(Role::Muted);
    let (state_role, state_glyph) = badge(Status::State(c));
    let (health_role, health_glyph) = badge(Status::Health(c.health));
    let mut out = vec![
        Line::from(vec![
            Span::styled(c.name.clone(), theme.style(Role::Title)),
            Span::styled(format!("  {}  on {host}", short_id(&c.id)), muted),
        ]),
        field(
            "image",
            Span::styled(c.image.clone(), theme.style(Role::Text)),
            theme,
        ),
        Line::from(vec![
            Span::styled(format!("{:<10}", "state"), muted),
            Span::styled(
                format!("{state_glyph} {}", state_word(c)),
                theme.style(state_role),
            ),
            Span::styled(" · ", muted),
            Span::styled(
                format!("{health_glyph} {}", c.health.as_str()),
                theme.style(health_role),
            ),
            Span::styled(
                format!(" · {}", uptime(c, app.now)),
                theme.style(Role::Text),
            ),
        ]),
    ];
    out.extend(lifecycle(c, theme));
    let accent = theme.style(Role::Accent);
    match c.revision() {
        Some(rev) => out.push(field(
            "revision",
            Span::styled(rev.to_owned(), accent),
            theme,
        )),
        None => out.push(Line::styled("no revision label", muted)),
    }
    if let Some(repo) = c.labels.get(SOURCE_LABEL) {
        out.push(field("source", Span::styled(repo.clone(), accent), theme));
    }
    let commit = container_commit(c);
    if let Some(text) = commit.as_deref().and_then(|sha| built_by(app.store, sha)) {
        out.push(field("build", Span::styled(text, accent), theme));
    } else if let Some(sha) = commit.filter(|_| c.revision().is_none()) {
        out.push(field("commit", Span::styled(sha, accent), theme));
    }
    out
}

/// Why it is in the state it is in: a failed start's error, an OOM kill, a crash
/// loop's restarts, a stop on request. Nothing for a container that simply runs.
fn lifecycle(c: &Container, theme: &Theme) -> Vec<Line<'static>> {
    let critical = theme.style(Role::Critical);
    let mut out = Vec::new();
    if !c.detail.error.is_empty() {
        let text = format!("failed to start: {}", c.detail.error);
        out.push(field("error", Span::styled(text, critical), theme));
    }
    if c.detail.oom_killed {
        let text = "its last run was killed out of memory (OOM)".to_owned();
        out.push(field("oom", Span::styled(text, critical), theme));
    }
    if c.crash_loop {
        let window = CRASH_WINDOW_SECS / 60;
        let text = if c.recent_restarts >= 2 {
            format!("crash loop: {} in the last {window}m", c.recent_restarts)
        } else {
            format!("crash loop: {}, the last in {window}m", c.restart_count)
        };
        out.push(field("restarts", Span::styled(text, critical), theme));
    }
    if c.stopped_on_request && matches!(c.state, ContainerState::Exited | ContainerState::Dead) {
        let code = c
            .exit_code
            .map_or_else(|| "?".to_owned(), |e| e.to_string());
        let text = format!("stopped on request (exit {code})");
        out.push(field(
            "stopped",
            Span::styled(text, theme.style(Role::Muted)),
            theme,
        ));
    }
    out
}

/// The last probes, newest first: age, exit code, then the whole output, each
/// further line indented under the first.
fn probes(out: &mut Vec<Line<'static>>, app: &Screen<'_>, c: &Container, theme: &Theme) {
    if c.detail.probes.is_empty() {
        let why = if c.health == ContainerHealth::None {
            "no health check defined"
        } else {
            "no probes recorded yet"
        };
        out.push(Line::styled(format!("  {why}"), theme.style(Role::Muted)));
        return;
    }
    for p in c.detail.probes.iter().rev() {
        let when = p.start.map_or_else(
            || "?".to_owned(),
            |t| format!("{} ago", format_age(app.now, t)),
        );
        let (role, glyph) = if p.exit_code == 0 {
            (Role::Ok, "✓")
        } else {
            (Role::Critical, "✗")
        };
        let mut spans = vec![
            Span::styled(format!("  {when:>8}  "), theme.style(Role::Muted)),
            Span::styled(format!("{glyph} exit {}", p.exit_code), theme.style(role)),
            Span::raw("  "),
        ];
        let indent: usize = spans.iter().map(Span::width).sum();
        let mut lines = p.output.lines();
        spans.extend(output_spans(lines.next().unwrap_or_default(), theme));
        out.push(Line::from(spans));
        for more in lines {
            let mut spans = vec![Span::raw(" ".repeat(indent))];
            spans.extend(output_spans(more, theme));
            out.push(Line::from(spans));
        }
    }
}

/// One line of probe output, its ANSI colours kept as styles.
fn output_spans(text: &str, theme: &Theme) -> Vec<Span<'static>> {
    let (plain, styles) = ansi::parse(text);
    ansi::line(&plain, &styles, theme.style(Role::Text))
        .spans
        .into_iter()
        .map(|s| Span::styled(s.content.into_owned(), s.style))
        .collect()
}

fn section(out: &mut Vec<Line<'static>>, title: &str, count: usize, theme: &Theme) {
    if out.last().is_none_or(|l| l.width() != 0) {
        out.push(Line::raw(""));
    }
    out.push(Line::styled(title.to_owned(), theme.style(Role::Title)));
    if count == 0 {
        out.push(Line::styled("  (none)", theme.style(Role::Muted)));
    }
}

fn field(name: &str, value: Span<'static>, theme: &Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{name:<10}"), theme.style(Role::Muted)),
        value,
    ])
}

fn item(text: &str, theme: &Theme) -> Line<'static> {
    Line::styled(format!("  {text}"), theme.style(Role::Text))
}

fn pair(key: &str, value: &str, theme: &Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("  {key}"), theme.style(Role::Accent)),
        Span::styled("=", theme.style(Role::Muted)),
        Span::styled(value.to_owned(), theme.style(Role::Text)),
    ])
}

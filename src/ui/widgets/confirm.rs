//! The confirmation modal for actions: names the action, its target and host;
//! the default is No, and only an explicit `y` confirms.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::state::action::KILL_SIGNALS;
use crate::theme::{Role, Theme};
use crate::ui::layout::centered;
use crate::view::{QuitView, SignalView};

/// What the modal asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmDialog<'a> {
    /// The action, as a verb phrase (`Restart container`).
    pub action: &'a str,
    /// What it acts on (`web-1`).
    pub target: &'a str,
    /// Where (`docker local`).
    pub host: &'a str,
    /// Whether it cannot be undone; drawn in the critical role.
    pub destructive: bool,
    /// Whether this is the second confirmation of a double-confirmed action.
    pub second: bool,
}

impl ConfirmDialog<'_> {
    /// Draws the modal centred over `area`.
    pub fn draw(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let role = if self.destructive {
            Role::Critical
        } else {
            Role::Warning
        };
        let what = Line::from(vec![
            Span::styled(format!("{} ", self.action), theme.style(role)),
            Span::styled(format!("'{}'", self.target), theme.style(Role::Accent)),
        ]);
        let question = format!("on {}?", self.host);
        confirm_box(
            frame,
            area,
            theme,
            role,
            vec![what],
            &question,
            self.destructive,
        );
    }
}

/// The one confirmation box every action (and quitting) goes through: `lines`,
/// then `question` ending in `(y/N)`, "cannot be undone" when `destructive`,
/// then the keys. Its height counts wrapped lines, so the question always shows.
pub fn confirm_box(
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
    role: Role,
    mut lines: Vec<Line<'_>>,
    question: &str,
    destructive: bool,
) {
    lines.push(Line::from(vec![
        Span::styled(format!("{question} "), theme.style(Role::Text)),
        Span::styled("(y/N)", theme.style(Role::Key)),
    ]));
    lines.push(Line::raw(""));
    if destructive {
        lines.push(Line::styled(
            "This cannot be undone.",
            theme.style(Role::Critical),
        ));
    }
    lines.push(Line::from(vec![
        Span::styled("y", theme.style(Role::Key)),
        Span::styled(" yes    ", theme.style(Role::Text)),
        Span::styled("N", theme.style(Role::Key)),
        Span::styled(" no (any other key)", theme.style(Role::Text)),
    ]));
    let width = area.width.min(50);
    let inner = usize::from(width.saturating_sub(2)).max(1);
    let rows: usize = lines.iter().map(|l| wrapped_rows(l, inner)).sum();
    let height = u16::try_from(rows + 2).unwrap_or(u16::MAX);
    let rect = centered(area, width, height);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(role))
        .title(Span::styled(" confirm ", theme.style(role)));
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(block).wrap(Wrap { trim: true }),
        rect,
    );
}

/// Rows `line` takes when word-wrapped at `width` (a word longer than a row is split).
fn wrapped_rows(line: &Line<'_>, width: usize) -> usize {
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    let mut rows = 1;
    let mut used = 0;
    for word in text.split_whitespace() {
        let len = word.chars().count();
        let need = if used == 0 { len } else { used + 1 + len };
        if need <= width {
            used = need;
        } else {
            rows += 1 + (len.saturating_sub(1)) / width;
            used = match len % width {
                0 => width,
                r => r,
            };
        }
    }
    rows
}

/// Draws "quit anyway?" naming each action still in flight.
pub fn draw_quit(frame: &mut Frame, area: Rect, view: &QuitView, theme: &Theme) {
    let n = view.in_flight.len();
    let plural = if n == 1 { "action" } else { "actions" };
    let mut lines = vec![Line::styled(
        format!("{n} {plural} in flight:"),
        theme.style(Role::Warning),
    )];
    for what in &view.in_flight {
        lines.push(Line::styled(format!("· {what}"), theme.style(Role::Accent)));
    }
    let question = "Quit anyway, without waiting for the result?";
    confirm_box(frame, area, theme, Role::Warning, lines, question, false);
}

/// Draws the signal chooser for a container: `j`/`k` choose, Enter picks, Esc cancels.
pub fn draw_signals(frame: &mut Frame, area: Rect, view: &SignalView, theme: &Theme) {
    let mut lines = vec![
        Line::from(vec![
            Span::styled("Send a signal to ", theme.style(Role::Text)),
            Span::styled(format!("'{}'", view.name), theme.style(Role::Accent)),
        ]),
        Line::styled(format!("on {}", view.host), theme.style(Role::Text)),
        Line::raw(""),
    ];
    for (i, sig) in KILL_SIGNALS.iter().enumerate() {
        let (mark, role) = if i == view.selected {
            ("▸ ", Role::Selection)
        } else {
            ("  ", Role::Text)
        };
        lines.push(Line::styled(format!("{mark}{sig}"), theme.style(role)));
    }
    lines.push(Line::styled(
        "enter choose · esc cancel",
        theme.style(Role::Muted),
    ));
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let rect = centered(area, 44, height);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(Role::Warning))
        .title(Span::styled(" kill ", theme.style(Role::Warning)));
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}

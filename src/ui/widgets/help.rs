//! The `?` overlay: the keys of the current pane, generated from the live keymap
//! so remapped and unbound keys show as they really are. Sections flow into as
//! many columns as the screen needs; under `--read-only` actions are not listed.

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::command::{Command, Context};
use crate::theme::{Role, Theme};
use crate::ui::layout::centered;
use crate::view::Screen;

/// Width of one column of the help box.
const COLUMN: u16 = 39;

/// Draws the help box over `area`.
pub fn draw(frame: &mut Frame, area: Rect, app: &Screen<'_>, theme: &Theme) {
    let mut contexts = app.contexts();
    contexts.reverse();
    let sections: Vec<Vec<Line>> = contexts.iter().map(|c| section(app, *c, theme)).collect();
    let total: usize = sections.iter().map(Vec::len).sum();
    let room = usize::from(area.height.saturating_sub(2)).max(1);
    let max_cols = usize::from((area.width.saturating_sub(2) / COLUMN).max(1));
    let cols = total.div_ceil(room).clamp(1, max_cols);
    let columns = flow(sections, total.div_ceil(cols).max(1), room);
    let tallest = columns.iter().map(Vec::len).max().unwrap_or(0);
    let height = u16::try_from(tallest + 2).unwrap_or(u16::MAX);
    let width = u16::try_from(columns.len()).unwrap_or(1) * COLUMN + 2;
    let rect = centered(area, width, height);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(Role::Border))
        .title(Span::styled(
            " keys · esc closes ",
            theme.style(Role::Title),
        ));
    frame.render_widget(Clear, rect);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let areas = Layout::horizontal(vec![Constraint::Length(COLUMN); columns.len()]).split(inner);
    for (lines, col) in columns.into_iter().zip(areas.iter()) {
        frame.render_widget(Paragraph::new(lines), *col);
    }
}

/// Flows sections into columns of about `target` lines (at most `room`); a section
/// starts a new column rather than leaving its title alone at the bottom of one.
fn flow(sections: Vec<Vec<Line<'_>>>, target: usize, room: usize) -> Vec<Vec<Line<'_>>> {
    let mut columns: Vec<Vec<Line>> = vec![Vec::new()];
    for section in sections {
        for (i, line) in section.into_iter().enumerate() {
            let col = columns.last().map_or(0, Vec::len);
            let full = col >= target.max(room.min(target + 1)) || (i == 0 && col + 2 > target);
            if full && col > 0 {
                columns.push(Vec::new());
            }
            if let Some(last) = columns.last_mut() {
                last.push(line);
            }
        }
    }
    columns
}

fn section<'a>(app: &Screen<'_>, ctx: Context, theme: &Theme) -> Vec<Line<'a>> {
    let title = match ctx {
        Context::Global => "Global",
        Context::List => "Lists",
        Context::Text => "Text viewer",
        Context::Containers => "Containers",
        Context::Cluster => "Containers tab",
        Context::Services => "Services",
        Context::Nodes => "Nodes",
        Context::Metrics => "Metrics",
        Context::Alerts => "Alerts",
        Context::Models => "Models",
        Context::Pipelines => "Pipelines",
        Context::Data => "Data",
    };
    let mut lines = vec![Line::styled(title, theme.style(Role::Title))];
    let tabs = [
        Command::TabOverview,
        Command::TabPipelines,
        Command::TabContainers,
        Command::TabModels,
        Command::TabMetrics,
        Command::TabAlerts,
        Command::TabData,
    ];
    if ctx == Context::Global {
        let keys: Vec<String> = tabs
            .iter()
            .filter_map(|c| app.keymap.keys(*c).first().map(ToString::to_string))
            .collect();
        lines.push(entry(&keys.join(" "), "switch to tab", theme));
    }
    let shown = Command::ALL
        .iter()
        .filter(|c| c.context() == ctx && !tabs.contains(c) && !(app.read_only && c.is_action()));
    let contexts = app.contexts();
    for cmd in shown {
        // Only the keys that really run this command here (a pane may take `r`).
        let keys: Vec<String> = app
            .keymap
            .keys(*cmd)
            .iter()
            .filter(|k| app.keymap.lookup(&KeyEvent::new(k.code, k.mods), &contexts) == Some(*cmd))
            .map(ToString::to_string)
            .collect();
        // Without a key, a command still runs from the palette by its name.
        let keys = if keys.is_empty() {
            format!(":{}", cmd.name())
        } else {
            keys.join(" ")
        };
        lines.push(entry(&keys, cmd.description(), theme));
    }
    lines
}

fn entry<'a>(keys: &str, what: &'a str, theme: &Theme) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!(" {keys:<16} "), theme.style(Role::Key)),
        Span::styled(what, theme.style(Role::Text)),
    ])
}

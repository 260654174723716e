//! Two versions side by side: each metric's value in both source runs with the
//! difference, and the params that differ. Differences are highlighted and also
//! said in words (`higher`, `lower`, `only in v3`) so the mono theme shows them.

use std::collections::BTreeSet;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::detail::number;
use crate::state::model::{RegisteredModel, RunDetail};
use crate::theme::{Role, Theme};
use crate::view::Screen;
use crate::view::models::RunLoad;

/// Draws the comparison of `base` and `other` (version numbers) of `model`.
pub fn draw(
    frame: &mut Frame,
    area: Rect,
    app: &Screen<'_>,
    model: &RegisteredModel,
    (base, other): (&str, &str),
    theme: &Theme,
) {
    let label = |v: &str| {
        let aliases = model
            .version(v)
            .map(|m| m.aliases.join(" @"))
            .unwrap_or_default();
        if aliases.is_empty() {
            format!("v{v}")
        } else {
            format!("v{v} @{aliases}")
        }
    };
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!(" {} ", model.name), theme.style(Role::Title)),
            Span::styled(
                format!("compare {} (base) with {}", label(base), label(other)),
                theme.style(Role::Text),
            ),
        ]),
        Line::raw(""),
    ];
    let run = |v: &str| {
        let id = model.version(v).and_then(|m| m.run_id.as_deref());
        (id, app.view.models.run(id))
    };
    match (run(base), run(other)) {
        ((_, Some(RunLoad::Loaded(a))), (_, Some(RunLoad::Loaded(b)))) => {
            lines.extend(table((a, b), (base, other), area.width, theme));
        }
        ((a, la), (b, lb)) => {
            for (v, id, load) in [(base, a, la), (other, b, lb)] {
                let text = match (id, load) {
                    (None, _) => format!(" v{v} has no source run to compare"),
                    (_, Some(RunLoad::Failed(e))) => format!(" cannot read v{v}'s run: {e}"),
                    (_, Some(RunLoad::Loaded(_))) => continue,
                    _ => format!(" reading v{v}'s run…"),
                };
                lines.push(Line::styled(text, theme.style(Role::Muted)));
            }
        }
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

fn table<'a>(
    (a, b): (&RunDetail, &RunDetail),
    (va, vb): (&str, &str),
    width: u16,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let name_w = usize::from(width).saturating_sub(48).clamp(12, 40);
    let head = format!(
        " {:<name_w$} {:>12} {:>12} {:>12}  ",
        "METRIC",
        format!("v{va}"),
        format!("v{vb}"),
        "Δ"
    );
    let mut lines = vec![Line::styled(head, theme.style(Role::Title))];
    let keys: BTreeSet<&String> = a.metrics.keys().chain(b.metrics.keys()).collect();
    let mut same = 0;
    for key in keys {
        let (old, new) = (a.metrics.get(key).copied(), b.metrics.get(key).copied());
        let show = |v: Option<f64>| v.map_or_else(|| "–".to_owned(), number);
        let (delta, word, role) = match (old, new) {
            (Some(was), Some(now)) if number(was) == number(now) => {
                ("0".to_owned(), "same", Role::Muted)
            }
            (Some(was), Some(now)) => {
                let diff = now - was;
                let sign = if diff > 0.0 { "+" } else { "" };
                let word = if diff > 0.0 { "higher" } else { "lower" };
                (format!("{sign}{}", number(diff)), word, Role::Warning)
            }
            (None, _) => ("–".to_owned(), "new", Role::Accent),
            (_, None) => ("–".to_owned(), "dropped", Role::Accent),
        };
        same += usize::from(word == "same");
        let name: String = key.chars().take(name_w).collect();
        let mark = if word == "same" { " " } else { "≠" };
        lines.push(Line::from(vec![
            Span::styled(
                format!("{mark}{name:<name_w$} {:>12} {:>12} ", show(old), show(new)),
                theme.style(Role::Text),
            ),
            Span::styled(format!("{delta:>12}  {word}"), theme.style(role)),
        ]));
    }
    lines.push(Line::styled(
        format!(
            " {same} of {} metrics equal",
            a.metrics.len().max(b.metrics.len())
        ),
        theme.style(Role::Muted),
    ));
    lines.push(Line::raw(""));
    lines.extend(param_lines(a, b, (va, vb), name_w, theme));
    lines
}

fn param_lines<'a>(
    a: &RunDetail,
    b: &RunDetail,
    (va, vb): (&str, &str),
    name_w: usize,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let keys: BTreeSet<&String> = a.params.keys().chain(b.params.keys()).collect();
    let differing: Vec<&String> = keys
        .iter()
        .copied()
        .filter(|k| a.params.get(*k) != b.params.get(*k))
        .collect();
    let mut lines = vec![Line::styled(
        format!(" PARAMS: {} of {} differ", differing.len(), keys.len()),
        theme.style(Role::Title),
    )];
    for key in differing {
        let get = |r: &RunDetail| r.params.get(key).cloned().unwrap_or_else(|| "–".into());
        let name: String = key.chars().take(name_w).collect();
        lines.push(Line::styled(
            format!("≠{name:<name_w$} v{va}: {}  v{vb}: {}", get(a), get(b)),
            theme.style(Role::Warning),
        ));
    }
    lines
}

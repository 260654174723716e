//! One metric panel: a border and title in the panel's severity, a line with the
//! current value and the threshold state in words (for the mono theme), a legend
//! of the top series when there are several, and a line chart of the window.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Borders, Chart, Dataset, GraphType, Paragraph, Wrap};

use crate::config::Unit;
use crate::state::Severity;
use crate::state::metric::{PanelData, Series, format_value};
use crate::theme::{Role, Theme};

/// Styles of the charted series, in legend order; the rest are summarised.
const SERIES_ROLES: [Role; 4] = [Role::Accent, Role::Text, Role::Pending, Role::Match];

/// The role and words of a panel's state: `✓ ok`, `▲ WARNING ≥ 70 %`.
pub fn state_badge(p: &PanelData) -> (Role, String) {
    let unit = p.panel.unit;
    let at = |t: Option<f64>| {
        t.map(|v| format!(" ≥ {}", format_value(v, unit)))
            .unwrap_or_default()
    };
    match p.severity() {
        Severity::Critical => (Role::Critical, format!("✗ CRITICAL{}", at(p.panel.crit))),
        Severity::Warning => (Role::Warning, format!("▲ WARNING{}", at(p.panel.warn))),
        Severity::Unknown => (Role::Error, "✗ query error".to_owned()),
        Severity::Ok if p.value().is_none() => (Role::Muted, "– no data".to_owned()),
        Severity::Ok => (Role::Ok, "✓ ok".to_owned()),
    }
}

/// Draws panel `p` into `area`; `selected` thickens nothing but marks the title.
pub fn draw(
    frame: &mut Frame,
    area: Rect,
    p: &PanelData,
    selected: bool,
    zoomed: bool,
    theme: &Theme,
) {
    let (role, badge) = state_badge(p);
    let marker = if selected { "▸ " } else { " " };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(role))
        .title(Span::styled(
            format!("{marker}{} ", p.panel.title),
            theme.style(Role::Title),
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    match &p.result {
        Err(message) => {
            let lines = vec![
                Line::styled(badge, theme.style(role)),
                Line::styled(message.clone(), theme.style(Role::Text)),
                Line::styled(p.panel.query.clone(), theme.style(Role::Muted)),
            ];
            frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), inner);
        }
        Ok(series) => draw_series(frame, inner, p, series, (role, badge), zoomed, theme),
    }
}

fn draw_series(
    frame: &mut Frame,
    area: Rect,
    p: &PanelData,
    series: &[Series],
    (role, badge): (Role, String),
    zoomed: bool,
    theme: &Theme,
) {
    let unit = p.panel.unit;
    let value = p
        .value()
        .map_or_else(|| "no data".to_owned(), |v| format_value(v, unit));
    let head = Line::from(vec![
        Span::styled(format!("{value}  "), theme.style(Role::Title)),
        Span::styled(badge, theme.style(role)),
    ]);
    let order = ranked(series);
    let most = if zoomed { 8 } else { 3 };
    let legend = legend(series, &order, most, unit, theme);
    let room = usize::from(area.height.saturating_sub(3));
    let legend_rows = if series.len() > 1 {
        legend.len().min(room)
    } else {
        0
    };
    let [head_area, legend_area, chart_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(u16::try_from(legend_rows).unwrap_or(0)),
        Constraint::Min(0),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(head), head_area);
    frame.render_widget(Paragraph::new(legend), legend_area);
    if chart_area.height >= 2 {
        chart(frame, chart_area, p, series, &order, theme);
    }
}

/// Series indices by current value, highest first.
fn ranked(series: &[Series]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..series.len()).collect();
    let key = |i: usize| {
        series[i]
            .last()
            .filter(|v| v.is_finite())
            .unwrap_or(f64::MIN)
    };
    order.sort_by(|a, b| key(*b).total_cmp(&key(*a)).then(a.cmp(b)));
    order
}

fn role_of(rank: usize) -> Role {
    SERIES_ROLES.get(rank).copied().unwrap_or(Role::Muted)
}

/// The top `most` series with their values, and a line summarising the rest.
fn legend<'a>(
    series: &[Series],
    order: &[usize],
    most: usize,
    unit: Unit,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let shown = most.min(SERIES_ROLES.len().max(most));
    let mut lines: Vec<Line> = order
        .iter()
        .take(shown)
        .enumerate()
        .map(|(rank, &i)| {
            let s = &series[i];
            let v = s
                .last()
                .map_or_else(|| "–".to_owned(), |v| format_value(v, unit));
            Line::from(vec![
                Span::styled("● ", theme.style(role_of(rank))),
                Span::styled(format!("{v:>9} "), theme.style(Role::Text)),
                Span::styled(s.name(), theme.style(Role::Muted)),
            ])
        })
        .collect();
    let rest = order.len().saturating_sub(shown);
    if rest > 0 {
        let values: Vec<f64> = order[shown..]
            .iter()
            .filter_map(|&i| series[i].last())
            .collect();
        let max = values
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .reduce(f64::max);
        let sum: f64 = values.iter().filter(|v| v.is_finite()).sum();
        let text = match max {
            Some(m) => format!(
                "  +{rest} more (max {}, sum {})",
                format_value(m, unit),
                format_value(sum, unit)
            ),
            None => format!("  +{rest} more"),
        };
        lines.push(Line::styled(text, theme.style(Role::Muted)));
    }
    lines
}

fn chart(
    frame: &mut Frame,
    area: Rect,
    p: &PanelData,
    series: &[Series],
    order: &[usize],
    theme: &Theme,
) {
    let secs =
        |t: chrono::DateTime<chrono::Utc>| f64::from(u32::try_from(t.timestamp()).unwrap_or(0));
    let (x0, x1) = (secs(p.start), secs(p.end));
    let finite = series
        .iter()
        .flat_map(|s| s.points.iter().map(|(_, v)| *v))
        .filter(|v| v.is_finite());
    let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    let (lo, hi) = if lo.is_finite() {
        (lo.min(0.0), hi)
    } else {
        (0.0, 1.0)
    };
    let hi = if hi <= lo {
        lo + 1.0
    } else {
        hi + (hi - lo) * 0.05
    };
    let data: Vec<Vec<(f64, f64)>> = order
        .iter()
        .map(|&i| {
            series[i]
                .points
                .iter()
                .copied()
                .filter(|(_, v)| v.is_finite())
                .collect()
        })
        .collect();
    let datasets: Vec<Dataset> = data
        .iter()
        .enumerate()
        .rev()
        .map(|(rank, points)| {
            Dataset::default()
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(theme.style(role_of(rank)))
                .data(points)
        })
        .collect();
    let unit = p.panel.unit;
    let window = crate::config::duration::Display(p.panel.window).to_string();
    let muted: Style = theme.style(Role::Muted);
    let chart = Chart::new(datasets)
        .x_axis(Axis::default().bounds([x0, x1]).labels([
            Span::styled(format!("-{window}"), muted),
            Span::styled("now", muted),
        ]))
        .y_axis(Axis::default().bounds([lo, hi]).labels([
            Span::styled(format_value(lo, unit), muted),
            Span::styled(format_value(hi, unit), muted),
        ]))
        .hidden_legend_constraints((Constraint::Length(0), Constraint::Length(0)));
    frame.render_widget(chart, area);
}

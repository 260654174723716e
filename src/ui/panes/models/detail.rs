//! A model version's detail: what it is (status, aliases, stage, run, commit),
//! its source run's params and latest metrics, and the chosen metric's history
//! drawn as a line chart (`j`/`k` choose the metric).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Borders, Chart, Dataset, GraphType, Paragraph};

use crate::state::health::format_age;
use crate::state::model::{MetricPoint, ModelVersion, RegisteredModel, RunDetail};
use crate::theme::{Role, Theme};
use crate::ui::status::version_badge;
use crate::view::Screen;
use crate::view::models::RunLoad;

/// Draws the version's header, then params and metrics beside the metric chart.
pub fn draw(
    frame: &mut Frame,
    area: Rect,
    app: &Screen<'_>,
    model: &RegisteredModel,
    v: &ModelVersion,
    theme: &Theme,
) {
    let head = header(app, model, v, theme);
    let height = u16::try_from(head.len()).unwrap_or(u16::MAX);
    let [top, body] =
        Layout::vertical([Constraint::Length(height), Constraint::Min(0)]).areas(area);
    frame.render_widget(Paragraph::new(head), top);
    let run = match app.view.models.run(v.run_id.as_deref()) {
        Some(RunLoad::Loaded(run)) => run,
        other => {
            let text = match other {
                Some(RunLoad::Failed(e)) => format!(" cannot read the source run: {e}"),
                _ if v.run_id.is_none() => " this version has no source run".to_owned(),
                _ => " reading the source run…".to_owned(),
            };
            frame.render_widget(
                Paragraph::new(Line::styled(text, theme.style(Role::Muted))),
                body,
            );
            return;
        }
    };
    let left = (body.width / 3).clamp(28, 48);
    let [lists, chart] =
        Layout::horizontal([Constraint::Length(left), Constraint::Min(10)]).areas(body);
    let metric = selected_metric(app, run);
    frame.render_widget(Paragraph::new(run_lines(run, metric, theme)), lists);
    if let Some(key) = metric {
        let points = run.history.get(key).map_or(&[][..], Vec::as_slice);
        draw_chart(frame, chart, key, points, theme);
    }
}

/// The metric on the chart: the chosen one, else the first.
fn selected_metric<'a>(app: &Screen<'_>, run: &'a RunDetail) -> Option<&'a str> {
    let chosen = app.view.models.metric.as_deref();
    chosen
        .and_then(|m| run.metrics.get_key_value(m).map(|(k, _)| k.as_str()))
        .or_else(|| run.metrics.keys().next().map(String::as_str))
}

fn header(
    app: &Screen<'_>,
    model: &RegisteredModel,
    v: &ModelVersion,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let (role, glyph) = version_badge(v.status);
    let age = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map_or_else(
            || "–".to_owned(),
            |t| format!("{} ago", format_age(app.now, t)),
        )
    };
    let mut first = vec![
        Span::styled(
            format!(" {} v{} ", model.name, v.version),
            theme.style(Role::Title),
        ),
        Span::styled(format!("{glyph} {}", v.status.as_str()), theme.style(role)),
    ];
    if !v.aliases.is_empty() {
        first.push(Span::styled(
            format!(" · @{}", v.aliases.join(" @")),
            theme.style(Role::Accent),
        ));
    }
    if v.has_stage() {
        let stage = v.stage.clone().unwrap_or_default();
        first.push(Span::styled(
            format!(" · stage {stage}"),
            theme.style(Role::Text),
        ));
    }
    let muted = theme.style(Role::Muted);
    let run = match (&v.run_name, &v.run_id) {
        (Some(name), Some(id)) => format!("{name} ({id})"),
        (None, Some(id)) => id.clone(),
        _ => "–".to_owned(),
    };
    let mut lines = vec![
        Line::from(first),
        Line::styled(
            format!(
                " created {} · updated {} · run {run}",
                age(v.created),
                age(v.updated)
            ),
            muted,
        ),
        Line::styled(
            format!(
                " commit {} · source {}",
                v.git_commit.as_deref().unwrap_or("–"),
                v.source.as_deref().unwrap_or("–")
            ),
            muted,
        ),
    ];
    lines.extend(built_by(app, v, theme));
    lines.extend(trained_by(app, v, theme));
    if let Some(msg) = &v.status_message {
        lines.push(Line::styled(format!(" {msg}"), theme.style(role)));
    }
    lines.push(Line::raw(""));
    lines
}

/// "built by CI #42 (success)" when a known run built the version's commit.
fn built_by(app: &Screen<'_>, v: &ModelVersion, theme: &Theme) -> Option<Line<'static>> {
    let text = crate::state::trace::built_by(app.store, v.git_commit.as_deref()?)?;
    Some(Line::styled(format!(" {text}"), theme.style(Role::Accent)))
}

/// "trained by etl_daily run …" when the source run carries the Airflow tags.
fn trained_by(app: &Screen<'_>, v: &ModelVersion, theme: &Theme) -> Option<Line<'static>> {
    let Some(RunLoad::Loaded(run)) = app.view.models.run(v.run_id.as_deref()) else {
        return None;
    };
    let text = crate::state::trace::trained_by(app.store, &run.tags)?;
    Some(Line::styled(format!(" {text}"), theme.style(Role::Accent)))
}

fn run_lines<'a>(run: &RunDetail, metric: Option<&str>, theme: &Theme) -> Vec<Line<'a>> {
    let mut lines = vec![Line::styled(
        format!(" METRICS ({})", run.metrics.len()),
        theme.style(Role::Title),
    )];
    for (key, value) in &run.metrics {
        let chosen = Some(key.as_str()) == metric;
        let (mark, role) = if chosen {
            ("▸", Role::Selection)
        } else {
            (" ", Role::Text)
        };
        lines.push(Line::styled(
            format!("{mark}{key} = {}", number(*value)),
            theme.style(role),
        ));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        format!(" PARAMS ({})", run.params.len()),
        theme.style(Role::Title),
    ));
    for (key, value) in &run.params {
        lines.push(Line::styled(
            format!("  {key} = {value}"),
            theme.style(Role::Text),
        ));
    }
    lines
}

/// A metric value with up to 4 decimals, trailing zeros cut.
pub fn number(v: f64) -> String {
    if v.is_nan() || v.is_infinite() {
        return v.to_string();
    }
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_owned()
    } else {
        s.to_owned()
    }
}

/// Draws a metric's history by step; one point is shown as text.
fn draw_chart(frame: &mut Frame, area: Rect, key: &str, points: &[MetricPoint], theme: &Theme) {
    #[allow(clippy::cast_precision_loss, reason = "steps are far below 2^52")]
    let data: Vec<(f64, f64)> = points
        .iter()
        .filter(|p| p.value.is_finite())
        .map(|p| (p.step as f64, p.value))
        .collect();
    let title = format!(" {key} by step ({} points) ", data.len());
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(Role::Border))
        .title(Span::styled(title, theme.style(Role::Title)));
    if data.len() < 2 {
        let text = data.first().map_or_else(
            || "no history".to_owned(),
            |(s, v)| format!("one point: step {s} = {}", number(*v)),
        );
        frame.render_widget(Paragraph::new(format!(" {text}")).block(block), area);
        return;
    }
    let (x0, x1) = bounds(data.iter().map(|p| p.0));
    let (y0, y1) = bounds(data.iter().map(|p| p.1));
    let dataset = Dataset::default()
        .name(key.to_owned())
        .marker(Marker::Braille)
        .graph_type(GraphType::Line)
        .style(theme.style(Role::Accent))
        .data(&data);
    let axis_style = theme.style(Role::Muted);
    let chart = Chart::new(vec![dataset])
        .block(block)
        .legend_position(None)
        .x_axis(
            Axis::default()
                .bounds([x0, x1])
                .style(axis_style)
                .labels([number(x0), number(x1)]),
        )
        .y_axis(
            Axis::default()
                .bounds([y0, y1])
                .style(axis_style)
                .labels([number(y0), number(y1)]),
        );
    frame.render_widget(chart, area);
}

/// Min and max, widened a little when they are equal so the line is drawn.
fn bounds(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if (hi - lo).abs() < f64::EPSILON {
        (lo - 1.0, hi + 1.0)
    } else {
        (lo, hi)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short() {
        assert_eq!(number(0.912_345), "0.9123");
        assert_eq!(number(3.0), "3");
        assert_eq!(number(-0.000_01), "0");
        assert_eq!(bounds([2.0, 2.0].into_iter()), (1.0, 3.0));
    }
}

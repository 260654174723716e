//! The strip under the table: CPU and memory sparklines of the selected
//! container, from the store's bounded history, beside the current values.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Sparkline};

use super::cells::{bytes, cpu, mem};
use crate::state::SourceId;
use crate::state::container::Container;
use crate::theme::{Role, Theme};
use crate::view::Screen;

/// Rows the strip takes.
pub const HEIGHT: u16 = 3;

/// Draws the CPU and memory sparklines of container `c` on `source`.
pub fn draw(
    frame: &mut Frame,
    area: Rect,
    app: &Screen<'_>,
    source: SourceId,
    c: &Container,
    theme: &Theme,
) {
    let [cpu_area, mem_area] = Layout::horizontal([Constraint::Fill(1), Constraint::Fill(1)])
        .spacing(2)
        .areas(area);
    let history = &app.store.container_history;
    let cpu_series: Vec<u64> = history
        .of(source, &c.id)
        .map(|s| tenths(s.cpu_percent))
        .collect();
    let mem_series: Vec<u64> = history.of(source, &c.id).map(|s| s.mem_used).collect();
    let cpu_peak = cpu_series.iter().copied().max().unwrap_or(0);
    let mem_peak = mem_series.iter().copied().max().unwrap_or(0);
    let cpu_label = [
        format!("CPU {}", c.name),
        cpu(c),
        format!("peak {}.{}%", cpu_peak / 10, cpu_peak % 10),
    ];
    let mem_label = [
        "MEM".to_owned(),
        mem(c, false),
        format!("peak {}", bytes(mem_peak)),
    ];
    // Both scale to a quarter above their peak, so a trend shows without bars
    // pinned at the top; CPU to at least 5 % so an idle container looks idle.
    let cpu_max = (cpu_peak + cpu_peak / 4).max(50);
    gauge(
        frame,
        cpu_area,
        cpu_label,
        &cpu_series,
        Some(cpu_max),
        theme,
    );
    let mem_max = (mem_peak + mem_peak / 4).max(1);
    gauge(
        frame,
        mem_area,
        mem_label,
        &mem_series,
        Some(mem_max),
        theme,
    );
}

/// One labelled sparkline: three label lines on the left, the newest samples right.
fn gauge(
    frame: &mut Frame,
    area: Rect,
    label: [String; 3],
    series: &[u64],
    max: Option<u64>,
    theme: &Theme,
) {
    let [text, spark] = Layout::horizontal([Constraint::Length(16), Constraint::Fill(1)])
        .spacing(1)
        .areas(area);
    let [head, value, peak] = label;
    let lines = vec![
        Line::styled(head, theme.style(Role::Title)),
        Line::styled(value, theme.style(Role::Text)),
        Line::styled(peak, theme.style(Role::Muted)),
    ];
    frame.render_widget(Paragraph::new(lines), text);
    if series.is_empty() {
        let hint = Paragraph::new("no samples yet").style(theme.style(Role::Muted));
        frame.render_widget(hint, spark);
        return;
    }
    let shown = &series[series.len().saturating_sub(usize::from(spark.width))..];
    // The whole area takes the bars' style first: a new zero sample then draws a
    // blank the terminal already has, and nothing is sent for it.
    frame
        .buffer_mut()
        .set_style(spark, theme.style(Role::Accent));
    let mut line = Sparkline::default()
        .data(shown)
        .style(theme.style(Role::Accent));
    if let Some(max) = max {
        line = line.max(max);
    }
    frame.render_widget(line, spark);
}

/// CPU percent in tenths, clamped to non-negative.
fn tenths(percent: f64) -> u64 {
    if percent.is_finite() && percent > 0.0 {
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "finite and positive; a percentage fits u64 after rounding"
        )]
        let t = (percent * 10.0).round().min(1e15) as u64;
        t
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::buffer::Buffer;

    use super::*;

    fn drawn(series: &[u64]) -> Buffer {
        let theme = crate::theme::load("default", None, crate::theme::ColorDepth::TrueColor)
            .expect("built-in theme");
        let mut terminal = Terminal::new(TestBackend::new(60, 3)).expect("test terminal");
        terminal
            .draw(|f| {
                let label = ["CPU".to_owned(), "0.0%".to_owned(), "peak 0.0%".to_owned()];
                gauge(f, f.area(), label, series, Some(50), &theme);
            })
            .expect("draw");
        terminal.backend().buffer().clone()
    }

    #[test]
    fn a_new_zero_sample_changes_no_cell() {
        let before = drawn(&[0; 5]);
        let after = drawn(&[0; 6]);
        assert!(
            before.diff(&after).is_empty(),
            "cells sent for an idle sample: {:?}",
            before.diff(&after)
        );
    }

    #[test]
    fn a_new_nonzero_sample_changes_its_column() {
        let before = drawn(&[0; 5]);
        let after = drawn(&[0, 0, 0, 0, 0, 40]);
        let changed: Vec<u16> = before.diff(&after).iter().map(|(x, _, _)| *x).collect();
        assert_eq!(changed, vec![22, 22, 22], "the sixth bar, all three rows");
    }
}

//! The strip under the table: CPU and memory sparklines of the selected
//! container, from the store's bounded history, beside the current values.
//!
//! The sparkline spans the whole history kept: where it is narrower than the
//! history, a bar stands for a few consecutive samples at their peak (so a spike
//! is never averaged away). Samples go to bars by their ordinal, so a bar keeps
//! its samples as older ones drop, and the newest bar is always at the right
//! edge: on an idle container a new sample changes no cell, or the one bar it joins.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, RenderDirection, Sparkline};

use super::cells::{bytes, cpu, mem};
use crate::state::SourceId;
use crate::state::container::{Container, HISTORY_LEN};
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
    let samples = || history.numbered(source, &c.id);
    let cpu_peak = samples()
        .map(|(_, s)| tenths(s.cpu_percent))
        .max()
        .unwrap_or(0);
    let mem_peak = samples().map(|(_, s)| s.mem_used).max().unwrap_or(0);
    // One grouping for both (their widths differ by a column at most).
    let per = samples_per_bar(spark_width(cpu_area));
    let cpu_series = bars(samples().map(|(n, s)| (n, tenths(s.cpu_percent))), per);
    let mem_series = bars(samples().map(|(n, s)| (n, s.mem_used)), per);
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

/// Columns left for the sparkline beside its 16-column label.
const LABEL: u16 = 16;

fn spark_width(area: Rect) -> u16 {
    area.width.saturating_sub(LABEL + 1)
}

/// Samples per bar so the whole history fits `width` bars.
fn samples_per_bar(width: u16) -> u64 {
    (HISTORY_LEN as u64).div_ceil(u64::from(width.max(1)))
}

/// One bar per `per` consecutive ordinals (`ordinal / per`), at the peak of its
/// samples, oldest first; the newest `HISTORY_LEN / per` of them, so a full
/// history always shows as many bars (the oldest, part-dropped one is left out).
fn bars(samples: impl Iterator<Item = (u64, u64)>, per: u64) -> Vec<u64> {
    let per = per.max(1);
    let most = usize::try_from(HISTORY_LEN as u64 / per).unwrap_or(HISTORY_LEN);
    let mut out: Vec<u64> = Vec::new();
    let mut current: Option<u64> = None;
    for (ordinal, value) in samples {
        let bar = ordinal / per;
        match out.last_mut() {
            Some(last) if current == Some(bar) => *last = (*last).max(value),
            _ => out.push(value),
        }
        current = Some(bar);
    }
    let extra = out.len().saturating_sub(most);
    out.drain(..extra);
    out
}

/// One labelled sparkline: three label lines on the left, the newest bar at the right edge.
fn gauge(
    frame: &mut Frame,
    area: Rect,
    label: [String; 3],
    series: &[u64],
    max: Option<u64>,
    theme: &Theme,
) {
    let [text, spark] = Layout::horizontal([Constraint::Length(LABEL), Constraint::Fill(1)])
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
    // Newest first, drawn from the right edge leftwards.
    let shown: Vec<u64> = series
        .iter()
        .rev()
        .take(usize::from(spark.width))
        .copied()
        .collect();
    // The whole area takes the bars' style first: a new zero sample then draws a
    // blank the terminal already has, and nothing is sent for it.
    frame
        .buffer_mut()
        .set_style(spark, theme.style(Role::Accent));
    let mut line = Sparkline::default()
        .data(&shown)
        .direction(RenderDirection::RightToLeft)
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
    fn a_new_bar_comes_in_at_the_right_edge() {
        let before = drawn(&[0; 5]);
        let after = drawn(&[0, 0, 0, 0, 0, 40]);
        let changed: Vec<u16> = before.diff(&after).iter().map(|(x, _, _)| *x).collect();
        assert_eq!(changed, vec![59, 59, 59], "the newest bar, all three rows");
    }

    #[test]
    fn a_bar_is_the_peak_of_its_samples_grouped_by_ordinal() {
        let samples = [(0, 1), (1, 5), (2, 2), (3, 4), (4, 0)];
        assert_eq!(bars(samples.into_iter(), 3), vec![5, 4]);
        // Ordinals, not positions: samples 4 and 5 belong to the bar of 3..6.
        assert_eq!(bars([(4, 1), (5, 2), (6, 3)].into_iter(), 3), vec![2, 3]);
        assert_eq!(bars([(7, 9)].into_iter(), 0), vec![9], "per 0 counts as 1");
        assert_eq!(samples_per_bar(43), 3);
        assert_eq!(samples_per_bar(200), 1);
        assert_eq!(samples_per_bar(0), HISTORY_LEN as u64);
    }

    /// A full history of a flat series, from ordinal `first` on.
    fn flat_history(first: u64, value: u64) -> Vec<u64> {
        let ordinals = first..first + HISTORY_LEN as u64;
        bars(ordinals.map(|n| (n, value)), samples_per_bar(43))
    }

    #[test]
    fn a_full_flat_history_draws_the_same_bars_as_it_rotates() {
        let first = drawn(&flat_history(80, 30));
        for start in 81..90 {
            let next = drawn(&flat_history(start, 30));
            assert!(first.diff(&next).is_empty(), "cells changed at {start}");
        }
        assert_eq!(flat_history(81, 30).len(), 40);
    }
}

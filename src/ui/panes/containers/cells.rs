//! The Containers table's columns and cells: which columns fit the width, how
//! each value reads, and the one mapping from container status to colour role.
//! Every status cell carries a glyph and a word, so colour is never alone.

pub use crate::ui::widgets::fit::{fit, fit_tail};

use chrono::{DateTime, Utc};
use ratatui::layout::Constraint;

use crate::state::Severity;
use crate::state::container::{
    CRASH_LOOP_RESTARTS, CRASH_WINDOW_SECS, Container, ContainerHealth, ContainerState,
};
use crate::state::health::format_age;
use crate::theme::Role;
use crate::ui::widgets::table::Column;

/// A column of the Containers table, in sort-index order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    /// Container, project or host name.
    Name,
    /// Image reference.
    Image,
    /// Lifecycle state.
    State,
    /// Health check result.
    Health,
    /// Time up, or exit code and time since it stopped.
    Uptime,
    /// Restart count.
    Restarts,
    /// CPU percent.
    Cpu,
    /// Memory used (and limit when wide).
    Mem,
    /// Published ports.
    Ports,
}

/// A status shown in a cell, for `badge`.
#[derive(Debug, Clone, Copy)]
pub enum Status<'a> {
    /// A container's lifecycle state (its exit code decides exited's colour).
    State(&'a Container),
    /// A health check result.
    Health(ContainerHealth),
    /// A group's worst severity.
    Severity(Severity),
}

/// The one mapping from a container status to its colour role and glyph.
pub fn badge(status: Status<'_>) -> (Role, &'static str) {
    match status {
        Status::State(c) if c.crash_loop => (Role::Critical, "↻"),
        Status::State(c) if c.has_failed_start() => (Role::Critical, "✗"),
        Status::State(c) => match c.state {
            ContainerState::Running => (Role::Ok, "●"),
            ContainerState::Paused => (Role::Pending, "‖"),
            ContainerState::Restarting => (Role::Critical, "↻"),
            ContainerState::Exited if c.severity() == Severity::Critical => (Role::Critical, "■"),
            ContainerState::Exited => (Role::Muted, "■"),
            ContainerState::Dead => (Role::Critical, "✗"),
            ContainerState::Created => (Role::Pending, "○"),
            ContainerState::Removing => (Role::Pending, "…"),
        },
        Status::Health(h) => match h {
            ContainerHealth::Healthy => (Role::Ok, "✓"),
            ContainerHealth::Unhealthy => (Role::Critical, "✗"),
            ContainerHealth::Starting => (Role::Warning, "…"),
            ContainerHealth::None => (Role::Muted, "–"),
        },
        Status::Severity(s) => match s {
            Severity::Ok => (Role::Ok, "✓"),
            Severity::Warning => (Role::Warning, "!"),
            Severity::Critical => (Role::Critical, "✗"),
            Severity::Unknown => (Role::Muted, "?"),
        },
    }
}

/// A column that takes a share of the spare width: column, weight, minimum.
type Flex = (Col, u16, u16);

/// Columns of a fixed width.
type Fixed = (Col, u16);

/// The columns that fit `width`, each with its width; the sort index of a
/// column is its position in `Col` order. PORTS goes first, then IMAGE.
pub fn plan(width: u16) -> Vec<(Col, u16)> {
    const FULL: &[Fixed] = &[
        (Col::State, 12),
        (Col::Health, 11),
        (Col::Uptime, 16),
        (Col::Restarts, 9),
        (Col::Cpu, 7),
        (Col::Mem, 13),
    ];
    const COMPACT: &[Fixed] = &[
        (Col::State, 12),
        (Col::Health, 11),
        (Col::Uptime, 16),
        (Col::Restarts, 4),
        (Col::Cpu, 7),
        (Col::Mem, 7),
    ];
    const MINIMAL: &[Fixed] = &[
        (Col::State, 12),
        (Col::Health, 11),
        (Col::Restarts, 4),
        (Col::Cpu, 7),
        (Col::Mem, 7),
    ];
    let tiers: [(&[Flex], &[Fixed]); 4] = [
        (
            &[(Col::Name, 3, 18), (Col::Image, 2, 12), (Col::Ports, 2, 12)],
            FULL,
        ),
        (&[(Col::Name, 3, 18), (Col::Image, 2, 12)], FULL),
        (&[(Col::Name, 1, 14)], COMPACT),
        (&[(Col::Name, 1, 0)], MINIMAL),
    ];
    for (flex, fixed) in tiers {
        let gaps = u16::try_from(fixed.len() + flex.len() - 1).unwrap_or(u16::MAX);
        let used: u16 = fixed.iter().map(|(_, w)| w).sum::<u16>() + gaps;
        let spare = width.saturating_sub(used);
        let weights: u16 = flex.iter().map(|(_, w, _)| w).sum();
        let mut shares: Vec<(Col, u16)> = flex
            .iter()
            .map(|&(c, w, _)| (c, share(spare, w, weights)))
            .collect();
        let rest = spare - shares.iter().map(|(_, w)| w).sum::<u16>();
        shares[0].1 += rest;
        let fits = flex
            .iter()
            .zip(&shares)
            .all(|((_, _, min), (_, got))| got >= min);
        if fits {
            let mut cols = shares;
            cols.extend_from_slice(fixed);
            cols.sort_by_key(|(c, _)| *c as usize);
            return cols;
        }
    }
    Vec::new()
}

/// `spare * weight / total`, without overflowing.
fn share(spare: u16, weight: u16, total: u16) -> u16 {
    let part = u32::from(spare) * u32::from(weight) / u32::from(total.max(1));
    u16::try_from(part).unwrap_or(spare)
}

/// The table columns for a plan.
pub fn columns(plan: &[(Col, u16)]) -> Vec<Column> {
    plan.iter()
        .map(|&(col, width)| Column {
            title: title(col, width),
            width: Constraint::Length(width),
        })
        .collect()
}

fn title(col: Col, width: u16) -> &'static str {
    match col {
        Col::Name => "NAME",
        Col::Image => "IMAGE",
        Col::State => "STATE",
        Col::Health => "HEALTH",
        Col::Uptime => "UPTIME",
        Col::Restarts if width < 8 => "RST",
        Col::Restarts => "RESTARTS",
        Col::Cpu => "CPU",
        Col::Mem => "MEM",
        Col::Ports => "PORTS",
    }
}

/// The STATE word: the engine's, or `crash loop` when it keeps restarting.
pub fn state_word(c: &Container) -> &'static str {
    if c.crash_loop {
        "crash loop"
    } else {
        c.state.as_str()
    }
}

/// The UPTIME text of a crash loop (`4×/5m · exit 1`), a failed start, or a
/// stop on request (`stopped · 5m ago`); `None` for everything else.
fn lifecycle_text(c: &Container, now: DateTime<Utc>) -> Option<String> {
    let code = || {
        c.exit_code
            .map_or_else(|| "?".to_owned(), |e| e.to_string())
    };
    if c.crash_loop {
        let window = CRASH_WINDOW_SECS / 60;
        return Some(if c.recent_restarts >= CRASH_LOOP_RESTARTS {
            format!("{}×/{window}m · exit {}", c.recent_restarts, code())
        } else {
            format!("{}× · exit {}", c.restart_count, code())
        });
    }
    if c.has_failed_start() {
        return Some("start failed".to_owned());
    }
    if c.stopped_on_request && !c.is_running() {
        return Some(match c.finished_at {
            Some(t) => format!("stopped · {} ago", format_age(now, t)),
            None => "stopped".to_owned(),
        });
    }
    None
}

/// The UPTIME text: `up 3h` while up, `exit 3 · 5m ago` once stopped.
pub fn uptime(c: &Container, now: DateTime<Utc>) -> String {
    if let Some(text) = lifecycle_text(c, now) {
        return text;
    }
    match c.state {
        ContainerState::Exited | ContainerState::Dead => {
            let code = c
                .exit_code
                .map_or_else(|| "?".to_owned(), |e| e.to_string());
            match c.finished_at {
                Some(t) => format!("exit {code} · {} ago", format_age(now, t)),
                None => format!("exit {code}"),
            }
        }
        ContainerState::Created => "never started".to_owned(),
        // A restart loop is not uptime: say what the last run ended with.
        ContainerState::Restarting => {
            let code = c
                .exit_code
                .map_or_else(|| "?".to_owned(), |e| e.to_string());
            format!("last exit {code}")
        }
        _ => c
            .started_at
            .map_or_else(|| "–".to_owned(), |t| format!("up {}", format_age(now, t))),
    }
}

/// The CPU text: `12.5%`, or `–` without a sample.
pub fn cpu(c: &Container) -> String {
    c.stats
        .map_or_else(|| "–".to_owned(), |s| format!("{:.1}%", s.cpu_percent))
}

/// The MEM text: `12.3M / 1.9G`, or only the used part when `compact`.
pub fn mem(c: &Container, compact: bool) -> String {
    match c.stats {
        None => "–".to_owned(),
        Some(s) if compact => bytes(s.mem_used),
        Some(s) => format!("{} / {}", bytes(s.mem_used), bytes(s.mem_limit)),
    }
}

/// Binary-prefixed size: `512B`, `12.3M`, `512M`, `1.9G`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 6] = ["B", "K", "M", "G", "T", "P"];
    let mut value = n;
    let mut unit = 0;
    // Whole units and tenths, in integers so no float casts are needed.
    let mut tenths = 0;
    while value >= 1024 && unit + 1 < UNITS.len() {
        tenths = (value % 1024) * 10 / 1024;
        value /= 1024;
        unit += 1;
    }
    if unit == 0 || value >= 100 {
        format!("{value}{}", UNITS[unit])
    } else {
        format!("{value}.{tenths}{}", UNITS[unit])
    }
}

/// Published ports, joined, without the all-interfaces address and IPv6 duplicates.
pub fn ports(c: &Container) -> String {
    let mut shown: Vec<&str> = Vec::with_capacity(c.ports.len());
    for p in &c.ports {
        let short = ["0.0.0.0:", "[::]:", ":::"]
            .iter()
            .find_map(|prefix| p.strip_prefix(prefix))
            .unwrap_or(p);
        if !shown.contains(&short) {
            shown.push(short);
        }
    }
    shown.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_docker_stats() {
        assert_eq!(bytes(512), "512B");
        assert_eq!(bytes(12_900_000), "12.3M");
        assert_eq!(bytes(512 * 1024 * 1024), "512M");
        assert_eq!(bytes(2_040_000_000), "1.8G");
    }

    #[test]
    fn cutting_marks_the_cut() {
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("abc", 4), "abc");
        assert_eq!(fit_tail("registry/web:1.2", 8), "…web:1.2");
        assert_eq!(fit("abc", 0), "…");
    }

    #[test]
    fn narrow_plans_drop_ports_then_image() {
        let cols = |w| plan(w).into_iter().map(|(c, _)| c).collect::<Vec<_>>();
        assert!(cols(160).contains(&Col::Ports));
        assert!(!cols(110).contains(&Col::Ports) && cols(110).contains(&Col::Image));
        assert!(!cols(80).contains(&Col::Image));
        assert_eq!(plan(80).iter().map(|(_, w)| w).sum::<u16>() + 6, 80);
        assert!(!cols(60).contains(&Col::Uptime) && cols(60).contains(&Col::Name));
    }
}

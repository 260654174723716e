//! CPU and memory from one-shot stats samples, computed exactly as `docker stats`
//! does, except that the previous sample is our own (one-shot answers carry none).

use bollard::models::ContainerStatsResponse;
use chrono::{DateTime, Utc};

use crate::state::container::ContainerStats;

/// The counters of one sample that CPU % is computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CpuSample {
    /// Container CPU time, ns.
    pub total: u64,
    /// Host CPU time, ns.
    pub system: u64,
}

/// Reads the CPU counters of a sample.
pub fn cpu_sample(s: &ContainerStatsResponse) -> Option<CpuSample> {
    let cpu = s.cpu_stats.as_ref()?;
    Some(CpuSample {
        total: cpu.cpu_usage.as_ref()?.total_usage?,
        system: cpu.system_cpu_usage?,
    })
}

/// CPU % between two samples: Δcontainer / Δsystem × online CPUs × 100.
pub fn cpu_percent(prev: CpuSample, now: CpuSample, online_cpus: u32) -> f64 {
    let d_cpu = now.total.saturating_sub(prev.total);
    let d_sys = now.system.saturating_sub(prev.system);
    if d_sys == 0 || d_cpu == 0 {
        return 0.0;
    }
    #[allow(
        clippy::cast_precision_loss,
        reason = "percentages need no 53-bit precision"
    )]
    let pct = d_cpu as f64 / d_sys as f64 * f64::from(online_cpus) * 100.0;
    pct
}

/// Online CPUs as the CLI reads them: `online_cpus`, else the per-CPU list's length.
pub fn online_cpus(s: &ContainerStatsResponse) -> u32 {
    let cpu = s.cpu_stats.as_ref();
    cpu.and_then(|c| c.online_cpus)
        .filter(|n| *n > 0)
        .unwrap_or_else(|| {
            let per = cpu
                .and_then(|c| c.cpu_usage.as_ref())
                .and_then(|u| u.percpu_usage.as_ref());
            per.map_or(1, |p| u32::try_from(p.len()).unwrap_or(1).max(1))
        })
}

/// Memory in use minus page cache: `total_inactive_file` (cgroup v1) or
/// `inactive_file` (cgroup v2), as the docker CLI subtracts it.
pub fn memory(s: &ContainerStatsResponse) -> Option<(u64, u64)> {
    let m = s.memory_stats.as_ref()?;
    let usage = m.usage?;
    let cache = m.stats.as_ref().and_then(|st| {
        st.get("total_inactive_file")
            .or_else(|| st.get("inactive_file"))
            .copied()
    });
    let used = match cache {
        Some(c) if c < usage => usage - c,
        _ => usage,
    };
    Some((used, m.limit.unwrap_or(0)))
}

/// Builds a `ContainerStats` from a sample and our previous CPU counters.
pub fn to_stats(
    s: &ContainerStatsResponse,
    prev: Option<CpuSample>,
    now: DateTime<Utc>,
) -> Option<ContainerStats> {
    let (mem_used, mem_limit) = memory(s)?;
    let cpu_percent = match (prev, cpu_sample(s)) {
        (Some(p), Some(n)) => cpu_percent(p, n, online_cpus(s)),
        _ => 0.0,
    };
    Some(ContainerStats {
        cpu_percent,
        mem_used,
        mem_limit,
        at: s.read.unwrap_or(now),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn sample(json: &str) -> ContainerStatsResponse {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn cpu_percent_matches_the_cli_formula() {
        let prev = CpuSample {
            total: 1_000_000_000,
            system: 100_000_000_000,
        };
        let now = CpuSample {
            total: 1_500_000_000,
            system: 102_000_000_000,
        };
        // 0.5 s of 2 s host time on 2 CPUs = 50 %.
        assert!((cpu_percent(prev, now, 2) - 50.0).abs() < 1e-9);
        assert!(cpu_percent(now, now, 2).abs() < f64::EPSILON);
    }

    #[test]
    fn memory_excludes_inactive_file_on_v1_and_v2() {
        let v1 = sample(
            r#"{"memory_stats":{"usage":1000,"limit":4000,"stats":{"total_inactive_file":300,"cache":500}}}"#,
        );
        assert_eq!(memory(&v1), Some((700, 4000)));
        let v2 =
            sample(r#"{"memory_stats":{"usage":1000,"limit":4000,"stats":{"inactive_file":100}}}"#);
        assert_eq!(memory(&v2), Some((900, 4000)));
        let bare = ContainerStatsResponse {
            memory_stats: Some(bollard::models::ContainerMemoryStats {
                usage: Some(10),
                stats: Some(HashMap::new()),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert_eq!(memory(&bare), Some((10, 0)));
    }

    #[test]
    fn online_cpus_falls_back_to_percpu_length() {
        let s = sample(
            r#"{"cpu_stats":{"cpu_usage":{"total_usage":5,"percpu_usage":[1,2,3,4]},"system_cpu_usage":9}}"#,
        );
        assert_eq!(online_cpus(&s), 4);
    }
}

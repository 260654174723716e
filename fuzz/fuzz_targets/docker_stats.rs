//! Structure-aware: two stats samples built from arbitrary counters, so the
//! CPU and memory arithmetic sees every corner (zero, backwards, u64::MAX,
//! cache above usage) instead of stopping at JSON syntax.
#![no_main]

use arbitrary::Arbitrary;
use serde_json::{Value, json};

#[derive(Debug, Arbitrary)]
struct Sample {
    total: Option<u64>,
    system: Option<u64>,
    online: Option<u32>,
    percpu: Option<u8>,
    usage: Option<u64>,
    limit: Option<u64>,
    inactive_v1: Option<u64>,
    inactive_v2: Option<u64>,
    read: Option<i64>,
}

impl Sample {
    fn to_json(&self) -> Value {
        let mut stats = serde_json::Map::new();
        if let Some(v) = self.inactive_v1 {
            stats.insert("total_inactive_file".into(), v.into());
        }
        if let Some(v) = self.inactive_v2 {
            stats.insert("inactive_file".into(), v.into());
        }
        let percpu: Option<Vec<u64>> = self.percpu.map(|n| vec![1; usize::from(n)]);
        let read = self
            .read
            .and_then(|s| chrono::DateTime::from_timestamp(s % 300_000_000_000, 0))
            .map(|d| d.to_rfc3339());
        json!({
            "read": read,
            "cpu_stats": {
                "cpu_usage": { "total_usage": self.total, "percpu_usage": percpu },
                "system_cpu_usage": self.system,
                "online_cpus": self.online,
            },
            "memory_stats": { "usage": self.usage, "limit": self.limit, "stats": stats },
        })
    }
}

#[derive(Debug, Arbitrary)]
struct Input {
    prev: Sample,
    cur: Sample,
    raw: ((u64, u64), (u64, u64), u32),
}

libfuzzer_sys::fuzz_target!(|input: Input| {
    let pair = json!([input.prev.to_json(), input.cur.to_json()]);
    if let Ok(bytes) = serde_json::to_vec(&pair) {
        flightdeck::fuzzing::docker_stats(&bytes);
    }
    let (prev, cur, cpus) = input.raw;
    flightdeck::fuzzing::cpu_percent(prev, cur, cpus);
});

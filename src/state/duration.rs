//! Durations written back in config syntax (`1m30s`, `500ms`).

use std::fmt;
use std::time::Duration;

/// Writes a duration back in config syntax (`1m30s`, `500ms`).
pub struct Display(pub Duration);

impl fmt::Display for Display {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let millis = self.0.as_millis();
        if millis == 0 {
            return f.write_str("0s");
        }
        let (hours, rem) = (millis / 3_600_000, millis % 3_600_000);
        let (minutes, rem) = (rem / 60_000, rem % 60_000);
        let (seconds, millis) = (rem / 1000, rem % 1000);
        for (value, unit) in [(hours, "h"), (minutes, "m"), (seconds, "s"), (millis, "ms")] {
            if value > 0 {
                write!(f, "{value}{unit}")?;
            }
        }
        Ok(())
    }
}

//! Durations in the config file: `"500ms"`, `"15s"`, `"2m"`, `"1h"`, `"1m30s"`.
//! Parsed by `humantime`, which also takes spaces and long unit names (`"1 min 30 sec"`,
//! `"2days"`, `"1.5s"`); written back in the short form.

use std::time::Duration;

/// A string that is not a duration; its `Display` says how to write one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid duration '{0}': use a number and a unit, like \"15s\" or \"2m\"")]
pub struct DurationError(pub String);

/// Parses a duration such as `"15s"` or `"1m30s"`.
pub fn parse(text: &str) -> Result<Duration, DurationError> {
    humantime::parse_duration(text.trim()).map_err(|_| DurationError(text.to_owned()))
}

pub use crate::state::duration::Display;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_unit_and_sums() {
        assert_eq!(parse("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse("15s"), Ok(Duration::from_secs(15)));
        assert_eq!(parse("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse("1s500ms"), Ok(Duration::from_millis(1500)));
    }

    #[test]
    fn rejects_bad_input() {
        for bad in [
            "",
            " ",
            "15",
            "15x",
            "s",
            "-1s",
            "m1",
            "1s-",
            "99999999999999999999s",
        ] {
            assert_eq!(parse(bad), Err(DurationError(bad.to_owned())), "{bad}");
        }
        assert_eq!(
            DurationError("15x".into()).to_string(),
            "invalid duration '15x': use a number and a unit, like \"15s\" or \"2m\""
        );
    }

    #[test]
    fn takes_humantime_spellings_too() {
        assert_eq!(parse("1 min 30 sec"), Ok(Duration::from_secs(90)));
        assert_eq!(parse("2days"), Ok(Duration::from_secs(2 * 86_400)));
        assert_eq!(parse(" 15s "), Ok(Duration::from_secs(15)));
    }

    #[test]
    fn displays_round_trip() {
        for text in ["500ms", "15s", "2m", "1h", "1m30s", "1h1m1s1ms", "0s"] {
            let parsed = parse(text).unwrap();
            assert_eq!(Display(parsed).to_string(), text);
        }
    }
}

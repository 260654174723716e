//! Durations in the config file: `"500ms"`, `"15s"`, `"2m"`, `"1h"`, `"1m30s"`.
//! Only whole numbers with a unit; parts add up, so `"1m30s"` is 90 seconds.

use std::time::Duration;

/// A string that is not a duration; its `Display` says how to write one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid duration '{0}': use a number and a unit, like \"15s\" or \"2m\"")]
pub struct DurationError(pub String);

/// Parses a duration such as `"15s"` or `"1m30s"`.
pub fn parse(text: &str) -> Result<Duration, DurationError> {
    let invalid = || DurationError(text.to_owned());
    let mut rest = text.trim();
    if rest.is_empty() {
        return Err(invalid());
    }
    let mut total = Duration::ZERO;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .ok_or_else(invalid)?;
        if digits == 0 {
            return Err(invalid());
        }
        let number: u64 = rest[..digits].parse().map_err(|_| invalid())?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let part = match &rest[..unit_len] {
            "ms" => Duration::from_millis(number),
            "s" => Duration::from_secs(number),
            "m" => Duration::from_secs(number.saturating_mul(60)),
            "h" => Duration::from_secs(number.saturating_mul(3600)),
            _ => return Err(invalid()),
        };
        total = total.saturating_add(part);
        rest = &rest[unit_len..];
    }
    Ok(total)
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
        for bad in ["", "15", "15x", "s", "1.5s", "-1s", "1 s", "m1"] {
            assert_eq!(parse(bad), Err(DurationError(bad.to_owned())), "{bad}");
        }
        assert_eq!(
            DurationError("15x".into()).to_string(),
            "invalid duration '15x': use a number and a unit, like \"15s\" or \"2m\""
        );
    }

    #[test]
    fn displays_round_trip() {
        for text in ["500ms", "15s", "2m", "1h", "1m30s", "1h1m1s1ms", "0s"] {
            let parsed = parse(text).unwrap();
            assert_eq!(Display(parsed).to_string(), text);
        }
    }
}

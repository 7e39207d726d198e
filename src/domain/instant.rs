//! The range of instants the service accepts from a caller. Dates outside
//! it are mistakes or probes, and some of them (before 4713 BC) PostgreSQL
//! cannot even compare: they are refused at the edge with the field named,
//! instead of failing in the database. The ranges are in docs/api.md
//! ("Dates").

use chrono::{DateTime, Datelike, Months, Utc};
use serde::{Deserialize, Deserializer};

use super::{Rule, ValidationError};

/// The first year any instant may lie in.
pub const EARLIEST_YEAR: i32 = 1900;
/// The last year any instant may lie in (RFC 3339 has four-digit years).
pub const LATEST_YEAR: i32 = 9999;
/// How far ahead a person may set a challenge's dates.
pub const MAX_YEARS_AHEAD: u32 = 20;

/// The rule a date outside `EARLIEST_YEAR..=LATEST_YEAR` breaks.
pub fn out_of_range() -> Rule {
    Rule::DateOutOfRange {
        earliest: EARLIEST_YEAR,
        latest: LATEST_YEAR,
    }
}

/// Whether `at` lies within `EARLIEST_YEAR..=LATEST_YEAR`.
pub fn in_range(at: DateTime<Utc>) -> bool {
    (EARLIEST_YEAR..=LATEST_YEAR).contains(&at.year())
}

/// Refuses an instant outside `EARLIEST_YEAR..=LATEST_YEAR`.
pub fn check_in_range(field: &str, at: Option<DateTime<Utc>>) -> Result<(), ValidationError> {
    match at {
        Some(at) if !in_range(at) => Err(ValidationError::new(field, out_of_range())),
        _ => Ok(()),
    }
}

/// Refuses an instant more than [`MAX_YEARS_AHEAD`] years after `now`.
pub fn check_not_too_far_ahead(
    field: &str,
    at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), ValidationError> {
    let latest = now
        .checked_add_months(Months::new(12 * MAX_YEARS_AHEAD))
        .unwrap_or(now);
    match at {
        Some(at) if at > latest => Err(ValidationError::new(
            field,
            Rule::DateTooFarAhead {
                years: MAX_YEARS_AHEAD,
            },
        )),
        _ => Ok(()),
    }
}

/// For `Option<DateTime<Utc>>` filter fields of a query or body (RFC 3339):
/// absent is `None`; a date outside the range is an error on the field.
pub fn optional_in_range<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    let at = Option::<DateTime<Utc>>::deserialize(deserializer)?;
    match at {
        Some(at) if !in_range(at) => Err(serde::de::Error::custom(out_of_range())),
        _ => Ok(at),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().expect("RFC 3339")
    }

    #[test]
    fn the_range_runs_from_1900_to_9999() {
        assert!(in_range(at("1900-01-01T00:00:00Z")));
        assert!(in_range(at("9999-12-31T23:59:59Z")));
        assert!(!in_range(at("1899-12-31T23:59:59Z")));
        assert!(!in_range(at("-9999-01-01T00:00:00Z")));
        assert!(!in_range(at("+262142-01-01T00:00:00Z")));
    }

    #[test]
    fn twenty_years_ahead_is_the_limit_for_a_person() {
        let now = at("2026-01-01T00:00:00Z");
        assert!(
            check_not_too_far_ahead("closes_at", Some(at("2046-01-01T00:00:00Z")), now).is_ok()
        );
        let refused = check_not_too_far_ahead("closes_at", Some(at("2046-01-02T00:00:00Z")), now)
            .unwrap_err();
        assert_eq!(refused.field, "closes_at");
    }
}

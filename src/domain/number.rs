//! Whole numbers as JSON may carry them: `6` and also `6.0`, which JSON
//! Schema counts as an integer too. Fractions and out-of-range values are
//! refused with a message that names the problem.

use serde::de::{Deserializer, Error, Visitor};
use serde::Deserialize;

/// An integer read from JSON, also when written with a zero fraction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WholeNumber(pub i64);

impl<'de> Deserialize<'de> for WholeNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct WholeNumberVisitor;

        impl Visitor<'_> for WholeNumberVisitor {
            type Value = WholeNumber;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("a whole number")
            }

            fn visit_i64<E: Error>(self, value: i64) -> Result<WholeNumber, E> {
                Ok(WholeNumber(value))
            }

            fn visit_u64<E: Error>(self, value: u64) -> Result<WholeNumber, E> {
                i64::try_from(value)
                    .map(WholeNumber)
                    .map_err(|_| E::custom(format!("{value} is too large")))
            }

            fn visit_f64<E: Error>(self, value: f64) -> Result<WholeNumber, E> {
                let in_range = value.is_finite() && value.abs() < 9.0e15;
                if in_range && value.fract() == 0.0 {
                    Ok(WholeNumber(value as i64))
                } else {
                    Err(E::custom(format!("{value} is not a whole number")))
                }
            }

            fn visit_str<E: Error>(self, value: &str) -> Result<WholeNumber, E> {
                // Query strings carry every value as text.
                value
                    .trim()
                    .parse::<i64>()
                    .map(WholeNumber)
                    .map_err(|_| E::custom(format!("`{value}` is not a whole number")))
            }
        }

        deserializer.deserialize_any(WholeNumberVisitor)
    }
}

fn narrow<T: TryFrom<i64>, E: Error>(number: WholeNumber) -> Result<T, E> {
    T::try_from(number.0).map_err(|_| E::custom(format!("{} is out of range", number.0)))
}

/// For `Option<integer>` fields: absent or `null` is `None`.
pub fn optional<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<i64>,
{
    Option::<WholeNumber>::deserialize(deserializer)?
        .map(narrow)
        .transpose()
}

/// For patch fields: absent is `None`, `null` is `Some(None)`.
pub fn present_or_null<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<i64>,
{
    optional(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Sample {
        #[serde(default, deserialize_with = "optional")]
        amount: Option<i16>,
    }

    #[test]
    fn whole_floats_are_integers_and_fractions_are_not() {
        let parse = |json: &str| serde_json::from_str::<Sample>(json).map(|sample| sample.amount);
        assert_eq!(parse(r#"{"amount": 2}"#).unwrap(), Some(2));
        assert_eq!(parse(r#"{"amount": 2.0}"#).unwrap(), Some(2));
        assert_eq!(parse(r#"{"amount": null}"#).unwrap(), None);
        assert!(parse(r#"{"amount": 2.5}"#).is_err());
        assert!(parse(r#"{"amount": 70000}"#).is_err());
        assert!(parse(r#"{"amount": "two"}"#).is_err());
    }
}

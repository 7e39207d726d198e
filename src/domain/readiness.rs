//! Technology Readiness Levels, in the EU's wording.

use serde::{Deserialize, Serialize};

use super::number::WholeNumber;

/// A technology readiness level, 1 to 9.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    diesel::AsExpression,
    diesel::FromSqlRow,
)]
#[serde(try_from = "WholeNumber", into = "i16")]
#[diesel(sql_type = diesel::sql_types::SmallInt)]
pub struct Trl(i16);

crate::bounded_integer_schema!(Trl, 1, 9, "Technology readiness level, 1 to 9");

crate::sql_newtype!(Trl, diesel::sql_types::SmallInt, i16, i64);

impl Trl {
    /// The lowest level.
    pub const MIN: Trl = Trl(1);
    /// The highest level.
    pub const MAX: Trl = Trl(9);

    /// The level as a number.
    pub fn get(self) -> i16 {
        self.0
    }

    /// The EU description of the level.
    pub fn description(self) -> &'static str {
        match self.0 {
            1 => "basic principles observed",
            2 => "technology concept formulated",
            3 => "experimental proof of concept",
            4 => "technology validated in lab",
            5 => "technology validated in relevant environment",
            6 => "technology demonstrated in relevant environment",
            7 => "system prototype demonstration in operational environment",
            8 => "system complete and qualified",
            _ => "actual system proven in operational environment",
        }
    }

    /// All levels, lowest first.
    pub fn all() -> impl Iterator<Item = Trl> {
        (1..=9).map(Trl)
    }
}

impl TryFrom<i64> for Trl {
    type Error = String;
    fn try_from(level: i64) -> Result<Self, Self::Error> {
        if (1..=9).contains(&level) {
            Ok(Trl(level as i16))
        } else {
            Err(format!("TRL must be between 1 and 9, got {level}"))
        }
    }
}

impl TryFrom<WholeNumber> for Trl {
    type Error = String;
    fn try_from(level: WholeNumber) -> Result<Self, Self::Error> {
        Trl::try_from(level.0)
    }
}

impl From<Trl> for i16 {
    fn from(level: Trl) -> Self {
        level.0
    }
}

/// The range of TRLs a challenge wants; never empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrlRange {
    min: Trl,
    max: Trl,
}

impl TrlRange {
    /// A range from `min` to `max`, both included.
    pub fn new(min: Trl, max: Trl) -> Result<Self, super::Rule> {
        if min > max {
            return Err(super::Rule::TrlRangeInverted);
        }
        Ok(TrlRange { min, max })
    }

    /// Lowest wanted level.
    pub fn min(self) -> Trl {
        self.min
    }

    /// Highest wanted level.
    pub fn max(self) -> Trl {
        self.max
    }

    /// Whether a solution at `level` falls in the range.
    pub fn contains(self, level: Trl) -> bool {
        self.min <= level && level <= self.max
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_outside_one_to_nine_are_refused() {
        assert!(Trl::try_from(0).is_err());
        assert!(Trl::try_from(10).is_err());
        assert_eq!(Trl::try_from(9).map(Trl::get), Ok(9));
        assert_eq!(Trl::all().count(), 9);
    }

    #[test]
    fn a_range_must_not_be_inverted() {
        let four = Trl::try_from(4).unwrap();
        let seven = Trl::try_from(7).unwrap();
        assert!(TrlRange::new(seven, four).is_err());
        let range = TrlRange::new(four, seven).unwrap();
        assert!(range.contains(Trl::try_from(5).unwrap()));
        assert!(!range.contains(Trl::try_from(8).unwrap()));
    }
}

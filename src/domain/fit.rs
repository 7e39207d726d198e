//! The lowest fit a match needs to be listed (the fit itself, 0 to 100, is
//! `search::ranking::calibration`; docs/matching.md, "The fit").

use super::rule::Rule;

/// A minimum fit, 0 to 100; 0 lists every match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MinimumFit(u8);

impl MinimumFit {
    /// The minimum when none is asked for: on `sbir-dev`, matches below it
    /// are mostly noise, and 90 % of the relevant pairs reach it.
    pub const DEFAULT: MinimumFit = MinimumFit(10);
    /// Every match is listed.
    pub const NONE: MinimumFit = MinimumFit(0);

    /// The minimum as a number, 0 to 100.
    pub fn get(self) -> u8 {
        self.0
    }

    /// Whether a match of fit `fit` is listed.
    pub fn admits(self, fit: u8) -> bool {
        fit >= self.0
    }
}

impl TryFrom<i64> for MinimumFit {
    type Error = Rule;

    fn try_from(value: i64) -> Result<Self, Rule> {
        u8::try_from(value)
            .ok()
            .filter(|fit| *fit <= 100)
            .map(MinimumFit)
            .ok_or(Rule::OutOfRange { min: 0, max: 100 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minimum_fit_is_0_to_100() {
        assert_eq!(MinimumFit::try_from(0).map(MinimumFit::get), Ok(0));
        assert_eq!(MinimumFit::try_from(100).map(MinimumFit::get), Ok(100));
        assert!(MinimumFit::try_from(101).is_err());
        assert!(MinimumFit::try_from(-1).is_err());
        assert!(MinimumFit::DEFAULT.admits(10));
        assert!(!MinimumFit::DEFAULT.admits(9));
    }
}

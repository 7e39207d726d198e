//! The technology, region and TRL parts of a score.

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::readiness::{Trl, TrlRange};
use crate::domain::region::{Province, RegionRelation};
use crate::domain::taxonomy::Technology;

/// Dice overlap of two sets of technology codes, and the shared codes.
pub fn technology_overlap(left: &[Technology], right: &[Technology]) -> (f32, Vec<Technology>) {
    let shared: Vec<Technology> = left
        .iter()
        .filter(|code| right.contains(code))
        .copied()
        .collect();
    if left.is_empty() || right.is_empty() {
        return (0.0, shared);
    }
    let dice = 2.0 * shared.len() as f32 / (left.len() + right.len()) as f32;
    (dice, shared)
}

/// The region part: how close the start-up is to what the challenge prefers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ToSchema)]
pub struct RegionFit {
    /// The closest relation to any preferred province; null for a national
    /// challenge (no preference).
    pub relation: Option<RegionRelation>,
    /// Whether the challenge has no preferred province.
    pub national: bool,
    /// The fit, 0 to 1.
    #[serde(skip)]
    pub value: f32,
}

/// Value of each region relation.
fn relation_value(relation: RegionRelation) -> f32 {
    match relation {
        RegionRelation::SameProvince => 1.0,
        RegionRelation::SameRomArea => 0.75,
        RegionRelation::SameLandsdeel => 0.5,
        RegionRelation::ElsewhereInNetherlands => 0.25,
        RegionRelation::Abroad => 0.0,
    }
}

/// How a start-up in `province` (none: abroad) fits `preferred` provinces.
/// A national challenge fits every Dutch start-up fully and no foreign one.
pub fn region_fit(
    startup_province: Option<Province>,
    in_netherlands: bool,
    preferred: &[Province],
) -> RegionFit {
    if preferred.is_empty() {
        return RegionFit {
            relation: None,
            national: true,
            value: if in_netherlands { 1.0 } else { 0.0 },
        };
    }
    let relation = preferred
        .iter()
        .map(|wanted| RegionRelation::between(startup_province, *wanted))
        .min()
        .unwrap_or(RegionRelation::Abroad);
    RegionFit {
        relation: Some(relation),
        national: false,
        value: relation_value(relation),
    }
}

/// The TRL part: 1 inside the range, less the further outside; 0.5 when the
/// start-up did not say.
pub fn trl_fit(startup_trl: Option<Trl>, wanted: TrlRange) -> (f32, Option<bool>) {
    let Some(level) = startup_trl else {
        return (0.5, None);
    };
    if wanted.contains(level) {
        return (1.0, Some(true));
    }
    let distance = if level < wanted.min() {
        wanted.min().get() - level.get()
    } else {
        level.get() - wanted.max().get()
    };
    let value = match distance {
        1 => 0.5,
        2 => 0.25,
        _ => 0.0,
    };
    (value, Some(false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_and_trl_fit_follow_proximity() {
        use Province::*;
        assert_eq!(
            region_fit(Some(NoordHolland), true, &[NoordHolland]).value,
            1.0
        );
        assert!(region_fit(Some(Utrecht), true, &[NoordHolland]).value < 1.0);
        assert_eq!(region_fit(None, false, &[NoordHolland]).value, 0.0);
        assert!(region_fit(Some(Limburg), true, &[]).national);
        let range = TrlRange::new(Trl::try_from(4).unwrap(), Trl::try_from(6).unwrap()).unwrap();
        assert_eq!(
            trl_fit(Some(Trl::try_from(5).unwrap()), range),
            (1.0, Some(true))
        );
        assert_eq!(
            trl_fit(Some(Trl::try_from(7).unwrap()), range),
            (0.5, Some(false))
        );
        assert_eq!(trl_fit(None, range), (0.5, None));
    }
}

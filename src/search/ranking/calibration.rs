//! The fit: a match's score on a scale of 0 to 100 that reads the same in
//! every list. A raw score depends on the weights and on how the text part
//! is normalised, so "1.36" says nothing to a person; the fit says how the
//! match compares with pairs known to fit.
//!
//! Fit `f` means: on the `sbir-dev` benchmark, `f` % of the pairs known to
//! be relevant (firms and the topics they won) that the ranking lists in
//! its candidates score at or below this score. A fit of 50 is as good
//! as the median real winner. The map is fixed (a table per direction,
//! below, measured with `defmatch-tools calibrate`), never fitted at run
//! time, and monotone, so ordering by fit is ordering by score.

use serde::Serialize;
use utoipa::ToSchema;

use super::explanation::MatchExplanation;

/// A monotone map from raw score to fit, as knots `(score, fit)` in
/// increasing order of both; linear between knots (and from a score of 0
/// to the first knot), 100 above the last knot.
#[derive(Debug, Clone, Copy)]
pub struct FitScale {
    knots: &'static [(f32, f32)],
}

/// A start-up looking for challenges (task A of `sbir-dev`): the scores of
/// 0, 5, 10, …, 100 % of the relevant pairs ranked among the 30 candidates
/// (112 of the 438 pairs), as `defmatch-tools calibrate` printed them.
pub const CHALLENGES_FOR_STARTUP_FIT: FitScale = FitScale {
    knots: &[
        (0.4482, 0.0),
        (0.5620, 5.0),
        (0.6030, 10.0),
        (0.6257, 15.0),
        (0.6576, 20.0),
        (0.6983, 25.0),
        (0.7179, 30.0),
        (0.7485, 35.0),
        (0.7666, 40.0),
        (0.7968, 45.0),
        (0.8320, 50.0),
        (0.8488, 55.0),
        (0.8850, 60.0),
        (0.9173, 65.0),
        (0.9419, 70.0),
        (0.9807, 75.0),
        (1.0153, 80.0),
        (1.0460, 85.0),
        (1.0751, 90.0),
        (1.1167, 95.0),
        (1.1500, 100.0),
    ],
};

/// A challenge looking for start-ups (task B of `sbir-dev`), as above (331
/// of the 438 pairs are among the candidates).
pub const STARTUPS_FOR_CHALLENGE_FIT: FitScale = FitScale {
    knots: &[
        (0.3910, 0.0),
        (0.7505, 5.0),
        (0.7968, 10.0),
        (0.8340, 15.0),
        (0.8530, 20.0),
        (0.8790, 25.0),
        (0.8994, 30.0),
        (0.9116, 35.0),
        (0.9293, 40.0),
        (0.9430, 45.0),
        (0.9567, 50.0),
        (0.9688, 55.0),
        (0.9822, 60.0),
        (0.9977, 65.0),
        (1.0132, 70.0),
        (1.0354, 75.0),
        (1.0500, 80.0),
        (1.0651, 85.0),
        (1.0750, 90.0),
        (1.0938, 95.0),
        (1.1500, 100.0),
    ],
};

impl FitScale {
    /// The fit of `score`, 0 to 100.
    pub fn fit(&self, score: f32) -> f32 {
        if score.is_nan() || score <= 0.0 {
            return 0.0;
        }
        let mut lower = (0.0_f32, 0.0_f32);
        for &(knot_score, knot_fit) in self.knots {
            if score <= knot_score {
                let span = knot_score - lower.0;
                if span <= 0.0 {
                    return knot_fit;
                }
                let along = (score - lower.0) / span;
                return (lower.1 + along * (knot_fit - lower.1)).clamp(0.0, 100.0);
            }
            lower = (knot_score, knot_fit);
        }
        100.0
    }
}

/// The parts of the fit, in whole points; they add up to `fit`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct FitParts {
    pub text: i16,
    pub technology: i16,
    pub region: i16,
    pub trl: i16,
    /// Negative when the caller's marks push the result down.
    pub marks: i16,
}

impl MatchExplanation {
    /// Sets `fit` and `fit_parts` from the score and its parts on `scale`.
    /// Each part gets the share of the fit it has of the score, rounded so
    /// that the whole points add up to the rounded fit.
    pub fn calibrate(&mut self, scale: &FitScale) {
        let fit = scale.fit(self.score);
        let whole_fit = fit.round() as i16;
        let parts = self.parts;
        let shares = [
            parts.text,
            parts.technology,
            parts.region,
            parts.trl,
            parts.marks,
        ];
        let points = if self.score > 0.0 {
            whole_points(shares.map(|part| part / self.score * fit), whole_fit)
        } else {
            [0; 5]
        };
        self.fit = whole_fit.clamp(0, 100) as u8;
        self.fit_parts = FitParts {
            text: points[0],
            technology: points[1],
            region: points[2],
            trl: points[3],
            marks: points[4],
        };
    }
}

/// Rounds `values` to whole numbers that add up to `total` (largest
/// remainder), so that a person adding the parts gets the fit shown.
fn whole_points(values: [f32; 5], total: i16) -> [i16; 5] {
    let mut points = values.map(|value| value.floor() as i16);
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&left, &right| {
        let remainder = |index: usize| values[index] - values[index].floor();
        remainder(right).total_cmp(&remainder(left))
    });
    let mut missing = total - points.iter().sum::<i16>();
    for index in order.iter().cycle().take(values.len() * 2) {
        if missing == 0 {
            break;
        }
        if missing > 0 {
            points[*index] += 1;
            missing -= 1;
        } else {
            points[*index] -= 1;
            missing += 1;
        }
    }
    debug_assert_eq!(points.iter().sum::<i16>(), total);
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCALE: FitScale = FitScale {
        knots: &[(0.2, 0.0), (0.6, 50.0), (1.0, 100.0)],
    };

    #[test]
    fn the_fit_is_monotone_and_bounded() {
        let fits: Vec<f32> = (0..=300)
            .map(|step| SCALE.fit(step as f32 / 100.0))
            .collect();
        assert!(fits.windows(2).all(|pair| pair[0] <= pair[1]));
        assert_eq!(SCALE.fit(-0.3), 0.0);
        assert_eq!(SCALE.fit(0.1), 0.0);
        assert!((SCALE.fit(0.4) - 25.0).abs() < 1e-4);
        assert_eq!(SCALE.fit(2.0), 100.0);
    }

    #[test]
    fn whole_points_add_up_to_the_total() {
        let points = whole_points([33.4, 33.3, 0.0, 33.3, 0.0], 100);
        assert_eq!(points.iter().sum::<i16>(), 100);
        let with_marks = whole_points([40.6, 5.5, 0.0, 3.3, -7.4], 42);
        assert_eq!(with_marks.iter().sum::<i16>(), 42);
        assert_eq!(with_marks[4], -7);
    }

    #[test]
    fn the_tables_are_increasing() {
        for scale in [CHALLENGES_FOR_STARTUP_FIT, STARTUPS_FOR_CHALLENGE_FIT] {
            assert!(scale
                .knots
                .windows(2)
                .all(|pair| pair[0].0 <= pair[1].0 && pair[0].1 <= pair[1].1));
        }
    }
}

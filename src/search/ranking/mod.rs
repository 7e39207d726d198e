//! Ranking for matches in both directions, and the explanation of every
//! score. All weights live here, in [`TUNED_WEIGHTS`] and [`TEXT_SHAPE`]; they
//! were tuned on the `sbir-dev` benchmark (see docs/matching.md).
//!
//! A match score is the sum of four weighted parts, each in [0, 1] before
//! weighting, so the parts always add up to the score:
//! - text: BM25 of the other side's text against a query built from this
//!   side's whole text, each term weighted by its query frequency and
//!   rarity, mixed with the same in the reverse direction, each direction
//!   divided by its best value among the candidates;
//! - technology: overlap of the technology codes (Dice);
//! - region: proximity of the start-up to the provinces the challenge prefers;
//! - TRL: how well the start-up's TRL fits the wanted range.
//!
//! The parts, one file each: `weights` (every tunable number), `terms`
//! (term vectors and the directional BM25 of the text part), `fit`
//! (technology, region and TRL), `explanation` (scoring a pair and
//! explaining the score) and `calibration` (the score as a fit of 0 to 100).

mod calibration;
mod explanation;
mod feedback;
mod fit;
mod terms;
mod weights;
mod words;

pub use calibration::{FitParts, FitScale, CHALLENGES_FOR_STARTUP_FIT, STARTUPS_FOR_CHALLENGE_FIT};
pub use explanation::{
    finish_pair, matched_the_other_way, score_pair, BestText, MatchExplanation, MatchedTerms,
    PairFacts, RawPair, ScoreParts,
};
pub use feedback::{
    candidate_pool, feedback_weights, likeness, mark_effect, moved_query, weighted_cosine,
    Feedback, FeedbackWeights, MarkedLike, FEEDBACK_WEIGHTS,
};
pub use fit::{region_fit, technology_overlap, trl_fit, RegionFit};
pub use terms::{
    directional_score, inverse_document_frequency, query_term_weight, query_terms,
    query_terms_within, CorpusStatistics, TermVector, TermsView,
};
pub use weights::{
    weights, DirectionWeights, QueryShape, RankingWeights, TextShape, CANDIDATE_MIN_IDF,
    PLAIN_BM25, PLAIN_QUERY, TEXT_SHAPE, TUNED_WEIGHTS,
};
pub use words::is_telling;

/// A flat corpus and analysed texts, for the tests of every part.
#[cfg(test)]
mod fixtures {
    use super::{CorpusStatistics, TermVector};
    use crate::search::analysis::{Analyzers, TextLanguage};
    use crate::search::bm25::Bm25Params;

    pub(super) struct FlatCorpus;

    impl CorpusStatistics for FlatCorpus {
        fn idf(&self, _language: TextLanguage, _term: &str) -> f32 {
            1.0
        }
        fn average_length(&self, _language: TextLanguage) -> f32 {
            10.0
        }
        fn bm25(&self) -> Bm25Params {
            Bm25Params { k1: 1.2, b: 0.75 }
        }
    }

    pub(super) fn vector(text: &str) -> TermVector {
        TermVector::analyse(&mut Analyzers::default(), TextLanguage::English, text)
    }
}

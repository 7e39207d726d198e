//! Every weight of the ranking, and the text shape of the index.

use crate::search::bm25::Bm25Params;

/// How documents are turned into text; part of the index schema version.
#[derive(Debug, Clone, Copy, serde::Deserialize)]
pub struct TextShape {
    /// Times the keywords are repeated in the text field.
    pub keyword_repeat: usize,
    /// Times a challenge's title is repeated.
    pub title_repeat: usize,
}

/// The text shape of the tuned weights.
pub const TEXT_SHAPE: TextShape = TextShape {
    keyword_repeat: 2,
    title_repeat: 2,
};

/// The weights of one direction of matching.
#[derive(Debug, Clone, Copy, serde::Deserialize)]
pub struct DirectionWeights {
    /// Share of the text part that comes from the reverse direction.
    pub reverse_share: f32,
    /// Share of the text part that comes from the semantic view
    /// (`search::semantic`); while no model is trained it goes to the
    /// forward direction.
    #[serde(default)]
    pub semantic_share: f32,
    /// Weights of the four parts.
    pub text: f32,
    pub technology: f32,
    pub region: f32,
    pub trl: f32,
}

/// How the terms of a text are weighted when the text is a query:
/// (1 + ln qtf)^tf_exponent * idf^idf_exponent. Exponents 1 and 1 are
/// plain BM25 with a damped query frequency.
#[derive(Debug, Clone, Copy, serde::Deserialize)]
pub struct QueryShape {
    pub tf_exponent: f32,
    pub idf_exponent: f32,
}

/// Every weight of the ranking, in one place.
#[derive(Debug, Clone, Copy, serde::Deserialize)]
pub struct RankingWeights {
    /// BM25 when start-up texts are the documents scored.
    pub startup_documents: Bm25Params,
    /// BM25 when challenge texts are the documents scored.
    pub challenge_documents: Bm25Params,
    /// How a start-up's text is weighted when it is the query.
    pub startup_query: QueryShape,
    /// How a challenge's text is weighted when it is the query.
    pub challenge_query: QueryShape,
    /// Longest query: the terms of highest weight are kept.
    pub max_query_terms: usize,
    /// Candidates fetched by text before the full ranking.
    pub candidates: usize,
    /// How documents become text (changing it needs a reindex).
    pub text_shape: TextShape,
    /// A start-up looking for challenges.
    pub challenges_for_startup: DirectionWeights,
    /// A challenge looking for start-ups.
    pub startups_for_challenge: DirectionWeights,
}

/// The weights in use: [`TUNED_WEIGHTS`], unless an experiment overrides
/// them with `DEFMATCH_RANKING_WEIGHTS` (a JSON object of the same fields,
/// for tuning runs of `defmatch eval` only; production never sets it).
pub fn weights() -> &'static RankingWeights {
    static WEIGHTS: std::sync::OnceLock<RankingWeights> = std::sync::OnceLock::new();
    WEIGHTS.get_or_init(|| {
        let Ok(json) = std::env::var("DEFMATCH_RANKING_WEIGHTS") else {
            return TUNED_WEIGHTS;
        };
        match serde_json::from_str(&json) {
            Ok(weights) => {
                tracing::warn!(%json, "ranking weights overridden for an experiment");
                weights
            }
            Err(error) => {
                tracing::error!(%error, "DEFMATCH_RANKING_WEIGHTS is not valid; using the tuned weights");
                TUNED_WEIGHTS
            }
        }
    })
}

/// The weights tuned on `sbir-dev` (docs/matching.md).
pub const TUNED_WEIGHTS: RankingWeights = RankingWeights {
    // Start-up texts are a few long past abstracts glued together: a
    // milder length normalisation keeps long profiles from being punished.
    startup_documents: Bm25Params { k1: 1.2, b: 0.5 },
    challenge_documents: Bm25Params { k1: 1.2, b: 0.75 },
    // A profile as query: rarity matters more than repetition.
    startup_query: QueryShape {
        tf_exponent: 1.0,
        idf_exponent: 1.5,
    },
    // A challenge as query: the terms it repeats are what it is about.
    challenge_query: QueryShape {
        tf_exponent: 2.0,
        idf_exponent: 1.0,
    },
    max_query_terms: 200,
    candidates: 50,
    text_shape: TEXT_SHAPE,
    challenges_for_startup: DirectionWeights {
        reverse_share: 0.4,
        semantic_share: 0.1,
        text: 1.0,
        technology: 0.1,
        region: 0.2,
        trl: 0.1,
    },
    startups_for_challenge: DirectionWeights {
        reverse_share: 0.0,
        semantic_share: 0.6,
        text: 1.0,
        technology: 0.1,
        region: 0.2,
        trl: 0.1,
    },
};

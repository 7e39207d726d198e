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

/// The text shape of the tuned weights. Keywords twice gained more than a
/// standard error in both tasks across firms; a title twice did not, so it
/// is written once (docs/matching.md, the tuning table).
pub const TEXT_SHAPE: TextShape = TextShape {
    keyword_repeat: 2,
    title_repeat: 1,
};

/// The weights of one direction of matching. The asking side's text is
/// the query and the candidates' texts the documents; in the reverse
/// direction each candidate's text is the query and the asking side's text
/// the document. Each direction has its own query shapes and BM25, since
/// the same text (a challenge's) is a query in task B and a reverse query in
/// task A, and what suits one did not suit the other (docs/matching.md).
#[derive(Debug, Clone, Copy, serde::Deserialize)]
pub struct DirectionWeights {
    /// How the asking side's text is weighted as the query.
    pub query: QueryShape,
    /// BM25 of the candidates' texts.
    pub documents: Bm25Params,
    /// How a candidate's text is weighted as the reverse query.
    pub reverse_query: QueryShape,
    /// BM25 of the asking side's text, scored by the reverse query.
    pub reverse_documents: Bm25Params,
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
    /// Longest query: the terms of highest weight are kept.
    pub max_query_terms: usize,
    /// Candidates fetched by text before the full ranking.
    pub candidates: usize,
    /// The least idf of a term the candidates are looked for by (every
    /// term still counts in their score); see `search/candidates.rs`.
    #[serde(default = "tuned_candidate_min_idf")]
    pub candidate_min_idf: f32,
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

/// A term held by about half the documents or more (idf `ln 2` ≈ 0.69 at
/// exactly half) does not take part in the candidate search: its long
/// postings list adds about the same to most documents. The eval's figures
/// do not move (docs/matching.md); the time saved is in
/// docs/performance.md.
pub const CANDIDATE_MIN_IDF: f32 = 0.7;

fn tuned_candidate_min_idf() -> f32 {
    CANDIDATE_MIN_IDF
}

/// Plain BM25 (tantivy's own parameters).
pub const PLAIN_BM25: Bm25Params = Bm25Params { k1: 1.2, b: 0.75 };

/// Each term weighed by its damped frequency and its idf, as plain BM25.
pub const PLAIN_QUERY: QueryShape = QueryShape {
    tf_exponent: 1.0,
    idf_exponent: 1.0,
};

/// The weights chosen on `sbir-dev`, cross-validated by firm: a component
/// is kept only when it gains more than one standard error over the
/// simpler ranking (docs/matching.md, the tuning table).
pub const TUNED_WEIGHTS: RankingWeights = RankingWeights {
    max_query_terms: 200,
    // 30 rank as 50 and 200 did on `sbir-dev`, in-sample, across folds and
    // with marks (docs/matching.md), and each candidate costs its stored
    // fields, its parsing and its scoring (docs/performance.md).
    candidates: 30,
    candidate_min_idf: CANDIDATE_MIN_IDF,
    text_shape: TEXT_SHAPE,
    challenges_for_startup: DirectionWeights {
        // A profile as query: rarity matters more than repetition.
        query: QueryShape {
            tf_exponent: 1.0,
            idf_exponent: 1.5,
        },
        documents: PLAIN_BM25,
        // A challenge as reverse query: the terms it repeats are what it
        // is about.
        reverse_query: QueryShape {
            tf_exponent: 2.0,
            idf_exponent: 1.0,
        },
        reverse_documents: PLAIN_BM25,
        reverse_share: 0.4,
        semantic_share: 0.0,
        text: 1.0,
        technology: 0.1,
        region: 0.2,
        trl: 0.1,
    },
    // Plain BM25 and the meaning: every tuned text setting of this
    // direction was within a standard error of plain BM25 across firms.
    startups_for_challenge: DirectionWeights {
        query: PLAIN_QUERY,
        documents: PLAIN_BM25,
        reverse_query: PLAIN_QUERY,
        reverse_documents: PLAIN_BM25,
        reverse_share: 0.0,
        semantic_share: 0.6,
        text: 1.0,
        technology: 0.1,
        region: 0.2,
        trl: 0.1,
    },
};

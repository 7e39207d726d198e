//! The settings `eval --folds` compares, per task, simplest first: a
//! component is kept only when its cross-validated gain over the simpler
//! setting exceeds one standard error (docs/matching.md, the tuning table).

use defmatch::search::bm25::Bm25Params;
use defmatch::search::ranking::{
    DirectionWeights, QueryShape, RankingWeights, CANDIDATE_MIN_IDF, PLAIN_BM25, PLAIN_QUERY,
    TEXT_SHAPE, TUNED_WEIGHTS,
};

use super::folds::Task;

/// One setting to compare, for one task.
#[derive(Debug, Clone, Copy)]
pub struct Setting {
    pub name: &'static str,
    pub task: Task,
    pub weights: RankingWeights,
}

/// A query shape that weighs rarity more than repetition (a profile).
const IDF_1_5: QueryShape = QueryShape {
    tf_exponent: 1.0,
    idf_exponent: 1.5,
};
/// A query shape that weighs what a text repeats (a challenge).
const TF_2: QueryShape = QueryShape {
    tf_exponent: 2.0,
    idf_exponent: 1.0,
};
/// BM25 that punishes long texts less (profiles of several abstracts).
const MILD_LENGTH: Bm25Params = Bm25Params { k1: 1.2, b: 0.5 };

/// Plain BM25 text, forward only, no semantic view.
const TEXT_ONLY: DirectionWeights = DirectionWeights {
    query: PLAIN_QUERY,
    documents: PLAIN_BM25,
    reverse_query: PLAIN_QUERY,
    reverse_documents: PLAIN_BM25,
    reverse_share: 0.0,
    semantic_share: 0.0,
    text: 1.0,
    technology: 0.1,
    region: 0.2,
    trl: 0.1,
};

/// Plain BM25 both ways, forward direction only, no semantic view.
pub const PLAIN: RankingWeights = RankingWeights {
    max_query_terms: 200,
    // Every setting rescores as many candidates as production does.
    candidates: TUNED_WEIGHTS.candidates,
    candidate_min_idf: CANDIDATE_MIN_IDF,
    text_shape: TEXT_SHAPE,
    challenges_for_startup: TEXT_ONLY,
    startups_for_challenge: TEXT_ONLY,
};

/// The weights tuned in-sample before cross-validation (issue 13's
/// "before"): one query shape and one BM25 per kind of text, whichever
/// direction it is read in.
pub const TUNED_IN_SAMPLE: RankingWeights = RankingWeights {
    challenges_for_startup: DirectionWeights {
        query: IDF_1_5,
        reverse_query: TF_2,
        reverse_documents: MILD_LENGTH,
        reverse_share: 0.4,
        semantic_share: 0.1,
        ..TEXT_ONLY
    },
    startups_for_challenge: DirectionWeights {
        query: TF_2,
        documents: MILD_LENGTH,
        reverse_query: IDF_1_5,
        semantic_share: 0.6,
        ..TEXT_ONLY
    },
    ..PLAIN
};

fn task_a(name: &'static str, direction: DirectionWeights) -> Setting {
    Setting {
        name,
        task: Task::A,
        weights: RankingWeights {
            challenges_for_startup: direction,
            ..PLAIN
        },
    }
}

fn task_b(name: &'static str, direction: DirectionWeights) -> Setting {
    Setting {
        name,
        task: Task::B,
        weights: RankingWeights {
            startups_for_challenge: direction,
            ..PLAIN
        },
    }
}

/// `base` with its reverse and semantic shares.
fn shares(base: DirectionWeights, reverse_share: f32, semantic_share: f32) -> DirectionWeights {
    DirectionWeights {
        reverse_share,
        semantic_share,
        ..base
    }
}

/// Every setting compared, simplest first within each task; `production`
/// is the setting in use, listed last.
pub fn settings(production: RankingWeights) -> Vec<Setting> {
    let a_tuned = TUNED_IN_SAMPLE.challenges_for_startup;
    let b_tuned = TUNED_IN_SAMPLE.startups_for_challenge;
    let no_technology = DirectionWeights {
        technology: 0.0,
        ..TEXT_ONLY
    };
    let idf_profile = DirectionWeights {
        query: IDF_1_5,
        ..TEXT_ONLY
    };
    let semantic = |share: f32| shares(TEXT_ONLY, 0.0, share);
    vec![
        task_a("plain BM25 text", TEXT_ONLY),
        task_a("plain, no technology", no_technology),
        task_a("plain + reverse 0.4", shares(TEXT_ONLY, 0.4, 0.0)),
        task_a("plain + semantic 0.1", semantic(0.1)),
        task_a(
            "plain + reverse 0.4 + semantic 0.1",
            shares(TEXT_ONLY, 0.4, 0.1),
        ),
        task_a("plain + profile idf^1.5", idf_profile),
        task_a(
            "plain + profile idf^1.5 + reverse 0.4",
            shares(idf_profile, 0.4, 0.0),
        ),
        task_a(
            "plain + profile idf^1.5 + reverse 0.4 with challenge tf^2",
            DirectionWeights {
                reverse_query: TF_2,
                ..shares(idf_profile, 0.4, 0.0)
            },
        ),
        task_a(
            "tuned in-sample without semantic",
            shares(a_tuned, 0.4, 0.0),
        ),
        task_a("tuned in-sample without reverse", shares(a_tuned, 0.0, 0.1)),
        task_a("tuned in-sample", a_tuned),
        Setting {
            name: "production",
            task: Task::A,
            weights: production,
        },
        task_b("plain BM25 text", TEXT_ONLY),
        task_b("plain, no technology", no_technology),
        task_b("plain + semantic 0.3", semantic(0.3)),
        task_b("plain + semantic 0.6", semantic(0.6)),
        task_b("plain + semantic 0.8", semantic(0.8)),
        task_b(
            "plain + semantic 0.6 + reverse 0.2",
            shares(TEXT_ONLY, 0.2, 0.6),
        ),
        task_b(
            "plain + semantic 0.6, start-up b 0.5",
            DirectionWeights {
                documents: MILD_LENGTH,
                ..semantic(0.6)
            },
        ),
        task_b(
            "plain + semantic 0.6, start-up b 0.9",
            DirectionWeights {
                documents: Bm25Params { k1: 1.2, b: 0.9 },
                ..semantic(0.6)
            },
        ),
        task_b(
            "plain + semantic 0.6, challenge tf^2",
            DirectionWeights {
                query: TF_2,
                ..semantic(0.6)
            },
        ),
        task_b(
            "tuned in-sample without semantic",
            shares(b_tuned, 0.0, 0.0),
        ),
        task_b("tuned in-sample", b_tuned),
        Setting {
            name: "production",
            task: Task::B,
            weights: production,
        },
    ]
}

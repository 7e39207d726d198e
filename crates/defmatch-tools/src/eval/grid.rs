//! The settings `eval --folds` compares, per task, simplest first: a
//! component is kept only when its cross-validated gain over the simpler
//! setting exceeds one standard error (docs/matching.md, the tuning table).

use defmatch::search::bm25::Bm25Params;
use defmatch::search::ranking::{DirectionWeights, QueryShape, RankingWeights, TEXT_SHAPE};

use super::folds::Task;

/// One setting to compare, for one task.
#[derive(Debug, Clone, Copy)]
pub struct Setting {
    pub name: &'static str,
    pub task: Task,
    pub weights: RankingWeights,
}

const PLAIN_BM25: Bm25Params = Bm25Params { k1: 1.2, b: 0.75 };
const PLAIN_QUERY: QueryShape = QueryShape {
    tf_exponent: 1.0,
    idf_exponent: 1.0,
};
const TEXT_ONLY: DirectionWeights = DirectionWeights {
    reverse_share: 0.0,
    semantic_share: 0.0,
    text: 1.0,
    technology: 0.1,
    region: 0.2,
    trl: 0.1,
};

/// Plain BM25 both ways, forward direction only, no semantic view.
pub const PLAIN: RankingWeights = RankingWeights {
    startup_documents: PLAIN_BM25,
    challenge_documents: PLAIN_BM25,
    startup_query: PLAIN_QUERY,
    challenge_query: PLAIN_QUERY,
    max_query_terms: 200,
    candidates: 50,
    text_shape: TEXT_SHAPE,
    challenges_for_startup: TEXT_ONLY,
    startups_for_challenge: TEXT_ONLY,
};

/// The weights tuned in-sample before cross-validation (issue 13's "before").
pub const TUNED_IN_SAMPLE: RankingWeights = RankingWeights {
    startup_documents: Bm25Params { k1: 1.2, b: 0.5 },
    challenge_documents: PLAIN_BM25,
    startup_query: QueryShape {
        tf_exponent: 1.0,
        idf_exponent: 1.5,
    },
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
        ..TEXT_ONLY
    },
    startups_for_challenge: DirectionWeights {
        semantic_share: 0.6,
        ..TEXT_ONLY
    },
};

fn task_a(name: &'static str, weights: RankingWeights) -> Setting {
    Setting {
        name,
        task: Task::A,
        weights,
    }
}

fn task_b(name: &'static str, weights: RankingWeights) -> Setting {
    Setting {
        name,
        task: Task::B,
        weights,
    }
}

fn with_a(base: RankingWeights, reverse_share: f32, semantic_share: f32) -> RankingWeights {
    RankingWeights {
        challenges_for_startup: DirectionWeights {
            reverse_share,
            semantic_share,
            ..base.challenges_for_startup
        },
        ..base
    }
}

fn with_b(base: RankingWeights, reverse_share: f32, semantic_share: f32) -> RankingWeights {
    RankingWeights {
        startups_for_challenge: DirectionWeights {
            reverse_share,
            semantic_share,
            ..base.startups_for_challenge
        },
        ..base
    }
}

/// Every setting compared, simplest first within each task; `production`
/// is the setting in use, listed last.
pub fn settings(production: RankingWeights) -> Vec<Setting> {
    let idf_profile = RankingWeights {
        startup_query: QueryShape {
            tf_exponent: 1.0,
            idf_exponent: 1.5,
        },
        ..PLAIN
    };
    let startup_b = |b: f32| RankingWeights {
        startup_documents: Bm25Params { k1: 1.2, b },
        ..PLAIN
    };
    let challenge_tf2 = RankingWeights {
        challenge_query: QueryShape {
            tf_exponent: 2.0,
            idf_exponent: 1.0,
        },
        ..PLAIN
    };
    let without_technology = |base: RankingWeights| RankingWeights {
        challenges_for_startup: DirectionWeights {
            technology: 0.0,
            ..base.challenges_for_startup
        },
        startups_for_challenge: DirectionWeights {
            technology: 0.0,
            ..base.startups_for_challenge
        },
        ..base
    };
    vec![
        task_a("plain BM25 text", PLAIN),
        task_a("plain, no technology", without_technology(PLAIN)),
        task_a("plain + reverse 0.4", with_a(PLAIN, 0.4, 0.0)),
        task_a("plain + semantic 0.1", with_a(PLAIN, 0.0, 0.1)),
        task_a(
            "plain + reverse 0.4 + semantic 0.1",
            with_a(PLAIN, 0.4, 0.1),
        ),
        task_a("plain + profile idf^1.5", idf_profile),
        task_a(
            "plain + profile idf^1.5 + reverse 0.4",
            with_a(idf_profile, 0.4, 0.0),
        ),
        task_a(
            "tuned in-sample without semantic",
            with_a(TUNED_IN_SAMPLE, 0.4, 0.0),
        ),
        task_a(
            "tuned in-sample without reverse",
            with_a(TUNED_IN_SAMPLE, 0.0, 0.1),
        ),
        task_a("tuned in-sample", TUNED_IN_SAMPLE),
        task_a("production", production),
        task_b("plain BM25 text", PLAIN),
        task_b("plain, no technology", without_technology(PLAIN)),
        task_b("plain + semantic 0.3", with_b(PLAIN, 0.0, 0.3)),
        task_b("plain + semantic 0.6", with_b(PLAIN, 0.0, 0.6)),
        task_b("plain + semantic 0.8", with_b(PLAIN, 0.0, 0.8)),
        task_b(
            "plain + semantic 0.6 + reverse 0.2",
            with_b(PLAIN, 0.2, 0.6),
        ),
        task_b(
            "plain + semantic 0.6, start-up b 0.5",
            with_b(startup_b(0.5), 0.0, 0.6),
        ),
        task_b(
            "plain + semantic 0.6, start-up b 0.9",
            with_b(startup_b(0.9), 0.0, 0.6),
        ),
        task_b(
            "plain + semantic 0.6, challenge tf^2",
            with_b(challenge_tf2, 0.0, 0.6),
        ),
        task_b(
            "tuned in-sample without semantic",
            with_b(TUNED_IN_SAMPLE, 0.0, 0.0),
        ),
        task_b("tuned in-sample", TUNED_IN_SAMPLE),
        task_b("production", production),
    ]
}

//! Marks that steer one party's ranking (relevance feedback, after
//! Rocchio): the query moves toward the items the party marked interesting
//! and away from those it marked not relevant, q' = q + β·mean(interesting)
//! − γ·mean(rejected). Scored against a candidate d, the moved query adds
//! β·mean(sim(d, interesting)) − γ·mean(sim(d, rejected)) to the score,
//! which is the `marks` part of [`super::ScoreParts`]; with no marks it is
//! 0 and the ranking is exactly the unmarked one. Rejected items themselves
//! leave the list.

use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::terms::{each_shared, CorpusStatistics, TermsView};
use crate::search::analysis::TextLanguage;

/// How marks steer a ranking.
#[derive(Debug, Clone, Copy, PartialEq, serde::Deserialize)]
pub struct FeedbackWeights {
    /// Weight of the pull toward items marked interesting (β).
    pub toward_interesting: f32,
    /// Weight of the push away from items marked not relevant (γ).
    pub away_from_rejected: f32,
    /// How far the asking side's query moves toward the items it marked
    /// interesting, in each direction of matching.
    #[serde(default = "default_query_move")]
    pub query_move: QueryMove,
    /// Share of an item's likeness that comes from the semantic view (the
    /// cosine of the two texts' meanings); the rest is the cosine of their
    /// weighted term vectors. With no semantic model trained, the terms
    /// alone.
    #[serde(default)]
    pub meaning_share: f32,
    /// Share of an item's likeness that comes from the overlap of the two
    /// items' technology codes (Dice); the rest as above.
    #[serde(default)]
    pub technology_share: f32,
    /// Candidates fetched when the party has marked an item interesting,
    /// when more than `RankingWeights::candidates`: a mark lifts only what
    /// the pool holds, and items like a marked one often rank below the
    /// unmarked pool (docs/matching.md).
    #[serde(default = "default_marked_candidates")]
    pub marked_candidates: usize,
}

/// The shift s of the moved query q/|q| + s·mean(i/|i|), one per direction
/// of matching: the moved query fetches the candidates and scores their
/// text, so that items like an interesting one that the asking side's own
/// words rank too low are found and lifted. 0 leaves the query as it is.
#[derive(Debug, Clone, Copy, PartialEq, serde::Deserialize)]
pub struct QueryMove {
    /// A start-up's query, toward the challenges it marked interesting.
    pub challenges_for_startup: f32,
    /// A challenge's query, toward the start-ups marked interesting on it.
    pub startups_for_challenge: f32,
}

fn default_query_move() -> QueryMove {
    FEEDBACK_WEIGHTS.query_move
}

fn default_marked_candidates() -> usize {
    FEEDBACK_WEIGHTS.marked_candidates
}

/// The feedback weights in production, chosen on `sbir-dev` with
/// `eval --feedback-positive 1 --feedback-negative 3`, cross-validated by
/// firm (docs/matching.md): the push away from rejected items and the
/// meaning's share each cost more than they gained, so a rejected item only
/// leaves the list; with the unmarked pool of 30 candidates, two marks
/// gained a fifth of what they gain with 50. A start-up's long profile
/// gains from moving toward the one topic it marked; a challenge's short
/// text moved toward a start-up's long profile loses its focus, so only the
/// start-up's query moves.
pub const FEEDBACK_WEIGHTS: FeedbackWeights = FeedbackWeights {
    toward_interesting: 0.4,
    away_from_rejected: 0.0,
    query_move: QueryMove {
        challenges_for_startup: 0.4,
        startups_for_challenge: 0.0,
    },
    meaning_share: 0.0,
    technology_share: 0.0,
    marked_candidates: 50,
};

/// The feedback weights in use: [`FEEDBACK_WEIGHTS`], unless an experiment
/// overrides them with `DEFMATCH_FEEDBACK_WEIGHTS` (a JSON object of the
/// same fields, for `defmatch-tools eval` runs only).
pub fn feedback_weights() -> &'static FeedbackWeights {
    static WEIGHTS: std::sync::OnceLock<FeedbackWeights> = std::sync::OnceLock::new();
    WEIGHTS.get_or_init(|| {
        let Ok(json) = std::env::var("DEFMATCH_FEEDBACK_WEIGHTS") else {
            return FEEDBACK_WEIGHTS;
        };
        match serde_json::from_str(&json) {
            Ok(weights) => {
                tracing::warn!(%json, "feedback weights overridden for an experiment");
                weights
            }
            Err(error) => {
                tracing::error!(%error, "DEFMATCH_FEEDBACK_WEIGHTS is not valid; using the production ones");
                FEEDBACK_WEIGHTS
            }
        }
    })
}

/// How many candidates a match rescores: the unmarked pool, widened to the
/// marked one once the party has an item marked interesting (still
/// indexed), and at least the results asked for plus the rejected items,
/// which leave the list.
pub fn candidate_pool(
    unmarked_pool: usize,
    weights: &FeedbackWeights,
    interesting: usize,
    rejected: usize,
    limit: usize,
) -> usize {
    let pool = if interesting == 0 {
        unmarked_pool
    } else {
        unmarked_pool.max(weights.marked_candidates)
    };
    pool.max(limit + rejected)
}

/// Least similarity to an interesting item that the explanation names.
pub const SHOWN_SIMILARITY: f32 = 0.15;

/// The marks of the party asking, on the matches of this query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Feedback {
    pub interesting: Vec<Uuid>,
    pub rejected: Vec<Uuid>,
}

impl Feedback {
    /// Whether there are no marks (the ranking is the unmarked one).
    pub fn is_empty(&self) -> bool {
        self.interesting.is_empty() && self.rejected.is_empty()
    }
}

/// The interesting item a result is most like, when a mark moved it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct MarkedLike {
    /// The marked item's title as the caller may see it (a challenge's
    /// title, a start-up's name); null for an anonymous card.
    pub title: Option<String>,
    /// Similarity of the two texts, 0 to 1.
    pub similarity: f32,
    /// The marked item, for the service only: to procurement it is a
    /// start-up, whose id must never reach them.
    #[serde(skip)]
    pub item_id: Uuid,
}

/// How alike a candidate and a marked item are, 0 to 1: the cosine of
/// their weighted term vectors, blended with the cosine of their meanings
/// (when both have one) by `meaning_share` and with the overlap of their
/// technology codes by `technology_share`.
pub fn likeness(
    term_cosine: f32,
    meaning_cosine: Option<f32>,
    technology_overlap: f32,
    weights: &FeedbackWeights,
) -> f32 {
    let text = match meaning_cosine {
        Some(meaning) => {
            (1.0 - weights.meaning_share) * term_cosine + weights.meaning_share * meaning.max(0.0)
        }
        None => term_cosine,
    };
    (1.0 - weights.technology_share) * text + weights.technology_share * technology_overlap
}

/// What the marks do to one candidate, from its likeness to each item
/// marked interesting and each marked not relevant: the `marks` part of its
/// score and the interesting item it is most like, when it is like one
/// enough.
pub fn mark_effect(
    candidate_id: Uuid,
    interesting: &[(Uuid, f32)],
    rejected: &[(Uuid, f32)],
    weights: &FeedbackWeights,
) -> (f32, Option<MarkedLike>) {
    let mean = |items: &[(Uuid, f32)]| {
        if items.is_empty() {
            return 0.0;
        }
        items.iter().map(|(_, alike)| alike).sum::<f32>() / items.len() as f32
    };
    let part = weights.toward_interesting * mean(interesting)
        - weights.away_from_rejected * mean(rejected);
    let closest = interesting
        .iter()
        .filter(|(id, alike)| *id != candidate_id && *alike >= SHOWN_SIMILARITY)
        .max_by(|left, right| left.1.total_cmp(&right.1));
    let marked_like = closest.map(|(item_id, similarity)| MarkedLike {
        title: None,
        similarity: *similarity,
        item_id: *item_id,
    });
    (part, marked_like)
}

/// The query moved toward the items marked interesting ([`QueryMove`]):
/// q/|q| + shift·mean(i/|i|) over the weighted query terms of each item,
/// the strongest `max_terms` kept, sorted by term as scoring reads them.
pub fn moved_query<'a>(
    query: &[(&'a str, f32)],
    interesting: &[Vec<(&'a str, f32)>],
    shift: f32,
    max_terms: usize,
) -> Vec<(&'a str, f32)> {
    let unit = |terms: &[(&str, f32)]| {
        let norm = terms
            .iter()
            .map(|(_, weight)| weight * weight)
            .sum::<f32>()
            .sqrt();
        (norm > 0.0).then_some(norm)
    };
    let mut moved: std::collections::BTreeMap<&str, f32> = std::collections::BTreeMap::new();
    if let Some(norm) = unit(query) {
        for (term, weight) in query {
            *moved.entry(term).or_default() += weight / norm;
        }
    }
    let share = shift / interesting.len().max(1) as f32;
    for item in interesting {
        let Some(norm) = unit(item) else { continue };
        for (term, weight) in item {
            *moved.entry(term).or_default() += share * weight / norm;
        }
    }
    let mut ranked: Vec<(&str, f32)> = moved.into_iter().collect();
    ranked.sort_by(|left, right| right.1.total_cmp(&left.1).then_with(|| left.0.cmp(right.0)));
    ranked.truncate(max_terms);
    ranked.sort_by(|left, right| left.0.cmp(right.0));
    ranked
}

/// Cosine of two texts' term vectors weighted by (1 + ln tf)·idf in `corpus`.
pub fn weighted_cosine(
    left: &TermsView<'_>,
    right: &TermsView<'_>,
    corpus: &dyn CorpusStatistics,
) -> f32 {
    let language = |view: &TermsView<'_>| view.language.unwrap_or(TextLanguage::English);
    let weight = |language: TextLanguage, term: &str, frequency: u32| {
        (1.0 + (frequency.max(1) as f32).ln()) * corpus.idf(language, term).max(0.0)
    };
    let norm = |view: &TermsView<'_>| {
        view.entries()
            .iter()
            .map(|(term, frequency)| weight(language(view), term, *frequency).powi(2))
            .sum::<f32>()
            .sqrt()
    };
    let (left_norm, right_norm) = (norm(left), norm(right));
    if left_norm <= 0.0 || right_norm <= 0.0 {
        return 0.0;
    }
    let mut dot = 0.0;
    each_shared(
        left.entries(),
        right.entries(),
        |(term, left_frequency), right_frequency| {
            dot += weight(language(left), term, *left_frequency)
                * weight(language(right), term, *right_frequency);
        },
    );
    (dot / (left_norm * right_norm)).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{vector, FlatCorpus};
    use super::*;

    #[test]
    fn a_result_like_an_interesting_item_gains_and_one_like_a_rejected_item_loses() {
        let liked = vector("counter drone radar for airbases");
        let rejected = vector("catering software for canteens");
        let like_liked = vector("radar that detects small drones");
        let like_rejected = vector("software that plans canteen catering");
        let (liked_id, rejected_id) = (Uuid::new_v4(), Uuid::new_v4());
        let weights = FeedbackWeights {
            away_from_rejected: 0.25,
            ..FEEDBACK_WEIGHTS
        };
        let alike = |candidate: &TermsView<'_>, id: Uuid, item: &TermsView<'_>| {
            vec![(id, weighted_cosine(candidate, item, &FlatCorpus))]
        };
        let (gain, marked_like) = mark_effect(
            Uuid::new_v4(),
            &alike(&like_liked.view(), liked_id, &liked.view()),
            &alike(&like_liked.view(), rejected_id, &rejected.view()),
            &weights,
        );
        let (loss, none) = mark_effect(
            Uuid::new_v4(),
            &alike(&like_rejected.view(), liked_id, &liked.view()),
            &alike(&like_rejected.view(), rejected_id, &rejected.view()),
            &weights,
        );
        assert!(gain > 0.0, "{gain}");
        assert!(loss < 0.0, "{loss}");
        assert_eq!(marked_like.map(|like| like.item_id), Some(liked_id));
        assert!(none.is_none());
    }

    #[test]
    fn an_interesting_mark_widens_the_pool_and_rejected_items_add_to_it() {
        let weights = FeedbackWeights {
            marked_candidates: 50,
            ..FEEDBACK_WEIGHTS
        };
        assert_eq!(candidate_pool(30, &weights, 0, 0, 10), 30);
        assert_eq!(candidate_pool(80, &weights, 1, 0, 10), 80);
        assert_eq!(candidate_pool(30, &weights, 1, 0, 10), 50);
        assert_eq!(candidate_pool(30, &weights, 0, 3, 10), 30);
        assert_eq!(candidate_pool(30, &weights, 0, 3, 40), 43);
        assert_eq!(candidate_pool(30, &weights, 2, 3, 60), 63);
    }

    #[test]
    fn likeness_blends_terms_meaning_and_technologies_by_their_shares() {
        let shares = |meaning_share, technology_share| FeedbackWeights {
            meaning_share,
            technology_share,
            ..FEEDBACK_WEIGHTS
        };
        assert_eq!(likeness(0.2, None, 1.0, &shares(0.5, 0.0)), 0.2);
        assert!((likeness(0.2, Some(0.6), 0.0, &shares(0.5, 0.0)) - 0.4).abs() < 1e-6);
        assert_eq!(likeness(0.2, Some(-0.3), 0.0, &shares(1.0, 0.0)), 0.0);
        assert!((likeness(0.2, None, 1.0, &shares(0.0, 0.5)) - 0.6).abs() < 1e-6);
        assert!((likeness(0.2, Some(0.6), 0.5, &shares(0.5, 0.5)) - 0.45).abs() < 1e-6);
    }

    #[test]
    fn the_moved_query_keeps_the_strongest_terms_of_query_and_interesting_items_by_term() {
        let query = [("logist", 1.0), ("radar", 2.0)];
        let liked = vec![("acoust", 3.0), ("radar", 1.0)];
        let moved = moved_query(&query, std::slice::from_ref(&liked), 0.75, 3);
        let terms: Vec<&str> = moved.iter().map(|(term, _)| *term).collect();
        assert_eq!(terms, ["acoust", "logist", "radar"]);
        let weight = |term: &str| moved.iter().find(|(t, _)| *t == term).unwrap().1;
        assert!(weight("radar") > weight("acoust") && weight("acoust") > weight("logist"));
        let strongest = moved_query(&query, &[liked], 0.75, 2);
        let terms: Vec<&str> = strongest.iter().map(|(term, _)| *term).collect();
        assert_eq!(terms, ["acoust", "radar"]);
        let unmoved = moved_query(&query, &[], 0.75, 1);
        assert_eq!(unmoved.len(), 1);
        assert_eq!(unmoved[0].0, "radar");
    }

    #[test]
    fn no_marks_change_nothing() {
        let (part, marked_like) = mark_effect(Uuid::new_v4(), &[], &[], &FEEDBACK_WEIGHTS);
        assert_eq!(part, 0.0);
        assert!(marked_like.is_none());
    }
}

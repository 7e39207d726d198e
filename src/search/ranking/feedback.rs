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

use super::terms::{CorpusStatistics, TermsView};
use crate::search::analysis::TextLanguage;

/// Weight of the pull toward items marked interesting (β).
pub const TOWARD_INTERESTING: f32 = 0.75;
/// Weight of the push away from items marked not relevant (γ).
pub const AWAY_FROM_REJECTED: f32 = 0.25;
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

/// What the marks do to one candidate: the `marks` part of its score and
/// the interesting item it is most like, when it is like one enough.
pub fn mark_effect(
    candidate_id: Uuid,
    candidate: &TermsView<'_>,
    interesting: &[(Uuid, TermsView<'_>)],
    rejected: &[(Uuid, TermsView<'_>)],
    corpus: &dyn CorpusStatistics,
) -> (f32, Option<MarkedLike>) {
    let mean = |items: &[(Uuid, TermsView<'_>)]| {
        if items.is_empty() {
            return 0.0;
        }
        let sum: f32 = items
            .iter()
            .map(|(_, item)| weighted_cosine(candidate, item, corpus))
            .sum();
        sum / items.len() as f32
    };
    let part = TOWARD_INTERESTING * mean(interesting) - AWAY_FROM_REJECTED * mean(rejected);
    let closest = interesting
        .iter()
        .filter(|(id, _)| *id != candidate_id)
        .map(|(id, item)| (*id, weighted_cosine(candidate, item, corpus)))
        .filter(|(_, similarity)| *similarity >= SHOWN_SIMILARITY)
        .max_by(|left, right| left.1.total_cmp(&right.1));
    let marked_like = closest.map(|(item_id, similarity)| MarkedLike {
        title: None,
        similarity,
        item_id,
    });
    (part, marked_like)
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
    let (mut lefts, mut rights) = (
        left.entries().iter().peekable(),
        right.entries().iter().peekable(),
    );
    while let (Some((left_term, left_frequency)), Some((right_term, right_frequency))) =
        (lefts.peek(), rights.peek())
    {
        match left_term.cmp(right_term) {
            std::cmp::Ordering::Less => {
                lefts.next();
            }
            std::cmp::Ordering::Greater => {
                rights.next();
            }
            std::cmp::Ordering::Equal => {
                dot += weight(language(left), left_term, *left_frequency)
                    * weight(language(right), right_term, *right_frequency);
                lefts.next();
                rights.next();
            }
        }
    }
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
        let interesting = [(liked_id, liked.view())];
        let rejections = [(rejected_id, rejected.view())];
        let (gain, marked_like) = mark_effect(
            Uuid::new_v4(),
            &like_liked.view(),
            &interesting,
            &rejections,
            &FlatCorpus,
        );
        let (loss, none) = mark_effect(
            Uuid::new_v4(),
            &like_rejected.view(),
            &interesting,
            &rejections,
            &FlatCorpus,
        );
        assert!(gain > 0.0, "{gain}");
        assert!(loss < 0.0, "{loss}");
        assert_eq!(marked_like.map(|like| like.item_id), Some(liked_id));
        assert!(none.is_none());
    }

    #[test]
    fn no_marks_change_nothing() {
        let text = vector("counter drone radar");
        let (part, marked_like) = mark_effect(Uuid::new_v4(), &text.view(), &[], &[], &FlatCorpus);
        assert_eq!(part, 0.0);
        assert!(marked_like.is_none());
    }
}

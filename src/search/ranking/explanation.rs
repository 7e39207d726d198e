//! Scoring one pair in both directions, and the explanation of the score.

use serde::Serialize;
use utoipa::ToSchema;

use super::calibration::FitParts;
use super::feedback::MarkedLike;
use super::fit::{region_fit, technology_overlap, trl_fit, RegionFit};
use super::terms::{directional_score, CorpusStatistics, TermsView};
use super::weights::DirectionWeights;
use super::words::is_telling;
use crate::domain::readiness::{Trl, TrlRange};
use crate::domain::region::Province;
use crate::domain::taxonomy::Technology;

/// The weighted parts of a score; they add up to it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ToSchema)]
pub struct ScoreParts {
    pub text: f32,
    pub technology: f32,
    pub region: f32,
    pub trl: f32,
    /// What the caller's marks add (toward items marked interesting) or
    /// take away (toward items marked not relevant); 0 without marks.
    pub marks: f32,
}

/// Terms that matched, in each direction, in the form the asking side's
/// text uses ("vehicles", not the stem "vehicl"); filler words never.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct MatchedTerms {
    /// Terms of the side asking that the result's text contains, strongest first.
    pub query_to_result: Vec<String>,
    /// Terms of the result that the side asking contains, strongest first.
    pub result_to_query: Vec<String>,
}

/// Why a result was ranked where it is.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct MatchExplanation {
    /// How well the pair fits, 0 to 100, on a scale that reads the same in
    /// every list (`ranking::calibration`; docs/matching.md, "The fit").
    pub fit: u8,
    /// The parts of the fit in whole points; they add up to `fit`.
    pub fit_parts: FitParts,
    /// The raw score the results are ordered by, 0 to the sum of the
    /// weights (plus the marks part); kept for clients that read it.
    pub score: f32,
    /// The parts of the score; they add up to `score`.
    pub parts: ScoreParts,
    pub matched_terms: MatchedTerms,
    /// How close the two texts are in meaning (cosine in the semantic space
    /// learnt from the corpus, 0 to 1); null while no model is trained.
    pub semantic_similarity: Option<f32>,
    pub shared_technologies: Vec<Technology>,
    pub region: RegionFit,
    /// Whether the start-up's TRL is in the wanted range; null when unknown.
    pub trl_in_range: Option<bool>,
    /// The item the caller marked interesting that this result is most
    /// like, when a mark moved it; null otherwise.
    pub marked_like: Option<MarkedLike>,
}

impl MatchExplanation {
    /// Adds the `marks` part of the caller's marks to the score.
    pub fn apply_marks(&mut self, part: f32, marked_like: Option<MarkedLike>) {
        self.parts.marks = part;
        self.score += part;
        self.marked_like = marked_like;
    }
}

/// Number of matched terms shown per direction: the most telling few.
const SHOWN_TERMS: usize = 6;

impl MatchedTerms {
    /// Replaces every analysed term by the form `forms` gives it (from
    /// [`crate::search::analysis::Analyzers::surface_forms`] of the asking
    /// side's text, which holds every matched term), keeping one entry per form.
    pub fn in_surface_form(&mut self, forms: &std::collections::HashMap<String, String>) {
        for terms in [&mut self.query_to_result, &mut self.result_to_query] {
            let mut seen = std::collections::HashSet::new();
            let shown: Vec<String> = terms
                .iter()
                .map(|term| forms.get(term).cloned().unwrap_or_else(|| term.clone()))
                .filter(|form| seen.insert(form.clone()))
                .collect();
            *terms = shown;
        }
    }
}

/// Everything the ranking knows about one pair.
pub struct PairFacts<'a> {
    /// Query terms of the asking side, in the result's corpus (moved toward
    /// the items it marked interesting, when its query moves).
    pub forward_terms: &'a [(&'a str, f32)],
    pub result_vector: &'a TermsView<'a>,
    pub result_corpus: &'a dyn CorpusStatistics,
    /// Query terms of the result, in the asking side's corpus.
    pub reverse_terms: &'a [(&'a str, f32)],
    pub query_vector: &'a TermsView<'a>,
    pub query_corpus: &'a dyn CorpusStatistics,
    pub startup_technologies: &'a [Technology],
    pub challenge_technologies: &'a [Technology],
    pub startup_province: Option<Province>,
    pub startup_in_netherlands: bool,
    pub preferred_provinces: &'a [Province],
    pub startup_trl: Option<Trl>,
    pub wanted_trl: TrlRange,
}

/// The parts of a pair before the text is normalised over all candidates.
#[derive(Debug, Clone)]
pub struct RawPair {
    pub forward: f32,
    pub forward_terms: Vec<String>,
    pub reverse: f32,
    pub reverse_terms: Vec<String>,
    /// Cosine similarity in the semantic space; `None` without a model.
    pub semantic: Option<f32>,
    pub technology: f32,
    pub shared_technologies: Vec<Technology>,
    pub region: RegionFit,
    pub trl: f32,
    pub trl_in_range: Option<bool>,
}

/// The matched terms worth showing a person (see [`is_telling`]), from
/// `terms` ordered by their weight in the score, strongest first.
fn shown_terms<'t>(terms: impl Iterator<Item = &'t str>) -> Vec<String> {
    terms
        .filter(|term| is_telling(term))
        .take(SHOWN_TERMS)
        .map(str::to_owned)
        .collect()
}

/// The terms of the result (its query terms `reverse_terms`) that the
/// asking side's text holds, as the explanation shows them: when the reverse
/// direction has no share in the score, only the results shown need them.
pub fn matched_the_other_way(
    reverse_terms: &[(&str, f32)],
    query_vector: &TermsView<'_>,
    query_corpus: &dyn CorpusStatistics,
) -> Vec<String> {
    let contributions = directional_score(reverse_terms, query_vector, query_corpus).1;
    shown_terms(contributions.into_iter().map(|(term, _)| term))
}

/// Scores one pair in both directions.
pub fn score_pair(facts: &PairFacts<'_>) -> RawPair {
    let (forward, forward_terms) = directional_score(
        facts.forward_terms,
        facts.result_vector,
        facts.result_corpus,
    );
    let (reverse, reverse_terms) =
        directional_score(facts.reverse_terms, facts.query_vector, facts.query_corpus);
    let (technology, shared_technologies) =
        technology_overlap(facts.startup_technologies, facts.challenge_technologies);
    let region = region_fit(
        facts.startup_province,
        facts.startup_in_netherlands,
        facts.preferred_provinces,
    );
    let (trl, trl_in_range) = trl_fit(facts.startup_trl, facts.wanted_trl);
    // Marks may move the query toward the marked items' terms; the
    // explanation names only words of the asking side's own text.
    let own_forward_terms = forward_terms
        .into_iter()
        .map(|(term, _)| term)
        .filter(|term| facts.query_vector.contains(term));
    RawPair {
        forward,
        forward_terms: shown_terms(own_forward_terms),
        reverse,
        reverse_terms: shown_terms(reverse_terms.into_iter().map(|(term, _)| term)),
        semantic: None,
        technology,
        shared_technologies,
        region,
        trl,
        trl_in_range,
    }
}

/// The best value of each text signal among the candidates of one match.
#[derive(Debug, Clone, Copy, Default)]
pub struct BestText {
    pub forward: f32,
    pub reverse: f32,
    pub semantic: f32,
}

/// The final score and its explanation. Each text direction is divided by
/// its best value among the candidates, so the best text match scores 1.
pub fn finish_pair(
    raw: RawPair,
    best: &BestText,
    direction: &DirectionWeights,
) -> MatchExplanation {
    let normalise = |value: f32, best: f32| {
        if best > 0.0 {
            (value / best).min(1.0)
        } else {
            0.0
        }
    };
    let semantic_share = match raw.semantic {
        Some(_) => direction.semantic_share,
        None => 0.0,
    };
    let text = (1.0 - direction.reverse_share - semantic_share)
        * normalise(raw.forward, best.forward)
        + direction.reverse_share * normalise(raw.reverse, best.reverse)
        + semantic_share * normalise(raw.semantic.unwrap_or(0.0), best.semantic);
    let parts = ScoreParts {
        text: direction.text * text,
        technology: direction.technology * raw.technology,
        region: direction.region * raw.region.value,
        trl: direction.trl * raw.trl,
        marks: 0.0,
    };
    MatchExplanation {
        // Set by `calibrate` once the marks are in.
        fit: 0,
        fit_parts: FitParts::default(),
        score: parts.text + parts.technology + parts.region + parts.trl,
        parts,
        matched_terms: MatchedTerms {
            query_to_result: raw.forward_terms,
            result_to_query: raw.reverse_terms,
        },
        semantic_similarity: raw.semantic,
        shared_technologies: raw.shared_technologies,
        region: raw.region,
        trl_in_range: raw.trl_in_range,
        marked_like: None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{vector, FlatCorpus};
    use super::super::terms::query_terms;
    use super::super::weights::TUNED_WEIGHTS;
    use super::*;
    use crate::domain::region::RegionRelation;

    #[test]
    fn the_parts_add_up_to_the_score() {
        let startup = vector("passive radar drone detection");
        let challenge = vector("counter drone detection at airbases with radar");
        let (startup, challenge) = (startup.view(), challenge.view());
        let forward_terms = query_terms(
            &startup,
            &FlatCorpus,
            TUNED_WEIGHTS.challenges_for_startup.query,
        );
        let reverse_terms = query_terms(
            &challenge,
            &FlatCorpus,
            TUNED_WEIGHTS.challenges_for_startup.reverse_query,
        );
        let range = TrlRange::new(Trl::try_from(4).unwrap(), Trl::try_from(7).unwrap()).unwrap();
        let raw = score_pair(&PairFacts {
            forward_terms: &forward_terms,
            result_vector: &challenge,
            result_corpus: &FlatCorpus,
            reverse_terms: &reverse_terms,
            query_vector: &startup,
            query_corpus: &FlatCorpus,
            startup_technologies: &[Technology::AutonomyDrones],
            challenge_technologies: &[Technology::AutonomyDrones, Technology::ImagingSensing],
            startup_province: Some(Province::NoordHolland),
            startup_in_netherlands: true,
            preferred_provinces: &[Province::NoordHolland],
            startup_trl: Some(Trl::try_from(6).unwrap()),
            wanted_trl: range,
        });
        let mut raw = raw;
        raw.semantic = Some(0.3);
        let best = BestText {
            forward: raw.forward * 2.0,
            reverse: raw.reverse,
            semantic: 0.6,
        };
        let explanation = finish_pair(raw, &best, &TUNED_WEIGHTS.startups_for_challenge);
        let parts = explanation.parts;
        let sum = parts.text + parts.technology + parts.region + parts.trl;
        assert!((sum - explanation.score).abs() < 1e-6);
        assert!(explanation
            .matched_terms
            .query_to_result
            .contains(&"radar".to_owned()));
        assert_eq!(
            explanation.shared_technologies,
            vec![Technology::AutonomyDrones]
        );
        assert_eq!(
            explanation.region.relation,
            Some(RegionRelation::SameProvince)
        );
        assert_eq!(explanation.trl_in_range, Some(true));
    }
}

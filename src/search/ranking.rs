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

use std::collections::HashMap;

use serde::Serialize;
use utoipa::ToSchema;

use super::analysis::{Analyzers, TextLanguage};
use super::bm25::{idf, Bm25Params};
use crate::domain::readiness::{Trl, TrlRange};
use crate::domain::region::{Province, RegionRelation};
use crate::domain::taxonomy::Technology;

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

/// The analysed term frequencies of a text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TermVector {
    pub language: Option<TextLanguage>,
    pub frequencies: HashMap<String, u32>,
    /// Number of tokens.
    pub length: u32,
}

impl TermVector {
    /// Analyses `text` in `language`.
    pub fn analyse(analyzers: &mut Analyzers, language: TextLanguage, text: &str) -> Self {
        let tokens = analyzers.tokens(language, text);
        let length = tokens.len() as u32;
        let mut frequencies = HashMap::new();
        for token in tokens {
            *frequencies.entry(token).or_insert(0) += 1;
        }
        TermVector {
            language: Some(language),
            frequencies,
            length,
        }
    }

    /// The stored form: `length term:tf term:tf …`.
    pub fn serialise(&self) -> String {
        let mut entries: Vec<(&String, &u32)> = self.frequencies.iter().collect();
        entries.sort();
        let mut out = self.length.to_string();
        for (term, frequency) in entries {
            out.push(' ');
            out.push_str(term);
            out.push(':');
            out.push_str(&frequency.to_string());
        }
        out
    }

    /// The vector as scoring reads it.
    pub fn view(&self) -> TermsView<'_> {
        let mut entries: Vec<(&str, u32)> = self
            .frequencies
            .iter()
            .map(|(term, frequency)| (term.as_str(), *frequency))
            .collect();
        entries.sort_unstable();
        TermsView {
            language: self.language,
            length: self.length,
            entries,
        }
    }
}

/// Term frequencies as scoring reads them: borrowed from a stored document
/// (nothing is copied per candidate) and sorted by term, so that two texts
/// are compared by one merge of their entries.
#[derive(Debug, Clone, PartialEq)]
pub struct TermsView<'a> {
    pub language: Option<TextLanguage>,
    /// Number of tokens.
    pub length: u32,
    entries: Vec<(&'a str, u32)>,
}

impl<'a> TermsView<'a> {
    /// Reads the stored form of a [`TermVector`]; unreadable entries are skipped.
    pub fn parse(language: Option<TextLanguage>, stored: &'a str) -> Self {
        let mut parts = stored.split(' ');
        let length = parts
            .next()
            .and_then(|length| length.parse().ok())
            .unwrap_or(0);
        let mut entries: Vec<(&str, u32)> = parts
            .filter_map(|entry| {
                let (term, frequency) = entry.rsplit_once(':')?;
                Some((term, frequency.parse().ok()?))
            })
            .collect();
        // `serialise` writes them sorted; a hand-edited index may not.
        if !entries.is_sorted() {
            entries.sort_unstable();
        }
        TermsView {
            language,
            length,
            entries,
        }
    }

    /// The (term, frequency) entries, sorted by term.
    pub fn entries(&self) -> &[(&'a str, u32)] {
        &self.entries
    }
}

/// What scoring needs to know about the corpus a text is scored in.
pub trait CorpusStatistics {
    /// Inverse document frequency of `term` in that corpus.
    fn idf(&self, language: TextLanguage, term: &str) -> f32;
    /// Average length, in tokens, of the corpus' texts.
    fn average_length(&self, language: TextLanguage) -> f32;
    /// BM25 parameters for scoring texts of this corpus.
    fn bm25(&self) -> Bm25Params;
}

/// BM25 inverse document frequency from raw counts (re-exported for stats providers).
pub fn inverse_document_frequency(document_frequency: u64, document_count: u64) -> f32 {
    idf(document_frequency, document_count)
}

/// Weight of a query term.
pub fn query_term_weight(query_frequency: u32, term_idf: f32, shape: QueryShape) -> f32 {
    (1.0 + (query_frequency.max(1) as f32).ln()).powf(shape.tf_exponent)
        * term_idf.max(0.0).powf(shape.idf_exponent)
}

/// The query terms of `query` with their weights, in term order: the
/// `weights().max_query_terms` strongest (ties go to the earlier term).
pub fn query_terms<'a>(
    query: &TermsView<'a>,
    corpus: &dyn CorpusStatistics,
    shape: QueryShape,
) -> Vec<(&'a str, f32)> {
    let Some(language) = query.language else {
        return Vec::new();
    };
    let mut weighted: Vec<(&'a str, f32)> = query
        .entries
        .iter()
        .map(|(term, frequency)| {
            (
                *term,
                query_term_weight(*frequency, corpus.idf(language, term), shape),
            )
        })
        .filter(|(_, weight)| *weight > 0.0)
        .collect();
    let limit = weights().max_query_terms;
    if weighted.len() > limit {
        let stronger = |left: &(&str, f32), right: &(&str, f32)| {
            right.1.total_cmp(&left.1).then_with(|| left.0.cmp(right.0))
        };
        let mut ranked = weighted.clone();
        let weakest_kept = match limit.checked_sub(1) {
            Some(last) => *ranked.select_nth_unstable_by(last, stronger).1,
            None => return Vec::new(),
        };
        weighted.retain(|entry| stronger(entry, &weakest_kept) != std::cmp::Ordering::Greater);
    }
    weighted
}

fn saturation(frequency: u32, length: u32, average_length: f32, params: Bm25Params) -> f32 {
    let Bm25Params { k1, b } = params;
    let frequency = frequency as f32;
    let norm = k1 * (1.0 - b + b * length as f32 / average_length.max(1.0));
    frequency * (k1 + 1.0) / (frequency + norm)
}

/// BM25 of `target` for `query_terms` (in term order, as [`query_terms`]
/// gives them), scored in the corpus of `target`; with the contribution of
/// each matched term, strongest first.
pub fn directional_score<'a>(
    query_terms: &[(&'a str, f32)],
    target: &TermsView<'_>,
    corpus: &dyn CorpusStatistics,
) -> (f32, Vec<(&'a str, f32)>) {
    let Some(language) = target.language else {
        return (0.0, Vec::new());
    };
    let average_length = corpus.average_length(language);
    let params = corpus.bm25();
    let mut contributions = Vec::new();
    let (mut query, mut entries) = (
        query_terms.iter().peekable(),
        target.entries.iter().peekable(),
    );
    while let (Some((term, weight)), Some((entry, frequency))) = (query.peek(), entries.peek()) {
        match term.cmp(entry) {
            std::cmp::Ordering::Less => {
                query.next();
            }
            std::cmp::Ordering::Greater => {
                entries.next();
            }
            std::cmp::Ordering::Equal => {
                contributions.push((
                    *term,
                    weight * saturation(*frequency, target.length, average_length, params),
                ));
                query.next();
                entries.next();
            }
        }
    }
    contributions
        .sort_by(|left, right| right.1.total_cmp(&left.1).then_with(|| left.0.cmp(right.0)));
    (
        contributions.iter().map(|(_, part)| part).sum(),
        contributions,
    )
}

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

/// The weighted parts of a score; they add up to it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ToSchema)]
pub struct ScoreParts {
    pub text: f32,
    pub technology: f32,
    pub region: f32,
    pub trl: f32,
}

/// Terms that matched, in each direction (analysed stems).
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
    /// The score, 0 to the sum of the weights.
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
}

/// Number of matched terms shown per direction.
const SHOWN_TERMS: usize = 8;

/// Everything the ranking knows about one pair.
pub struct PairFacts<'a> {
    /// Query terms of the asking side, in the result's corpus.
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

/// The strongest matched terms worth showing a person: stems of at least
/// three characters that are not bare numbers.
fn shown_terms(contributions: Vec<(&str, f32)>) -> Vec<String> {
    contributions
        .into_iter()
        .map(|(term, _)| term)
        .filter(|term| {
            term.chars().count() >= 3 && !term.chars().all(|character| character.is_ascii_digit())
        })
        .take(SHOWN_TERMS)
        .map(str::to_owned)
        .collect()
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
    RawPair {
        forward,
        forward_terms: shown_terms(forward_terms),
        reverse,
        reverse_terms: shown_terms(reverse_terms),
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
    };
    MatchExplanation {
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
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct FlatCorpus;

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

    fn vector(text: &str) -> TermVector {
        TermVector::analyse(&mut Analyzers::default(), TextLanguage::English, text)
    }

    #[test]
    fn term_vectors_survive_storage() {
        let original = vector("drone detection with passive radar detects drones");
        let stored = original.serialise();
        assert_eq!(
            TermsView::parse(Some(TextLanguage::English), &stored),
            original.view()
        );
    }

    #[test]
    fn a_long_query_keeps_its_strongest_terms_in_term_order() {
        struct RarerLater;
        impl CorpusStatistics for RarerLater {
            fn idf(&self, _language: TextLanguage, term: &str) -> f32 {
                term.len() as f32
            }
            fn average_length(&self, _language: TextLanguage) -> f32 {
                10.0
            }
            fn bm25(&self) -> Bm25Params {
                Bm25Params { k1: 1.2, b: 0.75 }
            }
        }
        let words: Vec<String> = (1..=weights().max_query_terms + 5)
            .map(|length| "q".repeat(length))
            .collect();
        let stored = format!(
            "{} {}",
            words.len(),
            words
                .iter()
                .map(|word| format!("{word}:1"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        let view = TermsView::parse(Some(TextLanguage::English), &stored);
        let terms = query_terms(&view, &RarerLater, TUNED_WEIGHTS.startup_query);
        assert_eq!(terms.len(), weights().max_query_terms);
        assert!(
            terms.iter().all(|(term, _)| term.len() > 5),
            "the five weakest are dropped"
        );
        assert!(terms.windows(2).all(|pair| pair[0].0 < pair[1].0));
    }

    #[test]
    fn a_text_scores_highest_against_itself() {
        let query = vector("drone detection radar");
        let terms = query_terms(&query.view(), &FlatCorpus, TUNED_WEIGHTS.startup_query);
        let (itself, _) = directional_score(&terms, &query.view(), &FlatCorpus);
        let other_text = vector("radar for ships");
        let (other, matched) = directional_score(&terms, &other_text.view(), &FlatCorpus);
        assert!(other > 0.0 && other < itself);
        assert_eq!(matched.len(), 1);
        assert_eq!(matched[0].0, "radar");
    }

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

    #[test]
    fn the_parts_add_up_to_the_score() {
        let startup = vector("passive radar drone detection");
        let challenge = vector("counter drone detection at airbases with radar");
        let (startup, challenge) = (startup.view(), challenge.view());
        let forward_terms = query_terms(&startup, &FlatCorpus, TUNED_WEIGHTS.startup_query);
        let reverse_terms = query_terms(&challenge, &FlatCorpus, TUNED_WEIGHTS.challenge_query);
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

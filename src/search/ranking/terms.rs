//! Term vectors, query terms and the directional BM25 of the text part.

use std::collections::HashMap;
use std::fmt::Write;

use super::weights::{weights, QueryShape};
use crate::search::analysis::{Analyzers, TextLanguage};
use crate::search::bm25::{idf, Bm25Params};

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
        Self::of_frequencies(language, analyzers.term_frequencies(language, text))
    }

    /// Analyses `text` in `language`, with the form each term takes in it
    /// ([`Analyzers::surface_forms`]).
    pub fn analyse_with_surface_forms(
        analyzers: &mut Analyzers,
        language: TextLanguage,
        text: &str,
    ) -> (Self, HashMap<String, String>) {
        let (frequencies, forms) = analyzers.frequencies_and_surface_forms(language, text);
        (Self::of_frequencies(language, frequencies), forms)
    }

    fn of_frequencies(language: TextLanguage, frequencies: HashMap<String, u32>) -> Self {
        // Every token is counted once, so the tokens number the counts' sum.
        let length = frequencies.values().sum();
        TermVector {
            language: Some(language),
            frequencies,
            length,
        }
    }

    /// The stored form: `length term:tf term:tf …`, terms in order.
    pub fn serialise(&self) -> String {
        let mut out = self.length.to_string();
        for (term, frequency) in self.view().entries {
            // Writing to a String cannot fail.
            let _ = write!(out, " {term}:{frequency}");
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
        // One entry per space: sized once rather than grown while reading.
        let mut entries: Vec<(&str, u32)> =
            Vec::with_capacity(stored.bytes().filter(|byte| *byte == b' ').count());
        entries.extend(parts.filter_map(|entry| {
            let (term, frequency) = entry.rsplit_once(':')?;
            Some((term, frequency.parse().ok()?))
        }));
        // `serialise` writes them sorted; a hand-edited index may not.
        if !entries.is_sorted_by(|left, right| term_order(left.0, right.0).is_le()) {
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

    /// Whether the text holds `term`.
    pub fn contains(&self, term: &str) -> bool {
        self.entries
            .binary_search_by(|(entry, _)| term_order(entry, term))
            .is_ok()
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
    let mut weighted: Vec<(&'a str, f32)> = Vec::with_capacity(query.entries.len());
    weighted.extend(
        query
            .entries
            .iter()
            .map(|(term, frequency)| {
                (
                    *term,
                    query_term_weight(*frequency, corpus.idf(language, term), shape),
                )
            })
            .filter(|(_, weight)| *weight > 0.0),
    );
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

/// The query terms of `query` that `within` holds, weighted as
/// [`query_terms`] weighs them: what [`directional_score`] against
/// `within` reads of the whole list.
///
/// A text with no more terms than a query keeps is weighed only where the
/// two texts share a term; a longer one is cut to its strongest terms first,
/// which needs every weight.
pub fn query_terms_within<'a>(
    query: &TermsView<'a>,
    within: &TermsView<'_>,
    corpus: &dyn CorpusStatistics,
    shape: QueryShape,
) -> Vec<(&'a str, f32)> {
    let Some(language) = query.language else {
        return Vec::new();
    };
    if query.entries.len() > weights().max_query_terms {
        let mut terms = query_terms(query, corpus, shape);
        terms.retain(|(term, _)| {
            within
                .entries
                .binary_search_by(|(entry, _)| term_order(entry, term))
                .is_ok()
        });
        return terms;
    }
    let mut shared = Vec::with_capacity(query.entries.len().min(within.entries.len()));
    each_shared(&query.entries, &within.entries, |(term, frequency), _| {
        let weight = query_term_weight(*frequency, corpus.idf(language, term), shape);
        if weight > 0.0 {
            shared.push((*term, weight));
        }
    });
    shared
}

/// Calls `visit` with each entry of `left` whose term `right` holds, and
/// with that term's value in `right`; both sorted by term, so one merge.
pub(super) fn each_shared<'l, 'a, L, R>(
    left: &'l [(&'a str, L)],
    right: &[(&str, R)],
    mut visit: impl FnMut(&'l (&'a str, L), &R),
) {
    let (mut left, mut right) = (left.iter().peekable(), right.iter().peekable());
    while let (Some(entry), Some((term, value))) = (left.peek(), right.peek()) {
        match term_order(entry.0, term) {
            std::cmp::Ordering::Less => {
                left.next();
            }
            std::cmp::Ordering::Greater => {
                right.next();
            }
            std::cmp::Ordering::Equal => {
                visit(entry, value);
                left.next();
                right.next();
            }
        }
    }
}

/// The order of terms: `str`'s own, with the first bytes compared inline.
/// Stems are short and most pairs a merge meets differ in their first byte,
/// where a call to `memcmp` for each pair cost more than the comparison.
#[inline]
pub(super) fn term_order(left: &str, right: &str) -> std::cmp::Ordering {
    match (left.as_bytes().first(), right.as_bytes().first()) {
        (Some(left_first), Some(right_first)) if left_first != right_first => {
            left_first.cmp(right_first)
        }
        _ => left.cmp(right),
    }
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
    let mut contributions = Vec::with_capacity(query_terms.len().min(target.entries.len()));
    each_shared(query_terms, &target.entries, |(term, weight), frequency| {
        contributions.push((
            *term,
            weight * saturation(*frequency, target.length, average_length, params),
        ));
    });
    contributions
        .sort_by(|left, right| right.1.total_cmp(&left.1).then_with(|| left.0.cmp(right.0)));
    (
        contributions.iter().map(|(_, part)| part).sum(),
        contributions,
    )
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{vector, FlatCorpus};
    use super::super::weights::TUNED_WEIGHTS;
    use super::*;

    #[test]
    fn terms_are_ordered_as_strings_are() {
        let terms = [
            "", "a", "ab", "abc", "b", "ba", "drone", "dron", "über", "uber", "z", "é",
        ];
        for left in terms {
            for right in terms {
                assert_eq!(
                    term_order(left, right),
                    left.cmp(right),
                    "{left:?} {right:?}"
                );
            }
        }
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
        let terms = query_terms(
            &view,
            &RarerLater,
            TUNED_WEIGHTS.challenges_for_startup.query,
        );
        assert_eq!(terms.len(), weights().max_query_terms);
        assert!(
            terms.iter().all(|(term, _)| term.len() > 5),
            "the five weakest are dropped"
        );
        assert!(terms.windows(2).all(|pair| pair[0].0 < pair[1].0));
    }

    /// idf grows with a term's length; `q` has none.
    struct LongerRarer;
    impl CorpusStatistics for LongerRarer {
        fn idf(&self, _language: TextLanguage, term: &str) -> f32 {
            term.len() as f32 - 1.0
        }
        fn average_length(&self, _language: TextLanguage) -> f32 {
            10.0
        }
        fn bm25(&self) -> Bm25Params {
            Bm25Params { k1: 1.2, b: 0.75 }
        }
    }

    /// The stored form of `q`, `qq`, … up to `count` letters, each `tf` times.
    fn growing_terms(count: usize, tf: u32) -> String {
        let entries: Vec<String> = (1..=count)
            .map(|length| format!("{}:{tf}", "q".repeat(length)))
            .collect();
        format!("{} {}", count as u32 * tf, entries.join(" "))
    }

    #[test]
    fn the_shared_query_terms_score_a_text_as_all_of_them_do() {
        let shape = TUNED_WEIGHTS.challenges_for_startup.reverse_query;
        let limit = weights().max_query_terms;
        // Every fourth term, the weakest (cut from a long query) among them.
        let within = growing_terms(limit + 5, 2);
        let mut within = TermsView::parse(Some(TextLanguage::English), &within);
        within.entries.retain(|(term, _)| term.len() % 4 == 1);
        for count in [3, limit, limit + 5] {
            let stored = growing_terms(count, 3);
            let query = TermsView::parse(Some(TextLanguage::English), &stored);
            let all = query_terms(&query, &LongerRarer, shape);
            let shared = query_terms_within(&query, &within, &LongerRarer, shape);
            assert_eq!(
                directional_score(&shared, &within, &LongerRarer),
                directional_score(&all, &within, &LongerRarer),
                "{count} query terms"
            );
            assert!(shared.iter().all(|(term, _)| term.len() % 4 == 1));
            assert!(
                !shared.iter().any(|(term, _)| *term == "q"),
                "a term without weight is not a query term"
            );
            let cut = count > limit;
            assert_eq!(
                shared.iter().any(|(term, _)| term.len() == 5),
                !cut && count >= 5,
                "{count} query terms: a long query's weakest terms are cut first"
            );
        }
    }

    #[test]
    fn a_text_scores_highest_against_itself() {
        let query = vector("drone detection radar");
        let terms = query_terms(
            &query.view(),
            &FlatCorpus,
            TUNED_WEIGHTS.challenges_for_startup.query,
        );
        let (itself, _) = directional_score(&terms, &query.view(), &FlatCorpus);
        let other_text = vector("radar for ships");
        let (other, matched) = directional_score(&terms, &other_text.view(), &FlatCorpus);
        assert!(other > 0.0 && other < itself);
        assert_eq!(matched.len(), 1);
        assert_eq!(matched[0].0, "radar");
    }
}

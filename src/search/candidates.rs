//! The candidate search of a match: the documents whose text fits the
//! asking side's weighted terms best, within the caller's restrictions,
//! before the full ranking scores each of them.
//!
//! Candidates are looked for by the query's telling terms first. A term
//! that about half the documents hold or more (idf under
//! [`RankingWeights::candidate_min_idf`]) adds the same small part to most
//! of them, so it hardly changes which documents come first; but its
//! postings are most of what a long query reads. The full ranking still
//! scores every term.

use anyhow::Context;
use tantivy::query::Query;
use tantivy::{DocAddress, Searcher, Term};

use super::analysis::TextLanguage;
use super::best_scored::BestScored;
use super::bm25::{FieldTerms, WeightedBm25Query, WeightedTerm};
use super::corpus::IndexCorpus;
use super::filters::Restrictions;
use super::ranking::{CorpusStatistics, RankingWeights};
use super::schema::{DocumentKind, Fields};

/// What the candidates are looked for in.
pub(super) struct CandidateSearch<'a> {
    pub searcher: &'a Searcher,
    pub fields: &'a Fields,
    /// The kind of the documents looked for.
    pub kind: DocumentKind,
    pub corpus: &'a IndexCorpus<'a>,
    pub weights: &'a RankingWeights,
}

impl CandidateSearch<'_> {
    /// The `count` best documents for `terms` (written in `language`)
    /// within `restrictions`, best first, ties by id.
    ///
    /// When the telling terms alone find fewer than `count`, as in a small
    /// index or a narrow filter, every term is asked, so that no document
    /// with a word in common is missed.
    pub fn best(
        &self,
        language: Option<TextLanguage>,
        terms: &[(&str, f32)],
        restrictions: Restrictions,
        count: usize,
    ) -> anyhow::Result<Vec<DocAddress>> {
        let restrictions = restrictions.into_query();
        if let Some(language) = language {
            let telling: Vec<&(&str, f32)> = terms
                .iter()
                .filter(|(term, _)| {
                    self.corpus.idf(language, term) >= self.weights.candidate_min_idf
                })
                .collect();
            if telling.len() < terms.len() {
                let found = self.search(&telling, restrictions.box_clone(), count)?;
                if found.len() == count {
                    return Ok(found);
                }
            }
        }
        let every: Vec<&(&str, f32)> = terms.iter().collect();
        self.search(&every, restrictions, count)
    }

    fn search(
        &self,
        terms: &[&(&str, f32)],
        restrictions: Box<dyn Query>,
        count: usize,
    ) -> anyhow::Result<Vec<DocAddress>> {
        let text_fields = TextLanguage::ALL
            .into_iter()
            .map(|language| {
                let field = self.fields.text(self.kind, language);
                FieldTerms {
                    field,
                    terms: terms
                        .iter()
                        .map(|(term, weight)| WeightedTerm {
                            term: Term::from_field_text(field, term),
                            weight: *weight,
                        })
                        .collect(),
                    average_length: self.corpus.average_length(language).max(1.0),
                }
            })
            .collect();
        let query = WeightedBm25Query::new(text_fields, self.corpus.bm25()).within(restrictions);
        let best = self
            .searcher
            .search(&query, &BestScored { count })
            .context("candidate search failed")?;
        Ok(best.into_iter().map(|found| found.address).collect())
    }
}

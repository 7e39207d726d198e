//! A weighted bag-of-terms query scored with BM25 whose `k1` and `b` are
//! ours to set (tantivy's own BM25 fixes them at 1.2 and 0.75, and the
//! benchmark prefers lower values for long profiles against long topics).
//!
//! Each term carries its own weight, so a query built from a whole profile
//! can weight every term by its query frequency and rarity. One query spans
//! the text fields of every language, and [`FilteredBm25Query`] keeps the
//! documents a filter allows.

use tantivy::query::{intersect_scorers, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term};

use union::{FieldScoring, TermCursor, UnionScorer};

mod union;

/// BM25 saturation and length normalisation.
#[derive(Debug, Clone, Copy, PartialEq, serde::Deserialize)]
pub struct Bm25Params {
    pub k1: f32,
    pub b: f32,
}

/// One query term and the weight of its BM25 contribution.
#[derive(Debug, Clone)]
pub struct WeightedTerm {
    pub term: Term,
    pub weight: f32,
}

/// The query's terms in one text field.
#[derive(Debug, Clone)]
pub struct FieldTerms {
    pub field: Field,
    pub terms: Vec<WeightedTerm>,
    /// The average token count of the field over the documents that have it.
    pub average_length: f32,
}

/// A disjunction of weighted terms over one or more text fields. A document
/// scores the sum of its terms' parts; the texts of one document sit in one
/// field (its language), so the fields never add up.
#[derive(Debug, Clone)]
pub struct WeightedBm25Query {
    fields: Vec<FieldTerms>,
    params: Bm25Params,
}

impl WeightedBm25Query {
    pub fn new(fields: Vec<FieldTerms>, params: Bm25Params) -> Self {
        WeightedBm25Query { fields, params }
    }

    /// The same query over the documents `filter` matches only.
    pub fn within(self, filter: Box<dyn Query>) -> FilteredBm25Query {
        FilteredBm25Query {
            filter,
            scored: self,
        }
    }

    fn union_scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<UnionScorer> {
        let mut scorings = Vec::with_capacity(self.fields.len());
        let mut cursors = Vec::new();
        for field_terms in &self.fields {
            let inverted_index = reader.inverted_index(field_terms.field)?;
            let slot = scorings.len();
            for weighted in &field_terms.terms {
                let Some(info) = inverted_index.get_term_info(&weighted.term)? else {
                    continue;
                };
                let postings = inverted_index
                    .read_block_postings_from_terminfo(&info, IndexRecordOption::WithFreqs)?;
                cursors.extend(TermCursor::new(postings, weighted.weight * boost, slot));
            }
            scorings.push(FieldScoring::new(
                reader.get_fieldnorms_reader(field_terms.field)?,
                self.params,
                field_terms.average_length,
            ));
        }
        Ok(UnionScorer::new(cursors, scorings, self.params.k1))
    }
}

impl Query for WeightedBm25Query {
    fn weight(&self, _scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for weighted in self.fields.iter().flat_map(|field| &field.terms) {
            visitor(&weighted.term, false);
        }
    }
}

impl Weight for WeightedBm25Query {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut scorer = self.union_scorer(reader, boost)?;
        scorer.advance();
        Ok(Box::new(scorer))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        explain_by_scoring(self, reader, doc, "weighted BM25")
    }
}

/// The score of `doc` under `weight`, as an explanation named `name`.
fn explain_by_scoring(
    weight: &dyn Weight,
    reader: &SegmentReader,
    doc: DocId,
    name: &'static str,
) -> tantivy::Result<Explanation> {
    let mut scorer = weight.scorer(reader, 1.0)?;
    if scorer.seek(doc) != doc {
        return Err(tantivy::TantivyError::InvalidArgument(format!(
            "document {doc} does not match"
        )));
    }
    Ok(Explanation::new(name, scorer.score()))
}

/// A [`WeightedBm25Query`] over the documents a filter matches, scored as
/// the query alone. The filter must score 0, as `Restrictions::into_query`
/// builds it: the search for the best documents leaves its score out, and
/// every other use goes through tantivy's intersection, which adds it.
///
/// For the best documents, each document's score is compared with the
/// threshold of the results so far before the filter is asked about it, so
/// the filter is consulted only for the few documents that would enter the
/// results; an intersection would consult it for every document with a term.
#[derive(Debug)]
pub struct FilteredBm25Query {
    filter: Box<dyn Query>,
    scored: WeightedBm25Query,
}

impl Clone for FilteredBm25Query {
    fn clone(&self) -> Self {
        FilteredBm25Query {
            filter: self.filter.box_clone(),
            scored: self.scored.clone(),
        }
    }
}

impl Query for FilteredBm25Query {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(FilteredBm25Weight {
            filter: self.filter.weight(scoring)?,
            scored: self.scored.clone(),
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.filter.query_terms(visitor);
        self.scored.query_terms(visitor);
    }
}

struct FilteredBm25Weight {
    filter: Box<dyn Weight>,
    scored: WeightedBm25Query,
}

impl Weight for FilteredBm25Weight {
    /// tantivy's intersection, for everything but the search for the best
    /// documents (a count, an explanation).
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(intersect_scorers(
            vec![
                self.filter.scorer(reader, boost)?,
                self.scored.scorer(reader, boost)?,
            ],
            reader.num_docs(),
        ))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        explain_by_scoring(self, reader, doc, "filtered weighted BM25")
    }

    fn for_each_pruning(
        &self,
        mut threshold: Score,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        let mut filter = self.filter.scorer(reader, 1.0)?;
        let mut union = self.scored.union_scorer(reader, 1.0)?;
        while union.fill() {
            while union.next_in_window() {
                let (doc, score) = union.current();
                if score <= threshold {
                    continue;
                }
                if filter.doc() < doc {
                    filter.seek(doc);
                }
                if filter.doc() == doc {
                    threshold = callback(doc, score);
                }
            }
        }
        Ok(())
    }
}

/// BM25 inverse document frequency, as Lucene and tantivy define it.
pub fn idf(document_frequency: u64, document_count: u64) -> f32 {
    let df = document_frequency as f32;
    let n = document_count as f32;
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

#[cfg(test)]
mod tests;

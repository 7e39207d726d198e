//! A weighted bag-of-terms query scored with BM25 whose `k1` and `b` are
//! ours to set (tantivy's own BM25 fixes them at 1.2 and 0.75, and the
//! benchmark prefers lower values for long profiles against long topics).
//!
//! Each term carries its own weight, so a query built from a whole profile
//! can weight every term by its query frequency and rarity.

use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, TERMINATED};

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

/// A disjunction of weighted terms over one text field.
#[derive(Debug, Clone)]
pub struct WeightedBm25Query {
    field: Field,
    terms: Vec<WeightedTerm>,
    params: Bm25Params,
    average_length: f32,
}

impl WeightedBm25Query {
    /// A query over `field`; `average_length` is the average token count of
    /// the field over the documents that have it.
    pub fn new(
        field: Field,
        terms: Vec<WeightedTerm>,
        params: Bm25Params,
        average_length: f32,
    ) -> Self {
        WeightedBm25Query {
            field,
            terms,
            params,
            average_length,
        }
    }
}

impl Query for WeightedBm25Query {
    fn weight(&self, _scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for weighted in &self.terms {
            visitor(&weighted.term, false);
        }
    }
}

impl Weight for WeightedBm25Query {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let inverted_index = reader.inverted_index(self.field)?;
        let fieldnorms = reader.get_fieldnorms_reader(self.field)?;
        let mut cursors = Vec::with_capacity(self.terms.len());
        for weighted in &self.terms {
            let Some(info) = inverted_index.get_term_info(&weighted.term)? else {
                continue;
            };
            let postings =
                inverted_index.read_postings_from_terminfo(&info, IndexRecordOption::WithFreqs)?;
            cursors.push(TermCursor {
                postings,
                weight: weighted.weight * boost,
            });
        }
        let mut scorer = UnionScorer {
            cursors,
            fieldnorms,
            params: self.params,
            average_length: self.average_length,
            current: TERMINATED,
        };
        scorer.current = scorer.smallest_doc();
        Ok(Box::new(scorer))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        Ok(Explanation::new("weighted BM25", scorer.score()))
    }
}

struct TermCursor {
    postings: SegmentPostings,
    weight: f32,
}

/// Walks the postings of all terms in doc order and sums their BM25 parts.
/// Profiles have a few hundred terms and the index a few hundred thousand
/// documents, so a linear pick of the smallest cursor is fast enough and
/// keeps the code obvious.
struct UnionScorer {
    cursors: Vec<TermCursor>,
    fieldnorms: tantivy::fieldnorm::FieldNormReader,
    params: Bm25Params,
    average_length: f32,
    current: DocId,
}

impl UnionScorer {
    fn smallest_doc(&self) -> DocId {
        self.cursors
            .iter()
            .map(|cursor| cursor.postings.doc())
            .min()
            .unwrap_or(TERMINATED)
    }
}

impl DocSet for UnionScorer {
    fn advance(&mut self) -> DocId {
        let current = self.current;
        if current == TERMINATED {
            return TERMINATED;
        }
        for cursor in &mut self.cursors {
            if cursor.postings.doc() == current {
                cursor.postings.advance();
            }
        }
        self.current = self.smallest_doc();
        self.current
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.current >= target {
            return self.current;
        }
        for cursor in &mut self.cursors {
            if cursor.postings.doc() < target {
                cursor.postings.seek(target);
            }
        }
        self.current = self.smallest_doc();
        self.current
    }

    fn doc(&self) -> DocId {
        self.current
    }

    fn size_hint(&self) -> u32 {
        self.cursors
            .iter()
            .map(|cursor| cursor.postings.size_hint())
            .max()
            .unwrap_or(0)
    }
}

impl Scorer for UnionScorer {
    fn score(&mut self) -> Score {
        let doc = self.current;
        let length = self.fieldnorms.fieldnorm(doc) as f32;
        let Bm25Params { k1, b } = self.params;
        let norm = k1 * (1.0 - b + b * length / self.average_length);
        self.cursors
            .iter()
            .filter(|cursor| cursor.postings.doc() == doc)
            .map(|cursor| {
                let frequency = cursor.postings.term_freq() as f32;
                cursor.weight * frequency * (k1 + 1.0) / (frequency + norm)
            })
            .sum()
    }
}

/// BM25 inverse document frequency, as Lucene and tantivy define it.
pub fn idf(document_frequency: u64, document_count: u64) -> f32 {
    let df = document_frequency as f32;
    let n = document_count as f32;
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

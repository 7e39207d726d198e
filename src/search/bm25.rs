//! A weighted bag-of-terms query scored with BM25 whose `k1` and `b` are
//! ours to set (tantivy's own BM25 fixes them at 1.2 and 0.75, and the
//! benchmark prefers lower values for long profiles against long topics).
//!
//! Each term carries its own weight, so a query built from a whole profile
//! can weight every term by its query frequency and rarity. One query spans
//! the text fields of every language, and [`FilteredBm25Query`] keeps the
//! documents a filter allows.

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::BlockSegmentPostings;
use tantivy::query::{intersect_scorers, EnableScoring, Explanation, Query, Scorer, Weight};
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
                let mut cursor = TermCursor {
                    postings,
                    position: 0,
                    weight: weighted.weight * boost,
                    field: slot,
                };
                cursor.settle();
                if cursor.doc() != TERMINATED {
                    cursors.push(cursor);
                }
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
                let (doc, score) = (union.current, union.current_score);
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

/// One term's postings, read a block at a time.
struct TermCursor {
    postings: BlockSegmentPostings,
    /// The next posting's place in the current block.
    position: usize,
    weight: f32,
    /// The field's place in [`UnionScorer::fields`].
    field: usize,
}

impl TermCursor {
    /// The next document, or `TERMINATED`.
    fn doc(&self) -> DocId {
        self.postings
            .docs()
            .get(self.position)
            .copied()
            .unwrap_or(TERMINATED)
    }

    /// Moves on to the next block once the current one is read.
    fn settle(&mut self) {
        while self.position >= self.postings.docs().len() && !self.postings.docs().is_empty() {
            self.postings.advance();
            self.position = 0;
        }
    }

    fn seek(&mut self, target: DocId) {
        self.position = self.postings.seek(target);
        self.settle();
    }
}

/// What scoring needs of one field: its lengths, and BM25's length
/// normalisation for each of the 256 field-norm codes.
struct FieldScoring {
    fieldnorms: FieldNormReader,
    norms: Box<[f32; 256]>,
}

impl FieldScoring {
    fn new(fieldnorms: FieldNormReader, params: Bm25Params, average_length: f32) -> Self {
        let Bm25Params { k1, b } = params;
        let mut norms = Box::new([0.0_f32; 256]);
        for (code, norm) in norms.iter_mut().enumerate() {
            let length = FieldNormReader::id_to_fieldnorm(code as u8) as f32;
            *norm = k1 * (1.0 - b + b * length / average_length);
        }
        FieldScoring { fieldnorms, norms }
    }
}

/// Documents scored together: the postings of every term are drained one
/// term after the other into a window of this many documents, so a document
/// costs the terms it contains rather than every term of the query (a
/// challenge's query has up to a few hundred terms, and most start-ups hold
/// only a few of them).
const WINDOW: u32 = 4096;
const WINDOW_WORDS: usize = WINDOW as usize / 64;

/// The union of the terms' postings with the sum of their BM25 parts.
///
/// Each document's parts are added in the order of the terms, as a sum
/// over the terms per document would, so the scores are the same to the bit.
struct UnionScorer {
    /// Cursors not yet exhausted, all at or past the end of the window.
    cursors: Vec<TermCursor>,
    fields: Vec<FieldScoring>,
    k1: f32,
    /// First document of the window.
    window_start: DocId,
    /// The window's documents that some term holds, not yet visited.
    present: Box<[u64; WINDOW_WORDS]>,
    /// Their summed scores (0 for every document not present).
    scores: Box<[f32; WINDOW as usize]>,
    /// The word of `present` the next document is looked for in.
    word: usize,
    current: DocId,
    current_score: Score,
}

impl UnionScorer {
    /// A scorer before its first document (`advance` moves to it).
    fn new(cursors: Vec<TermCursor>, fields: Vec<FieldScoring>, k1: f32) -> Self {
        UnionScorer {
            cursors,
            fields,
            k1,
            window_start: 0,
            present: Box::new([0; WINDOW_WORDS]),
            scores: Box::new([0.0; WINDOW as usize]),
            word: WINDOW_WORDS,
            current: TERMINATED,
            current_score: 0.0,
        }
    }

    /// Starts a new window at the smallest document of the cursors and
    /// drains every cursor's postings within it; false when none is left.
    fn fill(&mut self) -> bool {
        let Some(start) = self.cursors.iter().map(TermCursor::doc).min() else {
            return false;
        };
        let end = start.saturating_add(WINDOW);
        let saturation = self.k1 + 1.0;
        for cursor in &mut self.cursors {
            let FieldScoring { fieldnorms, norms } = &self.fields[cursor.field];
            loop {
                let (docs, frequencies) = (cursor.postings.docs(), cursor.postings.freqs());
                let mut position = cursor.position;
                while let Some(&doc) = docs.get(position) {
                    if doc >= end {
                        break;
                    }
                    let delta = (doc - start) as usize;
                    self.present[delta / 64] |= 1 << (delta % 64);
                    let frequency = frequencies[position] as f32;
                    let norm = norms[fieldnorms.fieldnorm_id(doc) as usize];
                    self.scores[delta] +=
                        cursor.weight * frequency * saturation / (frequency + norm);
                    position += 1;
                }
                cursor.position = position;
                if position < docs.len() || docs.is_empty() {
                    break;
                }
                cursor.settle();
            }
        }
        self.cursors.retain(|cursor| cursor.doc() != TERMINATED);
        self.window_start = start;
        self.word = 0;
        true
    }

    /// Moves to the window's next present document; false at its end.
    fn next_in_window(&mut self) -> bool {
        while self.word < WINDOW_WORDS {
            let bits = self.present[self.word];
            if bits != 0 {
                let bit = bits.trailing_zeros() as usize;
                self.present[self.word] = bits & (bits - 1);
                let delta = self.word * 64 + bit;
                self.current = self.window_start + delta as DocId;
                self.current_score = std::mem::take(&mut self.scores[delta]);
                return true;
            }
            self.word += 1;
        }
        false
    }

    /// Forgets the rest of the window, leaving every score at 0.
    fn clear_window(&mut self) {
        while self.next_in_window() {}
    }
}

impl DocSet for UnionScorer {
    fn advance(&mut self) -> DocId {
        let found = self.next_in_window() || (self.fill() && self.next_in_window());
        if !found {
            self.current = TERMINATED;
        }
        self.current
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.current >= target {
            return self.current;
        }
        if target >= self.window_start.saturating_add(WINDOW) {
            self.clear_window();
            for cursor in &mut self.cursors {
                if cursor.doc() < target {
                    cursor.seek(target);
                }
            }
            self.cursors.retain(|cursor| cursor.doc() != TERMINATED);
            self.word = WINDOW_WORDS;
        }
        while self.current < target {
            if self.advance() == TERMINATED {
                break;
            }
        }
        self.current
    }

    fn doc(&self) -> DocId {
        self.current
    }

    fn size_hint(&self) -> u32 {
        self.cursors
            .iter()
            .map(|cursor| cursor.postings.doc_freq())
            .max()
            .unwrap_or(0)
    }
}

impl Scorer for UnionScorer {
    fn score(&mut self) -> Score {
        self.current_score
    }
}

/// BM25 inverse document frequency, as Lucene and tantivy define it.
pub fn idf(document_frequency: u64, document_count: u64) -> f32 {
    let df = document_frequency as f32;
    let n = document_count as f32;
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

#[cfg(test)]
mod tests {
    use tantivy::collector::{Count, TopDocs};
    use tantivy::fieldnorm::FieldNormReader;
    use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, TermQuery};
    use tantivy::schema::{Schema, STRING, TEXT};
    use tantivy::{doc, DocAddress, Index};

    use super::*;

    /// Term `t{k}` occurs `k` times in every document whose number `k`
    /// divides, and `t2` once more in every 5th; so documents hold different
    /// terms, frequencies and lengths across many scoring windows.
    fn frequency(document: u32, term: u32) -> u32 {
        u32::from(document % term == 0) * term + u32::from(term == 2 && document % 5 == 0)
    }

    const TERMS: [u32; 4] = [2, 3, 7, 1000];
    const DOCUMENTS: u32 = 3 * WINDOW + 100;

    #[test]
    fn windowed_union_scores_every_document_as_a_sum_over_its_terms() {
        let mut builder = Schema::builder();
        let text = builder.add_text_field("text", TEXT);
        let every_third = builder.add_text_field("third", STRING);
        let index = Index::create_in_ram(builder.build());
        let mut writer = index.writer_with_num_threads(1, 30_000_000).unwrap();
        for document in 0..DOCUMENTS {
            let words: Vec<String> = TERMS
                .iter()
                .flat_map(|term| {
                    std::iter::repeat_n(format!("t{term}"), frequency(document, *term) as usize)
                })
                .chain(std::iter::once("filler".to_owned()))
                .collect();
            let third = if document % 3 == 0 { "yes" } else { "no" };
            writer
                .add_document(doc!(text => words.join(" "), every_third => third))
                .unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 1);
        let params = Bm25Params { k1: 0.9, b: 0.4 };
        let average = 3.5;
        let weights = [0.5_f32, 1.25, 2.0, 4.0];
        let weighted = WeightedBm25Query::new(
            vec![FieldTerms {
                field: text,
                terms: TERMS
                    .iter()
                    .zip(weights)
                    .map(|(term, weight)| WeightedTerm {
                        term: Term::from_field_text(text, &format!("t{term}")),
                        weight,
                    })
                    .collect(),
                average_length: average,
            }],
            params,
        );
        let expected = |document: u32| -> Option<f32> {
            let tokens: u32 = TERMS
                .iter()
                .map(|term| frequency(document, *term))
                .sum::<u32>()
                + 1;
            // As the index stores it: exact for short texts, coarser for long ones.
            let length = FieldNormReader::id_to_fieldnorm(FieldNormReader::fieldnorm_to_id(tokens));
            let norm = params.k1 * (1.0 - params.b + params.b * length as f32 / average);
            let parts: Vec<f32> = TERMS
                .iter()
                .zip(weights)
                .filter(|(term, _)| frequency(document, **term) > 0)
                .map(|(term, weight)| {
                    let frequency = frequency(document, *term) as f32;
                    weight * frequency * (params.k1 + 1.0) / (frequency + norm)
                })
                .collect();
            (!parts.is_empty()).then(|| parts.iter().sum())
        };
        let everything = TopDocs::with_limit(DOCUMENTS as usize).order_by_score();

        // Alone: every matching document, each with its exact score.
        let found: Vec<(f32, DocAddress)> = searcher.search(&weighted, &everything).unwrap();
        let wanted: Vec<u32> = (0..DOCUMENTS).filter(|d| expected(*d).is_some()).collect();
        assert_eq!(found.len(), wanted.len());
        for (score, address) in &found {
            assert_eq!(
                Some(*score),
                expected(address.doc_id),
                "doc {}",
                address.doc_id
            );
        }

        // Behind a filter, which seeks the union within and across windows.
        let filtered = BooleanQuery::new(vec![
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(every_third, "yes"),
                    IndexRecordOption::Basic,
                )),
            ),
            (Occur::Must, Box::new(weighted.clone())),
        ]);
        let found: Vec<(f32, DocAddress)> = searcher.search(&filtered, &everything).unwrap();
        let wanted = (0..DOCUMENTS)
            .filter(|d| d % 3 == 0 && expected(*d).is_some())
            .count();
        assert_eq!(found.len(), wanted);
        for (score, address) in &found {
            assert_eq!(address.doc_id % 3, 0);
            // The filter's own score is constant; the order is the union's.
            assert!(expected(address.doc_id).is_some());
            assert!(*score > 0.0);
        }

        // The best documents behind a filter that scores nothing, threshold
        // first: the same documents and scores as tantivy's intersection.
        let third_only = || -> Box<dyn Query> {
            Box::new(ConstScoreQuery::new(
                Box::new(TermQuery::new(
                    Term::from_field_text(every_third, "yes"),
                    IndexRecordOption::Basic,
                )),
                0.0,
            ))
        };
        let best = TopDocs::with_limit(25).order_by_score();
        let pruned: Vec<(f32, DocAddress)> = searcher
            .search(&weighted.clone().within(third_only()), &best)
            .unwrap();
        let intersection = BooleanQuery::new(vec![
            (Occur::Must, third_only()),
            (Occur::Must, Box::new(weighted.clone())),
        ]);
        let intersected: Vec<(f32, DocAddress)> = searcher.search(&intersection, &best).unwrap();
        assert_eq!(pruned.len(), 25);
        assert_eq!(pruned, intersected);
        // Counted (without the search for the best), the same documents.
        let filtered_query = weighted.clone().within(third_only());
        assert_eq!(
            searcher.search(&filtered_query, &Count).unwrap(),
            searcher.search(&intersection, &Count).unwrap()
        );
        let first = pruned[0].1;
        assert_eq!(
            filtered_query
                .weight(tantivy::query::EnableScoring::enabled_from_searcher(
                    &searcher
                ))
                .unwrap()
                .explain(&searcher.segment_readers()[0], first.doc_id)
                .unwrap()
                .value(),
            pruned[0].0
        );
        for (score, address) in &pruned {
            assert_eq!(address.doc_id % 3, 0);
            assert_eq!(Some(*score), expected(address.doc_id));
        }

        // A seek far ahead lands on the next matching document.
        let segment = &searcher.segment_readers()[0];
        let mut scorer = weighted.scorer(segment, 1.0).unwrap();
        let target = 2 * WINDOW + 1;
        let next = (target..DOCUMENTS)
            .find(|d| expected(*d).is_some())
            .unwrap();
        assert_eq!(scorer.seek(target), next);
        assert_eq!(Some(scorer.score()), expected(next));
        let after = (next + 1..DOCUMENTS)
            .find(|d| expected(*d).is_some())
            .unwrap();
        assert_eq!(scorer.advance(), after);
        assert_eq!(Some(scorer.score()), expected(after));
        assert_eq!(scorer.seek(TERMINATED), TERMINATED);
    }
}

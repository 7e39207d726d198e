//! The union of a weighted query's terms with the sum of their BM25 parts,
//! scored a window of documents at a time.

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::BlockSegmentPostings;
use tantivy::query::Scorer;
use tantivy::{DocId, DocSet, Score, TERMINATED};

use super::Bm25Params;

/// One term's postings, read a block at a time.
pub(super) struct TermCursor {
    postings: BlockSegmentPostings,
    /// The next posting's place in the current block.
    position: usize,
    weight: f32,
    /// The field's place in [`UnionScorer::fields`].
    field: usize,
}

impl TermCursor {
    /// A cursor on the first posting, or `None` when there is none.
    pub(super) fn new(postings: BlockSegmentPostings, weight: f32, field: usize) -> Option<Self> {
        let mut cursor = TermCursor {
            postings,
            position: 0,
            weight,
            field,
        };
        cursor.settle();
        (cursor.doc() != TERMINATED).then_some(cursor)
    }

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
pub(super) struct FieldScoring {
    fieldnorms: FieldNormReader,
    norms: Box<[f32; 256]>,
}

impl FieldScoring {
    pub(super) fn new(
        fieldnorms: FieldNormReader,
        params: Bm25Params,
        average_length: f32,
    ) -> Self {
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
pub(super) const WINDOW: u32 = 4096;
const WINDOW_WORDS: usize = WINDOW as usize / 64;

/// The union of the terms' postings with the sum of their BM25 parts.
///
/// Each document's parts are added in the order of the terms, as a sum
/// over the terms per document would, so the scores are the same to the bit.
pub(super) struct UnionScorer {
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
    pub(super) fn new(cursors: Vec<TermCursor>, fields: Vec<FieldScoring>, k1: f32) -> Self {
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
    pub(super) fn fill(&mut self) -> bool {
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
    pub(super) fn next_in_window(&mut self) -> bool {
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

    /// The document the window is at, and its score.
    pub(super) fn current(&self) -> (DocId, Score) {
        (self.current, self.current_score)
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

//! Corpus statistics for ranking: per kind of document and language, the
//! number of documents, their average length and the idf of every term.
//!
//! A match weighs every term of up to a few hundred candidate texts, so
//! looking each one up in tantivy's term dictionary would dominate its
//! cost. The statistics are instead read once per searcher generation, by
//! walking the term dictionaries, and shared by every request on that
//! generation (see [`super::index::SearchIndex::corpus_tables`]).

use rustc_hash::FxHashMap;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocSet, Searcher, TantivyDocument, Term, TERMINATED};

use super::analysis::TextLanguage;
use super::bm25::{idf, Bm25Params};
use super::document::kind_in_language;
use super::ranking::{CorpusStatistics, TermsView};
use super::schema::{DocumentKind, Fields};

/// The statistics of every corpus, for one searcher generation.
pub struct CorpusTables {
    generation: u64,
    startups: KindTables,
    challenges: KindTables,
}

/// The statistics of one kind of document, per language.
struct KindTables {
    english: LanguageTable,
    dutch: LanguageTable,
}

struct LanguageTable {
    average_length: f32,
    idf: FxHashMap<Box<str>, f32>,
}

impl CorpusTables {
    /// Reads the statistics of everything `searcher` sees.
    pub fn build(searcher: &Searcher, fields: &Fields) -> anyhow::Result<Self> {
        let kind = |kind| -> anyhow::Result<KindTables> {
            Ok(KindTables {
                english: LanguageTable::build(searcher, fields, kind, TextLanguage::English)?,
                dutch: LanguageTable::build(searcher, fields, kind, TextLanguage::Dutch)?,
            })
        };
        Ok(CorpusTables {
            generation: searcher.generation().generation_id(),
            startups: kind(DocumentKind::Startup)?,
            challenges: kind(DocumentKind::Challenge)?,
        })
    }

    /// The searcher generation these statistics describe.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The corpus of the documents of `kind`, scored with `bm25` (each
    /// direction of matching has its own, see `RankingWeights`).
    pub fn corpus(&self, kind: DocumentKind, bm25: Bm25Params) -> IndexCorpus<'_> {
        IndexCorpus {
            tables: match kind {
                DocumentKind::Startup => &self.startups,
                DocumentKind::Challenge => &self.challenges,
            },
            bm25,
        }
    }
}

impl LanguageTable {
    fn build(
        searcher: &Searcher,
        fields: &Fields,
        kind: DocumentKind,
        language: TextLanguage,
    ) -> anyhow::Result<Self> {
        let kind_term = Term::from_field_text(fields.kind, &kind_in_language(kind, language));
        let mut document_count = searcher.doc_freq(&kind_term)?;
        let field = fields.text(kind, language);
        let mut tokens = 0_u64;
        // Document frequencies summed over segments, deleted documents
        // included as tantivy counts them (taken out below).
        let mut frequencies: FxHashMap<Box<str>, u64> = FxHashMap::default();
        for segment in searcher.segment_readers() {
            let inverted_index = segment.inverted_index(field)?;
            tokens += inverted_index.total_num_tokens();
            let mut terms = inverted_index.terms().stream()?;
            while terms.advance() {
                let Ok(term) = std::str::from_utf8(terms.key()) else {
                    continue;
                };
                let frequency = u64::from(terms.value().doc_freq);
                match frequencies.get_mut(term) {
                    Some(total) => *total += frequency,
                    None => {
                        frequencies.insert(term.into(), frequency);
                    }
                }
            }
        }
        // A replaced or removed document stays in its segment, and in the
        // counts above, until a merge drops it; so the statistics, and every
        // score, would change whenever a merge ran. Each deleted document is
        // taken out again through its stored term vector, which the index's
        // own analysis made: the same terms and the same number of tokens.
        for segment in searcher.segment_readers() {
            let Some(alive) = segment.alive_bitset() else {
                continue;
            };
            let Some(mut members) = segment
                .inverted_index(fields.kind)?
                .read_postings(&kind_term, IndexRecordOption::Basic)?
            else {
                continue;
            };
            let store = segment.get_store_reader(0)?;
            let mut doc = members.doc();
            while doc != TERMINATED {
                if alive.is_deleted(doc) {
                    let stored: TantivyDocument = store.get(doc)?;
                    let text = stored
                        .get_first(fields.vector)
                        .and_then(|value| value.as_str())
                        .unwrap_or("");
                    let vector = TermsView::parse(Some(language), text);
                    document_count = document_count.saturating_sub(1);
                    tokens = tokens.saturating_sub(u64::from(vector.length));
                    for (term, _) in vector.entries() {
                        if let Some(total) = frequencies.get_mut(*term) {
                            *total = total.saturating_sub(1);
                        }
                    }
                }
                doc = members.advance();
            }
        }
        let idf = frequencies
            .into_iter()
            .filter(|(_, frequency)| *frequency > 0 && document_count > 0)
            .map(|(term, frequency)| (term, idf(frequency, document_count)))
            .collect();
        Ok(LanguageTable {
            average_length: if document_count == 0 {
                1.0
            } else {
                tokens as f32 / document_count as f32
            },
            idf,
        })
    }
}

/// The statistics of one kind of document, as ranking reads them.
pub struct IndexCorpus<'a> {
    tables: &'a KindTables,
    bm25: Bm25Params,
}

impl IndexCorpus<'_> {
    fn table(&self, language: TextLanguage) -> &LanguageTable {
        match language {
            TextLanguage::English => &self.tables.english,
            TextLanguage::Dutch => &self.tables.dutch,
        }
    }
}

impl CorpusStatistics for IndexCorpus<'_> {
    fn idf(&self, language: TextLanguage, term: &str) -> f32 {
        // A term no document of the corpus has cannot match; weight it 0.
        self.table(language).idf.get(term).copied().unwrap_or(0.0)
    }

    fn average_length(&self, language: TextLanguage) -> f32 {
        self.table(language).average_length
    }

    fn bm25(&self) -> Bm25Params {
        self.bm25
    }
}

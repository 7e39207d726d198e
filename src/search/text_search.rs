//! Free-text search with filters, facet counts and sorting, for the search
//! endpoints. Words are analysed in both languages; taxonomy synonyms and
//! acronyms widen a word ("UAV" also finds "drone"); short queries forgive
//! typos. Restrictions (visibility, scope) apply to hits, totals and facets
//! alike, so nothing hidden can be counted.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Serialize;
use tantivy::collector::sort_key::{SortBySimilarityScore, SortByStaticFastValue};
use tantivy::collector::{Count, FacetCollector, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Order, Term};
use utoipa::ToSchema;
use uuid::Uuid;

use super::analysis::{Analyzers, TextLanguage};
use super::engine::SearchEngine;
use super::filters::{
    challenges_within, of_kind, restrict_challenges, restrict_startups, ChallengeFilters,
    Restrictions, StartupFilters,
};
use super::query::ParsedQuery;
use super::schema::{DocumentKind, Fields, ID_HIGH, ID_LOW};
use crate::domain::policy::ChallengeScope;
use crate::domain::taxonomy::Technology;

/// Order of search results.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SearchSort {
    #[default]
    Relevance,
    /// Nearest deadline first (challenges), rolling calls last.
    Deadline,
    Newest,
}

/// Which page of hits, in which order.
#[derive(Debug, Clone, Copy)]
pub struct HitPage {
    pub sort: SearchSort,
    pub offset: usize,
    pub limit: usize,
}

/// A page of hits, the total and the facet counts.
#[derive(Debug, Clone, Default)]
pub struct SearchHits {
    /// Ids with their relevance score (0 when sorted otherwise).
    pub hits: Vec<(Uuid, f32)>,
    pub total: usize,
    pub facets: FacetCounts,
}

/// Counts per technology, province and status over all hits.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct FacetCounts {
    pub technology: BTreeMap<String, u64>,
    pub province: BTreeMap<String, u64>,
    pub status: BTreeMap<String, u64>,
}

/// A query the user wrote that cannot be run.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("{0}")]
    BadQuery(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<tantivy::TantivyError> for SearchError {
    fn from(error: tantivy::TantivyError) -> Self {
        SearchError::Internal(error.into())
    }
}

/// Queries of at most this many words forgive typos.
const FUZZY_MAX_WORDS: usize = 3;
/// Weight of a synonym relative to the word the user typed.
const SYNONYM_BOOST: f32 = 0.4;
/// Weight of a fuzzy match.
const FUZZY_BOOST: f32 = 0.5;

struct QueryBuilder<'a> {
    fields: &'a Fields,
    kind: DocumentKind,
    analyzers: Analyzers,
    /// The name field, when the caller may search names.
    name_field: Option<Field>,
    /// Whether start-ups are searched in their redacted text (callers who
    /// see anonymous cards).
    redacted: bool,
}

impl QueryBuilder<'_> {
    /// Matches `text` (one word or a phrase) in either language's field.
    fn text_match(&mut self, text: &str, fuzzy: bool) -> Option<Box<dyn Query>> {
        let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for language in TextLanguage::ALL {
            let field = if self.redacted && self.kind == DocumentKind::Startup {
                self.fields.startup_redacted(language)
            } else {
                self.fields.text(self.kind, language)
            };
            let tokens = self.analyzers.tokens(language, text);
            match tokens.as_slice() {
                [] => {}
                [single] => {
                    let term = Term::from_field_text(field, single);
                    alternatives.push((
                        Occur::Should,
                        Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs)),
                    ));
                    if fuzzy && single.chars().count() >= 4 {
                        let distance = if single.chars().count() >= 8 { 2 } else { 1 };
                        alternatives.push((
                            Occur::Should,
                            Box::new(BoostQuery::new(
                                Box::new(FuzzyTermQuery::new(term, distance, true)),
                                FUZZY_BOOST,
                            )),
                        ));
                    }
                }
                many => {
                    let terms = many
                        .iter()
                        .map(|token| Term::from_field_text(field, token))
                        .collect();
                    alternatives.push((Occur::Should, Box::new(PhraseQuery::new(terms))));
                }
            }
        }
        if let Some(name_field) = self.name_field {
            let tokens: Vec<String> = text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|t| !t.is_empty())
                .map(str::to_lowercase)
                .collect();
            match tokens.as_slice() {
                [] => {}
                [single] => alternatives.push((
                    Occur::Should,
                    Box::new(TermQuery::new(
                        Term::from_field_text(name_field, single),
                        IndexRecordOption::WithFreqs,
                    )),
                )),
                many => alternatives.push((
                    Occur::Should,
                    Box::new(PhraseQuery::new(
                        many.iter()
                            .map(|token| Term::from_field_text(name_field, token))
                            .collect(),
                    )),
                )),
            }
        }
        if alternatives.is_empty() {
            return None;
        }
        Some(Box::new(BooleanQuery::new(alternatives)))
    }

    /// The word or phrase, widened by the synonyms of any technology it names.
    fn unit(&mut self, text: &str, fuzzy: bool) -> Option<Box<dyn Query>> {
        let exact = self.text_match(text, fuzzy);
        let lower = text.to_lowercase();
        let named: Vec<Technology> = Technology::ALL
            .iter()
            .copied()
            .filter(|technology| technology.synonyms().contains(&lower.as_str()))
            .collect();
        if named.is_empty() {
            return exact;
        }
        let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if let Some(exact) = exact {
            alternatives.push((Occur::Should, exact));
        }
        for technology in named {
            alternatives.push((
                Occur::Should,
                Box::new(BoostQuery::new(
                    Box::new(TermQuery::new(
                        Term::from_field_text(self.fields.technology, technology.as_str()),
                        IndexRecordOption::Basic,
                    )),
                    SYNONYM_BOOST,
                )),
            ));
            for synonym in technology.synonyms() {
                if *synonym == lower {
                    continue;
                }
                if let Some(query) = self.text_match(synonym, false) {
                    alternatives.push((
                        Occur::Should,
                        Box::new(BoostQuery::new(query, SYNONYM_BOOST)),
                    ));
                }
            }
        }
        Some(Box::new(BooleanQuery::new(alternatives)))
    }

    /// The whole user query: every unit must match, excluded words must not.
    fn build(&mut self, query: &ParsedQuery) -> Box<dyn Query> {
        let units = group_synonym_phrases(&query.words);
        let fuzzy = units.len() + query.phrases.len() <= FUZZY_MAX_WORDS;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for unit in units.iter().chain(query.phrases.iter()) {
            if let Some(matched) = self.unit(unit, fuzzy) {
                clauses.push((Occur::Must, matched));
            }
        }
        for word in &query.excluded {
            if let Some(matched) = self.text_match(word, false) {
                clauses.push((Occur::MustNot, matched));
            }
        }
        if !clauses.iter().any(|(occur, _)| *occur == Occur::Must) {
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        Box::new(BooleanQuery::new(clauses))
    }
}

/// The multi-word synonyms of every technology, as words, made once: a
/// search reads them for every query.
static SYNONYM_PHRASES: LazyLock<Vec<Vec<&'static str>>> = LazyLock::new(|| {
    Technology::ALL
        .iter()
        .flat_map(|technology| technology.synonyms().iter())
        .map(|synonym| synonym.split_whitespace().collect::<Vec<_>>())
        .filter(|parts| parts.len() > 1)
        .collect()
});

/// Joins consecutive words that together form a multi-word synonym
/// ("machine learning", "unmanned aerial"), so they are widened as one.
fn group_synonym_phrases(words: &[String]) -> Vec<String> {
    let lower: Vec<String> = words.iter().map(|word| word.to_lowercase()).collect();
    let mut units = Vec::new();
    let mut position = 0;
    while position < words.len() {
        let longest = SYNONYM_PHRASES
            .iter()
            .filter(|parts| {
                position + parts.len() <= lower.len()
                    && parts
                        .iter()
                        .zip(&lower[position..])
                        .all(|(part, word)| part == word)
            })
            .map(Vec::len)
            .max();
        match longest {
            Some(length) => {
                units.push(lower[position..position + length].join(" "));
                position += length;
            }
            None => {
                units.push(words[position].clone());
                position += 1;
            }
        }
    }
    units
}

fn facet_counts(facets: &tantivy::collector::FacetCounts) -> FacetCounts {
    let collect = |root: &str| -> BTreeMap<String, u64> {
        facets
            .get(root)
            .map(|(facet, count)| {
                let path = facet.to_path();
                (
                    path.last()
                        .map(|part| (*part).to_owned())
                        .unwrap_or_default(),
                    count,
                )
            })
            .collect()
    };
    FacetCounts {
        technology: collect("/technology"),
        province: collect("/province"),
        status: collect("/status"),
    }
}

/// A hit as the collector orders it: its score (0 unless ordered by
/// relevance) and the high and low halves of its id.
type HitKey = (f32, Option<u64>, Option<u64>);

impl SearchEngine {
    fn run_search(
        &self,
        kind: DocumentKind,
        restrictions: Restrictions,
        query: &ParsedQuery,
        name_searchable: bool,
        page: HitPage,
    ) -> Result<SearchHits, SearchError> {
        let HitPage {
            sort,
            offset,
            limit,
        } = page;
        let fields = self.index().fields();
        let searcher = self.index().searcher();
        let mut builder = QueryBuilder {
            fields,
            kind,
            analyzers: Analyzers::default(),
            name_field: name_searchable.then_some(fields.startup_name),
            // Who may not search names sees anonymous cards: only their text.
            redacted: !name_searchable,
        };
        let text_query = builder.build(query);
        let full_query = BooleanQuery::new(vec![
            (Occur::Must, restrictions.into_query()),
            (Occur::Must, text_query),
        ]);
        let mut facet_collector = FacetCollector::for_field("facets");
        facet_collector.add_facet("/technology");
        facet_collector.add_facet("/province");
        facet_collector.add_facet("/status");
        // Ties are broken by id, so that a page holds the same hits on every
        // replica and after every rebuild (see `best_scored`).
        let by_id = || {
            (
                (SortByStaticFastValue::<u64>::for_field(ID_HIGH), Order::Asc),
                (SortByStaticFastValue::<u64>::for_field(ID_LOW), Order::Asc),
            )
        };
        let page = TopDocs::with_limit(limit.max(1)).and_offset(offset);
        let (found, total, facets): (Vec<HitKey>, usize, _) = match sort {
            SearchSort::Relevance => {
                let (high, low) = by_id();
                let (sorted, total, facets) = searcher.search(
                    &full_query,
                    &(
                        page.order_by(((SortBySimilarityScore, Order::Desc), high, low)),
                        Count,
                        facet_collector,
                    ),
                )?;
                let found = sorted.into_iter().map(|(key, _)| key).collect();
                (found, total, facets)
            }
            SearchSort::Deadline | SearchSort::Newest => {
                let (field, order) = match sort {
                    SearchSort::Deadline => ("closes_at", Order::Asc),
                    _ => ("created_at", Order::Desc),
                };
                let (high, low) = by_id();
                let (sorted, total, facets) = searcher.search(
                    &full_query,
                    &(
                        page.order_by((
                            (SortByStaticFastValue::<i64>::for_field(field), order),
                            high,
                            low,
                        )),
                        Count,
                        facet_collector,
                    ),
                )?;
                let found = sorted
                    .into_iter()
                    .map(|((_, high, low), _)| (0.0, high, low))
                    .collect();
                (found, total, facets)
            }
        };
        let hits = found
            .into_iter()
            .take(limit)
            .filter_map(|(score, high, low)| Some((Uuid::from_u64_pair(high?, low?), score)))
            .collect();
        Ok(SearchHits {
            hits,
            total,
            facets: facet_counts(&facets),
        })
    }

    /// Challenges within `scope` that match `query` and `filters`.
    pub fn search_challenges(
        &self,
        scope: &ChallengeScope,
        filters: &ChallengeFilters,
        query: &ParsedQuery,
        page: HitPage,
    ) -> Result<SearchHits, SearchError> {
        let fields = self.index().fields();
        let mut restrictions = Restrictions::default();
        restrictions.require(of_kind(fields, DocumentKind::Challenge));
        restrictions.require(challenges_within(fields, scope));
        restrict_challenges(fields, filters, &mut restrictions);
        self.run_search(DocumentKind::Challenge, restrictions, query, false, page)
    }

    /// Start-ups within `filters` (the caller's scope included) that match
    /// `query`; names are searched only when `name_searchable`, and
    /// otherwise only the redacted text is. Start-ups
    /// have no deadline: that order falls back to relevance.
    pub fn search_startups(
        &self,
        filters: &StartupFilters,
        query: &ParsedQuery,
        name_searchable: bool,
        page: HitPage,
    ) -> Result<SearchHits, SearchError> {
        let fields = self.index().fields();
        let mut restrictions = Restrictions::default();
        restrictions.require(of_kind(fields, DocumentKind::Startup));
        restrict_startups(fields, filters, &mut restrictions);
        let sort = match page.sort {
            SearchSort::Deadline => SearchSort::Relevance,
            other => other,
        };
        self.run_search(
            DocumentKind::Startup,
            restrictions,
            query,
            name_searchable,
            HitPage { sort, ..page },
        )
    }
}

//! The search engine as the rest of the service uses it: ranked matching in
//! both directions and corpus statistics, over one shared index.
//!
//! Search is CPU work: callers run these functions off the async workers
//! (`web::block`), with one searcher per call.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use anyhow::Context;
use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::schema::Value;
use tantivy::{DocAddress, TantivyDocument, Term};
use uuid::Uuid;

use super::analysis::{Analyzers, TextLanguage};
use super::candidates::CandidateSearch;
use super::document::{ChallengeDocument, StartupDocument};
use super::filters::{
    challenges_within, of_kind, restrict_challenges, restrict_startups, ChallengeFilters,
    Restrictions, StartupFilters,
};
use super::index::SearchIndex;
use super::ranking::{
    candidate_pool, feedback_weights, finish_pair, likeness, mark_effect, matched_the_other_way,
    moved_query, query_terms, query_terms_within, score_pair, technology_overlap, weighted_cosine,
    weights, BestText, CorpusStatistics, Feedback, FeedbackWeights, MatchExplanation, PairFacts,
    RankingWeights, TermVector, TermsView, CHALLENGES_FOR_STARTUP_FIT, STARTUPS_FOR_CHALLENGE_FIT,
};
use super::schema::{DocumentKind, Fields};
use super::semantic::{similarity, SemanticModel};
use crate::domain::policy::ChallengeScope;
use crate::domain::readiness::{Trl, TrlRange};
use crate::domain::region::{Province, NETHERLANDS};
use crate::domain::taxonomy::Technology;

/// One ranked result and why.
#[derive(Debug, Clone)]
pub struct RankedMatch {
    pub id: Uuid,
    pub explanation: MatchExplanation,
}

/// The side a match is asked for, as ranking needs it.
struct MatchSource<'a> {
    kind: DocumentKind,
    vector: TermVector,
    technologies: &'a [Technology],
    startup: Option<&'a StartupDocument>,
    challenge: Option<&'a ChallengeDocument>,
}

/// What ranking reads from a stored candidate.
struct Candidate<'d> {
    id: Uuid,
    vector: TermsView<'d>,
    technologies: Vec<Technology>,
    provinces: Vec<Province>,
    in_netherlands: bool,
    trl: Option<Trl>,
    trl_range: Option<TrlRange>,
}

fn stored_texts<'d>(
    document: &'d TantivyDocument,
    field: tantivy::schema::Field,
) -> impl Iterator<Item = &'d str> + 'd {
    document.get_all(field).filter_map(|value| value.as_str())
}

fn stored_u64(document: &TantivyDocument, field: tantivy::schema::Field) -> Option<u64> {
    document.get_first(field).and_then(|value| value.as_u64())
}

/// The stored term vector of `document`.
fn stored_terms<'d>(fields: &Fields, document: &'d TantivyDocument) -> TermsView<'d> {
    let language = match stored_texts(document, fields.language).next() {
        Some("nl") => TextLanguage::Dutch,
        _ => TextLanguage::English,
    };
    TermsView::parse(
        Some(language),
        stored_texts(document, fields.vector).next().unwrap_or(""),
    )
}

/// Items marked by the asking party, with their meanings when the marks
/// weigh meanings.
struct MarkedItems<'d> {
    items: Vec<Candidate<'d>>,
    meanings: Vec<Option<Vec<f32>>>,
}

impl<'d> MarkedItems<'d> {
    /// `items`, placed in the semantic space of `model` when there is one.
    fn new(items: Vec<Candidate<'d>>, model: Option<&SemanticModel>) -> Self {
        let meanings = items
            .iter()
            .map(|item| model.and_then(|model| model.embed(&item.vector)))
            .collect();
        MarkedItems { items, meanings }
    }

    /// How alike `candidate` is to each item ([`likeness`]).
    fn likenesses(
        &self,
        candidate: &Candidate<'_>,
        candidate_meaning: Option<&[f32]>,
        corpus: &dyn CorpusStatistics,
        weights: &FeedbackWeights,
    ) -> Vec<(Uuid, f32)> {
        self.items
            .iter()
            .zip(&self.meanings)
            .map(|(item, meaning)| {
                let terms = weighted_cosine(&candidate.vector, &item.vector, corpus);
                let meaning = candidate_meaning
                    .zip(meaning.as_deref())
                    .map(|(candidate, item)| similarity(candidate, item));
                let (technologies, _) =
                    technology_overlap(&candidate.technologies, &item.technologies);
                (item.id, likeness(terms, meaning, technologies, weights))
            })
            .collect()
    }
}

/// The stored documents of the items `feedback` marks, those still indexed.
fn marked_documents(
    searcher: &tantivy::Searcher,
    fields: &Fields,
    feedback: &Feedback,
) -> anyhow::Result<Vec<(Uuid, TantivyDocument)>> {
    let mut documents = Vec::new();
    for id in feedback.interesting.iter().chain(&feedback.rejected) {
        let query = TermQuery::new(
            Term::from_field_text(fields.id, &id.to_string()),
            IndexRecordOption::Basic,
        );
        let found: Vec<(f32, DocAddress)> = searcher
            .search(&query, &TopDocs::with_limit(1).order_by_score())
            .context("marked item lookup failed")?;
        if let Some((_, address)) = found.first() {
            documents.push((*id, searcher.doc(*address)?));
        }
    }
    Ok(documents)
}

fn read_candidate<'d>(fields: &Fields, document: &'d TantivyDocument) -> Option<Candidate<'d>> {
    let id = stored_texts(document, fields.id).next()?.parse().ok()?;
    let vector = stored_terms(fields, document);
    let technologies = stored_texts(document, fields.technology)
        .filter_map(|code| code.parse().ok())
        .collect();
    let provinces = stored_texts(document, fields.province)
        .filter_map(|code| code.parse().ok())
        .collect();
    let in_netherlands = stored_texts(document, fields.country).next() == Some(NETHERLANDS);
    let level =
        |field| stored_u64(document, field).and_then(|value| Trl::try_from(value as i64).ok());
    let trl_range = match (level(fields.trl_min), level(fields.trl_max)) {
        (Some(min), Some(max)) => TrlRange::new(min, max).ok(),
        _ => None,
    };
    Some(Candidate {
        id,
        vector,
        technologies,
        provinces,
        in_netherlands,
        trl: level(fields.trl),
        trl_range,
    })
}

/// The search engine.
#[derive(Clone)]
pub struct SearchEngine {
    index: Arc<SearchIndex>,
    weights: RankingWeights,
}

impl SearchEngine {
    /// An engine over `index`.
    pub fn new(index: Arc<SearchIndex>) -> Self {
        Self::with_weights(index, *weights())
    }

    /// An engine over `index` that ranks with `weights` instead of the
    /// production ones; `defmatch-tools eval` compares settings with it on
    /// one index. The text shape is the index's and is not read here.
    pub fn with_weights(index: Arc<SearchIndex>, weights: RankingWeights) -> Self {
        SearchEngine { index, weights }
    }

    /// The weights this engine ranks with.
    pub fn weights(&self) -> &RankingWeights {
        &self.weights
    }

    /// The underlying index.
    pub fn index(&self) -> &Arc<SearchIndex> {
        &self.index
    }

    /// The challenges that fit `startup`, best first, within `scope`
    /// may see and `filters` allow.
    pub fn match_challenges(
        &self,
        startup: &StartupDocument,
        scope: &ChallengeScope,
        filters: &ChallengeFilters,
        limit: usize,
    ) -> anyhow::Result<Vec<RankedMatch>> {
        self.match_challenges_with_feedback(startup, scope, filters, limit, &Feedback::default())
    }

    /// Like [`Self::match_challenges`], steered by the marks of the party
    /// asking (see [`crate::search::ranking::Feedback`]).
    pub fn match_challenges_with_feedback(
        &self,
        startup: &StartupDocument,
        scope: &ChallengeScope,
        filters: &ChallengeFilters,
        limit: usize,
        feedback: &Feedback,
    ) -> anyhow::Result<Vec<RankedMatch>> {
        let fields = self.index.fields();
        let mut restrictions = Restrictions::default();
        restrictions.require(of_kind(fields, DocumentKind::Challenge));
        restrictions.require(challenges_within(fields, scope));
        restrict_challenges(fields, filters, &mut restrictions);
        let (vector, surface_forms) = TermVector::analyse_with_surface_forms(
            &mut Analyzers::default(),
            startup.language,
            &startup.text,
        );
        let source = MatchSource {
            kind: DocumentKind::Startup,
            vector,
            technologies: &startup.technologies,
            startup: Some(startup),
            challenge: None,
        };
        let ranked = self.rank(&source, restrictions, limit, feedback)?;
        Ok(in_surface_form(ranked, &surface_forms))
    }

    /// The start-ups that could solve `challenge`, best first, among those
    /// `filters` allow (the caller's scope included).
    pub fn match_startups(
        &self,
        challenge: &ChallengeDocument,
        filters: &StartupFilters,
        limit: usize,
    ) -> anyhow::Result<Vec<RankedMatch>> {
        self.match_startups_with_feedback(challenge, filters, limit, &Feedback::default())
    }

    /// Like [`Self::match_startups`], steered by the marks of the party
    /// asking (see [`crate::search::ranking::Feedback`]).
    pub fn match_startups_with_feedback(
        &self,
        challenge: &ChallengeDocument,
        filters: &StartupFilters,
        limit: usize,
        feedback: &Feedback,
    ) -> anyhow::Result<Vec<RankedMatch>> {
        let fields = self.index.fields();
        let mut restrictions = Restrictions::default();
        restrictions.require(of_kind(fields, DocumentKind::Startup));
        restrict_startups(fields, filters, &mut restrictions);
        let (vector, surface_forms) = TermVector::analyse_with_surface_forms(
            &mut Analyzers::default(),
            challenge.language,
            &challenge.text,
        );
        let source = MatchSource {
            kind: DocumentKind::Challenge,
            vector,
            technologies: &challenge.technologies,
            startup: None,
            challenge: Some(challenge),
        };
        let ranked = self.rank(&source, restrictions, limit, feedback)?;
        Ok(in_surface_form(ranked, &surface_forms))
    }

    fn rank(
        &self,
        source: &MatchSource<'_>,
        restrictions: Restrictions,
        limit: usize,
        feedback: &Feedback,
    ) -> anyhow::Result<Vec<RankedMatch>> {
        let fields = self.index.fields();
        let searcher = self.index.searcher();
        let target_kind = match source.kind {
            DocumentKind::Startup => DocumentKind::Challenge,
            DocumentKind::Challenge => DocumentKind::Startup,
        };
        let tables = self.index.corpus_tables(&searcher)?;
        let weights = &self.weights;
        let direction = match source.kind {
            DocumentKind::Startup => &weights.challenges_for_startup,
            DocumentKind::Challenge => &weights.startups_for_challenge,
        };
        let target_corpus = tables.corpus(target_kind, direction.documents);
        let source_corpus = tables.corpus(source.kind, direction.reverse_documents);
        let source_vector = source.vector.view();
        let (source_shape, target_shape) = (direction.query, direction.reverse_query);
        let forward_terms = query_terms(&source_vector, &target_corpus, source_shape);
        if forward_terms.is_empty() {
            return Ok(Vec::new());
        }
        let marked_documents = marked_documents(&searcher, fields, feedback)?;
        let marked_views = |ids: &[Uuid]| -> Vec<Candidate<'_>> {
            marked_documents
                .iter()
                .filter(|(id, _)| ids.contains(id))
                .filter_map(|(_, document)| read_candidate(fields, document))
                .collect()
        };
        let steering = feedback_weights();
        let interesting = marked_views(&feedback.interesting);
        // A rejected item leaves the list either way; it is compared with
        // the candidates only when it pushes them away.
        let rejected = if steering.away_from_rejected > 0.0 {
            marked_views(&feedback.rejected)
        } else {
            Vec::new()
        };
        // Without marks, or in a direction whose query does not move, the
        // candidates are fetched and scored with the unmoved query, exactly
        // as an unmarked ranking.
        let query_move = match source.kind {
            DocumentKind::Startup => steering.query_move.challenges_for_startup,
            DocumentKind::Challenge => steering.query_move.startups_for_challenge,
        };
        let scoring_terms: Cow<'_, [(&str, f32)]> = if query_move > 0.0 && !interesting.is_empty() {
            let items: Vec<Vec<(&str, f32)>> = interesting
                .iter()
                .map(|item| query_terms(&item.vector, &target_corpus, source_shape))
                .collect();
            Cow::Owned(moved_query(
                &forward_terms,
                &items,
                query_move,
                weights.max_query_terms,
            ))
        } else {
            Cow::Borrowed(&forward_terms)
        };
        let candidate_count = candidate_pool(
            weights.candidates,
            steering,
            interesting.len(),
            feedback.rejected.len(),
            limit,
        );
        let candidate_search = CandidateSearch {
            searcher: &searcher,
            fields,
            kind: target_kind,
            corpus: &target_corpus,
            weights,
        };
        let top = candidate_search.best(
            source_vector.language,
            &scoring_terms,
            restrictions,
            candidate_count,
        )?;
        // The semantic view, when a model is trained and this direction
        // uses it, or the marks weigh meanings.
        let model = self.index.semantic_model();
        let semantic = model.clone().filter(|_| direction.semantic_share > 0.0);
        let source_meaning = semantic
            .as_ref()
            .and_then(|model| model.embed(&source_vector));
        let mark_model = model.filter(|_| !feedback.is_empty() && steering.meaning_share > 0.0);
        let interesting = MarkedItems::new(interesting, mark_model.as_deref());
        let rejected = MarkedItems::new(rejected, mark_model.as_deref());
        let mut mark_effects = Vec::with_capacity(top.len());
        let mut scored = Vec::with_capacity(top.len());
        let documents = top
            .into_iter()
            .map(|address| searcher.doc::<TantivyDocument>(address))
            .collect::<Result<Vec<_>, _>>()?;
        let candidates: Vec<Candidate<'_>> = documents
            .iter()
            .filter_map(|document| read_candidate(fields, document))
            .collect();
        // Without a share in the score, the reverse direction only names
        // terms in the explanation: those of the results shown, below.
        let reverse_scored = direction.reverse_share > 0.0;
        for candidate in &candidates {
            let reverse_terms = if reverse_scored {
                query_terms_within(
                    &candidate.vector,
                    &source_vector,
                    &source_corpus,
                    target_shape,
                )
            } else {
                Vec::new()
            };
            let facts = match (source.startup, source.challenge) {
                (Some(startup), _) => PairFacts {
                    forward_terms: &scoring_terms,
                    result_vector: &candidate.vector,
                    result_corpus: &target_corpus,
                    reverse_terms: &reverse_terms,
                    query_vector: &source_vector,
                    query_corpus: &source_corpus,
                    startup_technologies: source.technologies,
                    challenge_technologies: &candidate.technologies,
                    startup_province: startup.province,
                    startup_in_netherlands: startup.country == NETHERLANDS,
                    preferred_provinces: &candidate.provinces,
                    startup_trl: startup.trl,
                    wanted_trl: candidate.trl_range.unwrap_or_else(full_trl_range),
                },
                (None, Some(challenge)) => PairFacts {
                    forward_terms: &scoring_terms,
                    result_vector: &candidate.vector,
                    result_corpus: &target_corpus,
                    reverse_terms: &reverse_terms,
                    query_vector: &source_vector,
                    query_corpus: &source_corpus,
                    startup_technologies: &candidate.technologies,
                    challenge_technologies: source.technologies,
                    startup_province: candidate.provinces.first().copied(),
                    startup_in_netherlands: candidate.in_netherlands,
                    preferred_provinces: &challenge.preferred_provinces,
                    startup_trl: candidate.trl,
                    wanted_trl: TrlRange::new(challenge.trl_min, challenge.trl_max)
                        .unwrap_or_else(|_| full_trl_range()),
                },
                (None, None) => continue,
            };
            let mut raw = score_pair(&facts);
            let candidate_meaning = semantic
                .as_ref()
                .or(mark_model.as_ref())
                .and_then(|model| model.embed(&candidate.vector));
            if let Some(source_meaning) = &source_meaning {
                raw.semantic = Some(
                    candidate_meaning
                        .as_ref()
                        .map_or(0.0, |meaning| similarity(source_meaning, meaning)),
                );
            }
            mark_effects.push((!feedback.is_empty()).then(|| {
                let likenesses = |items: &MarkedItems<'_>| {
                    items.likenesses(
                        candidate,
                        candidate_meaning.as_deref(),
                        &target_corpus,
                        steering,
                    )
                };
                mark_effect(
                    candidate.id,
                    &likenesses(&interesting),
                    &likenesses(&rejected),
                    steering,
                )
            }));
            scored.push((candidate.id, raw));
        }
        let best = scored
            .iter()
            .fold(BestText::default(), |best, (_, raw)| BestText {
                forward: best.forward.max(raw.forward),
                reverse: best.reverse.max(raw.reverse),
                semantic: best.semantic.max(raw.semantic.unwrap_or(0.0)),
            });
        let mut ranked: Vec<RankedMatch> = scored
            .into_iter()
            .map(|(id, raw)| RankedMatch {
                id,
                explanation: finish_pair(raw, &best, direction),
            })
            .collect();
        let fit_scale = match source.kind {
            DocumentKind::Startup => &CHALLENGES_FOR_STARTUP_FIT,
            DocumentKind::Challenge => &STARTUPS_FOR_CHALLENGE_FIT,
        };
        for (entry, effect) in ranked.iter_mut().zip(mark_effects) {
            if let Some((part, marked_like)) = effect {
                entry.explanation.apply_marks(part, marked_like);
            }
            entry.explanation.calibrate(fit_scale);
        }
        // Rejected items still count in the normalisation above, so that a
        // rejection moves the others only through the `marks` part.
        ranked.retain(|entry| !feedback.rejected.contains(&entry.id));
        ranked.sort_by(|left, right| {
            right
                .explanation
                .score
                .total_cmp(&left.explanation.score)
                .then_with(|| left.id.cmp(&right.id))
        });
        ranked.truncate(limit);
        if !reverse_scored {
            for entry in &mut ranked {
                let Some(candidate) = candidates.iter().find(|candidate| candidate.id == entry.id)
                else {
                    continue;
                };
                let reverse_terms = query_terms_within(
                    &candidate.vector,
                    &source_vector,
                    &source_corpus,
                    target_shape,
                );
                entry.explanation.matched_terms.result_to_query =
                    matched_the_other_way(&reverse_terms, &source_vector, &source_corpus);
            }
        }
        Ok(ranked)
    }
}

/// The matched terms of every match in the form the asking side's text
/// uses; both directions' terms occur in that text.
fn in_surface_form(
    mut ranked: Vec<RankedMatch>,
    surface_forms: &HashMap<String, String>,
) -> Vec<RankedMatch> {
    for entry in &mut ranked {
        entry
            .explanation
            .matched_terms
            .in_surface_form(surface_forms);
    }
    ranked
}

fn full_trl_range() -> TrlRange {
    TrlRange::new(Trl::MIN, Trl::MAX).unwrap_or_else(|_| unreachable!("1..=9 is a valid range"))
}

//! Ranked matching in both directions, every result with its explanation:
//! the challenges that fit a start-up ([`for_startup`]), the start-ups that
//! could solve a challenge ([`for_challenge`]), and the matches of a
//! profile that is still being written ([`preview`]). The index ranks; the
//! database, the truth, decides what each result shows to the caller.

mod marks;
mod view;

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use diesel::PgConnection;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

pub(crate) use self::marks::imply_from_move;
pub use self::marks::{mark_challenge_for_startup, mark_startup_for_challenge};
pub use self::view::{
    ChallengeMatch, ChallengeMatches, MatchPreview, StartupMatch, StartupMatches,
};
use super::search::in_hit_order;
use super::startups::CardIssuer;
use super::{challenges, introductions, startups, AppError, AppState, BlockingWork};
use crate::db;
use crate::domain::challenge::ChallengeStatus;
use crate::domain::fit::MinimumFit;
use crate::domain::mark::MarkDirection;
use crate::domain::policy::{Member, StartupAccess, Viewer};
use crate::domain::readiness::Trl;
use crate::domain::region::{CountryCode, Province};
use crate::domain::startup::StartupRef;
use crate::domain::taxonomy::Technology;
use crate::domain::text::{bounded_text, keywords, unique};
use crate::domain::Rule;
use crate::search::analysis::{detect_language, suggest_technologies, Analyzers, TextLanguage};
use crate::search::document::{startup_text, ChallengeDocument, StartupDocument};
use crate::search::engine::RankedMatch;
use crate::search::filters::{ChallengeFilters, StartupFilters};
use crate::search::ranking::MatchExplanation;

/// Results returned when no limit is asked for.
const DEFAULT_LIMIT: usize = 20;
/// Most results one request may ask for.
const MAX_LIMIT: usize = 100;
/// Longest description of a draft, in characters.
const MAX_DRAFT_DESCRIPTION_CHARS: usize = 100_000;

/// What the challenges matched to a start-up are filtered by.
#[derive(Debug, Clone, Default)]
pub struct ChallengeMatchFilter {
    pub technology: Option<Technology>,
    pub province: Option<Province>,
    /// Challenges whose TRL range holds this level.
    pub trl: Option<Trl>,
    pub closes_before: Option<DateTime<Utc>>,
    pub closes_after: Option<DateTime<Utc>>,
    /// Any of these statuses; open and published when empty.
    pub statuses: Vec<ChallengeStatus>,
    /// Results to return, 1 to 100 (default 20).
    pub limit: Option<i64>,
    /// The lowest fit listed, 0 to 100 (default [`MinimumFit::DEFAULT`]).
    pub min_fit: Option<i64>,
}

/// Which start-ups a challenge's matches may come from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MatchScope {
    /// A ROM officer's own provinces (everyone else sees all).
    #[default]
    Region,
    /// The whole country and abroad; outside their provinces a ROM officer sees anonymous cards.
    All,
}

/// What the start-ups matched to a challenge are filtered by.
#[derive(Debug, Clone, Default)]
pub struct StartupMatchFilter {
    pub technology: Option<Technology>,
    pub province: Option<Province>,
    pub trl_min: Option<Trl>,
    pub trl_max: Option<Trl>,
    /// For ROM officers: their region (default) or the whole country.
    pub scope: MatchScope,
    /// Results to return, 1 to 100 (default 20).
    pub limit: Option<i64>,
    /// The lowest fit listed, 0 to 100 (default [`MinimumFit::DEFAULT`]).
    pub min_fit: Option<i64>,
}

/// A profile being written, not saved yet.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MatchPreviewRequest {
    /// What the start-up does, Dutch or English.
    #[schema(
        pattern = r"[^\s\x00-\x1f\x7f-\x9f]",
        min_length = 1,
        max_length = 100000
    )]
    pub description: String,
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default)]
    pub technologies: Vec<Technology>,
    #[serde(default)]
    pub province: Option<Province>,
    /// ISO 3166-1 alpha-2; NL when absent.
    #[serde(default)]
    #[schema(value_type = Option<String>, pattern = "^[A-Za-z]{2}$")]
    pub country: Option<CountryCode>,
    #[serde(default)]
    pub trl: Option<Trl>,
}

/// The challenges that fit the start-up `startup` names, best first, among
/// those `viewer` may see; for the start-up itself, its ROM officer,
/// procurement (by a card's handle) and admins. A start-up hidden from
/// `viewer` is "not found".
pub async fn for_startup(
    state: &AppState,
    viewer: &Viewer,
    startup: &StartupRef,
    filter: ChallengeMatchFilter,
) -> Result<ChallengeMatches, AppError> {
    let limit = checked_limit(filter.limit)?;
    let min_fit = checked_min_fit(filter.min_fit)?;
    let startup_id = startups::resolve_for_card_reader(&state.card_handles, viewer, startup)?;
    let statuses = if filter.statuses.is_empty() {
        vec![ChallengeStatus::Open, ChallengeStatus::Published]
    } else {
        filter.statuses
    };
    let filters = ChallengeFilters {
        technology: filter.technology,
        province: filter.province,
        statuses,
        trl: filter.trl,
        closes_before: filter.closes_before,
        closes_after: filter.closes_after,
        organisation_id: None,
    };
    let viewer = viewer.clone();
    state
        .in_one_hop(move |work| {
            challenges_for_startup(work, &viewer, startup_id, &filters, limit, min_fit)
        })
        .await
}

/// [`for_startup`] on the blocking pool, for the start-up `startup_id`.
fn challenges_for_startup(
    work: &BlockingWork<'_>,
    viewer: &Viewer,
    startup_id: Uuid,
    filters: &ChallengeFilters,
    limit: usize,
    min_fit: MinimumFit,
) -> Result<ChallengeMatches, AppError> {
    let ((row, access), marks) = marks::query_and_marks(
        work,
        viewer,
        MarkDirection::StartupToChallenge,
        startup_id,
        |connection| startups::find_visible(connection, viewer, startup_id),
    )?;
    let document = StartupDocument::from_row(&row);
    let ranked = work
        .search
        .match_challenges_with_feedback(
            &document,
            &viewer.challenge_scope(),
            filters,
            limit,
            &marks::feedback_of(&marks),
        )
        .map_err(matching_failed)?;
    let (ranked, below_min_fit) = fitting(ranked, min_fit);
    let mut connection = work.connection()?;
    let mut items = challenge_matches(&mut connection, viewer, ranked)?;
    name_marked_challenges(&mut connection, viewer, &mut items)?;
    drop(connection);
    for item in &mut items {
        item.mark = marks.get(&item.challenge.id).copied();
    }
    if access == StartupAccess::Anonymised {
        let redacted_text = startup_text(&row.description_anonymised, &row.keywords_redacted);
        let shown = ShownTerms::of(&redacted_text);
        for item in &mut items {
            shown.filter(&mut item.explanation);
        }
    }
    Ok(ChallengeMatches {
        items,
        min_fit: min_fit.get(),
        below_min_fit,
    })
}

/// The start-ups that could solve challenge `challenge_id`, best first, as
/// `member` may see them: the challenge's own organisation (anonymous
/// cards), ROM officers (their provinces unless they ask for the whole
/// country) and admins.
pub async fn for_challenge(
    state: &AppState,
    member: &Member,
    challenge_id: Uuid,
    filter: StartupMatchFilter,
) -> Result<StartupMatches, AppError> {
    let limit = checked_limit(filter.limit)?;
    let min_fit = checked_min_fit(filter.min_fit)?;
    let cards = CardIssuer::for_answer(&state.card_handles, &Viewer::Member(member.clone()));
    let member = member.clone();
    state
        .in_one_hop(move |work| {
            startups_for_challenge(work, &member, &cards, challenge_id, &filter, limit, min_fit)
        })
        .await
}

/// [`for_challenge`] on the blocking pool, anonymous cards with handles
/// from `cards`.
fn startups_for_challenge(
    work: &BlockingWork<'_>,
    member: &Member,
    cards: &CardIssuer,
    challenge_id: Uuid,
    filter: &StartupMatchFilter,
    limit: usize,
    min_fit: MinimumFit,
) -> Result<StartupMatches, AppError> {
    let viewer = &Viewer::Member(member.clone());
    let ((row, _), marks) = marks::query_and_marks(
        work,
        viewer,
        MarkDirection::ChallengeToStartup,
        challenge_id,
        |connection| challenges::find_visible(connection, viewer, challenge_id),
    )?;
    let within_provinces =
        member.candidate_provinces(row.organisation_id, filter.scope == MatchScope::All)?;
    let filters = StartupFilters {
        technology: filter.technology,
        province: filter.province,
        within_provinces,
        trl_min: filter.trl_min,
        trl_max: filter.trl_max,
    };
    let document = ChallengeDocument::from_row(&row);
    let ranked = work
        .search
        .match_startups_with_feedback(&document, &filters, limit, &marks::feedback_of(&marks))
        .map_err(matching_failed)?;
    let (ranked, below_min_fit) = fitting(ranked, min_fit);
    let ids: Vec<Uuid> = ranked.iter().map(|entry| entry.id).collect();
    // The results' views and those of the marked items the explanations
    // name, in one read.
    let mut viewed = ids.clone();
    viewed.extend(
        ranked
            .iter()
            .filter_map(|entry| entry.explanation.marked_like.as_ref())
            .map(|like| like.item_id)
            .filter(|id| !ids.contains(id)),
    );
    let mut connection = work.connection()?;
    let startup_rows = db::startups::find_many(&mut connection, &viewed)?;
    let pairs = ids.iter().map(|id| (*id, challenge_id)).collect();
    let moves = introductions::moves_among(
        &mut connection,
        member,
        pairs,
        &startup_rows,
        std::slice::from_ref(&row),
    )?;
    drop(connection);
    let views = startups::views_of(viewer, cards, startup_rows);
    let ranked: Vec<_> = ranked
        .into_iter()
        .map(|entry| {
            let pair = moves
                .get(&(entry.id, challenge_id))
                .copied()
                .unwrap_or_default();
            let mark = marks.get(&entry.id).copied();
            let mut explanation = entry.explanation;
            if let Some(like) = explanation.marked_like.as_mut() {
                // A card's start-up stays unnamed: its name is not the reader's to know.
                like.title = views.get(&like.item_id).and_then(|view| view.name.clone());
            }
            (entry.id, (explanation, pair, mark))
        })
        .collect();
    let mut items = in_hit_order(ranked, views, |startup, (explanation, pair, mark)| {
        StartupMatch {
            startup,
            explanation,
            live_introduction_id: pair.live_introduction_id,
            may_introduce: pair.may_introduce,
            mark,
        }
    });
    for item in items.iter_mut().filter(|item| item.startup.anonymised) {
        let redacted_text = startup_text(&item.startup.description, &item.startup.keywords);
        ShownTerms::of(&redacted_text).filter(&mut item.explanation);
    }
    Ok(StartupMatches {
        items,
        min_fit: min_fit.get(),
        below_min_fit,
    })
}

/// What the profile `draft` would match among the open and published
/// challenges `viewer` may see, with the technology codes its text
/// suggests, so that a start-up sees its matches while it writes.
pub async fn preview(
    state: &AppState,
    viewer: &Viewer,
    limit: Option<i64>,
    min_fit: Option<i64>,
    draft: MatchPreviewRequest,
) -> Result<MatchPreview, AppError> {
    let limit = checked_limit(limit)?;
    let min_fit = checked_min_fit(min_fit)?;
    let description = bounded_text(
        "description",
        &draft.description,
        1,
        MAX_DRAFT_DESCRIPTION_CHARS,
    )?;
    let draft_keywords = keywords("keywords", &draft.keywords)?;
    let technologies = unique(&draft.technologies);
    let suggested_technologies = if technologies.is_empty() {
        suggest_technologies(&format!("{description} {}", draft_keywords.join(" ")))
    } else {
        Vec::new()
    };
    let country = draft.country.unwrap_or_else(CountryCode::netherlands);
    if !country.is_netherlands() && draft.province.is_some() {
        return Err(AppError::invalid(
            "province",
            Rule::ProvinceOnlyInNetherlands,
        ));
    }
    let document = StartupDocument {
        id: Uuid::nil(),
        name: String::new(),
        text: startup_text(&description, &draft_keywords),
        // A draft is never searched: nothing to redact.
        redacted_text: String::new(),
        language: detect_language(&description),
        technologies,
        province: draft.province,
        country: country.as_str().to_owned(),
        trl: draft.trl,
        created_at: Utc::now(),
    };
    let scope = viewer.challenge_scope();
    let filters = ChallengeFilters {
        statuses: vec![ChallengeStatus::Open, ChallengeStatus::Published],
        ..ChallengeFilters::default()
    };
    let reader = viewer.clone();
    let (items, below_min_fit) = state
        .in_one_hop(move |work| {
            let ranked = work
                .search
                .match_challenges(&document, &scope, &filters, limit)
                .map_err(matching_failed)?;
            let (ranked, below_min_fit) = fitting(ranked, min_fit);
            let items = challenge_matches(&mut *work.connection()?, &reader, ranked)?;
            Ok((items, below_min_fit))
        })
        .await?;
    Ok(MatchPreview {
        suggested_technologies,
        items,
        min_fit: min_fit.get(),
        below_min_fit,
    })
}

/// The terms an anonymous card may show as matched: those of its redacted
/// text. Ranking reads the original text, so a term only the original
/// holds (a city, a founder's name) would otherwise surface here. Matched
/// terms are words as the text writes them, so they are compared by stem.
struct ShownTerms(HashSet<String>);

impl ShownTerms {
    fn of(redacted_text: &str) -> Self {
        ShownTerms(stems(redacted_text))
    }

    fn filter(&self, explanation: &mut MatchExplanation) {
        let terms = &mut explanation.matched_terms;
        let shown = |term: &String| {
            let term_stems = stems(term);
            term_stems.iter().any(|stem| self.0.contains(stem))
        };
        terms.query_to_result.retain(shown);
        terms.result_to_query.retain(shown);
    }
}

/// The analysed terms of `text` in both languages.
fn stems(text: &str) -> HashSet<String> {
    let mut analyzers = Analyzers::default();
    TextLanguage::ALL
        .into_iter()
        .flat_map(|language| analyzers.tokens(language, text))
        .collect()
}

/// The number of results asked for, checked; the default when none is.
fn checked_limit(limit: Option<i64>) -> Result<usize, AppError> {
    match limit {
        None => Ok(DEFAULT_LIMIT),
        Some(limit) => usize::try_from(limit)
            .ok()
            .filter(|limit| (1..=MAX_LIMIT).contains(limit))
            .ok_or_else(|| {
                AppError::invalid(
                    "limit",
                    Rule::OutOfRange {
                        min: 1,
                        max: MAX_LIMIT as i64,
                    },
                )
            }),
    }
}

/// The minimum fit asked for, checked; the default when none is.
fn checked_min_fit(min_fit: Option<i64>) -> Result<MinimumFit, AppError> {
    match min_fit {
        None => Ok(MinimumFit::DEFAULT),
        Some(min_fit) => {
            MinimumFit::try_from(min_fit).map_err(|rule| AppError::invalid("min_fit", rule))
        }
    }
}

/// The matches that reach `min_fit`, in rank order, and how many did not.
fn fitting(ranked: Vec<RankedMatch>, min_fit: MinimumFit) -> (Vec<RankedMatch>, usize) {
    let (kept, left_out): (Vec<_>, Vec<_>) = ranked
        .into_iter()
        .partition(|entry| min_fit.admits(entry.explanation.fit));
    (kept, left_out.len())
}

/// Ranked challenges with the views `viewer` may see, in rank order.
fn challenge_matches(
    connection: &mut PgConnection,
    viewer: &Viewer,
    ranked: Vec<RankedMatch>,
) -> Result<Vec<ChallengeMatch>, AppError> {
    let ids: Vec<Uuid> = ranked.iter().map(|entry| entry.id).collect();
    let views = challenges::views_by_id(connection, viewer, &ids)?;
    let ranked = ranked
        .into_iter()
        .map(|entry| (entry.id, entry.explanation));
    Ok(in_hit_order(ranked, views, |challenge, explanation| {
        ChallengeMatch {
            challenge,
            explanation,
            mark: None,
        }
    }))
}

/// Names the challenges marked interesting that the explanations point to.
fn name_marked_challenges(
    connection: &mut PgConnection,
    viewer: &Viewer,
    items: &mut [ChallengeMatch],
) -> Result<(), AppError> {
    let ids: Vec<Uuid> = items
        .iter()
        .filter_map(|item| item.explanation.marked_like.as_ref())
        .map(|like| like.item_id)
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    let views = challenges::views_by_id(connection, viewer, &ids)?;
    for like in items
        .iter_mut()
        .filter_map(|item| item.explanation.marked_like.as_mut())
    {
        like.title = views.get(&like.item_id).map(|view| view.title.clone());
    }
    Ok(())
}

fn matching_failed(error: anyhow::Error) -> AppError {
    AppError::internal(format!("matching failed: {error:#}"))
}

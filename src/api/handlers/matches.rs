//! Ranked matching in both directions, every result with its explanation:
//! the challenges that fit a start-up, the start-ups that could solve a
//! challenge, and a preview for a profile that is still being written.

use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use diesel::OptionalExtension;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::challenges::parse_statuses;
use super::search::{in_hit_order, load_challenge_views, load_startup_views};
use crate::api::auth::AuthUser;
use crate::api::dto::startup::StartupView;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::{JsonBody, QueryParams};
use crate::api::legacy::LegacyBlocking;
use crate::app::challenges::ChallengeView;
use crate::app::AppState;
use crate::db::{challenges, startups};
use crate::domain::account::Role;
use crate::domain::challenge::ChallengeStatus;
use crate::domain::policy::{Member, StartupAccess, Viewer};
use crate::domain::readiness::Trl;
use crate::domain::region::{CountryCode, Province};
use crate::domain::taxonomy::Technology;
use crate::domain::text::{bounded_text, keywords, unique};
use crate::search::analysis::{detect_language, suggest_technologies};
use crate::search::document::{startup_text, ChallengeDocument, StartupDocument};
use crate::search::engine::RankedMatch;
use crate::search::filters::{ChallengeFilters, StartupFilters};
use crate::search::ranking::MatchExplanation;

/// Results returned when no limit is asked for.
const DEFAULT_LIMIT: usize = 20;
/// Most results one request may ask for.
const MAX_LIMIT: usize = 100;

fn checked_limit(limit: Option<i64>) -> Result<usize, ApiError> {
    match limit {
        None => Ok(DEFAULT_LIMIT),
        Some(limit) if (1..=MAX_LIMIT as i64).contains(&limit) => Ok(limit as usize),
        Some(_) => Err(ApiError::invalid(
            "limit",
            format!("limit must be between 1 and {MAX_LIMIT}"),
        )),
    }
}

/// Filters for challenge matches.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChallengeMatchQuery {
    pub technology: Option<Technology>,
    pub province: Option<Province>,
    /// Challenges whose TRL range holds this level.
    pub trl: Option<Trl>,
    pub closes_before: Option<DateTime<Utc>>,
    pub closes_after: Option<DateTime<Utc>>,
    /// Statuses, comma-separated; open and published when absent.
    #[param(
        example = "open,published",
        pattern = r"^(draft|published|open|closed|awarded|withdrawn)(,(draft|published|open|closed|awarded|withdrawn))*$"
    )]
    pub status: Option<String>,
    /// Results to return, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

impl ChallengeMatchQuery {
    fn filters(&self) -> Result<ChallengeFilters, ApiError> {
        let mut statuses = parse_statuses(self.status.as_deref())?;
        if statuses.is_empty() {
            statuses = vec![ChallengeStatus::Open, ChallengeStatus::Published];
        }
        Ok(ChallengeFilters {
            technology: self.technology,
            province: self.province,
            statuses,
            trl: self.trl,
            closes_before: self.closes_before,
            closes_after: self.closes_after,
            organisation_id: None,
        })
    }
}

/// A challenge that fits, and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChallengeMatch {
    pub challenge: ChallengeView,
    pub explanation: MatchExplanation,
}

/// Challenges that fit, best first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChallengeMatches {
    pub items: Vec<ChallengeMatch>,
}

async fn challenge_matches(
    state: &AppState,
    viewer: &Viewer,
    ranked: Vec<RankedMatch>,
) -> Result<Vec<ChallengeMatch>, ApiError> {
    let ids = ranked.iter().map(|entry| entry.id).collect();
    let views = load_challenge_views(state, viewer, ids).await?;
    let ranked = ranked
        .into_iter()
        .map(|entry| (entry.id, entry.explanation));
    Ok(in_hit_order(ranked, views, |challenge, explanation| {
        ChallengeMatch {
            challenge,
            explanation,
        }
    }))
}

/// The challenges that fit a start-up, best first, among those the caller
/// may see. For the start-up itself, its ROM officer, procurement and admins.
#[utoipa::path(
    tag = "matching",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Start-up id"), ChallengeMatchQuery),
    responses(
        (status = 200, description = "Ranked challenges with explanations", body = ChallengeMatches),
        (status = 404, description = "No such start-up visible to the caller", body = ErrorBody),
    )
)]
#[get("/startups/{id}/matches")]
pub async fn matches_for_startup(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<Uuid>,
    query: QueryParams<ChallengeMatchQuery>,
) -> Result<HttpResponse, ApiError> {
    let matches = startup_matches(&state, caller.viewer(), path.into_inner(), &query.0).await?;
    Ok(HttpResponse::Ok().json(matches))
}

/// The challenges that fit start-up `startup_id`, best first, among those
/// `viewer` may see (the API and the web pages both come here).
pub async fn startup_matches(
    state: &AppState,
    viewer: Viewer,
    startup_id: Uuid,
    query: &ChallengeMatchQuery,
) -> Result<ChallengeMatches, ApiError> {
    let limit = checked_limit(query.limit)?;
    let filters = query.filters()?;
    let row = state
        .with_connection_api(move |connection| {
            startups::find(connection, startup_id)
                .optional()?
                .ok_or_else(|| ApiError::not_found("start-up"))
        })
        .await?;
    if viewer.startup_access(row.organisation_id, row.province) == StartupAccess::Hidden {
        return Err(ApiError::not_found("start-up"));
    }
    let document = StartupDocument::from_row(&row);
    let search_viewer = viewer.clone();
    let ranked = state
        .with_search_api(move |engine| {
            engine
                .match_challenges(&document, &search_viewer.challenge_scope(), &filters, limit)
                .map_err(|error| ApiError::internal(format!("matching failed: {error:#}")))
        })
        .await?;
    let items = challenge_matches(state, &viewer, ranked).await?;
    Ok(ChallengeMatches { items })
}

/// Which start-ups a challenge's matches may come from.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MatchScope {
    /// A ROM officer's own provinces (everyone else sees all).
    #[default]
    Region,
    /// The whole country and abroad; outside their provinces a ROM officer sees anonymous cards.
    All,
}

/// Filters for start-up matches.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StartupMatchQuery {
    pub technology: Option<Technology>,
    pub province: Option<Province>,
    pub trl_min: Option<Trl>,
    pub trl_max: Option<Trl>,
    /// For ROM officers: `region` (default) or `all`.
    pub scope: Option<MatchScope>,
    /// Results to return, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// A start-up that could solve the challenge, and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct StartupMatch {
    pub startup: StartupView,
    pub explanation: MatchExplanation,
}

/// Start-ups that could solve a challenge, best first.
#[derive(Debug, Serialize, ToSchema)]
pub struct StartupMatches {
    pub items: Vec<StartupMatch>,
}

/// The start-ups that could solve a challenge, best first: for the
/// challenge's own organisation (anonymous cards), ROM officers (their
/// provinces unless `scope=all`) and admins.
#[utoipa::path(
    tag = "matching",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Challenge id"), StartupMatchQuery),
    responses(
        (status = 200, description = "Ranked start-ups with explanations", body = StartupMatches),
        (status = 403, description = "The caller may see the challenge but not its candidates", body = ErrorBody),
        (status = 404, description = "No such challenge visible to the caller", body = ErrorBody),
    )
)]
#[get("/challenges/{id}/matches")]
pub async fn matches_for_challenge(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<Uuid>,
    query: QueryParams<StartupMatchQuery>,
) -> Result<HttpResponse, ApiError> {
    let matches = challenge_candidates(&state, &caller.member, path.into_inner(), query.0).await?;
    Ok(HttpResponse::Ok().json(matches))
}

/// The start-ups that could solve challenge `challenge_id`, best first, as
/// `member` may see them (the API and the web pages both come here).
pub async fn challenge_candidates(
    state: &AppState,
    member: &Member,
    challenge_id: Uuid,
    query: StartupMatchQuery,
) -> Result<StartupMatches, ApiError> {
    let limit = checked_limit(query.limit)?;
    let viewer = Viewer::Member(member.clone());
    let row = state
        .with_connection_api(move |connection| {
            challenges::find(connection, challenge_id)
                .optional()?
                .ok_or_else(|| ApiError::not_found("challenge"))
        })
        .await?;
    if !viewer.can_see_challenge(row.exposure()) {
        return Err(ApiError::not_found("challenge"));
    }
    let within_provinces = match member.role {
        Role::Admin => None,
        Role::Procurement if member.belongs_to(row.organisation_id) => None,
        Role::RomOfficer => match query.scope.unwrap_or_default() {
            MatchScope::Region => Some(member.rom_provinces()),
            MatchScope::All => None,
        },
        _ => {
            return Err(ApiError::forbidden(
                "only the challenge's organisation, ROM officers and admins see its candidates",
            ))
        }
    };
    let filters = StartupFilters {
        technology: query.technology,
        province: query.province,
        within_provinces,
        trl_min: query.trl_min,
        trl_max: query.trl_max,
    };
    let document = ChallengeDocument::from_row(&row);
    let ranked = state
        .with_search_api(move |engine| {
            engine
                .match_startups(&document, &filters, limit)
                .map_err(|error| ApiError::internal(format!("matching failed: {error:#}")))
        })
        .await?;
    let ids = ranked.iter().map(|entry| entry.id).collect();
    let views = load_startup_views(state, &viewer, ids).await?;
    let ranked = ranked
        .into_iter()
        .map(|entry| (entry.id, entry.explanation));
    let items = in_hit_order(ranked, views, |startup, explanation| StartupMatch {
        startup,
        explanation,
    });
    Ok(StartupMatches { items })
}

/// A profile being written, not saved yet.
#[derive(Debug, Deserialize, ToSchema)]
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

/// What a draft profile would match.
#[derive(Debug, Serialize, ToSchema)]
pub struct MatchPreview {
    /// Codes the text suggests, when the draft names none.
    pub suggested_technologies: Vec<Technology>,
    pub items: Vec<ChallengeMatch>,
}

/// The challenges a profile draft would match (among those the caller may
/// see, open or published), so a start-up sees its matches while it writes.
#[utoipa::path(
    tag = "matching",
    security(("bearer" = [])),
    params(("limit" = Option<i64>, Query, minimum = 1, maximum = 100, description = "Results, default 20")),
    request_body = MatchPreviewRequest,
    responses((status = 200, description = "Ranked challenges with explanations", body = MatchPreview))
)]
#[post("/matches/preview")]
pub async fn preview_matches(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: QueryParams<PreviewLimit>,
    body: JsonBody<MatchPreviewRequest>,
) -> Result<HttpResponse, ApiError> {
    let preview = preview_of_draft(&state, caller.viewer(), query.0.limit, body.0).await?;
    Ok(HttpResponse::Ok().json(preview))
}

/// What the profile `draft` would match for `viewer`, with the codes its
/// text suggests (the API and the live preview of the web form come here).
pub async fn preview_of_draft(
    state: &AppState,
    viewer: Viewer,
    limit: Option<i64>,
    draft: MatchPreviewRequest,
) -> Result<MatchPreview, ApiError> {
    let limit = checked_limit(limit)?;
    let description = bounded_text("description", &draft.description, 1, 100_000)?;
    let draft_keywords = keywords("keywords", &draft.keywords)?;
    let technologies = unique(&draft.technologies);
    let suggested_technologies = if technologies.is_empty() {
        suggest_technologies(&format!("{description} {}", draft_keywords.join(" ")))
    } else {
        Vec::new()
    };
    let country = draft.country.unwrap_or_else(CountryCode::netherlands);
    if !country.is_netherlands() && draft.province.is_some() {
        return Err(ApiError::invalid(
            "province",
            "only start-ups in the Netherlands have a province",
        ));
    }
    let document = StartupDocument {
        id: Uuid::nil(),
        name: String::new(),
        text: startup_text(&description, &draft_keywords),
        language: detect_language(&description),
        technologies,
        province: draft.province,
        country: country.as_str().to_owned(),
        trl: draft.trl,
        created_at: Utc::now(),
    };
    let search_viewer = viewer.clone();
    let filters = ChallengeFilters {
        statuses: vec![ChallengeStatus::Open, ChallengeStatus::Published],
        ..ChallengeFilters::default()
    };
    let ranked = state
        .with_search_api(move |engine| {
            engine
                .match_challenges(&document, &search_viewer.challenge_scope(), &filters, limit)
                .map_err(|error| ApiError::internal(format!("matching failed: {error:#}")))
        })
        .await?;
    let items = challenge_matches(state, &viewer, ranked).await?;
    Ok(MatchPreview {
        suggested_technologies,
        items,
    })
}

/// The number of preview results.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PreviewLimit {
    pub limit: Option<i64>,
}

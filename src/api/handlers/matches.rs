//! Ranked matching in both directions, every result with its explanation:
//! the challenges that fit a start-up, the start-ups that could solve a
//! challenge, and a preview for a profile that is still being written
//! (`app::matching`).

use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::challenges::parse_statuses;
use crate::api::auth::AuthUser;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::{JsonBody, QueryParams};
use crate::api::handlers::startups::startup_reference;
use crate::app::matching::{
    self, ChallengeMatchFilter, ChallengeMatches, MatchPreview, MatchPreviewRequest, MatchScope,
    StartupMatchFilter, StartupMatches,
};
use crate::app::AppState;
use crate::domain::readiness::Trl;
use crate::domain::region::Province;
use crate::domain::taxonomy::Technology;

/// Filters for challenge matches.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChallengeMatchQuery {
    pub technology: Option<Technology>,
    pub province: Option<Province>,
    /// Challenges whose TRL range holds this level.
    pub trl: Option<Trl>,
    #[param(pattern = r"^(19[0-9]{2}|[2-9][0-9]{3})-")]
    #[serde(
        default,
        deserialize_with = "crate::domain::instant::optional_in_range"
    )]
    pub closes_before: Option<DateTime<Utc>>,
    #[param(pattern = r"^(19[0-9]{2}|[2-9][0-9]{3})-")]
    #[serde(
        default,
        deserialize_with = "crate::domain::instant::optional_in_range"
    )]
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
    /// The lowest fit listed, 0 to 100 (default 10); 0 lists every match.
    #[param(minimum = 0, maximum = 100)]
    pub min_fit: Option<i64>,
}

impl ChallengeMatchQuery {
    /// The filter of `app::matching::for_startup`.
    fn filter(&self) -> Result<ChallengeMatchFilter, ApiError> {
        Ok(ChallengeMatchFilter {
            technology: self.technology,
            province: self.province,
            trl: self.trl,
            closes_before: self.closes_before,
            closes_after: self.closes_after,
            statuses: parse_statuses(self.status.as_deref())?,
            limit: self.limit,
            min_fit: self.min_fit,
        })
    }
}

/// The challenges that fit a start-up, best first, among those the caller
/// may see. For the start-up itself, its ROM officer, procurement and admins.
#[utoipa::path(
    tag = "matching",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Start-up id, or the handle of an anonymous card"), ChallengeMatchQuery),
    responses(
        (status = 200, description = "Ranked challenges with explanations", body = ChallengeMatches),
        (status = 404, description = "No such start-up visible to the caller", body = ErrorBody),
    )
)]
#[get("/startups/{id}/matches")]
pub async fn matches_for_startup(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<String>,
    query: QueryParams<ChallengeMatchQuery>,
) -> Result<HttpResponse, ApiError> {
    let filter = query.0.filter()?;
    let startup = startup_reference(&path)?;
    let matches = matching::for_startup(&state, &caller.viewer(), &startup, filter).await?;
    Ok(HttpResponse::Ok().json(matches))
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
    /// The lowest fit listed, 0 to 100 (default 10); 0 lists every match.
    #[param(minimum = 0, maximum = 100)]
    pub min_fit: Option<i64>,
}

impl From<StartupMatchQuery> for StartupMatchFilter {
    fn from(query: StartupMatchQuery) -> Self {
        StartupMatchFilter {
            technology: query.technology,
            province: query.province,
            trl_min: query.trl_min,
            trl_max: query.trl_max,
            scope: query.scope.unwrap_or_default(),
            limit: query.limit,
            min_fit: query.min_fit,
        }
    }
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
    let matches =
        matching::for_challenge(&state, &caller.member, path.into_inner(), query.0.into()).await?;
    Ok(HttpResponse::Ok().json(matches))
}

/// The challenges a profile draft would match (among those the caller may
/// see, open or published), so a start-up sees its matches while it writes.
#[utoipa::path(
    tag = "matching",
    security(("bearer" = [])),
    params(
        ("limit" = Option<i64>, Query, minimum = 1, maximum = 100, description = "Results, default 20"),
        ("min_fit" = Option<i64>, Query, minimum = 0, maximum = 100, description = "The lowest fit listed, default 10; 0 lists every match"),
    ),
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
    let preview = matching::preview(
        &state,
        &caller.viewer(),
        query.0.limit,
        query.0.min_fit,
        body.0,
    )
    .await?;
    Ok(HttpResponse::Ok().json(preview))
}

/// The number of preview results.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PreviewLimit {
    pub limit: Option<i64>,
    pub min_fit: Option<i64>,
}

//! Challenges: procurement officers post and manage those of their
//! organisation; everyone reads what their visibility allows (`app::challenges`).

use actix_web::http::StatusCode;
use actix_web::{delete, get, patch, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::api::auth::{AuthUser, MaybeUser};
use crate::api::dto::challenge::StatusChangeRequest;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::{etag, IfMatch, JsonBody, QueryParams};
use crate::app::challenges::{self, ChallengeListFilter, ChallengeSort, ChallengeView};
use crate::app::{AppState, Paginated};
use crate::domain::challenge::{ChallengeInput, ChallengePatch, ChallengeStatus};
use crate::domain::readiness::Trl;
use crate::domain::region::Province;
use crate::domain::security::Visibility;
use crate::domain::taxonomy::Technology;

/// The response of one challenge, with its version as the ETag.
fn view_response(status: StatusCode, view: ChallengeView) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header(("ETag", etag(view.version)))
        .json(view)
}

/// A procurement officer posts a challenge for their organisation. It starts
/// as a draft; publish or open it with the status endpoint.
#[utoipa::path(
    tag = "challenges",
    security(("bearer" = [])),
    request_body = ChallengeInput,
    responses(
        (status = 201, description = "Created as a draft", body = ChallengeView,
            headers(("ETag" = String, description = "Version, for If-Match"))),
        (status = 403, description = "Only procurement officers post challenges", body = ErrorBody),
    )
)]
#[post("/challenges")]
pub async fn create_challenge(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: JsonBody<ChallengeInput>,
) -> Result<HttpResponse, ApiError> {
    let view = challenges::create(&state, &caller.member, body.0).await?;
    Ok(view_response(StatusCode::CREATED, view))
}

/// Filters for the challenge list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChallengeListQuery {
    pub technology: Option<Technology>,
    /// Challenges that prefer this province or are national.
    pub province: Option<Province>,
    /// One status or several, comma-separated (`open,published`).
    #[param(
        example = "open,published",
        pattern = r"^(draft|published|open|closed|awarded|withdrawn)(,(draft|published|open|closed|awarded|withdrawn))*$"
    )]
    pub status: Option<String>,
    /// Challenges whose wanted TRL range holds this level.
    pub trl: Option<Trl>,
    /// Deadline before this instant (RFC 3339).
    #[param(pattern = r"^(19[0-9]{2}|[2-9][0-9]{3})-")]
    #[serde(
        default,
        deserialize_with = "crate::domain::instant::optional_in_range"
    )]
    pub closes_before: Option<DateTime<Utc>>,
    /// Deadline after this instant (RFC 3339).
    #[param(pattern = r"^(19[0-9]{2}|[2-9][0-9]{3})-")]
    #[serde(
        default,
        deserialize_with = "crate::domain::instant::optional_in_range"
    )]
    pub closes_after: Option<DateTime<Utc>>,
    /// The owning organisation.
    pub organisation_id: Option<Uuid>,
    pub visibility: Option<Visibility>,
    /// Plain text that must occur in the title, summary, description or keywords.
    #[param(max_length = 200)]
    pub q: Option<String>,
    pub sort: Option<ChallengeSort>,
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

/// Parses a comma-separated list of statuses (`open,published`); absent
/// means any status.
pub fn parse_statuses(raw: Option<&str>) -> Result<Vec<ChallengeStatus>, ApiError> {
    let Some(raw) = raw else {
        return Ok(Vec::new());
    };
    raw.split(',')
        .map(|part| {
            part.trim()
                .parse::<ChallengeStatus>()
                .map_err(|error| ApiError::invalid("status", error.to_string()))
        })
        .collect()
}

/// Lists the challenges the caller may see, filtered and paginated.
#[utoipa::path(
    tag = "challenges",
    security((), ("bearer" = [])),
    params(ChallengeListQuery),
    responses((status = 200, description = "A page of challenges", body = Paginated<ChallengeView>))
)]
#[get("/challenges")]
pub async fn list_challenges(
    state: web::Data<AppState>,
    caller: MaybeUser,
    query: QueryParams<ChallengeListQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.0;
    let filter = ChallengeListFilter {
        technology: query.technology,
        province: query.province,
        statuses: parse_statuses(query.status.as_deref())?,
        trl: query.trl,
        closes_before: query.closes_before,
        closes_after: query.closes_after,
        organisation_id: query.organisation_id,
        visibility: query.visibility,
        text: query.q,
        sort: query.sort.unwrap_or_default(),
        page: query.page,
        per_page: query.per_page,
    };
    let listed: Paginated<ChallengeView> = challenges::list(&state, &caller.0, filter).await?;
    Ok(HttpResponse::Ok().json(listed))
}

/// One challenge. Reading a `vetted` challenge from outside its
/// organisation is recorded in the audit trail.
#[utoipa::path(
    tag = "challenges",
    security((), ("bearer" = [])),
    params(("id" = Uuid, Path, description = "Challenge id")),
    responses(
        (status = 200, description = "The challenge", body = ChallengeView,
            headers(("ETag" = String, description = "Version, for If-Match"))),
        (status = 404, description = "No such challenge visible to the caller", body = ErrorBody),
    )
)]
#[get("/challenges/{id}")]
pub async fn get_challenge(
    state: web::Data<AppState>,
    caller: MaybeUser,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let view = challenges::get(&state, &caller.0, path.into_inner()).await?;
    Ok(view_response(StatusCode::OK, view))
}

/// Changes a challenge's content. Absent fields stay; `null` clears a field
/// that may be empty. Closed, awarded and withdrawn challenges cannot be edited.
#[utoipa::path(
    tag = "challenges",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Challenge id"),
        ("If-Match" = String, Header, description = "The challenge's ETag, quoted (\"3\")", pattern = r#"^(W/)?"[0-9]+"$"#),
    ),
    request_body = ChallengePatch,
    responses(
        (status = 200, description = "Updated", body = ChallengeView,
            headers(("ETag" = String, description = "New version"))),
        (status = 403, description = "The caller may see but not change it", body = ErrorBody),
        (status = 404, description = "No such challenge visible to the caller", body = ErrorBody),
        (status = 409, description = "The challenge is closed and can no longer be edited", body = ErrorBody),
        (status = 412, description = "Stale If-Match", body = ErrorBody),
        (status = 428, description = "If-Match missing", body = ErrorBody),
    )
)]
#[patch("/challenges/{id}")]
pub async fn update_challenge(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<ChallengePatch>,
) -> Result<HttpResponse, ApiError> {
    let view = challenges::update(
        &state,
        &caller.member,
        path.into_inner(),
        if_match.0,
        body.0,
    )
    .await?;
    Ok(view_response(StatusCode::OK, view))
}

/// Moves a challenge along its lifecycle: draft → published (pre-release)
/// or open; published → open or withdrawn; open → closed or withdrawn;
/// closed → awarded or withdrawn. Anything else is 409.
#[utoipa::path(
    tag = "challenges",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Challenge id"),
        ("If-Match" = String, Header, description = "The challenge's ETag, quoted (\"3\")", pattern = r#"^(W/)?"[0-9]+"$"#),
    ),
    request_body = StatusChangeRequest,
    responses(
        (status = 200, description = "Moved", body = ChallengeView,
            headers(("ETag" = String, description = "New version"))),
        (status = 403, description = "The caller may see but not change it", body = ErrorBody),
        (status = 404, description = "No such challenge visible to the caller", body = ErrorBody),
        (status = 409, description = "That move is not allowed from the current status", body = ErrorBody),
        (status = 412, description = "Stale If-Match", body = ErrorBody),
        (status = 428, description = "If-Match missing", body = ErrorBody),
    )
)]
#[post("/challenges/{id}/status")]
pub async fn change_challenge_status(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<StatusChangeRequest>,
) -> Result<HttpResponse, ApiError> {
    let view = challenges::change_status(
        &state,
        &caller.member,
        path.into_inner(),
        if_match.0,
        body.0.status,
    )
    .await?;
    Ok(view_response(StatusCode::OK, view))
}

/// Deletes a draft. Anything past draft stays on record; withdraw it instead.
#[utoipa::path(
    tag = "challenges",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Challenge id"),
        ("If-Match" = String, Header, description = "The challenge's ETag, quoted (\"3\")", pattern = r#"^(W/)?"[0-9]+"$"#),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "The caller may see but not change it", body = ErrorBody),
        (status = 404, description = "No such challenge visible to the caller", body = ErrorBody),
        (status = 409, description = "Only drafts can be deleted", body = ErrorBody),
        (status = 412, description = "Stale If-Match", body = ErrorBody),
        (status = 428, description = "If-Match missing", body = ErrorBody),
    )
)]
#[delete("/challenges/{id}")]
pub async fn delete_challenge(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<Uuid>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    challenges::delete(&state, &caller.member, path.into_inner(), if_match.0).await?;
    Ok(HttpResponse::NoContent().finish())
}

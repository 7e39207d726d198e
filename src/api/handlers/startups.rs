//! Start-up profiles: a start-up keeps its own; ROM officers read those of
//! their provinces; procurement officers see anonymous cards; admins all
//! (`app::startups`).

use actix_web::http::StatusCode;
use actix_web::{get, patch, post, web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::api::auth::AuthUser;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::{etag, IfMatch, JsonBody, QueryParams};
use crate::app::startups::{self, StartupListFilter, StartupView};
use crate::app::{AppState, Paginated};
use crate::domain::readiness::Trl;
use crate::domain::region::{CountryCode, Province};
use crate::domain::startup::{StartupInput, StartupPatch, StartupRef};
use crate::domain::taxonomy::Technology;

/// The response of one profile, with its version as the ETag.
fn profile_response(status: StatusCode, view: StartupView) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header(("ETag", etag(view.version)))
        .json(view)
}

/// A start-up creates the profile of its company (one per company).
#[utoipa::path(
    tag = "startups",
    security(("bearer" = [])),
    request_body = StartupInput,
    responses(
        (status = 201, description = "Created", body = StartupView,
            headers(("ETag" = String, description = "Version, for If-Match"))),
        (status = 403, description = "Only start-up accounts create profiles", body = ErrorBody),
        (status = 409, description = "The company has a profile already, or the KvK number is taken", body = ErrorBody),
    )
)]
#[post("/startups")]
pub async fn create_startup(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: JsonBody<StartupInput>,
) -> Result<HttpResponse, ApiError> {
    let view = startups::create(&state, &caller.member, body.0).await?;
    Ok(profile_response(StatusCode::CREATED, view))
}

/// Filters for the start-up list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StartupListQuery {
    pub technology: Option<Technology>,
    pub province: Option<Province>,
    /// ISO 3166-1 alpha-2.
    #[param(value_type = Option<String>, pattern = "^[A-Za-z]{2}$")]
    pub country: Option<CountryCode>,
    /// Solutions at this TRL or higher.
    pub trl_min: Option<Trl>,
    /// Solutions at this TRL or lower.
    pub trl_max: Option<Trl>,
    pub dual_use: Option<bool>,
    /// The start-up company (owner) organisation; refused (403) to callers
    /// who see anonymous cards.
    pub organisation_id: Option<Uuid>,
    /// Plain text that must occur in the description or keywords (or, for
    /// callers who see names, the name).
    #[param(max_length = 200)]
    pub q: Option<String>,
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

impl From<StartupListQuery> for StartupListFilter {
    fn from(query: StartupListQuery) -> Self {
        StartupListFilter {
            technology: query.technology,
            province: query.province,
            country: query.country,
            trl_min: query.trl_min,
            trl_max: query.trl_max,
            dual_use: query.dual_use,
            organisation_id: query.organisation_id,
            text: query.q,
            page: query.page,
            per_page: query.per_page,
        }
    }
}

/// Lists the profiles the caller may see: admins all, ROM officers their
/// provinces, procurement officers anonymous cards, a start-up its own.
#[utoipa::path(
    tag = "startups",
    security(("bearer" = [])),
    params(StartupListQuery),
    responses(
        (status = 200, description = "A page of profiles", body = Paginated<StartupView>),
        (status = 403, description = "An organisation filter on anonymous cards", body = ErrorBody),
    )
)]
#[get("/startups")]
pub async fn list_startups(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: QueryParams<StartupListQuery>,
) -> Result<HttpResponse, ApiError> {
    let listed = startups::list(&state, &caller.member, query.0.into()).await?;
    Ok(HttpResponse::Ok().json(listed))
}

/// The start-up a path names: an id, or an anonymous card's handle; any
/// other text names nothing.
pub(crate) fn startup_reference(raw: &str) -> Result<StartupRef, ApiError> {
    raw.parse().map_err(|_| ApiError::not_found("start-up"))
}

/// One profile, in full or as an anonymous card depending on the caller.
/// Procurement reads a card by the handle it was given (`card-…`).
#[utoipa::path(
    tag = "startups",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Start-up id, or the handle of an anonymous card")),
    responses(
        (status = 200, description = "The profile", body = StartupView,
            headers(("ETag" = String, description = "Version, for If-Match"))),
        (status = 404, description = "No such profile visible to the caller", body = ErrorBody),
    )
)]
#[get("/startups/{id}")]
pub async fn get_startup(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let reference = startup_reference(&path)?;
    let view = startups::get(&state, &caller.viewer(), reference).await?;
    Ok(profile_response(StatusCode::OK, view))
}

/// Changes a profile (its own start-up or an admin). Absent fields stay;
/// `null` clears a field that may be empty.
#[utoipa::path(
    tag = "startups",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Start-up id"),
        ("If-Match" = String, Header, description = "The profile's ETag, quoted (\"3\")", pattern = r#"^(W/)?"[0-9]+"$"#),
    ),
    request_body = StartupPatch,
    responses(
        (status = 200, description = "Updated", body = StartupView,
            headers(("ETag" = String, description = "New version"))),
        (status = 403, description = "The caller may see but not edit the profile", body = ErrorBody),
        (status = 404, description = "No such profile visible to the caller", body = ErrorBody),
        (status = 409, description = "The KvK number is taken", body = ErrorBody),
        (status = 412, description = "Stale If-Match", body = ErrorBody),
        (status = 428, description = "If-Match missing", body = ErrorBody),
    )
)]
#[patch("/startups/{id}")]
pub async fn update_startup(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<StartupPatch>,
) -> Result<HttpResponse, ApiError> {
    let view = startups::update(
        &state,
        &caller.member,
        path.into_inner(),
        if_match.0,
        body.0,
    )
    .await?;
    Ok(profile_response(StatusCode::OK, view))
}

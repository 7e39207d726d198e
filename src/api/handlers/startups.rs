//! Start-up profiles: a start-up keeps its own; ROM officers read those of
//! their provinces; procurement officers see anonymous cards; admins all.

use actix_web::{get, patch, post, web, HttpResponse};
use diesel::OptionalExtension;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::api::auth::AuthUser;
use crate::api::dto::startup::StartupView;
use crate::api::dto::PageQuery;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::{etag, IfMatch, JsonBody, QueryParams};
use crate::api::legacy::LegacyBlocking;
use crate::app::text_filter::checked_text_filter as substring_filter;
use crate::app::AppState;
use crate::app::Paginated;
use crate::db::startups::{self, StartupFilter, StartupRow};
use crate::domain::account::Role;
use crate::domain::policy::StartupScope;
use crate::domain::policy::{Member, StartupAccess, Viewer};
use crate::domain::readiness::Trl;
use crate::domain::region::{CountryCode, Province};
use crate::domain::startup::{StartupInput, StartupPatch};
use crate::domain::taxonomy::Technology;

fn profile_response(status: actix_web::http::StatusCode, view: StartupView) -> HttpResponse {
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
    let view = create_profile(&state, &caller.member, body.0).await?;
    Ok(profile_response(actix_web::http::StatusCode::CREATED, view))
}

/// Creates the profile of `member`'s company from `input` (the API and the
/// web profile form both come here).
pub async fn create_profile(
    state: &AppState,
    member: &Member,
    input: StartupInput,
) -> Result<StartupView, ApiError> {
    let (Role::Startup, Some(organisation_id)) = (member.role, member.organisation_id) else {
        return Err(ApiError::forbidden(
            "only start-up accounts create profiles, for their own company",
        ));
    };
    let profile = input.validate_now()?;
    let row = state
        .with_connection_api(move |connection| {
            Ok(startups::insert(
                connection,
                organisation_id,
                None,
                &profile,
            )?)
        })
        .await?;
    Ok(StartupView::full(row))
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
    /// The start-up company (owner) organisation.
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

/// Which profiles a member may list, and whether names stay hidden.
fn listing_scope(member: &Member) -> (StartupScope, bool) {
    match member.role {
        Role::Admin => (StartupScope::All, false),
        Role::Procurement => (StartupScope::All, true),
        Role::RomOfficer => (StartupScope::Provinces(member.rom_provinces()), false),
        Role::Startup => (
            // A start-up account always has an organisation; without one it sees nothing.
            StartupScope::Organisation(member.organisation_id.unwrap_or_else(Uuid::nil)),
            false,
        ),
    }
}

/// Lists the profiles the caller may see: admins all, ROM officers their
/// provinces, procurement officers anonymous cards, a start-up its own.
#[utoipa::path(
    tag = "startups",
    security(("bearer" = [])),
    params(StartupListQuery),
    responses((status = 200, description = "A page of profiles", body = Paginated<StartupView>))
)]
#[get("/startups")]
pub async fn list_startups(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: QueryParams<StartupListQuery>,
) -> Result<HttpResponse, ApiError> {
    let listed = startup_list(&state, &caller.member, query.0).await?;
    Ok(HttpResponse::Ok().json(listed))
}

/// One page of the profiles `member` may see that pass `query` (the API and
/// the web pages both come here).
pub async fn startup_list(
    state: &AppState,
    member: &Member,
    query: StartupListQuery,
) -> Result<Paginated<StartupView>, ApiError> {
    let page = PageQuery::checked(query.page, query.per_page)?;
    let text = substring_filter(query.q.as_deref())?;
    let (scope, anonymised) = listing_scope(member);
    let filter = StartupFilter {
        technology: query.technology,
        province: query.province,
        country: query.country,
        trl_min: query.trl_min,
        trl_max: query.trl_max,
        dual_use: query.dual_use,
        organisation_id: query.organisation_id,
        text,
        anonymised,
    };
    let paged = state
        .with_connection_api(move |connection| {
            Ok(startups::list(connection, &scope, &filter, page)?)
        })
        .await?;
    let items = paged
        .rows
        .into_iter()
        .map(if anonymised {
            StartupView::anonymised
        } else {
            StartupView::full
        })
        .collect();
    Ok(Paginated::new(items, page, paged.total))
}

/// Loads a profile and the access `viewer` has to it; hidden reads as missing.
async fn load_visible(
    state: &AppState,
    viewer: &Viewer,
    startup_id: Uuid,
) -> Result<(StartupRow, StartupAccess), ApiError> {
    let row = state
        .with_connection_api(move |connection| {
            startups::find(connection, startup_id)
                .optional()?
                .ok_or_else(|| ApiError::not_found("start-up"))
        })
        .await?;
    let access = viewer.startup_access(row.organisation_id, row.province);
    if access == StartupAccess::Hidden {
        return Err(ApiError::not_found("start-up"));
    }
    Ok((row, access))
}

/// One profile, in full or as an anonymous card depending on the caller.
#[utoipa::path(
    tag = "startups",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Start-up id")),
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
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let view = read_startup(&state, &caller.viewer(), path.into_inner()).await?;
    Ok(profile_response(actix_web::http::StatusCode::OK, view))
}

/// Profile `startup_id` as `viewer` may see it: in full, as an anonymous
/// card, or 404 (the API and the web pages both come here).
pub async fn read_startup(
    state: &AppState,
    viewer: &Viewer,
    startup_id: Uuid,
) -> Result<StartupView, ApiError> {
    let (row, access) = load_visible(state, viewer, startup_id).await?;
    StartupView::for_access(row, access).ok_or_else(|| ApiError::not_found("start-up"))
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
    let view = update_profile(
        &state,
        &caller.viewer(),
        path.into_inner(),
        if_match,
        body.0,
    )
    .await?;
    Ok(profile_response(actix_web::http::StatusCode::OK, view))
}

/// Applies `patch` to profile `startup_id` as `viewer`, from the version
/// `if_match` names (the API and the web profile form both come here).
pub async fn update_profile(
    state: &AppState,
    viewer: &Viewer,
    startup_id: Uuid,
    if_match: IfMatch,
    patch: StartupPatch,
) -> Result<StartupView, ApiError> {
    let (current, _) = load_visible(state, viewer, startup_id).await?;
    if viewer
        .member()
        .is_none_or(|member| member.may_edit_profile(current.organisation_id).is_err())
    {
        return Err(ApiError::forbidden(
            "only the start-up itself may edit its profile",
        ));
    }
    let expected_version = if_match.check(current.version)?;
    let current_profile = current.profile();
    let profile = patch.apply(&current_profile).validate_now()?;
    if profile == current_profile {
        // Nothing changes, so nothing is written and the version stays.
        return Ok(StartupView::full(current));
    }
    let updated = state
        .with_connection_api(move |connection| {
            match startups::update_if_version(connection, startup_id, expected_version, &profile)? {
                Some(row) => Ok(row),
                None => {
                    let latest = startups::find(connection, startup_id)?;
                    Err(ApiError::stale(latest.version))
                }
            }
        })
        .await?;
    Ok(StartupView::full(updated))
}

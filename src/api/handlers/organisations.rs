//! Organisations: admins create and list them; members read their own
//! (`app::accounts::organisations`).

use actix_web::http::StatusCode;
use actix_web::{get, patch, post, web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::api::auth::{AdminUser, AuthUser};
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::{etag, IfMatch, JsonBody, QueryParams};
use crate::app::accounts::organisations::{self, OrganisationListFilter};
use crate::app::accounts::{
    CreateOrganisationRequest, OrganisationView, UpdateOrganisationRequest,
};
use crate::app::{AppState, Paginated};
use crate::domain::account::OrganisationKind;

/// The response of one organisation, with its version as the ETag.
fn view_response(status: StatusCode, view: OrganisationView) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header(("ETag", etag(view.version)))
        .json(view)
}

/// Creates an organisation (admins only).
#[utoipa::path(
    tag = "organisations",
    security(("bearer" = [])),
    request_body = CreateOrganisationRequest,
    responses(
        (status = 201, description = "Created", body = OrganisationView),
        (status = 400, description = "A field breaks a rule", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 409, description = "An organisation of that kind and name, or for that ROM, exists", body = ErrorBody),
    )
)]
#[post("/organisations")]
pub async fn create_organisation(
    state: web::Data<AppState>,
    admin: AdminUser,
    body: JsonBody<CreateOrganisationRequest>,
) -> Result<HttpResponse, ApiError> {
    let view = organisations::create(&state, &admin.0.member, body.0).await?;
    Ok(view_response(StatusCode::CREATED, view))
}

/// Changes an organisation (admins only): its e-mail domain for single
/// sign-on (`sso_email_domain`; null turns it off).
#[utoipa::path(
    tag = "organisations",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Organisation id"),
        ("If-Match" = String, Header, description = "The organisation's ETag, quoted (\"3\")", pattern = r#"^(W/)?"[0-9]+"$"#),
    ),
    request_body = UpdateOrganisationRequest,
    responses(
        (status = 200, description = "Updated", body = OrganisationView,
            headers(("ETag" = String, description = "New version"))),
        (status = 400, description = "Not a domain name, or a start-up company (which has no single sign-on)", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such organisation", body = ErrorBody),
        (status = 412, description = "Stale If-Match", body = ErrorBody),
        (status = 428, description = "If-Match missing", body = ErrorBody),
    )
)]
#[patch("/organisations/{id}")]
pub async fn update_organisation(
    state: web::Data<AppState>,
    admin: AdminUser,
    path: web::Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<UpdateOrganisationRequest>,
) -> Result<HttpResponse, ApiError> {
    let view = organisations::update(
        &state,
        &admin.0.member,
        path.into_inner(),
        if_match.0,
        body.0,
    )
    .await?;
    Ok(view_response(StatusCode::OK, view))
}

/// Filters for the organisation list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OrganisationListQuery {
    pub kind: Option<OrganisationKind>,
    /// Only organisations whose name contains this text (any case).
    #[param(max_length = 200)]
    pub name: Option<String>,
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

/// Lists organisations (admins only).
#[utoipa::path(
    tag = "organisations",
    security(("bearer" = [])),
    params(OrganisationListQuery),
    responses(
        (status = 200, description = "A page of organisations", body = Paginated<OrganisationView>),
        (status = 403, description = "Not an admin", body = ErrorBody),
    )
)]
#[get("/organisations")]
pub async fn list_organisations(
    state: web::Data<AppState>,
    admin: AdminUser,
    query: QueryParams<OrganisationListQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.0;
    let filter = OrganisationListFilter {
        kind: query.kind,
        name: query.name,
        page: query.page,
        per_page: query.per_page,
    };
    let listed = organisations::list(&state, &admin.0.member, filter).await?;
    Ok(HttpResponse::Ok().json(listed))
}

/// One organisation: admins see any, members their own.
#[utoipa::path(
    tag = "organisations",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Organisation id")),
    responses(
        (status = 200, description = "The organisation", body = OrganisationView),
        (status = 404, description = "No such organisation visible to the caller", body = ErrorBody),
    )
)]
#[get("/organisations/{id}")]
pub async fn get_organisation(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let view = organisations::get(&state, &caller.member, path.into_inner()).await?;
    Ok(view_response(StatusCode::OK, view))
}

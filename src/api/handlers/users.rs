//! User administration: admins create, list, vet, disable and re-role users;
//! procurement officers vet; everyone may rename themselves
//! (`app::accounts::users`).

use actix_web::http::StatusCode;
use actix_web::{get, patch, post, web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::api::auth::{AdminUser, AuthUser};
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::{etag, IfMatch, JsonBody, QueryParams};
use crate::app::accounts::users::{self, UserListFilter, UserUpdated};
use crate::app::accounts::{CreateUserRequest, UpdateUserRequest, UserView};
use crate::app::{AppState, Paginated};
use crate::domain::account::Role;

/// The response of one user, with its version as the ETag.
fn view_response(status: StatusCode, view: UserView) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header(("ETag", etag(view.version)))
        .json(view)
}

/// Creates an account of any role (admins only).
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    request_body = CreateUserRequest,
    responses(
        (status = 201, description = "Created", body = UserView),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 409, description = "The e-mail address is taken", body = ErrorBody),
    )
)]
#[post("/users")]
pub async fn create_user(
    state: web::Data<AppState>,
    admin: AdminUser,
    body: JsonBody<CreateUserRequest>,
) -> Result<HttpResponse, ApiError> {
    let view = users::create(&state, &admin.0.member, body.0).await?;
    Ok(view_response(StatusCode::CREATED, view))
}

/// Filters for the user list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UserListQuery {
    /// Only users whose name or e-mail address contains this text (any case).
    #[param(max_length = 200)]
    pub q: Option<String>,
    pub role: Option<Role>,
    pub organisation_id: Option<Uuid>,
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

/// Lists users (admins only).
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(UserListQuery),
    responses(
        (status = 200, description = "A page of users", body = Paginated<UserView>),
        (status = 403, description = "Not an admin", body = ErrorBody),
    )
)]
#[get("/users")]
pub async fn list_users(
    state: web::Data<AppState>,
    admin: AdminUser,
    query: QueryParams<UserListQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.0;
    let filter = UserListFilter {
        role: query.role,
        organisation_id: query.organisation_id,
        text: query.q,
        page: query.page,
        per_page: query.per_page,
    };
    let listed = users::list(&state, &admin.0.member, filter).await?;
    Ok(HttpResponse::Ok().json(listed))
}

/// One user: admins and procurement officers (who vet) see anyone, others themselves.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "User id")),
    responses(
        (status = 200, description = "The user", body = UserView,
            headers(("ETag" = String, description = "Version, for If-Match"))),
        (status = 404, description = "No such user visible to the caller", body = ErrorBody),
    )
)]
#[get("/users/{id}")]
pub async fn get_user(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let view = users::get(&state, &caller.member, path.into_inner()).await?;
    Ok(view_response(StatusCode::OK, view))
}

/// Changes a user. Admins may change the name, role, vetting and whether the
/// account is disabled; procurement officers may only vet; a user may only
/// rename themselves. Disabling ends all the user's sessions. Changes of
/// role, vetting and disabling are recorded in the audit trail.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "User id"),
        ("If-Match" = String, Header, description = "The user's ETag, quoted (\"3\")", pattern = r#"^(W/)?"[0-9]+"$"#),
    ),
    request_body = UpdateUserRequest,
    responses(
        (status = 200, description = "Updated", body = UserView,
            headers(("ETag" = String, description = "New version"))),
        (status = 204, description = "Vetted: the account is one the caller may vet but not read, so nothing about it is returned",
            headers(("ETag" = String, description = "New version"))),
        (status = 403, description = "The caller may not change these fields", body = ErrorBody),
        (status = 404, description = "No such user visible to the caller", body = ErrorBody),
        (status = 412, description = "Stale If-Match", body = ErrorBody),
        (status = 428, description = "If-Match missing", body = ErrorBody),
    )
)]
#[patch("/users/{id}")]
pub async fn update_user(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<UpdateUserRequest>,
) -> Result<HttpResponse, ApiError> {
    let updated = users::update(
        &state,
        &caller.member,
        path.into_inner(),
        if_match.0,
        body.0,
    )
    .await?;
    Ok(match updated {
        UserUpdated::Visible(view) => view_response(StatusCode::OK, view),
        UserUpdated::Recorded { version } => HttpResponse::NoContent()
            .insert_header(("ETag", etag(version)))
            .finish(),
    })
}

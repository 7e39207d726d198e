//! User administration: admins create, list, vet, disable and re-role users;
//! procurement officers vet; everyone may rename themselves.

use actix_web::{get, patch, post, web, HttpResponse};
use chrono::Utc;
use diesel::OptionalExtension;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::api::auth::{AdminUser, AuthUser};
use crate::api::dto::PageQuery;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::{etag, IfMatch, JsonBody, QueryParams};
use crate::api::legacy::LegacyBlocking;
use crate::app::accounts::{CreateUserRequest, UpdateUserRequest, UserView};
use crate::app::AppState;
use crate::app::Paginated;
use crate::auth::accounts::{create_account, AccountError, NewAccount};
use crate::db::audit::{self, NewAuditEvent};
use crate::db::{organisations, sessions, users};
use crate::domain::account::Role;
use crate::domain::audit::{AuditAction, AuditSubject};
use crate::domain::policy::Member;
use crate::domain::text::bounded_text;

impl From<AccountError> for ApiError {
    fn from(error: AccountError) -> Self {
        match error {
            AccountError::Invalid(invalid) => invalid.into(),
            AccountError::Database(database) => database.into(),
            AccountError::Internal(internal) => ApiError::internal(format!("{internal:#}")),
        }
    }
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
    _admin: AdminUser,
    body: JsonBody<CreateUserRequest>,
) -> Result<HttpResponse, ApiError> {
    let request = body.0;
    let created = state
        .with_connection_api(move |connection| {
            let account = NewAccount {
                email: &request.email,
                display_name: &request.display_name,
                role: request.role,
                organisation_id: request.organisation_id,
            };
            Ok(create_account(
                connection,
                &account,
                &request.password,
                Utc::now(),
            )?)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("ETag", etag(created.version)))
        .json(UserView::from(created)))
}

/// Filters for the user list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UserListQuery {
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
    let listed = user_list(&state, &admin.0.member, query.0).await?;
    Ok(HttpResponse::Ok().json(listed))
}

/// One page of the users that pass `query`, for an admin (the API and the
/// web pages both come here).
pub async fn user_list(
    state: &AppState,
    admin: &Member,
    query: UserListQuery,
) -> Result<Paginated<UserView>, ApiError> {
    if !admin.is_admin() {
        return Err(ApiError::forbidden("only admins list users"));
    }
    let page = PageQuery::checked(query.page, query.per_page)?;
    let filter = users::UserFilter {
        role: query.role,
        organisation_id: query.organisation_id,
    };
    let paged = state
        .with_connection_api(move |connection| Ok(users::list(connection, &filter, page)?))
        .await?;
    let items = paged.rows.into_iter().map(UserView::from).collect();
    Ok(Paginated::new(items, page, paged.total))
}

/// Whether `caller` may read the account `user_id` at all.
fn may_read_user(caller: &Member, user_id: Uuid) -> bool {
    caller.is_admin() || caller.user_id == user_id || caller.role == Role::Procurement
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
    let user_id = path.into_inner();
    if !may_read_user(&caller.member, user_id) {
        return Err(ApiError::not_found("user"));
    }
    let row = state
        .with_connection_api(move |connection| {
            users::find(connection, user_id)
                .optional()?
                .ok_or_else(|| ApiError::not_found("user"))
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("ETag", etag(row.version)))
        .json(UserView::from(row)))
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
    let updated = change_user(&state, &caller.member, path.into_inner(), if_match, body.0).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("ETag", etag(updated.version)))
        .json(updated))
}

/// Changes account `user_id` as `caller` may (the API and the web pages
/// both come here): see [`update_user`] for who may change what.
pub async fn change_user(
    state: &AppState,
    caller: &Member,
    user_id: Uuid,
    if_match: IfMatch,
    request: UpdateUserRequest,
) -> Result<UserView, ApiError> {
    if !may_read_user(caller, user_id) {
        return Err(ApiError::not_found("user"));
    }
    check_user_fields_allowed(caller, user_id, &request)?;
    let display_name = request
        .display_name
        .as_deref()
        .map(|name| bounded_text("display_name", name, 1, 200))
        .transpose()?;
    let caller_id = caller.user_id;
    let updated = state
        .with_connection_api(move |connection| {
            use diesel::Connection;
            connection.transaction(|connection| {
                let current = users::find(connection, user_id)
                .optional()?
                .ok_or_else(|| ApiError::not_found("user"))?;
                let expected_version = if_match.check(current.version)?;
                let now = Utc::now();
                let changes = users::UserChanges {
                    display_name,
                    role: request.role,
                    vetted_at: request
                        .vetted
                        .map(|vetted| vetted.then(|| current.vetted_at.unwrap_or(now))),
                    vetted_by: request
                        .vetted
                        .map(|vetted| vetted.then(|| current.vetted_by.unwrap_or(caller_id))),
                    disabled_at: request
                        .disabled
                        .map(|disabled| disabled.then(|| current.disabled_at.unwrap_or(now))),
                };
                if let Some(role) = request.role {
                    let organisation_kind = match current.organisation_id {
                        Some(organisation_id) => Some(organisations::find(connection, organisation_id)?.kind),
                        None => None,
                    };
                    if role.organisation_kind() != organisation_kind {
                        return Err(ApiError::invalid(
                            "role",
                            "the new role does not fit the kind of the user's organisation; create a new account instead",
                        ));
                    }
                }
                if changes.is_empty() {
                    return Ok(current);
                }
                let updated = users::update_if_version(connection, user_id, expected_version, &changes)?
                    .ok_or_else(|| ApiError::stale(current.version))?;
                if request.disabled == Some(true) {
                    sessions::revoke_all_of_user(connection, user_id, "account disabled", now)?;
                }
                for event in rights_change_events(caller_id, &current, &updated) {
                    audit::record(connection, &event)?;
                }
                Ok(updated)
            })
        })
        .await?;
    Ok(UserView::from(updated))
}

/// The audit events of a change to an account: what changed in its rights
/// (role, vetting, disabling), compared row to row so that a PATCH that
/// repeats the current value records nothing. Renames are not audited.
fn rights_change_events(
    actor_id: Uuid,
    before: &users::UserRow,
    after: &users::UserRow,
) -> Vec<NewAuditEvent> {
    let event =
        |action| NewAuditEvent::new(Some(actor_id), action, AuditSubject::User, Some(after.id));
    let mut events = Vec::new();
    if before.role != after.role {
        events.push(
            event(AuditAction::RoleChanged).with_detail(serde_json::json!({
                "old_role": before.role,
                "new_role": after.role,
            })),
        );
    }
    match (before.vetted_at.is_some(), after.vetted_at.is_some()) {
        (false, true) => events.push(event(AuditAction::UserVetted)),
        (true, false) => events.push(event(AuditAction::UserUnvetted)),
        _ => {}
    }
    match (before.disabled_at.is_some(), after.disabled_at.is_some()) {
        (false, true) => events.push(event(AuditAction::UserDisabled)),
        (true, false) => events.push(event(AuditAction::UserEnabled)),
        _ => {}
    }
    events
}

fn check_user_fields_allowed(
    caller: &Member,
    user_id: Uuid,
    request: &UpdateUserRequest,
) -> Result<(), ApiError> {
    if caller.is_admin() {
        if caller.user_id == user_id
            && (request.disabled == Some(true)
                || request.role.is_some_and(|role| role != Role::Admin))
        {
            return Err(ApiError::forbidden(
                "admins cannot disable or demote themselves; ask another admin",
            ));
        }
        return Ok(());
    }
    if request.role.is_some() || request.disabled.is_some() {
        return Err(ApiError::forbidden(
            "only admins may change roles or disable accounts",
        ));
    }
    if request.vetted.is_some() && caller.role != Role::Procurement {
        return Err(ApiError::forbidden(
            "only admins and procurement officers may vet users",
        ));
    }
    if request.display_name.is_some() && caller.user_id != user_id {
        return Err(ApiError::forbidden("you may only rename yourself"));
    }
    Ok(())
}

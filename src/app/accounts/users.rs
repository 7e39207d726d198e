//! User accounts: admins create, list, vet, disable and re-role them;
//! procurement officers read and vet them; everyone reads and renames
//! themselves. An account the caller may not read is "not found".

use chrono::Utc;
use diesel::{Connection, OptionalExtension};
use uuid::Uuid;

use super::view::{CreateUserRequest, UpdateUserRequest, UserView};
use crate::app::page::{checked_page, Paginated};
use crate::app::{AppError, AppState, Subject};
use crate::auth::accounts::{create_account, NewAccount};
use crate::db::audit::{self, NewAuditEvent};
use crate::db::{introductions, organisations, sessions, users};
use crate::domain::account::Role;
use crate::domain::audit::{AuditAction, AuditSubject};
use crate::domain::policy::{Member, UserChangeRequest, UserRelation};
use crate::domain::text::bounded_text;
use crate::domain::Rule;

/// What a list of users asks for.
#[derive(Debug, Clone, Default)]
pub struct UserListFilter {
    pub role: Option<Role>,
    pub organisation_id: Option<Uuid>,
    /// Text that the name or the e-mail address contains.
    pub text: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// `admin` creates an account of any role, in an organisation that fits it.
pub async fn create(
    state: &AppState,
    admin: &Member,
    request: CreateUserRequest,
) -> Result<UserView, AppError> {
    admin.may_administer()?;
    let created = state
        .with_connection(move |connection| {
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
    Ok(UserView::from(created))
}

/// One page of the users that pass `filter`, by e-mail address, for `admin`.
pub async fn list(
    state: &AppState,
    admin: &Member,
    filter: UserListFilter,
) -> Result<Paginated<UserView>, AppError> {
    admin.may_administer()?;
    let page = checked_page(filter.page, filter.per_page)?;
    let text = filter
        .text
        .as_deref()
        // PostgreSQL text holds no NUL, so none can match; it must not
        // break the query either.
        .map(|text| text.replace('\0', ""))
        .as_deref()
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .map(|text| bounded_text("q", text, 1, 200))
        .transpose()?;
    let query = users::UserFilter {
        role: filter.role,
        organisation_id: filter.organisation_id,
        text,
    };
    let paged = state
        .with_connection(move |connection| Ok(users::list(connection, &query, page)?))
        .await?;
    let items = paged.rows.into_iter().map(UserView::from).collect();
    Ok(Paginated::new(items, page, paged.total))
}

/// The account `user_id`, if `member` may read it.
pub async fn get(state: &AppState, member: &Member, user_id: Uuid) -> Result<UserView, AppError> {
    let reader = member.clone();
    let row = state
        .with_connection(move |connection| {
            let (row, relation) = relation_to(connection, &reader, user_id)?;
            if !reader.may_read_user(user_id, relation) {
                return Err(AppError::not_found(Subject::User));
            }
            Ok(row)
        })
        .await?;
    Ok(UserView::from(row))
}

/// The account `user_id` and how it stands to `member`; "not found" when
/// there is none (the same answer as for an account `member` may not read).
fn relation_to(
    connection: &mut diesel::PgConnection,
    member: &Member,
    user_id: Uuid,
) -> Result<(users::UserRow, UserRelation), AppError> {
    let row = users::find(connection, user_id)
        .optional()?
        .ok_or(AppError::not_found(Subject::User))?;
    let revealed_party = match (member.organisation_id, row.organisation_id) {
        (Some(reader), Some(account)) if reader != account => {
            introductions::revealed_between(connection, reader, account)?
        }
        _ => false,
    };
    let relation = UserRelation {
        organisation_id: row.organisation_id,
        revealed_party,
    };
    Ok((row, relation))
}

/// Applies `request` to the account `user_id` as `member`, from version
/// `expected_version` (see [`Member::may_change_user`] for who may change
/// what). Disabling ends all the user's sessions; changes of role, vetting
/// and disabling are recorded in the audit trail in the same transaction.
/// A request that changes nothing leaves the version as it is. A
/// procurement officer who reached the account only to vet it learns its
/// new version, nothing else about it.
pub async fn update(
    state: &AppState,
    member: &Member,
    user_id: Uuid,
    expected_version: i32,
    request: UpdateUserRequest,
) -> Result<UserUpdated, AppError> {
    let change = change_asked(&request);
    let reader = member.clone();
    let relation = state
        .with_connection(move |connection| Ok(relation_to(connection, &reader, user_id)?.1))
        .await?;
    if !member.may_reach_user_for_change(user_id, relation, change) {
        return Err(AppError::not_found(Subject::User));
    }
    let readable = member.may_read_user(user_id, relation);
    member.may_change_user(user_id, change)?;
    let display_name = request
        .display_name
        .as_deref()
        .map(|name| bounded_text("display_name", name, 1, 200))
        .transpose()?;
    let actor_id = member.user_id;
    let updated = state
        .with_connection(move |connection| {
            connection.transaction(|connection| {
                let current = users::find(connection, user_id)
                    .optional()?
                    .ok_or(AppError::not_found(Subject::User))?;
                if current.version != expected_version {
                    return Err(AppError::Stale {
                        current_version: current.version,
                    });
                }
                if let Some(role) = request.role {
                    let organisation_kind = match current.organisation_id {
                        Some(organisation_id) => {
                            Some(organisations::find(connection, organisation_id)?.kind)
                        }
                        None => None,
                    };
                    if role.organisation_kind() != organisation_kind {
                        return Err(AppError::invalid("role", Rule::RoleDoesNotFitOrganisation));
                    }
                }
                let now = Utc::now();
                let changes = users::UserChanges {
                    display_name,
                    role: request.role,
                    vetted_at: request
                        .vetted
                        .map(|vetted| vetted.then(|| current.vetted_at.unwrap_or(now))),
                    vetted_by: request
                        .vetted
                        .map(|vetted| vetted.then(|| current.vetted_by.unwrap_or(actor_id))),
                    disabled_at: request
                        .disabled
                        .map(|disabled| disabled.then(|| current.disabled_at.unwrap_or(now))),
                };
                if changes.is_empty() {
                    return Ok(current);
                }
                let updated =
                    users::update_if_version(connection, user_id, expected_version, &changes)?
                        .ok_or(AppError::Stale {
                            current_version: current.version,
                        })?;
                if request.disabled == Some(true) {
                    sessions::revoke_all_of_user(connection, user_id, "account disabled", now)?;
                }
                for event in rights_change_events(actor_id, &current, &updated) {
                    audit::record(connection, &event)?;
                }
                Ok(updated)
            })
        })
        .await?;
    Ok(if readable {
        UserUpdated::Visible(UserView::from(updated))
    } else {
        UserUpdated::Recorded {
            version: updated.version,
        }
    })
}

/// What the caller of [`update`] gets back.
#[derive(Debug)]
pub enum UserUpdated {
    /// The account as it now is, for whoever may read it.
    Visible(UserView),
    /// The change was made to an account the caller may not read: its new
    /// version only (the ETag for the next change).
    Recorded { version: i32 },
}
fn change_asked(request: &UpdateUserRequest) -> UserChangeRequest {
    UserChangeRequest {
        renames: request.display_name.is_some(),
        new_role: request.role,
        vets: request.vetted.is_some(),
        disables: request.disabled == Some(true),
        enables: request.disabled == Some(false),
    }
}

/// The audit events of a change to an account: what changed in its rights
/// (role, vetting, disabling), compared row to row so that a request that
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

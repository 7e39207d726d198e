//! Accepting an invitation: with a name and a password through the mailed
//! link, or (for single sign-on) by a verified e-mail address alone.

use chrono::{DateTime, Utc};
use diesel::{Connection, PgConnection};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::hash_token;
use crate::app::accounts::UserView;
use crate::app::{AppError, AppState, Conflict};
use crate::auth::accounts::{create_account_with_hash, NewAccount};
use crate::auth::password::hash_password;
use crate::auth::sessions::{self, IssuedTokens, LoginMethod};
use crate::db::audit::{self, NewAuditEvent};
use crate::db::invitations::{self as rows, InvitationRow};
use crate::db::users;
use crate::domain::account::{EmailAddress, NewPassword};
use crate::domain::audit::{AuditAction, AuditSubject};
use crate::domain::policy::invitation_vets;
use crate::domain::text::bounded_text;
use crate::domain::Rule;

/// Accepts an invitation with the token of its link.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptInvitationRequest {
    /// The `token` of the link in the invitation mail.
    #[schema(max_length = 200)]
    pub token: String,
    #[schema(value_type = String, format = Password, min_length = 10, max_length = 200)]
    pub password: NewPassword,
    /// The name the account shows.
    #[schema(pattern = r"[^\s\x00-\x1f\x7f-\x9f]", min_length = 1, max_length = 200)]
    pub display_name: String,
}

/// The account made from an invitation, and its first session.
#[derive(Debug)]
pub struct Accepted {
    pub user: UserView,
    pub tokens: IssuedTokens,
}

/// A pending, unexpired invitation, or why the link does not work:
/// unknown (forged), accepted, revoked or expired, each in its own words.
fn usable(
    invitation: Option<InvitationRow>,
    now: DateTime<Utc>,
) -> Result<InvitationRow, AppError> {
    let Some(invitation) = invitation else {
        return Err(AppError::invalid("token", Rule::InvitationLinkInvalid));
    };
    if invitation.accepted_at.is_some() {
        return Err(AppError::invalid("token", Rule::InvitationUsed));
    }
    if invitation.revoked_at.is_some() {
        return Err(AppError::invalid("token", Rule::InvitationRevoked));
    }
    if invitation.expires_at <= now {
        return Err(AppError::invalid("token", Rule::InvitationExpired));
    }
    Ok(invitation)
}

/// Creates the account of `invitation` (its address, role and
/// organisation) with `password_hash`, vets it when an admin invited staff,
/// marks the invitation accepted and audits it. Call inside a transaction
/// that holds the invitation's row lock.
fn create_invited_account(
    connection: &mut PgConnection,
    invitation: &InvitationRow,
    display_name: &str,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<users::UserRow, AppError> {
    if users::find_by_email(connection, &invitation.email)?.is_some() {
        // The address registered by itself since it was invited.
        return Err(Conflict::AccountExists.into());
    }
    let account = NewAccount {
        email: &invitation.email,
        display_name,
        role: invitation.role,
        organisation_id: invitation.organisation_id,
    };
    let mut user = create_account_with_hash(connection, &account, password_hash, now)?;
    let inviter_role = match invitation.invited_by {
        Some(inviter) => Some(users::find(connection, inviter)?.role),
        None => None,
    };
    if inviter_role.is_some_and(|inviter_role| invitation_vets(inviter_role, invitation.role)) {
        user = rows::vet_invited(connection, user.id, invitation.invited_by, now)?;
    }
    rows::mark_accepted(connection, invitation.id, user.id, now)?;
    let event = NewAuditEvent::new(
        Some(user.id),
        AuditAction::InvitationAccepted,
        AuditSubject::Invitation,
        Some(invitation.id),
    )
    .with_detail(serde_json::json!({
        "user_id": user.id,
        "role": invitation.role,
        "organisation_id": invitation.organisation_id,
        "startup_id": invitation.startup_id,
        "invited_by": invitation.invited_by,
    }));
    audit::record(connection, &event)?;
    Ok(user)
}

/// Accepts the invitation of `request.token`: creates its account with the
/// name and password given and starts a session. The token works once.
pub async fn accept(
    state: &AppState,
    client_ip: String,
    request: AcceptInvitationRequest,
) -> Result<Accepted, AppError> {
    let display_name = bounded_text("display_name", &request.display_name, 1, 200)?;
    let keys = state.token_keys.clone();
    let session_ttl = state.session_ttl;
    let (user, tokens) = state
        .with_connection(move |connection| {
            // Hashed before the token is looked up, so that a forged token
            // takes as long as a real one.
            let password_hash =
                hash_password(request.password.expose()).map_err(AppError::internal)?;
            let token_hash = hash_token(request.token.trim());
            connection.transaction::<_, AppError, _>(|connection| {
                let now = Utc::now();
                let invitation = usable(
                    rows::find_by_token_for_update(connection, &token_hash)?,
                    now,
                )?;
                let user = create_invited_account(
                    connection,
                    &invitation,
                    &display_name,
                    &password_hash,
                    now,
                )?;
                let tokens = sessions::start_session(
                    connection,
                    &keys,
                    session_ttl,
                    &user,
                    &client_ip,
                    LoginMethod::Invitation,
                    now,
                )?;
                Ok((user, tokens))
            })
        })
        .await?;
    tracing::info!(user_id = %user.id, "invitation accepted");
    Ok(Accepted {
        user: UserView::from(user),
        tokens,
    })
}

/// The password hash of an account made without a password (single
/// sign-on): not a PHC string, so no password ever matches it; a reset
/// link can still set one.
const NO_PASSWORD: &str = "!no-password: signed up through single sign-on";

/// Accepts the pending, unexpired invitation of `email` for someone whose
/// identity provider vouched for that address (single sign-on): creates
/// the account without a usable password, named after the address, inside
/// the caller's transaction. `admits` decides from the invitation whether
/// the provider's address may take it (the organisation's e-mail domain).
/// `None` when no such invitation waits or `admits` refuses. The caller
/// starts the session.
pub fn accept_verified_invitation(
    connection: &mut PgConnection,
    email: &EmailAddress,
    now: DateTime<Utc>,
    admits: impl FnOnce(&mut PgConnection, &InvitationRow) -> Result<bool, AppError>,
) -> Result<Option<users::UserRow>, AppError> {
    let Some(invitation) = rows::find_pending_for_email_for_update(connection, email, now)? else {
        return Ok(None);
    };
    if !admits(connection, &invitation)? {
        return Ok(None);
    }
    // The part before the `@`, within the 200 characters a name may have.
    let display_name: String = email
        .as_str()
        .split('@')
        .next()
        .unwrap_or("member")
        .chars()
        .take(200)
        .collect();
    let user = create_invited_account(connection, &invitation, &display_name, NO_PASSWORD, now)?;
    tracing::info!(user_id = %user.id, "invitation accepted by single sign-on");
    Ok(Some(user))
}

/// [`accept_verified_invitation`] in a transaction of its own, for any
/// organisation domain: the account's id.
pub async fn accept_by_verified_email(
    state: &AppState,
    email: EmailAddress,
) -> Result<Option<Uuid>, AppError> {
    state
        .with_connection(move |connection| {
            connection.transaction(|connection| {
                let user =
                    accept_verified_invitation(connection, &email, Utc::now(), |_, _| Ok(true))?;
                Ok(user.map(|user| user.id))
            })
        })
        .await
}

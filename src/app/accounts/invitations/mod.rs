//! Invitations: an admin invites staff (and start-ups) by e-mail, a ROM
//! officer invites the people of an imported start-up of their provinces
//! to claim its profile; the invited person follows the mailed link, sets
//! a name and a password, and is signed in, bound to the invitation's
//! organisation and role. Invitations can be listed, resent and revoked.
//! Every event is audited. See docs/onboarding.md.

mod accept;
mod mail;

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use diesel::{Connection, OptionalExtension, PgConnection};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use uuid::Uuid;

pub use self::accept::{
    accept, accept_by_verified_email, accept_verified_invitation, AcceptInvitationRequest, Accepted,
};
use self::mail::{invitation_mail, InvitationLetter};
use crate::app::page::{checked_page, Paginated};
use crate::app::{AppError, AppState, Conflict, Subject};
use crate::auth::rate_limit::{self, LimitedRequest};
use crate::db::audit::{self, NewAuditEvent};
use crate::db::invitations::{self as rows, InvitationRow, NewInvitation};
use crate::db::{organisations, startups, users};
use crate::domain::account::{EmailAddress, Role};
use crate::domain::audit::{AuditAction, AuditSubject};
use crate::domain::policy::{InvitationTarget, Member};
use crate::domain::Rule;

/// How long an invitation link works.
pub const INVITATION_TTL_DAYS: i64 = 7;

/// Invites someone by e-mail.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateInvitationRequest {
    /// Where the invitation goes; no account may have it yet.
    #[schema(value_type = String, format = "email", max_length = 254)]
    pub email: EmailAddress,
    /// The role the account gets.
    pub role: Role,
    /// The organisation the account joins: a defence organisation for
    /// procurement, a ROM for ROM officers, a start-up company for
    /// start-ups, none for admins.
    pub organisation_id: Option<Uuid>,
    /// For a start-up: the imported profile to claim (its organisation is
    /// then the one joined, and `organisation_id` may be left out).
    pub startup_id: Option<Uuid>,
}

/// Invites an imported start-up to claim its profile.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimInvitationRequest {
    /// Where the invitation goes; the profile's contact e-mail when left out.
    #[schema(value_type = Option<String>, format = "email", max_length = 254)]
    pub email: Option<EmailAddress>,
}

/// A pending invitation, as its inviter sees it (never its token).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InvitationView {
    pub id: Uuid,
    #[schema(value_type = String, format = "email")]
    pub email: EmailAddress,
    pub role: Role,
    pub organisation_id: Option<Uuid>,
    pub organisation_name: Option<String>,
    /// The profile to claim, for a claim.
    pub startup_id: Option<Uuid>,
    pub invited_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// Past `expires_at`: the link no longer works; resend it for a new one.
    pub expired: bool,
}

impl InvitationView {
    fn new(row: InvitationRow, organisation_name: Option<String>, now: DateTime<Utc>) -> Self {
        InvitationView {
            expired: row.expires_at <= now,
            id: row.id,
            email: row.email,
            role: row.role,
            organisation_id: row.organisation_id,
            organisation_name,
            startup_id: row.startup_id,
            invited_by: row.invited_by,
            created_at: row.created_at,
            expires_at: row.expires_at,
        }
    }
}

/// A new link secret (256 random bits, hex) and its stored SHA-256.
fn new_token() -> (String, Vec<u8>) {
    let mut bytes = [0_u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let hash = hash_token(&token);
    (token, hash)
}

/// The stored form of an invitation token.
pub(crate) fn hash_token(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Counts an invitation sent from `client_ip` against the per-address limit.
async fn count_against_limit(state: &AppState, client_ip: String) -> Result<(), AppError> {
    let limits = state.login_limits;
    let limited = state
        .with_connection(move |connection| {
            Ok(rate_limit::count_request(
                connection,
                &limits,
                LimitedRequest::Invitation,
                &client_ip,
                Utc::now(),
            )?)
        })
        .await?;
    limited.map_err(|wait| AppError::TooManyAttempts {
        retry_after_seconds: wait.seconds(),
    })
}

/// What an invitation is for, resolved against what is stored.
struct Resolved {
    organisation_id: Option<Uuid>,
    organisation_name: Option<String>,
    startup: Option<(Uuid, String)>,
    target: InvitationTarget,
}

/// Looks up what `request` names and checks that it fits its role.
fn resolve(
    connection: &mut PgConnection,
    request: &CreateInvitationRequest,
) -> Result<Resolved, AppError> {
    let (organisation_id, startup) = match request.startup_id {
        Some(startup_id) => {
            if request.role != Role::Startup {
                return Err(AppError::invalid("role", Rule::InvitationRoleMismatch));
            }
            let startup = startups::find(connection, startup_id)
                .optional()?
                .ok_or(AppError::not_found_in(Subject::Startup, "startup_id"))?;
            if request
                .organisation_id
                .is_some_and(|given| given != startup.organisation_id)
            {
                return Err(AppError::invalid(
                    "organisation_id",
                    Rule::InvitationRoleMismatch,
                ));
            }
            (Some(startup.organisation_id), Some(startup))
        }
        None => (request.organisation_id, None),
    };
    let organisation = match organisation_id {
        Some(id) => Some(
            organisations::find(connection, id)
                .optional()?
                .ok_or_else(|| AppError::invalid("organisation_id", Rule::NoSuchOrganisation))?,
        ),
        None => None,
    };
    if request.role.organisation_kind() != organisation.as_ref().map(|found| found.kind) {
        return Err(AppError::invalid(
            "organisation_id",
            Rule::InvitationRoleMismatch,
        ));
    }
    let (startup_province, organisation_has_members) = match (&organisation, request.role) {
        (Some(organisation), Role::Startup) => {
            let province = match &startup {
                Some(startup) => startup.province,
                None => match startups::find_id_by_organisation(connection, organisation.id)? {
                    Some(profile_id) => startups::find(connection, profile_id)?.province,
                    None => None,
                },
            };
            (
                province,
                rows::organisation_has_members(connection, organisation.id)?,
            )
        }
        _ => (None, false),
    };
    Ok(Resolved {
        organisation_id,
        organisation_name: organisation.map(|found| found.name),
        startup: startup.map(|found| (found.id, found.name)),
        target: InvitationTarget {
            role: request.role,
            startup_province,
            organisation_has_members,
        },
    })
}

/// `member` invites someone; the mail with the link is queued. Limited per
/// client address like registration. An address that has an account
/// already is a 409 (inviters are staff an admin made; see docs/onboarding.md).
pub async fn invite(
    state: &AppState,
    member: &Member,
    client_ip: String,
    request: CreateInvitationRequest,
) -> Result<InvitationView, AppError> {
    member.may_list_invitations()?;
    count_against_limit(state, client_ip).await?;
    let inviter = member.clone();
    let public_url = state.public_url.clone();
    state
        .with_connection(move |connection| {
            connection.transaction(|connection| {
                let resolved = resolve(connection, &request)?;
                inviter.may_invite(resolved.target)?;
                if users::find_by_email(connection, &request.email)?.is_some() {
                    return Err(Conflict::AccountExists.into());
                }
                let now = Utc::now();
                let (token, token_hash) = new_token();
                let row = rows::insert(
                    connection,
                    &NewInvitation {
                        email: &request.email,
                        role: request.role,
                        organisation_id: resolved.organisation_id,
                        startup_id: resolved.startup.as_ref().map(|(id, _)| *id),
                        invited_by: inviter.user_id,
                        token_hash: &token_hash,
                        expires_at: now + chrono::Duration::days(INVITATION_TTL_DAYS),
                    },
                )
                .map_err(|error| match AppError::from(error) {
                    AppError::Conflict(Conflict::Duplicate { .. }) => {
                        Conflict::InvitationPending.into()
                    }
                    other => other,
                })?;
                let letter = InvitationLetter {
                    token: &token,
                    role: row.role,
                    organisation_name: resolved.organisation_name.as_deref(),
                    claimed_startup: resolved.startup.as_ref().map(|(_, name)| name.as_str()),
                    ttl_days: INVITATION_TTL_DAYS,
                };
                let (subject, body) = invitation_mail(&letter, &public_url);
                rows::queue_invitation_mail(
                    connection,
                    row.id,
                    row.email.as_str(),
                    &subject,
                    &body,
                )?;
                audit::record(
                    connection,
                    &event(&inviter, AuditAction::InvitationSent, &row),
                )?;
                tracing::info!(invitation_id = %row.id, role = %row.role, "invitation sent");
                Ok(InvitationView::new(row, resolved.organisation_name, now))
            })
        })
        .await
}

/// `member` invites an imported start-up to claim its profile: the mail
/// goes to `request.email`, or else to the profile's contact e-mail.
pub async fn invite_to_claim(
    state: &AppState,
    member: &Member,
    client_ip: String,
    startup_id: Uuid,
    request: ClaimInvitationRequest,
) -> Result<InvitationView, AppError> {
    member.may_list_invitations()?;
    let email = match request.email {
        Some(email) => email,
        None => {
            state
                .with_connection(move |connection| {
                    let startup = startups::find(connection, startup_id)
                        .optional()?
                        .ok_or(AppError::not_found(Subject::Startup))?;
                    startup
                        .contact_email
                        .ok_or_else(|| AppError::invalid("email", Rule::NoContactEmail))
                })
                .await?
        }
    };
    let request = CreateInvitationRequest {
        email,
        role: Role::Startup,
        organisation_id: None,
        startup_id: Some(startup_id),
    };
    invite(state, member, client_ip, request).await
}

/// The audit event of `action` on `invitation` by `actor`: the role and
/// where it leads, never the address (the trail keeps ids, not names).
fn event(actor: &Member, action: AuditAction, invitation: &InvitationRow) -> NewAuditEvent {
    NewAuditEvent::new(
        Some(actor.user_id),
        action,
        AuditSubject::Invitation,
        Some(invitation.id),
    )
    .with_detail(serde_json::json!({
        "role": invitation.role,
        "organisation_id": invitation.organisation_id,
        "startup_id": invitation.startup_id,
    }))
}

/// One page of the pending invitations, newest first: every one for an
/// admin, a ROM officer's own for them.
pub async fn list(
    state: &AppState,
    member: &Member,
    page: Option<i64>,
    per_page: Option<i64>,
) -> Result<Paginated<InvitationView>, AppError> {
    member.may_list_invitations()?;
    let page = checked_page(page, per_page)?;
    let invited_by = (!member.is_admin()).then_some(member.user_id);
    let paged = state
        .with_connection(move |connection| Ok(rows::list_pending(connection, invited_by, page)?))
        .await?;
    let now = Utc::now();
    let items = paged
        .rows
        .into_iter()
        .map(|pending| InvitationView::new(pending.invitation, pending.organisation_name, now))
        .collect();
    Ok(Paginated::new(items, page, paged.total))
}

/// The pending invitation `id`, locked, if `member` may manage it.
fn pending_for(
    connection: &mut PgConnection,
    member: &Member,
    id: Uuid,
) -> Result<InvitationRow, AppError> {
    let row = rows::find(connection, id)?.ok_or(AppError::not_found(Subject::Resource))?;
    if member.may_manage_invitation(row.invited_by).is_err() {
        // Someone else's invitation names a person; it reads as missing.
        return Err(AppError::not_found(Subject::Resource));
    }
    if row.accepted_at.is_some() || row.revoked_at.is_some() {
        return Err(Conflict::InvitationNotPending.into());
    }
    Ok(row)
}

/// Sends a pending invitation again with a new link and a new expiry; the
/// old link stops working. Limited per client address like sending.
pub async fn resend(
    state: &AppState,
    member: &Member,
    client_ip: String,
    id: Uuid,
) -> Result<InvitationView, AppError> {
    member.may_list_invitations()?;
    count_against_limit(state, client_ip).await?;
    let actor = member.clone();
    let public_url = state.public_url.clone();
    state
        .with_connection(move |connection| {
            connection.transaction(|connection| {
                let row = pending_for(connection, &actor, id)?;
                let now = Utc::now();
                let (token, token_hash) = new_token();
                let expires_at = now + chrono::Duration::days(INVITATION_TTL_DAYS);
                rows::replace_token(connection, row.id, &token_hash, expires_at)?;
                let organisation_name = match row.organisation_id {
                    Some(organisation_id) => {
                        Some(organisations::find(connection, organisation_id)?.name)
                    }
                    None => None,
                };
                let startup_name = match row.startup_id {
                    Some(startup_id) => Some(startups::find(connection, startup_id)?.name),
                    None => None,
                };
                let letter = InvitationLetter {
                    token: &token,
                    role: row.role,
                    organisation_name: organisation_name.as_deref(),
                    claimed_startup: startup_name.as_deref(),
                    ttl_days: INVITATION_TTL_DAYS,
                };
                let (subject, body) = invitation_mail(&letter, &public_url);
                rows::queue_invitation_mail(
                    connection,
                    row.id,
                    row.email.as_str(),
                    &subject,
                    &body,
                )?;
                audit::record(
                    connection,
                    &event(&actor, AuditAction::InvitationResent, &row),
                )?;
                let resent = InvitationRow { expires_at, ..row };
                Ok(InvitationView::new(resent, organisation_name, now))
            })
        })
        .await
}

/// Withdraws a pending invitation: its link stops working.
pub async fn revoke(state: &AppState, member: &Member, id: Uuid) -> Result<(), AppError> {
    member.may_list_invitations()?;
    let actor = member.clone();
    state
        .with_connection(move |connection| {
            connection.transaction(|connection| {
                let row = pending_for(connection, &actor, id)?;
                rows::revoke(connection, row.id, Utc::now())?;
                audit::record(
                    connection,
                    &event(&actor, AuditAction::InvitationRevoked, &row),
                )?;
                Ok(())
            })
        })
        .await
}

/// Which of the start-ups `startup_ids` `member` may invite to claim now:
/// imported profiles (a contact e-mail, no account in their company) that
/// the same rule as [`invite`] allows. For showing the button only where
/// it works.
pub async fn claimable(
    state: &AppState,
    member: &Member,
    startup_ids: Vec<Uuid>,
) -> Result<HashSet<Uuid>, AppError> {
    if member.may_list_invitations().is_err() || startup_ids.is_empty() {
        return Ok(HashSet::new());
    }
    let unclaimed = state
        .with_connection(move |connection| {
            let ids = rows::unclaimed_among(connection, &startup_ids)?;
            Ok(startups::find_many(connection, &ids)?)
        })
        .await?;
    Ok(unclaimed
        .into_iter()
        .filter(|startup| {
            member
                .may_invite(InvitationTarget {
                    role: Role::Startup,
                    startup_province: startup.province,
                    organisation_has_members: false,
                })
                .is_ok()
        })
        .map(|startup| startup.id)
        .collect())
}

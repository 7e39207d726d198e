//! Invitations (their tokens stored as SHA-256 hashes) and the mail that
//! carries their links.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::schema::{email_outbox, invitations, organisations, startups, users};
use super::{Page, Paged};
use crate::domain::account::{EmailAddress, Role};

/// A stored invitation.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = invitations)]
pub struct InvitationRow {
    pub id: Uuid,
    pub email: EmailAddress,
    pub role: Role,
    pub organisation_id: Option<Uuid>,
    pub startup_id: Option<Uuid>,
    pub invited_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub accepted_user_id: Option<Uuid>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A new invitation.
pub struct NewInvitation<'a> {
    pub email: &'a EmailAddress,
    pub role: Role,
    pub organisation_id: Option<Uuid>,
    pub startup_id: Option<Uuid>,
    pub invited_by: Uuid,
    pub token_hash: &'a [u8],
    pub expires_at: DateTime<Utc>,
}

/// Stores `new`; a pending invitation for the same address is a unique
/// violation (`invitations_pending_email_key`).
pub fn insert(
    connection: &mut PgConnection,
    new: &NewInvitation<'_>,
) -> QueryResult<InvitationRow> {
    diesel::insert_into(invitations::table)
        .values((
            invitations::email.eq(new.email),
            invitations::role.eq(new.role),
            invitations::organisation_id.eq(new.organisation_id),
            invitations::startup_id.eq(new.startup_id),
            invitations::invited_by.eq(new.invited_by),
            invitations::token_hash.eq(new.token_hash),
            invitations::expires_at.eq(new.expires_at),
        ))
        .returning(InvitationRow::as_returning())
        .get_result(connection)
}

/// The invitation `id`.
pub fn find(connection: &mut PgConnection, id: Uuid) -> QueryResult<Option<InvitationRow>> {
    invitations::table
        .find(id)
        .select(InvitationRow::as_select())
        .first(connection)
        .optional()
}

/// The invitation whose token has this hash, locked, so that two
/// acceptances at once cannot both succeed.
pub fn find_by_token_for_update(
    connection: &mut PgConnection,
    token_hash: &[u8],
) -> QueryResult<Option<InvitationRow>> {
    invitations::table
        .filter(invitations::token_hash.eq(token_hash))
        .select(InvitationRow::as_select())
        .for_update()
        .first(connection)
        .optional()
}

/// The pending invitation of `email` that has not expired at `now`, locked.
pub fn find_pending_for_email_for_update(
    connection: &mut PgConnection,
    email: &EmailAddress,
    now: DateTime<Utc>,
) -> QueryResult<Option<InvitationRow>> {
    invitations::table
        .filter(invitations::email.eq(email))
        .filter(invitations::accepted_at.is_null())
        .filter(invitations::revoked_at.is_null())
        .filter(invitations::expires_at.gt(now))
        .select(InvitationRow::as_select())
        .for_update()
        .first(connection)
        .optional()
}

/// Gives a pending invitation a new token and expiry: the old link dies.
pub fn replace_token(
    connection: &mut PgConnection,
    id: Uuid,
    token_hash: &[u8],
    expires_at: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(invitations::table.find(id))
        .set((
            invitations::token_hash.eq(token_hash),
            invitations::expires_at.eq(expires_at),
        ))
        .execute(connection)?;
    Ok(())
}

/// Withdraws a pending invitation.
pub fn revoke(connection: &mut PgConnection, id: Uuid, now: DateTime<Utc>) -> QueryResult<()> {
    diesel::update(invitations::table.find(id))
        .set(invitations::revoked_at.eq(Some(now)))
        .execute(connection)?;
    Ok(())
}

/// Marks an invitation accepted by the new account `user_id`.
pub fn mark_accepted(
    connection: &mut PgConnection,
    id: Uuid,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(invitations::table.find(id))
        .set((
            invitations::accepted_at.eq(Some(now)),
            invitations::accepted_user_id.eq(Some(user_id)),
        ))
        .execute(connection)?;
    Ok(())
}

/// A pending invitation with the name of its organisation, for lists.
#[derive(Debug, Clone)]
pub struct PendingInvitation {
    pub invitation: InvitationRow,
    pub organisation_name: Option<String>,
}

/// Pending invitations (neither accepted nor revoked), newest first; only
/// those sent by `invited_by` when it is given.
pub fn list_pending(
    connection: &mut PgConnection,
    invited_by: Option<Uuid>,
    page: Page,
) -> QueryResult<Paged<PendingInvitation>> {
    let filtered = || {
        let mut query = invitations::table
            .left_join(organisations::table)
            .filter(invitations::accepted_at.is_null())
            .filter(invitations::revoked_at.is_null())
            .into_boxed();
        if let Some(inviter) = invited_by {
            query = query.filter(invitations::invited_by.eq(inviter));
        }
        query
    };
    let total = filtered().count().get_result(connection)?;
    let rows: Vec<(InvitationRow, Option<String>)> = filtered()
        .order((invitations::created_at.desc(), invitations::id.asc()))
        .limit(page.size)
        .offset(page.offset())
        .select((InvitationRow::as_select(), organisations::name.nullable()))
        .load(connection)?;
    let rows = rows
        .into_iter()
        .map(|(invitation, organisation_name)| PendingInvitation {
            invitation,
            organisation_name,
        })
        .collect();
    Ok(Paged { rows, total })
}

/// Whether any account belongs to `organisation_id`.
pub fn organisation_has_members(
    connection: &mut PgConnection,
    organisation_id: Uuid,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        users::table.filter(users::organisation_id.eq(organisation_id)),
    ))
    .get_result(connection)
}

/// The start-up profiles among `ids` that were imported and nobody holds:
/// a contact e-mail, and no account in their company.
pub fn unclaimed_among(connection: &mut PgConnection, ids: &[Uuid]) -> QueryResult<Vec<Uuid>> {
    startups::table
        .filter(startups::id.eq_any(ids))
        .filter(startups::contact_email.is_not_null())
        .filter(diesel::dsl::not(diesel::dsl::exists(users::table.filter(
            users::organisation_id.eq(startups::organisation_id.nullable()),
        ))))
        .select(startups::id)
        .load(connection)
}

/// Mail with an invitation's link, queued for the mail sender as account
/// mail of no account yet.
pub fn queue_invitation_mail(
    connection: &mut PgConnection,
    invitation_id: Uuid,
    recipient: &str,
    subject: &str,
    body: &str,
) -> QueryResult<()> {
    diesel::insert_into(email_outbox::table)
        .values((
            email_outbox::invitation_id.eq(Some(invitation_id)),
            email_outbox::kind.eq("account"),
            email_outbox::recipient.eq(recipient),
            email_outbox::subject.eq(subject),
            email_outbox::body.eq(body),
        ))
        .execute(connection)?;
    Ok(())
}

/// Vets the account `user_id` made from an invitation, as by `vetted_by`.
pub fn vet_invited(
    connection: &mut PgConnection,
    user_id: Uuid,
    vetted_by: Option<Uuid>,
    now: DateTime<Utc>,
) -> QueryResult<super::users::UserRow> {
    diesel::update(users::table.find(user_id))
        .set((
            users::vetted_at.eq(Some(now)),
            users::vetted_by.eq(vetted_by),
        ))
        .returning(super::users::UserRow::as_returning())
        .get_result(connection)
}

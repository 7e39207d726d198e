//! Password reset tokens (stored as SHA-256 hashes) and the account mail
//! that carries their links.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::schema::{email_outbox, password_reset_tokens};

/// A stored reset token, as found by its hash.
#[derive(Debug, Clone, Queryable)]
pub struct ResetTokenRow {
    pub user_id: Uuid,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

/// Stores the hash of a new reset token for `user_id`.
pub fn insert(
    connection: &mut PgConnection,
    token_hash: &[u8],
    user_id: Uuid,
    expires_at: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::insert_into(password_reset_tokens::table)
        .values((
            password_reset_tokens::token_hash.eq(token_hash),
            password_reset_tokens::user_id.eq(user_id),
            password_reset_tokens::expires_at.eq(expires_at),
        ))
        .execute(connection)?;
    Ok(())
}

/// The token with this hash, locked, so that two uses at once cannot both
/// succeed.
pub fn find_for_update(
    connection: &mut PgConnection,
    token_hash: &[u8],
) -> QueryResult<Option<ResetTokenRow>> {
    password_reset_tokens::table
        .find(token_hash)
        .select((
            password_reset_tokens::user_id,
            password_reset_tokens::expires_at,
            password_reset_tokens::used_at,
        ))
        .for_update()
        .first(connection)
        .optional()
}

/// Spends every unspent token of `user_id`: after a reset or a change, an
/// older link must not set the password again.
pub fn spend_all_of_user(
    connection: &mut PgConnection,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::update(password_reset_tokens::table)
        .filter(password_reset_tokens::user_id.eq(user_id))
        .filter(password_reset_tokens::used_at.is_null())
        .set(password_reset_tokens::used_at.eq(now))
        .execute(connection)
}

/// Forgets tokens that expired before `cutoff`.
pub fn delete_expired(connection: &mut PgConnection, cutoff: DateTime<Utc>) -> QueryResult<usize> {
    diesel::delete(
        password_reset_tokens::table.filter(password_reset_tokens::expires_at.lt(cutoff)),
    )
    .execute(connection)
}

/// Mail about the account itself (no notification announces it), queued
/// for the mail sender.
pub struct AccountMail<'a> {
    pub user_id: Uuid,
    pub recipient: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
}

/// Queues `mail` in the e-mail outbox as account mail.
pub fn queue_account_mail(
    connection: &mut PgConnection,
    mail: &AccountMail<'_>,
) -> QueryResult<()> {
    diesel::insert_into(email_outbox::table)
        .values((
            email_outbox::user_id.eq(mail.user_id),
            email_outbox::kind.eq("account"),
            email_outbox::recipient.eq(mail.recipient),
            email_outbox::subject.eq(mail.subject),
            email_outbox::body.eq(mail.body),
        ))
        .execute(connection)?;
    Ok(())
}

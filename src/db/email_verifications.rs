//! E-mail verification tokens, stored as SHA-256 hashes.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::schema::email_verification_tokens;

/// A stored verification token, as found by its hash.
#[derive(Debug, Clone, Queryable)]
pub struct VerificationTokenRow {
    pub user_id: Uuid,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

/// Stores the hash of a new verification token for `user_id`.
pub fn insert(
    connection: &mut PgConnection,
    token_hash: &[u8],
    user_id: Uuid,
    expires_at: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::insert_into(email_verification_tokens::table)
        .values((
            email_verification_tokens::token_hash.eq(token_hash),
            email_verification_tokens::user_id.eq(user_id),
            email_verification_tokens::expires_at.eq(expires_at),
        ))
        .execute(connection)?;
    Ok(())
}

/// The token with this hash, locked, so that two uses at once cannot both succeed.
pub fn find_for_update(
    connection: &mut PgConnection,
    token_hash: &[u8],
) -> QueryResult<Option<VerificationTokenRow>> {
    email_verification_tokens::table
        .find(token_hash)
        .select((
            email_verification_tokens::user_id,
            email_verification_tokens::expires_at,
            email_verification_tokens::used_at,
        ))
        .for_update()
        .first(connection)
        .optional()
}

/// Spends every unspent token of `user_id`: once the address is confirmed,
/// older links have nothing left to do.
pub fn spend_all_of_user(
    connection: &mut PgConnection,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::update(email_verification_tokens::table)
        .filter(email_verification_tokens::user_id.eq(user_id))
        .filter(email_verification_tokens::used_at.is_null())
        .set(email_verification_tokens::used_at.eq(now))
        .execute(connection)
}

/// Forgets tokens that expired before `cutoff`.
pub fn delete_expired(connection: &mut PgConnection, cutoff: DateTime<Utc>) -> QueryResult<usize> {
    diesel::delete(
        email_verification_tokens::table.filter(email_verification_tokens::expires_at.lt(cutoff)),
    )
    .execute(connection)
}

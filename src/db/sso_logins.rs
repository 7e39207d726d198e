//! Single sign-on attempts under way: what the callback needs to finish one.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::schema::sso_logins;

/// What a pending sign-in keeps for its callback.
#[derive(Debug, Clone, Queryable)]
pub struct PendingLogin {
    pub code_verifier: String,
    pub nonce: String,
    pub expires_at: DateTime<Utc>,
}

/// Stores a pending sign-in under the hash of its state.
pub fn insert(
    connection: &mut PgConnection,
    state_hash: &[u8],
    code_verifier: &str,
    nonce: &str,
    expires_at: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::insert_into(sso_logins::table)
        .values((
            sso_logins::state_hash.eq(state_hash),
            sso_logins::code_verifier.eq(code_verifier),
            sso_logins::nonce.eq(nonce),
            sso_logins::expires_at.eq(expires_at),
        ))
        .execute(connection)?;
    Ok(())
}

/// Removes and returns the pending sign-in of this state hash: a state is
/// spent by its first callback, whatever comes of it.
pub fn take(connection: &mut PgConnection, state_hash: &[u8]) -> QueryResult<Option<PendingLogin>> {
    diesel::delete(sso_logins::table.find(state_hash))
        .returning((
            sso_logins::code_verifier,
            sso_logins::nonce,
            sso_logins::expires_at,
        ))
        .get_result(connection)
        .optional()
}

/// Forgets sign-ins that expired before `cutoff` (abandoned at the provider).
pub fn delete_expired(connection: &mut PgConnection, cutoff: DateTime<Utc>) -> QueryResult<usize> {
    diesel::delete(sso_logins::table.filter(sso_logins::expires_at.lt(cutoff))).execute(connection)
}

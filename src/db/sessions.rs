//! Login sessions and their rotating refresh tokens.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::schema::{refresh_tokens, sessions};

/// A stored refresh token and the session it belongs to.
#[derive(Debug, Clone, Queryable)]
pub struct RefreshTokenRow {
    pub session_id: Uuid,
    pub user_id: Uuid,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    pub session_revoked_at: Option<DateTime<Utc>>,
    pub session_expires_at: DateTime<Utc>,
}

/// Starts a session for `user_id` that lasts until `expires_at`.
pub fn start(
    connection: &mut PgConnection,
    user_id: Uuid,
    expires_at: DateTime<Utc>,
) -> QueryResult<Uuid> {
    diesel::insert_into(sessions::table)
        .values((
            sessions::user_id.eq(user_id),
            sessions::expires_at.eq(expires_at),
        ))
        .returning(sessions::id)
        .get_result(connection)
}

/// Stores the hash of a new refresh token for `session_id`.
pub fn add_refresh_token(
    connection: &mut PgConnection,
    session_id: Uuid,
    token_hash: &[u8],
    expires_at: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::token_hash.eq(token_hash),
            refresh_tokens::session_id.eq(session_id),
            refresh_tokens::expires_at.eq(expires_at),
        ))
        .execute(connection)?;
    Ok(())
}

/// Looks up a refresh token by hash and locks it, so that two concurrent
/// refreshes with the same token cannot both succeed.
pub fn find_refresh_token_for_update(
    connection: &mut PgConnection,
    token_hash: &[u8],
) -> QueryResult<Option<RefreshTokenRow>> {
    refresh_tokens::table
        .inner_join(sessions::table)
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select((
            refresh_tokens::session_id,
            sessions::user_id,
            refresh_tokens::expires_at,
            refresh_tokens::used_at,
            sessions::revoked_at,
            sessions::expires_at,
        ))
        .for_update()
        .first(connection)
        .optional()
}

/// Marks a refresh token as spent.
pub fn mark_refresh_token_used(
    connection: &mut PgConnection,
    token_hash: &[u8],
    now: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(refresh_tokens::table.find(token_hash))
        .set(refresh_tokens::used_at.eq(now))
        .execute(connection)?;
    Ok(())
}

/// Ends one session; its access and refresh tokens stop working.
pub fn revoke(
    connection: &mut PgConnection,
    session_id: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(sessions::table.find(session_id))
        .filter(sessions::revoked_at.is_null())
        .set((
            sessions::revoked_at.eq(now),
            sessions::revoked_reason.eq(reason),
        ))
        .execute(connection)?;
    Ok(())
}

/// Ends every session of a user but `keep` (the one that changed the
/// password); all of them when `keep` is `None`.
pub fn revoke_all_of_user_except(
    connection: &mut PgConnection,
    user_id: Uuid,
    keep: Option<Uuid>,
    reason: &str,
    now: DateTime<Utc>,
) -> QueryResult<usize> {
    let mut query = diesel::update(sessions::table)
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::revoked_at.is_null())
        .into_boxed();
    if let Some(keep) = keep {
        query = query.filter(sessions::id.ne(keep));
    }
    query
        .set((
            sessions::revoked_at.eq(now),
            sessions::revoked_reason.eq(reason),
        ))
        .execute(connection)
}

/// Ends every session of a user, for example when the account is disabled.
pub fn revoke_all_of_user(
    connection: &mut PgConnection,
    user_id: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::update(sessions::table)
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::revoked_at.is_null())
        .set((
            sessions::revoked_at.eq(now),
            sessions::revoked_reason.eq(reason),
        ))
        .execute(connection)
}

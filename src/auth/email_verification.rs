//! Confirming an e-mail address by a mailed link.
//!
//! Like a reset token (`auth::passwords`), a verification token is 256
//! random bits, sent hex-encoded in the link, stored only as its SHA-256,
//! and works once; it works for [`VERIFICATION_TOKEN_TTL_HOURS`].

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use rand::RngCore;
use uuid::Uuid;

use super::passwords::hash_reset_token;
use crate::db::{email_verifications, users};

/// How long a verification link works.
pub const VERIFICATION_TOKEN_TTL_HOURS: i64 = 48;

/// Why an address could not be confirmed.
#[derive(Debug, thiserror::Error)]
pub enum VerificationError {
    /// The token is unknown, spent, expired, or of a disabled account; the
    /// caller is not told which.
    #[error("the verification link is not valid")]
    LinkInvalid,
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

/// A new verification token of `user_id`: the secret for the link, never stored.
#[derive(Debug)]
pub struct VerificationStarted {
    pub user_id: Uuid,
    pub token: String,
}

/// Stores the hash of a new verification token for `user_id`.
pub fn start_verification(
    connection: &mut PgConnection,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> QueryResult<VerificationStarted> {
    let mut bytes = [0_u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let expires_at = now + chrono::Duration::hours(VERIFICATION_TOKEN_TTL_HOURS);
    email_verifications::insert(connection, &hash_reset_token(&token), user_id, expires_at)?;
    email_verifications::delete_expired(connection, now - chrono::Duration::days(1))?;
    Ok(VerificationStarted { user_id, token })
}

/// Confirms the address of the account whose token is `token` and spends
/// every verification token of the account. Returns the account's id.
pub fn finish_verification(
    connection: &mut PgConnection,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Uuid, VerificationError> {
    let token_hash = hash_reset_token(token);
    connection.transaction(|connection| {
        let Some(stored) = email_verifications::find_for_update(connection, &token_hash)? else {
            return Err(VerificationError::LinkInvalid);
        };
        if stored.used_at.is_some() || stored.expires_at <= now {
            return Err(VerificationError::LinkInvalid);
        }
        let user = users::find(connection, stored.user_id)?;
        if user.disabled_at.is_some() {
            return Err(VerificationError::LinkInvalid);
        }
        users::mark_email_verified(connection, user.id, now)?;
        email_verifications::spend_all_of_user(connection, user.id, now)?;
        Ok(user.id)
    })
}

//! Password reset by an e-mailed link, and password change.
//!
//! A reset token is 256 random bits, sent hex-encoded in the link; only its
//! SHA-256 is stored. It works once and for [`RESET_TOKEN_TTL_MINUTES`].
//! Setting a password (by reset or change) spends every other reset token
//! of the account and ends its other sessions.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::password::verify_password;
use crate::db::audit::{self, NewAuditEvent};
use crate::db::{password_resets, sessions, users};
use crate::domain::account::EmailAddress;
use crate::domain::audit::{AuditAction, AuditSubject};

/// How long a reset link works.
pub const RESET_TOKEN_TTL_MINUTES: i64 = 60;

/// Why a password could not be set.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    /// The reset token is unknown, spent, expired, or of a disabled account;
    /// the caller is not told which.
    #[error("the reset link is not valid")]
    ResetLinkInvalid,
    #[error("the current password is wrong")]
    WrongCurrentPassword,
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

/// A reset that was started: the secret for the link, and whom to mail it.
#[derive(Debug)]
pub struct ResetStarted {
    pub user_id: Uuid,
    pub email: EmailAddress,
    pub display_name: String,
    /// The secret for the link; never stored.
    pub token: String,
}

/// The stored form of a reset token.
pub fn hash_reset_token(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// Starts a reset for the account with address `email`: stores the hash of
/// a new token. `None` when no active account has that address.
pub fn start_reset(
    connection: &mut PgConnection,
    email: &EmailAddress,
    now: DateTime<Utc>,
) -> QueryResult<Option<ResetStarted>> {
    let Some(user) = users::find_by_email(connection, email)? else {
        return Ok(None);
    };
    if user.disabled_at.is_some() {
        return Ok(None);
    }
    let mut bytes = [0_u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let expires_at = now + chrono::Duration::minutes(RESET_TOKEN_TTL_MINUTES);
    password_resets::insert(connection, &hash_reset_token(&token), user.id, expires_at)?;
    // Tokens are looked up by hash only, so old rows cost nothing but room.
    password_resets::delete_expired(connection, now - chrono::Duration::days(1))?;
    Ok(Some(ResetStarted {
        user_id: user.id,
        email: user.email,
        display_name: user.display_name,
        token,
    }))
}

/// Sets the password hash of the account whose reset token is `token`,
/// spends the token (and every other of the account) and ends every
/// session. Returns the account's id.
pub fn finish_reset(
    connection: &mut PgConnection,
    token: &str,
    new_password_hash: &str,
    now: DateTime<Utc>,
) -> Result<Uuid, PasswordError> {
    let token_hash = hash_reset_token(token);
    connection.transaction(|connection| {
        let Some(stored) = password_resets::find_for_update(connection, &token_hash)? else {
            return Err(PasswordError::ResetLinkInvalid);
        };
        if stored.used_at.is_some() || stored.expires_at <= now {
            return Err(PasswordError::ResetLinkInvalid);
        }
        let user = users::find(connection, stored.user_id)?;
        if user.disabled_at.is_some() {
            return Err(PasswordError::ResetLinkInvalid);
        }
        set_password(
            connection,
            user.id,
            new_password_hash,
            None,
            AuditAction::PasswordReset,
            now,
        )?;
        Ok(user.id)
    })
}

/// Changes the password of `user_id` after checking `current_password`,
/// and ends every session but `keep_session`.
pub fn change_password(
    connection: &mut PgConnection,
    user_id: Uuid,
    keep_session: Uuid,
    current_password: &str,
    new_password_hash: &str,
    now: DateTime<Utc>,
) -> Result<(), PasswordError> {
    let user = users::find(connection, user_id)?;
    if !verify_password(current_password, &user.password_hash) {
        return Err(PasswordError::WrongCurrentPassword);
    }
    connection.transaction(|connection| {
        set_password(
            connection,
            user_id,
            new_password_hash,
            Some(keep_session),
            AuditAction::PasswordChanged,
            now,
        )
        .map_err(PasswordError::from)
    })
}

fn set_password(
    connection: &mut PgConnection,
    user_id: Uuid,
    new_password_hash: &str,
    keep_session: Option<Uuid>,
    action: AuditAction,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    users::set_password_hash(connection, user_id, new_password_hash)?;
    password_resets::spend_all_of_user(connection, user_id, now)?;
    let reason = match action {
        AuditAction::PasswordReset => "password reset",
        _ => "password changed",
    };
    let ended =
        sessions::revoke_all_of_user_except(connection, user_id, keep_session, reason, now)?;
    let event = NewAuditEvent::new(Some(user_id), action, AuditSubject::User, Some(user_id))
        .with_detail(serde_json::json!({ "sessions_ended": ended }));
    audit::record(connection, &event)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reset_tokens_are_stored_as_their_sha256() {
        let hash = hash_reset_token("abc");
        assert_eq!(hash.len(), 32);
        assert_ne!(hash, b"abc".to_vec());
        assert_eq!(hash, hash_reset_token("abc"));
    }
}

//! Logging in, refreshing and logging out.
//!
//! A login starts a session and hands out an access token and a refresh
//! token. Each refresh spends its refresh token and hands out a new pair
//! (rotation). Presenting a spent refresh token again means it was stolen
//! or replayed, so the whole session is revoked.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::password::{decoy_hash, verify_password};
use super::tokens::{hash_refresh_token, RefreshToken, TokenKeys};
use crate::db::audit::{self, NewAuditEvent};
use crate::db::{sessions, users};
use crate::domain::account::EmailAddress;
use crate::domain::audit::{AuditAction, AuditSubject};

/// Why a login or refresh failed.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("wrong e-mail address or password")]
    InvalidCredentials,
    #[error("this account has been disabled")]
    AccountDisabled,
    #[error("the refresh token is not valid")]
    InvalidRefreshToken,
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// The tokens handed to a client.
#[derive(Debug, Clone)]
pub struct IssuedTokens {
    pub user_id: Uuid,
    pub session_id: Uuid,
    pub access_token: String,
    pub refresh_token: String,
    pub access_expires_in_seconds: i64,
}

/// Why a login failed, as the audit trail records it. The client is told
/// less: unknown account and wrong password get the same answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginFailure {
    /// The text given as e-mail address cannot be one.
    MalformedAddress,
    UnknownAccount,
    WrongPassword,
    AccountDisabled,
}

impl LoginFailure {
    /// The `reason` in the event's detail.
    pub fn as_str(self) -> &'static str {
        match self {
            LoginFailure::MalformedAddress => "malformed_address",
            LoginFailure::UnknownAccount => "unknown_account",
            LoginFailure::WrongPassword => "wrong_password",
            LoginFailure::AccountDisabled => "account_disabled",
        }
    }
}

/// Checks the password and starts a session. Both outcomes are audited:
/// a success in the transaction that starts the session, a failure on its own.
pub fn log_in(
    connection: &mut PgConnection,
    keys: &TokenKeys,
    session_ttl: chrono::Duration,
    email: &EmailAddress,
    password: &str,
    client_ip: &str,
    now: DateTime<Utc>,
) -> Result<IssuedTokens, SessionError> {
    let Some(user) = users::find_by_email(connection, email)? else {
        // Spend the same time as for a real account, so timing does not
        // tell which addresses have one.
        verify_password(password, decoy_hash());
        record_failed_login(
            connection,
            None,
            Some(email),
            client_ip,
            LoginFailure::UnknownAccount,
        )?;
        return Err(SessionError::InvalidCredentials);
    };
    if !verify_password(password, &user.password_hash) {
        record_failed_login(
            connection,
            Some(user.id),
            Some(email),
            client_ip,
            LoginFailure::WrongPassword,
        )?;
        return Err(SessionError::InvalidCredentials);
    }
    if user.disabled_at.is_some() {
        record_failed_login(
            connection,
            Some(user.id),
            Some(email),
            client_ip,
            LoginFailure::AccountDisabled,
        )?;
        return Err(SessionError::AccountDisabled);
    }
    start_session(
        connection,
        keys,
        session_ttl,
        &user,
        client_ip,
        LoginMethod::Password,
        now,
    )
}

/// How a person proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginMethod {
    Password,
    /// Through the OpenID Connect provider (`auth::oidc`).
    SingleSignOn,
    /// By a password just set through a mailed invitation link.
    Invitation,
}

/// Starts a session for `user`, whose identity was proved by `method`,
/// and audits the login in the same transaction. The caller checked that
/// the account is enabled.
pub fn start_session(
    connection: &mut PgConnection,
    keys: &TokenKeys,
    session_ttl: chrono::Duration,
    user: &users::UserRow,
    client_ip: &str,
    method: LoginMethod,
    now: DateTime<Utc>,
) -> Result<IssuedTokens, SessionError> {
    connection.transaction(|connection| {
        let session_expires_at = now + session_ttl;
        let session_id = sessions::start(connection, user.id, session_expires_at)?;
        let mut detail = serde_json::json!({
            "client_ip": client_ip,
            "session_id": session_id,
        });
        match method {
            LoginMethod::Password => {}
            LoginMethod::SingleSignOn => detail["method"] = "single_sign_on".into(),
            LoginMethod::Invitation => detail["method"] = "invitation".into(),
        }
        let login = NewAuditEvent::new(
            Some(user.id),
            AuditAction::Login,
            AuditSubject::User,
            Some(user.id),
        )
        .with_detail(detail);
        audit::record(connection, &login)?;
        issue_pair(connection, keys, user, session_id, session_expires_at, now)
    })
}

/// Records a failed login by `user_id` (`None` when no account has the
/// address). The detail holds the address, never the password.
pub fn record_failed_login(
    connection: &mut PgConnection,
    user_id: Option<Uuid>,
    email: Option<&EmailAddress>,
    client_ip: &str,
    failure: LoginFailure,
) -> QueryResult<()> {
    let mut detail = serde_json::json!({
        "client_ip": client_ip,
        "reason": failure.as_str(),
    });
    if let Some(email) = email {
        detail["email"] = serde_json::Value::from(email.as_str());
    }
    let event = NewAuditEvent::new(
        user_id,
        AuditAction::LoginFailed,
        AuditSubject::User,
        user_id,
    )
    .with_detail(detail);
    audit::record(connection, &event)
}

/// Spends a refresh token and issues a new pair in the same session.
pub fn refresh(
    connection: &mut PgConnection,
    keys: &TokenKeys,
    refresh_secret: &str,
    now: DateTime<Utc>,
) -> Result<IssuedTokens, SessionError> {
    let token_hash = hash_refresh_token(refresh_secret);
    let outcome = connection.transaction(|connection| {
        let Some(stored) = sessions::find_refresh_token_for_update(connection, &token_hash)? else {
            return Ok(Err(SessionError::InvalidRefreshToken));
        };
        if stored.used_at.is_some() {
            sessions::revoke(connection, stored.session_id, "refresh token reused", now)?;
            tracing::warn!(session_id = %stored.session_id, "refresh token reused; session revoked");
            return Ok(Err(SessionError::InvalidRefreshToken));
        }
        let session_alive = stored.session_revoked_at.is_none() && stored.session_expires_at > now;
        if !session_alive || stored.expires_at <= now {
            return Ok(Err(SessionError::InvalidRefreshToken));
        }
        let user = users::find(connection, stored.user_id)?;
        if user.disabled_at.is_some() {
            return Ok(Err(SessionError::AccountDisabled));
        }
        sessions::mark_refresh_token_used(connection, &token_hash, now)?;
        issue_pair(
            connection,
            keys,
            &user,
            stored.session_id,
            stored.session_expires_at,
            now,
        )
        .map(Ok)
    });
    // The reuse revocation above must be committed even though the caller
    // gets an error, hence the nested Result.
    outcome.and_then(|result| result)
}

fn issue_pair(
    connection: &mut PgConnection,
    keys: &TokenKeys,
    user: &users::UserRow,
    session_id: Uuid,
    session_expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<IssuedTokens, SessionError> {
    let refresh_token = RefreshToken::generate();
    sessions::add_refresh_token(
        connection,
        session_id,
        &refresh_token.hash,
        session_expires_at,
    )?;
    let access_token = keys.issue_access_token(user.id, session_id, user.role, now)?;
    Ok(IssuedTokens {
        user_id: user.id,
        session_id,
        access_token,
        refresh_token: refresh_token.secret,
        access_expires_in_seconds: keys.access_token_ttl_seconds(),
    })
}

/// Ends a session: its access token and every refresh token stop working.
pub fn log_out(
    connection: &mut PgConnection,
    session_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), SessionError> {
    sessions::revoke(connection, session_id, "logout", now)?;
    Ok(())
}

//! Sessions: logging in and out, renewing tokens, and who holds an access
//! token. Registration is `registration`.

use chrono::Utc;
use uuid::Uuid;

use super::view::{LoginRequest, MeView, OrganisationView, UserView};
use crate::app::{AppError, AppState};
use crate::auth::rate_limit;
use crate::auth::sessions::{self, IssuedTokens, LoginFailure, SessionError};
use crate::auth::tokens::TokenError;
use crate::db::{organisations, startups, users};
use crate::domain::account::EmailAddress;
use crate::domain::language::Language;
use crate::domain::policy::{Member, Viewer};

/// A logged-in member and the session their token belongs to.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub member: Member,
    pub session_id: Uuid,
    /// The language the person chose for the account (mail and pages), if
    /// they chose one; the pages fall back to the browser's otherwise.
    pub chosen_language: Option<Language>,
}

impl SignedIn {
    /// The rules see the user as this viewer.
    pub fn viewer(&self) -> Viewer {
        Viewer::Member(self.member.clone())
    }
}

/// The member of the live session that the access token `token` belongs
/// to. A revoked session, a disabled account or a changed role counts as
/// soon as this server knows of it: at once for a change made through it,
/// and when PostgreSQL announces a change made elsewhere (`session_cache`).
pub async fn authenticate(state: &AppState, token: String) -> Result<SignedIn, AppError> {
    let claims = state
        .token_keys
        .verify_access_token(&token)
        .map_err(|error| match error {
            TokenError::Expired => AppError::TokenExpired,
            TokenError::Invalid => AppError::InvalidToken,
        })?;
    let (user_id, session_id) = (claims.sub, claims.sid);
    if let Some(signed_in) = state.sessions.lookup(user_id, session_id, Utc::now()) {
        return Ok(signed_in);
    }
    let generation = state.sessions.note_database_check();
    let found = state
        .with_connection(move |connection| {
            Ok(users::find_active_in_session(
                connection,
                user_id,
                session_id,
                Utc::now(),
            )?)
        })
        .await?;
    let Some(users::ActiveUser {
        user,
        rom,
        chosen_language,
        session_expires_at,
    }) = found
    else {
        return Err(AppError::InvalidToken);
    };
    let signed_in = SignedIn {
        member: Member {
            user_id: user.id,
            role: user.role,
            organisation_id: user.organisation_id,
            vetted: user.vetted_at.is_some(),
            email_verified: user.email_verified_at.is_some(),
            rom,
        },
        session_id,
        chosen_language,
    };
    state
        .sessions
        .remember(generation, &signed_in, session_expires_at);
    Ok(signed_in)
}

/// Logs in with a password from `client_ip`, within the login limits
/// (`auth::rate_limit`): the check, the attempt and its count happen on one
/// connection, against counters every replica shares.
pub async fn log_in(
    state: &AppState,
    client_ip: String,
    credentials: LoginRequest,
) -> Result<IssuedTokens, AppError> {
    let account = credentials.email.trim().to_lowercase();
    let keys = state.token_keys.clone();
    let session_ttl = state.session_ttl;
    let limits = state.login_limits;
    let outcome = state
        .with_connection(move |connection| {
            let now = Utc::now();
            // A refused attempt is not audited: the limits are there to shed
            // load, and a row per refusal would let a flood fill the trail.
            if let Some(wait) =
                rate_limit::login_wait(connection, &limits, &account, &client_ip, now)?
            {
                tracing::warn!(client_ip = %client_ip, "login limit reached");
                return Err(AppError::TooManyAttempts {
                    retry_after_seconds: wait.seconds(),
                });
            }
            // An address that cannot exist is just a wrong login, not a 400:
            // the answer must not differ from that for an unknown account.
            let attempt = match EmailAddress::try_from(account.clone()) {
                Err(_) => {
                    sessions::record_failed_login(
                        connection,
                        None,
                        None,
                        &client_ip,
                        LoginFailure::MalformedAddress,
                    )?;
                    Err(SessionError::InvalidCredentials)
                }
                Ok(email) => sessions::log_in(
                    connection,
                    &keys,
                    session_ttl,
                    &email,
                    &credentials.password,
                    &client_ip,
                    now,
                ),
            };
            match &attempt {
                Ok(_) => rate_limit::record_login_success(connection, &account, &client_ip)?,
                Err(SessionError::InvalidCredentials) => rate_limit::record_login_failure(
                    connection, &limits, &account, &client_ip, now,
                )?,
                Err(_) => {}
            }
            Ok(attempt)
        })
        .await?;
    match outcome {
        Ok(tokens) => {
            tracing::info!(user_id = %tokens.user_id, "login");
            Ok(tokens)
        }
        Err(error) => {
            if matches!(error, SessionError::InvalidCredentials) {
                tracing::info!("failed login");
            }
            Err(error.into())
        }
    }
}

/// Spends a refresh token for a new token pair.
pub async fn refresh(state: &AppState, refresh_token: String) -> Result<IssuedTokens, AppError> {
    let keys = state.token_keys.clone();
    state
        .with_connection(move |connection| {
            Ok(sessions::refresh(
                connection,
                &keys,
                &refresh_token,
                Utc::now(),
            )?)
        })
        .await
}

/// Ends the session `session_id`.
pub async fn log_out(state: &AppState, session_id: Uuid) -> Result<(), AppError> {
    state
        .with_connection(move |connection| {
            Ok(sessions::log_out(connection, session_id, Utc::now())?)
        })
        .await
}

/// The member's account, organisation, provinces and start-up profile.
pub async fn me(state: &AppState, member: &Member) -> Result<MeView, AppError> {
    let rom_provinces = member.rom_provinces();
    let user_id = member.user_id;
    let company = member.may_create_profile().ok();
    let (user, organisation, startup_id) = state
        .with_connection(move |connection| {
            let user = users::find(connection, user_id)?;
            let organisation = match user.organisation_id {
                Some(id) => Some(organisations::find(connection, id)?),
                None => None,
            };
            let startup_id = match company {
                Some(id) => startups::find_id_by_organisation(connection, id)?,
                None => None,
            };
            Ok((user, organisation, startup_id))
        })
        .await?;
    Ok(MeView {
        user: UserView::from(user),
        organisation: organisation.map(OrganisationView::from),
        rom_provinces,
        startup_id,
    })
}

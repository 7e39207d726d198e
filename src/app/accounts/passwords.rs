//! Forgotten and changed passwords: asking for a reset link by e-mail,
//! setting a new password with it, and changing the password when signed in.

use chrono::Utc;
use diesel::Connection;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::app::{AppError, AppState};
use crate::auth::password::hash_password;
use crate::auth::passwords::{self, ResetStarted, RESET_TOKEN_TTL_MINUTES};
use crate::auth::rate_limit::{self, LimitedRequest};
use crate::db::password_resets::{queue_account_mail, AccountMail};
use crate::domain::account::{EmailAddress, NewPassword};
use crate::domain::policy::Member;
use uuid::Uuid;

/// Asks for a reset link.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetRequest {
    /// The account's e-mail address. Any text is accepted: the answer is
    /// the same whether or not an account has it (and whether or not it
    /// is an address at all), so the schema sets no bound either.
    pub email: String,
}

/// Sets a new password with the token of a reset link.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetConfirmation {
    /// The `token` of the link in the reset mail.
    #[schema(max_length = 200)]
    pub token: String,
    #[schema(value_type = String, format = Password, min_length = 10, max_length = 200)]
    pub password: NewPassword,
}

/// Changes the password of the signed-in account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    #[schema(format = Password, max_length = 200)]
    pub current_password: String,
    #[schema(value_type = String, format = Password, min_length = 10, max_length = 200)]
    pub new_password: NewPassword,
}

/// Asks for a reset link for `email`. The answer never says whether an
/// account has the address: the lookup, the token and the mail happen
/// after the caller has its answer, so that known and unknown addresses
/// also take the same time to answer.
///
/// Requests are limited per address (`client_ip`), whatever the address asked for.
pub async fn request_reset(
    state: &AppState,
    client_ip: String,
    request: PasswordResetRequest,
) -> Result<(), AppError> {
    let limits = state.login_limits;
    let limited = state
        .with_connection(move |connection| {
            Ok(rate_limit::count_request(
                connection,
                &limits,
                LimitedRequest::PasswordReset,
                &client_ip,
                Utc::now(),
            )?)
        })
        .await?;
    if let Err(wait) = limited {
        return Err(AppError::TooManyAttempts {
            retry_after_seconds: wait.seconds(),
        });
    }
    let Ok(email) = EmailAddress::try_from(request.email.trim().to_owned()) else {
        // No account can have it; the answer is the same as for any other.
        return Ok(());
    };
    let background = state.clone();
    tokio::spawn(async move {
        let public_url = background.public_url.clone();
        let queued = background
            .with_connection(move |connection| {
                let now = Utc::now();
                let started = connection.transaction::<_, AppError, _>(|connection| {
                    let Some(started) = passwords::start_reset(connection, &email, now)? else {
                        return Ok(None);
                    };
                    let (subject, body) = reset_mail(&started, &public_url);
                    queue_account_mail(
                        connection,
                        &AccountMail {
                            user_id: started.user_id,
                            recipient: started.email.as_str(),
                            subject: &subject,
                            body: &body,
                        },
                    )?;
                    Ok(Some(started.user_id))
                })?;
                Ok(started)
            })
            .await;
        match queued {
            Ok(Some(user_id)) => tracing::info!(%user_id, "password reset link queued"),
            Ok(None) => {
                tracing::info!("password reset asked for an address without an active account")
            }
            Err(error) => tracing::warn!(?error, "password reset request failed"),
        }
    });
    Ok(())
}

/// The reset mail, in Dutch and English (an account has no language yet).
fn reset_mail(started: &ResetStarted, public_url: &str) -> (String, String) {
    let link = format!("{public_url}/reset-password?token={}", started.token);
    let name = &started.display_name;
    let subject = "Nieuw wachtwoord voor defmatch / Reset your defmatch password".to_owned();
    let body = format!(
        "Beste {name},\n\n\
         Iemand (hopelijk u) vroeg een nieuw wachtwoord aan voor uw defmatch-account. \
         Open deze link binnen {RESET_TOKEN_TTL_MINUTES} minuten om een nieuw wachtwoord te kiezen:\n\n\
         {link}\n\n\
         De link werkt één keer. Vroeg u niets aan? Negeer dan deze mail; uw wachtwoord blijft gelijk.\n\n\
         ---\n\n\
         Dear {name},\n\n\
         Someone (hopefully you) asked to reset the password of your defmatch account. \
         Open this link within {RESET_TOKEN_TTL_MINUTES} minutes to choose a new password:\n\n\
         {link}\n\n\
         The link works once. If you did not ask for this, ignore this mail: your password stays as it is.\n"
    );
    (subject, body)
}

/// Sets a new password with a reset token; every session of the account ends.
pub async fn reset(
    state: &AppState,
    confirmation: PasswordResetConfirmation,
) -> Result<(), AppError> {
    let user_id = state
        .with_connection(move |connection| {
            // Hashed before the token is checked, so that a forged token
            // takes as long as a real one.
            let password_hash =
                hash_password(confirmation.password.expose()).map_err(AppError::internal)?;
            Ok(passwords::finish_reset(
                connection,
                confirmation.token.trim(),
                &password_hash,
                Utc::now(),
            )?)
        })
        .await?;
    tracing::info!(%user_id, "password reset");
    Ok(())
}

/// Changes the signed-in account's password; its other sessions end.
/// `session_id` is the caller's own session, the one that stays.
pub async fn change(
    state: &AppState,
    member: &Member,
    session_id: Uuid,
    change: PasswordChange,
) -> Result<(), AppError> {
    let user_id = member.user_id;
    state
        .with_connection(move |connection| {
            let password_hash =
                hash_password(change.new_password.expose()).map_err(AppError::internal)?;
            Ok(passwords::change_password(
                connection,
                user_id,
                session_id,
                &change.current_password,
                &password_hash,
                Utc::now(),
            )?)
        })
        .await?;
    tracing::info!(%user_id, "password changed");
    Ok(())
}

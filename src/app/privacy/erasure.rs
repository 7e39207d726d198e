//! `DELETE /api/v1/me`: the account holder erases the account, confirming
//! with the password. What stays and why is in docs/privacy.md.

use chrono::Utc;
use diesel::Connection;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::app::{AppError, AppState};
use crate::auth::password::verify_password;
use crate::db::{erasure, users};
use crate::domain::policy::Member;
use crate::domain::Rule;

/// The password that confirms the erasure.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErasureRequest {
    #[schema(format = Password, max_length = 200)]
    pub password: String,
}

/// Longest password accepted (the same bound as everywhere else).
const MAX_PASSWORD_CHARS: usize = 200;

/// Erases `member`'s account when `request` holds its password.
pub async fn erase(
    state: &AppState,
    member: &Member,
    request: ErasureRequest,
) -> Result<(), AppError> {
    if request.password.chars().count() > MAX_PASSWORD_CHARS {
        return Err(AppError::invalid(
            "password",
            Rule::PasswordTooLong {
                max: MAX_PASSWORD_CHARS,
            },
        ));
    }
    let user_id = member.user_id;
    let erased = state
        .with_connection(move |connection| {
            let user = users::find(connection, user_id)?;
            if !verify_password(&request.password, &user.password_hash) {
                return Err(AppError::invalid("password", Rule::WrongPassword));
            }
            let erased = connection.transaction::<_, AppError, _>(|connection| {
                Ok(erasure::erase_account(
                    connection,
                    user_id,
                    user.email.as_str(),
                    user.organisation_id,
                    Utc::now(),
                )?)
            })?;
            Ok(erased)
        })
        .await?;
    tracing::info!(%user_id, sessions_ended = erased.sessions_ended, unlisted_startup = ?erased.unlisted_startup, "account erased");
    Ok(())
}

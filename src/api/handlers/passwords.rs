//! Forgotten and changed passwords (`app::accounts::passwords`).

use actix_web::{post, web, HttpRequest, HttpResponse};
use serde_json::json;

use crate::api::auth::AuthUser;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::{client_address, JsonBody};
use crate::app::accounts::passwords::{
    self, PasswordChange, PasswordResetConfirmation, PasswordResetRequest,
};
use crate::app::AppState;

/// Asks for a password reset link by e-mail.
///
/// Always 202 with the same body, whether or not an account has the
/// address: only an existing, active account gets a mail. Its link,
/// `{DEFMATCH_PUBLIC_URL}/reset-password?token=…`, works once, for one hour.
#[utoipa::path(
    tag = "auth",
    request_body = PasswordResetRequest,
    responses(
        (status = 202, description = "If an account has this address, a reset link is on its way"),
        (status = 429, description = "Too many requests from this address; see Retry-After", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
#[post("/auth/password-reset")]
pub async fn request_password_reset(
    state: web::Data<AppState>,
    http_request: HttpRequest,
    body: JsonBody<PasswordResetRequest>,
) -> Result<HttpResponse, ApiError> {
    passwords::request_reset(&state, client_address(&http_request), body.0).await?;
    Ok(HttpResponse::Accepted().json(json!({
        "message": "if an account has this address, a link to choose a new password is on its way; it works once, for one hour"
    })))
}

/// Sets a new password with the token of a reset link. Every session of
/// the account ends; the token and every other of the account are spent.
#[utoipa::path(
    tag = "auth",
    request_body = PasswordResetConfirmation,
    responses(
        (status = 204, description = "The new password is set; log in with it"),
        (status = 400, description = "The token is unknown, used or expired (`field`: `token`), or the password breaks a rule", body = ErrorBody),
    )
)]
#[post("/auth/password-reset/confirm")]
pub async fn confirm_password_reset(
    state: web::Data<AppState>,
    body: JsonBody<PasswordResetConfirmation>,
) -> Result<HttpResponse, ApiError> {
    passwords::reset(&state, body.0).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Changes the caller's password. Every other session of the account ends;
/// the caller's stays.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    request_body = PasswordChange,
    responses(
        (status = 204, description = "The password is changed"),
        (status = 400, description = "The current password is wrong (`field`: `current_password`), or the new one breaks a rule", body = ErrorBody),
    )
)]
#[post("/me/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    user: AuthUser,
    body: JsonBody<PasswordChange>,
) -> Result<HttpResponse, ApiError> {
    passwords::change(&state, &user.member, user.session_id, body.0).await?;
    Ok(HttpResponse::NoContent().finish())
}

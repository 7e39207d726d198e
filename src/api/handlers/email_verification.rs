//! Confirming the e-mail address of a self-registered account
//! (`app::accounts::registration`).

use actix_web::{post, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::api::auth::AuthUser;
use crate::api::dto::account::MessageResponse;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::{client_address, JsonBody};
use crate::app::accounts::registration;
use crate::app::AppState;

/// The token of a verification link.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailVerification {
    /// The `token` of the link in the verification mail.
    #[schema(max_length = 200)]
    pub token: String,
}

/// Confirms an e-mail address with the token of the mailed link (what
/// the page `/verify-email?token=…` does). The token works once, for 48 hours.
#[utoipa::path(
    tag = "auth",
    request_body = EmailVerification,
    responses(
        (status = 204, description = "The address is confirmed"),
        (status = 400, description = "The token is unknown, used or expired (`field`: `token`)", body = ErrorBody),
    )
)]
#[post("/auth/verify-email")]
pub async fn verify_email(
    state: web::Data<AppState>,
    body: JsonBody<EmailVerification>,
) -> Result<HttpResponse, ApiError> {
    registration::verify_email(&state, body.0.token).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Sends the caller a new verification link; nothing when the address is
/// confirmed already. Limited per client address.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 202, description = "A new link is on its way, unless the address is confirmed already", body = MessageResponse),
        (status = 429, description = "Too many requests from this address; see Retry-After", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
#[post("/me/verification-mail")]
pub async fn resend_verification_mail(
    state: web::Data<AppState>,
    http_request: HttpRequest,
    user: AuthUser,
) -> Result<HttpResponse, ApiError> {
    registration::resend_verification(&state, &user.member, client_address(&http_request)).await?;
    Ok(HttpResponse::Accepted().json(MessageResponse {
        message: "unless your address is confirmed already, a new link is on its way".to_owned(),
    }))
}

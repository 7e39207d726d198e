//! Registration, login, token refresh, logout and "who am I" (`app::accounts::sessions`).

use actix_web::{get, post, web, HttpRequest, HttpResponse};

use crate::api::auth::AuthUser;
use crate::api::dto::account::{
    MessageResponse, RefreshRequest, TokenResponse, REGISTRATION_ANSWER,
};
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::{client_address, JsonBody};
use crate::app::accounts::{registration, sessions};
use crate::app::accounts::{LoginRequest, MeView, RegisterRequest};
use crate::app::AppState;

/// A start-up registers itself: its account and its company.
///
/// Always 202 with the same body for well-formed input, whether or not the
/// address, the company name or the KvK number is known: a new account
/// gets a mail with a link (`{DEFMATCH_PUBLIC_URL}/verify-email?token=…`,
/// 48 hours) that confirms its address; the owner of a known address, or
/// the people of a known company, get a mail instead
/// (docs/single-sign-on.md). The new account logs in with its password.
#[utoipa::path(
    tag = "auth",
    request_body = RegisterRequest,
    responses(
        (status = 202, description = "Check your mail: the next step is in it", body = MessageResponse),
        (status = 400, description = "A field breaks a rule", body = ErrorBody),
        (status = 429, description = "Too many registrations from this address; see Retry-After", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
#[post("/auth/register")]
pub async fn register(
    state: web::Data<AppState>,
    http_request: HttpRequest,
    body: JsonBody<RegisterRequest>,
) -> Result<HttpResponse, ApiError> {
    registration::register(&state, client_address(&http_request), body.0).await?;
    Ok(HttpResponse::Accepted().json(MessageResponse {
        message: REGISTRATION_ANSWER.to_owned(),
    }))
}

/// Exchanges credentials for an access token and a refresh token.
///
/// Wrong passwords slow down the pair (account, client address) with
/// growing waits, and failed logins count per address; past a limit the
/// answer is 429 with `Retry-After` (docs/accounts.md).
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = TokenResponse),
        (status = 401, description = "Wrong e-mail address or password", body = ErrorBody),
        (status = 403, description = "The account is disabled", body = ErrorBody),
        (status = 429, description = "Too many attempts; see Retry-After", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: JsonBody<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let tokens = sessions::log_in(&state, client_address(&request), body.0).await?;
    Ok(HttpResponse::Ok().json(TokenResponse::from(tokens)))
}

/// Spends a refresh token for a new pair. A refresh token works once;
/// presenting it again revokes the whole session.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new token pair", body = TokenResponse),
        (status = 401, description = "The refresh token is unknown, spent or expired", body = ErrorBody),
        (status = 403, description = "The account is disabled", body = ErrorBody),
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    body: JsonBody<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let tokens = sessions::refresh(&state, body.0.refresh_token).await?;
    Ok(HttpResponse::Ok().json(TokenResponse::from(tokens)))
}

/// Ends the caller's session: its access token and refresh tokens stop working.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses((status = 204, description = "Logged out"))
)]
#[post("/auth/logout")]
pub async fn logout(state: web::Data<AppState>, user: AuthUser) -> Result<HttpResponse, ApiError> {
    sessions::log_out(&state, user.session_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The caller's account, organisation and (for ROM officers) provinces.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses((status = 200, description = "The current user", body = MeView))
)]
#[get("/me")]
pub async fn me(state: web::Data<AppState>, user: AuthUser) -> Result<HttpResponse, ApiError> {
    let me: MeView = sessions::me(&state, &user.member).await?;
    Ok(HttpResponse::Ok().json(me))
}

//! Registration, login, token refresh, logout and "who am I".

use std::time::Instant;

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::Utc;

use crate::auth::password::hash_password;
use crate::auth::sessions::{self, IssuedTokens, LoginFailure, SessionError};
use crate::db::{organisations, startups, users};
use crate::domain::account::{EmailAddress, OrganisationKind, Role};
use crate::domain::text::bounded_text;
use crate::api::auth::AuthUser;
use crate::api::dto::account::{
    LoginRequest, MeView, OrganisationView, RefreshRequest, RegisterRequest, RegisteredResponse,
    TokenResponse, UserView,
};
use crate::api::error::{ApiError, ErrorBody, ErrorCode};
use crate::api::extract::JsonBody;
use crate::api::state::AppState;

impl From<SessionError> for ApiError {
    fn from(error: SessionError) -> Self {
        match error {
            SessionError::InvalidCredentials => {
                ApiError::new(ErrorCode::InvalidCredentials, "wrong e-mail address or password")
            }
            SessionError::AccountDisabled => {
                ApiError::new(ErrorCode::AccountDisabled, "this account has been disabled")
            }
            SessionError::InvalidRefreshToken => ApiError::new(
                ErrorCode::InvalidToken,
                "the refresh token is not valid, was already used, or its session ended; log in again",
            ),
            SessionError::Database(error) => error.into(),
            SessionError::Internal(error) => ApiError::internal(format!("{error:#}")),
        }
    }
}

/// A start-up registers itself: its account, its company, and a first session.
#[utoipa::path(
    tag = "auth",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "Registered and logged in", body = RegisteredResponse),
        (status = 409, description = "The e-mail address or company name is taken", body = ErrorBody),
    )
)]
#[post("/auth/register")]
pub async fn register(
    state: web::Data<AppState>,
    http_request: HttpRequest,
    body: JsonBody<RegisterRequest>,
) -> Result<HttpResponse, ApiError> {
    let registered = register_startup(&state, client_ip(&http_request), body.0).await?;
    Ok(HttpResponse::Created().json(registered))
}

/// Registers a start-up account with its company and logs it in (the API
/// and the web pages both come here).
pub async fn register_startup(
    state: &AppState,
    client_ip: String,
    request: RegisterRequest,
) -> Result<RegisteredResponse, ApiError> {
    let display_name = bounded_text("display_name", &request.display_name, 1, 200)?;
    let company_name = bounded_text("company_name", &request.company_name, 1, 200)?;
    let keys = state.token_keys.clone();
    let session_ttl = state.session_ttl;
    let registered = state
        .with_connection(move |connection| {
            use diesel::Connection;
            let password_hash =
                hash_password(request.password.expose()).map_err(ApiError::internal)?;
            let now = Utc::now();
            let (user, organisation) = connection.transaction::<_, ApiError, _>(|connection| {
                let organisation = organisations::insert(
                    connection,
                    &organisations::NewOrganisation {
                        kind: OrganisationKind::StartupCompany,
                        name: &company_name,
                        rom: None,
                    },
                )
                .map_err(|error| {
                    // The unique name of an organisation is the company name here.
                    let error = ApiError::from(error);
                    if error.code == ErrorCode::Conflict {
                        error.with_field("company_name")
                    } else {
                        error
                    }
                })?;
                let user = users::insert(
                    connection,
                    &users::NewUser {
                        email: &request.email,
                        password_hash: &password_hash,
                        display_name: &display_name,
                        role: Role::Startup,
                        organisation_id: Some(organisation.id),
                        vetted_at: None,
                    },
                )?;
                Ok((user, organisation))
            })?;
            let tokens = sessions::log_in(
                connection,
                &keys,
                session_ttl,
                &request.email,
                request.password.expose(),
                &client_ip,
                now,
            )?;
            Ok(RegisteredResponse {
                user: user.into(),
                organisation: organisation.into(),
                tokens: tokens.into(),
            })
        })
        .await?;
    Ok(registered)
}

/// Exchanges credentials for an access token and a refresh token.
///
/// Rate-limited per account and per client address: past the limit the
/// answer is 429 with `Retry-After`.
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
    let tokens = log_in_with_password(&state, client_ip(&request), body.0).await?;
    Ok(HttpResponse::Ok().json(TokenResponse::from(tokens)))
}

/// Checks credentials, rate-limited per account and client address, and
/// starts a session (the API and the web pages both come here).
pub async fn log_in_with_password(
    state: &AppState,
    client_ip: String,
    credentials: LoginRequest,
) -> Result<IssuedTokens, ApiError> {
    let account = credentials.email.trim().to_lowercase();
    // A refused attempt is not audited: the limiter is there to shed load,
    // and a row per refusal would let a flood fill the audit trail instead.
    if let Err(retry) = state
        .login_limiter
        .check_attempt(&account, &client_ip, Instant::now())
    {
        tracing::warn!(account = %account, client_ip = %client_ip, "login rate limit reached");
        let mut error = ApiError::new(
            ErrorCode::TooManyRequests,
            "too many login attempts; wait before trying again",
        );
        error.retry_after_seconds = Some(retry.0.as_secs().max(1));
        return Err(error);
    }
    // An address that cannot exist is just a wrong login, not a 400: the
    // answer must not differ from that for an unknown account.
    let Ok(email) = EmailAddress::try_from(account.clone()) else {
        state.login_limiter.record_failure(&account, Instant::now());
        state
            .with_connection(move |connection| {
                Ok(sessions::record_failed_login(
                    connection,
                    None,
                    None,
                    &client_ip,
                    LoginFailure::MalformedAddress,
                )?)
            })
            .await?;
        return Err(SessionError::InvalidCredentials.into());
    };
    let keys = state.token_keys.clone();
    let session_ttl = state.session_ttl;
    let outcome = state
        .with_connection(move |connection| {
            Ok(sessions::log_in(
                connection,
                &keys,
                session_ttl,
                &email,
                &credentials.password,
                &client_ip,
                Utc::now(),
            ))
        })
        .await?;
    match outcome {
        Ok(tokens) => {
            state.login_limiter.record_success(&account);
            tracing::info!(user_id = %tokens.user_id, "login");
            Ok(tokens)
        }
        Err(error) => {
            if matches!(error, SessionError::InvalidCredentials) {
                state.login_limiter.record_failure(&account, Instant::now());
                tracing::info!(account = %account, "failed login");
            }
            Err(error.into())
        }
    }
}

/// The client's address as the audit trail records it: the TCP peer, which
/// behind a reverse proxy is the proxy (see docs/architecture.md).
pub fn client_ip(request: &HttpRequest) -> String {
    request
        .peer_addr()
        .map(|address| address.ip().to_string())
        .unwrap_or_else(|| "unknown".to_owned())
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
    let secret = body.0.refresh_token;
    let keys = state.token_keys.clone();
    let tokens = state
        .with_connection(move |connection| {
            Ok(sessions::refresh(connection, &keys, &secret, Utc::now())?)
        })
        .await?;
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
    let session_id = user.session_id;
    state
        .with_connection(move |connection| {
            Ok(sessions::log_out(connection, session_id, Utc::now())?)
        })
        .await?;
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
    let rom_provinces = user.member.rom_provinces();
    let user_id = user.member.user_id;
    let (user_row, organisation, startup_id) = state
        .with_connection(move |connection| {
            let user_row = users::find(connection, user_id)?;
            let organisation = match user_row.organisation_id {
                Some(id) => Some(organisations::find(connection, id)?),
                None => None,
            };
            let startup_id = match (user_row.role, user_row.organisation_id) {
                (Role::Startup, Some(id)) => startups::find_id_by_organisation(connection, id)?,
                _ => None,
            };
            Ok((user_row, organisation, startup_id))
        })
        .await?;
    Ok(HttpResponse::Ok().json(MeView {
        user: UserView::from(user_row),
        organisation: organisation.map(OrganisationView::from),
        rom_provinces,
        startup_id,
    }))
}

//! Authentication as extractors: a handler that takes [`AuthUser`] can only
//! be reached with a valid bearer token of a live session and an enabled
//! account; [`MaybeUser`] also admits anonymous callers; [`AdminUser`] only
//! admins. Who holds a token is checked on each request, against the
//! database or this server's cache of recent checks, which hears of every
//! change (`app::accounts::session_cache`).

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use uuid::Uuid;

use super::error::{ApiError, ErrorCode};
use crate::app::accounts::sessions;
use crate::app::{AppError, AppState};
use crate::domain::policy::{Member, Viewer};

/// A logged-in user and the session their token belongs to.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub member: Member,
    pub session_id: Uuid,
}

/// A logged-in user or nobody. A token that is present but bad is still refused.
#[derive(Debug, Clone)]
pub struct MaybeUser(pub Viewer);

/// A logged-in admin.
#[derive(Debug, Clone)]
pub struct AdminUser(pub AuthUser);

impl AuthUser {
    /// Access rules see the user as this viewer.
    pub fn viewer(&self) -> Viewer {
        Viewer::Member(self.member.clone())
    }
}

fn bearer_token(request: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = request.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let text = value.to_str().map_err(|_| {
        ApiError::new(
            ErrorCode::InvalidToken,
            "the Authorization header is not text",
        )
    })?;
    let mut parts = text.splitn(2, ' ');
    let scheme = parts.next().unwrap_or_default();
    let token = parts.next().unwrap_or_default().trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
        return Err(ApiError::new(
            ErrorCode::InvalidToken,
            "use Authorization: Bearer <access token>",
        ));
    }
    Ok(Some(token.to_owned()))
}

/// The user of a live session that `token` (an access token) belongs to.
async fn authenticate(state: web::Data<AppState>, token: String) -> Result<AuthUser, ApiError> {
    let signed_in = sessions::authenticate(&state, token).await?;
    Ok(AuthUser {
        member: signed_in.member,
        session_id: signed_in.session_id,
    })
}

fn app_state(request: &HttpRequest) -> Result<web::Data<AppState>, ApiError> {
    request
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::internal("application state is not configured"))
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(request: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let token = bearer_token(request);
        let state = app_state(request);
        Box::pin(async move {
            let Some(token) = token? else {
                return Err(ApiError::new(
                    ErrorCode::MissingToken,
                    "log in and send Authorization: Bearer <access token>",
                ));
            };
            authenticate(state?, token).await
        })
    }
}

impl FromRequest for MaybeUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(request: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let token = bearer_token(request);
        let state = app_state(request);
        Box::pin(async move {
            match token? {
                None => Ok(MaybeUser(Viewer::Anonymous)),
                Some(token) => {
                    let user = authenticate(state?, token).await?;
                    Ok(MaybeUser(Viewer::Member(user.member)))
                }
            }
        })
    }
}

impl FromRequest for AdminUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let user = AuthUser::from_request(request, payload);
        Box::pin(async move {
            let user = user.await?;
            user.member.may_administer().map_err(AppError::from)?;
            Ok(AdminUser(user))
        })
    }
}

//! What every page handler starts from: who is signed in (from the session
//! cookies), the CSRF token for its forms, and the strings to show.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use chrono::Utc;
use rand::RngCore;

use super::error::WebError;
use super::form::FormFields;
use super::layout::Frame;
use super::session::{
    cleared_session_cookies, csrf_cookie, queue_cookie, session_cookies, CSRF_COOKIE,
    REFRESH_COOKIE, SESSION_COOKIE,
};
use super::text::{Text, ENGLISH};
use crate::auth::sessions;
use crate::domain::access::{Member, Viewer};
use crate::domain::account::Role;
use crate::http::auth::{authenticate, AuthUser};
use crate::http::error::{ApiError, ErrorCode};
use crate::http::state::AppState;

/// The name of the hidden field that carries the CSRF token.
pub const CSRF_FIELD: &str = "csrf";

/// The request as a page sees it.
pub struct PageContext {
    pub state: web::Data<AppState>,
    pub user: Option<AuthUser>,
    /// The token that state-changing forms repeat in [`CSRF_FIELD`].
    pub csrf_token: String,
    pub text: &'static Text,
    /// The path and query, to come back to after logging in.
    pub here: String,
    pub request: HttpRequest,
}

impl PageContext {
    /// Access rules see the visitor as this viewer.
    pub fn viewer(&self) -> Viewer {
        match &self.user {
            Some(user) => user.viewer(),
            None => Viewer::Anonymous,
        }
    }

    /// What the frame of the page needs.
    pub fn frame(&self) -> Frame {
        Frame {
            role: self.user.as_ref().map(|user| user.member.role),
            csrf_token: self.csrf_token.clone(),
            path: self.request.path().to_owned(),
        }
    }

    /// The signed-in member, or a redirect to the login page.
    pub fn member(&self) -> Result<&Member, WebError> {
        self.user
            .as_ref()
            .map(|user| &user.member)
            .ok_or_else(|| WebError::LoginRequired {
                next: self.here.clone(),
            })
    }

    /// The signed-in member when they have one of `roles`; a login
    /// redirect for visitors and a "not allowed" page for other roles.
    pub fn member_in(&self, roles: &[Role]) -> Result<&Member, WebError> {
        let member = self.member()?;
        if roles.contains(&member.role) {
            Ok(member)
        } else {
            Err(ApiError::forbidden("this page is not for your kind of account").into())
        }
    }

    /// The fields of a submitted form, once its CSRF token checks out.
    pub fn verified_form(&self, body: &[u8]) -> Result<FormFields, WebError> {
        let form = FormFields::parse(body);
        let sent = form.get(CSRF_FIELD).unwrap_or_default();
        let expected = self
            .request
            .cookie(CSRF_COOKIE)
            .map(|cookie| cookie.value().to_owned())
            .unwrap_or_default();
        if expected.is_empty() || !constant_time_equal(sent.as_bytes(), expected.as_bytes()) {
            return Err(WebError::ExpiredForm);
        }
        Ok(form)
    }

    /// Starts the browser session of freshly issued tokens.
    pub fn start_session(&self, access_token: &str, refresh_token: &str) {
        let (ttl, secure) = (self.state.session_ttl, self.state.secure_cookies);
        for cookie in session_cookies(access_token, refresh_token, ttl, secure) {
            queue_cookie(&self.request, cookie);
        }
    }

    /// Ends the browser session's cookies (the session itself is revoked by the caller).
    pub fn end_session(&self) {
        for cookie in cleared_session_cookies(self.state.secure_cookies) {
            queue_cookie(&self.request, cookie);
        }
    }
}

fn constant_time_equal(left: &[u8], right: &[u8]) -> bool {
    left.len() == right.len()
        && left
            .iter()
            .zip(right)
            .fold(0u8, |difference, (a, b)| difference | (a ^ b))
            == 0
}

fn new_csrf_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The signed-in user from the session cookies, renewing an expired access
/// token with the refresh token. Bad or ended sessions read as anonymous,
/// and their cookies are cleared.
async fn session_user(state: &web::Data<AppState>, request: &HttpRequest) -> Option<AuthUser> {
    let access = request.cookie(SESSION_COOKIE).map(|c| c.value().to_owned());
    let refresh = request.cookie(REFRESH_COOKIE).map(|c| c.value().to_owned());
    if access.is_none() && refresh.is_none() {
        return None;
    }
    if let Some(token) = access {
        match authenticate(state.clone(), token).await {
            Ok(user) => return Some(user),
            Err(error) if error.code != ErrorCode::TokenExpired => {
                forget_session(state, request);
                return None;
            }
            Err(_) => {}
        }
    }
    let Some(refresh_secret) = refresh else {
        forget_session(state, request);
        return None;
    };
    let keys = state.token_keys.clone();
    let renewed = state
        .with_connection(move |connection| {
            Ok(sessions::refresh(
                connection,
                &keys,
                &refresh_secret,
                Utc::now(),
            ))
        })
        .await;
    let Ok(Ok(tokens)) = renewed else {
        forget_session(state, request);
        return None;
    };
    let user = authenticate(state.clone(), tokens.access_token.clone())
        .await
        .ok()?;
    let (access, refresh) = (&tokens.access_token, &tokens.refresh_token);
    for cookie in session_cookies(access, refresh, state.session_ttl, state.secure_cookies) {
        queue_cookie(request, cookie);
    }
    Some(user)
}

/// Where to come back to after logging in: this page for a GET, and for a
/// form post the page the form was on (a POST path cannot be revisited).
fn return_path(request: &HttpRequest) -> String {
    if request.method() == actix_web::http::Method::GET {
        return match request.query_string() {
            "" => request.path().to_owned(),
            query => format!("{}?{query}", request.path()),
        };
    }
    let host = request.connection_info().host().to_owned();
    request
        .headers()
        .get(actix_web::http::header::REFERER)
        .and_then(|value| value.to_str().ok())
        .and_then(|referer| referer.split_once("://").map(|(_, rest)| rest.to_owned()))
        .and_then(|rest| {
            rest.strip_prefix(host.as_str())
                .filter(|path| path.starts_with('/'))
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "/".to_owned())
}

fn forget_session(state: &AppState, request: &HttpRequest) {
    for cookie in cleared_session_cookies(state.secure_cookies) {
        queue_cookie(request, cookie);
    }
}

impl FromRequest for PageContext {
    type Error = WebError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, WebError>>>>;

    fn from_request(request: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let request = request.clone();
        Box::pin(async move {
            let state = request
                .app_data::<web::Data<AppState>>()
                .cloned()
                .ok_or_else(|| ApiError::internal("application state is not configured"))?;
            let user = session_user(&state, &request).await;
            let csrf_token = match request.cookie(CSRF_COOKIE) {
                Some(cookie) if !cookie.value().is_empty() => cookie.value().to_owned(),
                _ => {
                    let token = new_csrf_token();
                    queue_cookie(&request, csrf_cookie(token.clone(), state.secure_cookies));
                    token
                }
            };
            let here = return_path(&request);
            let context = PageContext {
                state,
                user,
                csrf_token,
                text: &ENGLISH,
                here,
                request,
            };
            // For an error page drawn after the handler returned.
            context.request.extensions_mut().insert(context.frame());
            Ok(context)
        })
    }
}

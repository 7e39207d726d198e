//! Browser sessions in cookies, with the same token machinery as the API.
//!
//! Logging in through a page starts the same kind of session as
//! `POST /api/v1/auth/login`: a short-lived access token (JWT) and a
//! rotating refresh token. The browser keeps both in HttpOnly, SameSite
//! cookies, so page scripts never read them. When the access token has
//! expired, the next page request spends the refresh token for a new pair.
//!
//! Extractors cannot set response headers, so they queue cookie changes in
//! the request's extensions and [`apply_queued_cookies`] (a middleware)
//! writes them onto the response.

use actix_web::body::MessageBody;
use actix_web::cookie::{time, Cookie, SameSite};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest};

/// The access token.
pub const SESSION_COOKIE: &str = "defmatch_session";
/// The refresh token.
pub const REFRESH_COOKIE: &str = "defmatch_refresh";
/// The CSRF token that every state-changing form repeats.
pub const CSRF_COOKIE: &str = "defmatch_csrf";
/// The visitor's choice of language (`en`, `nl`).
pub const LANGUAGE_COOKIE: &str = "defmatch_lang";
/// The state of a single sign-on under way: the callback must come back
/// to the browser that started it (`app::accounts::single_sign_on`).
pub const SSO_STATE_COOKIE: &str = "defmatch_sso_state";
/// How long a single sign-on may take at the provider.
const SSO_STATE_MINUTES: i64 = 10;
/// How long the language choice is remembered: a standing preference, not
/// part of a session.
const LANGUAGE_COOKIE_DAYS: i64 = 365;

/// Cookie changes that extractors and handlers queue for the response.
#[derive(Default)]
pub struct QueuedCookies(pub Vec<Cookie<'static>>);

/// Queues `cookie` to be set on the response to `request`.
pub fn queue_cookie(request: &HttpRequest, cookie: Cookie<'static>) {
    let mut extensions = request.extensions_mut();
    match extensions.get_mut::<QueuedCookies>() {
        Some(queued) => queued.0.push(cookie),
        None => {
            extensions.insert(QueuedCookies(vec![cookie]));
        }
    }
}

/// A cookie with the attributes every defmatch cookie shares. All are Lax:
/// with Strict, a link from an alert e-mail would arrive with an expired
/// access token but no refresh token (and look logged out), and with a new
/// CSRF token that expires the forms open in other tabs. The CSRF token,
/// not SameSite, guards the forms.
fn cookie(name: &'static str, value: String, secure: bool) -> Cookie<'static> {
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .finish()
}

/// The cookies of a fresh session. They live as long as the session; the
/// token inside says when the access part expires.
pub fn session_cookies(
    access_token: &str,
    refresh_token: &str,
    session_ttl: chrono::Duration,
    secure: bool,
) -> [Cookie<'static>; 2] {
    let max_age = time::Duration::seconds(session_ttl.num_seconds());
    let mut access = cookie(SESSION_COOKIE, access_token.to_owned(), secure);
    access.set_max_age(max_age);
    let mut refresh = cookie(REFRESH_COOKIE, refresh_token.to_owned(), secure);
    refresh.set_max_age(max_age);
    [access, refresh]
}

/// Cookies that delete the session cookies.
pub fn cleared_session_cookies(secure: bool) -> [Cookie<'static>; 2] {
    [SESSION_COOKIE, REFRESH_COOKIE].map(|name| {
        let mut gone = cookie(name, String::new(), secure);
        gone.make_removal();
        gone
    })
}

/// The CSRF cookie; other sites cannot read it, and the form must repeat it.
pub fn csrf_cookie(token: String, secure: bool) -> Cookie<'static> {
    cookie(CSRF_COOKIE, token, secure)
}

/// The cookie that remembers the visitor's language.
pub fn language_cookie(code: &str, secure: bool) -> Cookie<'static> {
    let mut chosen = cookie(LANGUAGE_COOKIE, code.to_owned(), secure);
    chosen.set_max_age(time::Duration::days(LANGUAGE_COOKIE_DAYS));
    chosen
}

/// The cookie of a single sign-on under way, sent back only to its
/// callback. Lax, so that the provider's top-level redirect carries it.
pub fn sso_state_cookie(state: &str, secure: bool) -> Cookie<'static> {
    let mut pending = cookie(SSO_STATE_COOKIE, state.to_owned(), secure);
    pending.set_path("/auth/sso");
    pending.set_max_age(time::Duration::minutes(SSO_STATE_MINUTES));
    pending
}

/// The cookie that deletes [`sso_state_cookie`].
pub fn cleared_sso_state_cookie(secure: bool) -> Cookie<'static> {
    let mut gone = sso_state_cookie("", secure);
    gone.make_removal();
    gone
}

/// Writes the cookies queued during the request onto the response.
pub async fn apply_queued_cookies(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody + 'static>, actix_web::Error> {
    let mut response = next.call(request).await?;
    let queued = response
        .request()
        .extensions_mut()
        .remove::<QueuedCookies>()
        .unwrap_or_default();
    for cookie in queued.0 {
        if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    Ok(response)
}

//! What every page handler starts from: who is signed in (from the session
//! cookies), the CSRF token for its forms, and the strings to show.
//!
//! The language of the strings is the visitor's own choice when they made
//! one (the [`LANGUAGE_COOKIE`](super::session::LANGUAGE_COOKIE), set by `GET /language`), else the
//! language the signed-in person chose for their account (`/account`),
//! else the first language the browser asks for that the site has
//! (`Accept-Language`), else English.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use rand::RngCore;

use super::error::WebError;
use super::form::FormFields;
use super::layout::Frame;
use super::session::{
    cleared_session_cookies, csrf_cookie, queue_cookie, session_cookies, CSRF_COOKIE,
    LANGUAGE_COOKIE, REFRESH_COOKIE, SESSION_COOKIE,
};
use super::text::{Language, Text};
use super::WebSettings;
use crate::app::accounts::sessions::{self, SignedIn};
use crate::app::{AppError, AppState};
use crate::domain::account::Role;
use crate::domain::policy::{Member, Viewer};

/// The name of the hidden field that carries the CSRF token.
pub const CSRF_FIELD: &str = "csrf";

/// The request as a page sees it.
pub struct PageContext {
    pub state: web::Data<AppState>,
    pub user: Option<SignedIn>,
    /// Whether the cookies carry `Secure`.
    pub secure_cookies: bool,
    /// The token that state-changing forms repeat in [`CSRF_FIELD`].
    pub csrf_token: String,
    /// The language the page is shown in; `text` is its strings.
    pub language: Language,
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
            here: self.here.clone(),
            language: self.language,
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
            Err(WebError::NotForYourAccount)
        }
    }

    /// The fields of the query string, read leniently like a form: a
    /// repeated or unknown field is no reason to show a visitor an error.
    pub fn query(&self) -> FormFields {
        FormFields::parse(self.request.query_string().as_bytes())
    }

    /// The fields of a submitted form, once its CSRF token checks out.
    pub fn verified_form(&self, body: &[u8]) -> Result<FormFields, WebError> {
        let form = FormFields::parse(body);
        self.verify_csrf(form.get(CSRF_FIELD).unwrap_or_default())?;
        Ok(form)
    }

    /// Checks the CSRF token `sent` with a form that is not URL-encoded
    /// (an upload's `multipart/form-data`).
    pub fn verify_csrf(&self, sent: &str) -> Result<(), WebError> {
        let expected = self
            .request
            .cookie(CSRF_COOKIE)
            .map(|cookie| cookie.value().to_owned())
            .unwrap_or_default();
        if expected.is_empty() || !constant_time_equal(sent.as_bytes(), expected.as_bytes()) {
            return Err(WebError::ExpiredForm);
        }
        Ok(())
    }

    /// Starts the browser session of freshly issued tokens.
    pub fn start_session(&self, access_token: &str, refresh_token: &str) {
        let (ttl, secure) = (self.state.session_ttl, self.secure_cookies);
        for cookie in session_cookies(access_token, refresh_token, ttl, secure) {
            queue_cookie(&self.request, cookie);
        }
    }

    /// The visitor's address, through the trusted proxies the server was given.
    pub fn client_address(&self) -> String {
        let forwarded_for = self
            .request
            .headers()
            .get("x-forwarded-for")
            .and_then(|value| value.to_str().ok());
        let trusted = self
            .request
            .app_data::<web::Data<crate::config::TrustedProxies>>();
        crate::auth::client_address(
            self.request.peer_addr(),
            forwarded_for,
            trusted.map_or(&crate::config::TrustedProxies::default(), |data| {
                data.get_ref()
            }),
        )
    }

    /// Ends the browser session's cookies (the session itself is revoked by the caller).
    pub fn end_session(&self) {
        for cookie in cleared_session_cookies(self.secure_cookies) {
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

/// How long a spent refresh token still yields the pair it was spent for.
/// A browser may send two requests with the same refresh cookie at once
/// (a page and its live preview, or restored tabs); without this grace the
/// second would look like a stolen token and revoke the whole session.
const REFRESH_GRACE: std::time::Duration = std::time::Duration::from_secs(30);

/// Pairs recently issued by a web refresh, by the refresh secret spent.
type RecentRefreshes = HashMap<String, (Instant, String, String)>;

fn recent_refreshes() -> &'static Mutex<RecentRefreshes> {
    static RECENT: OnceLock<Mutex<RecentRefreshes>> = OnceLock::new();
    RECENT.get_or_init(|| Mutex::new(HashMap::new()))
}

/// The access and refresh tokens that spending `refresh_secret` gave
/// within the grace period, if any.
fn refreshed_within_grace(refresh_secret: &str) -> Option<(String, String)> {
    let mut recent = recent_refreshes().lock().ok()?;
    recent.retain(|_, (at, _, _)| at.elapsed() < REFRESH_GRACE);
    recent
        .get(refresh_secret)
        .map(|(_, access, refresh)| (access.clone(), refresh.clone()))
}

fn remember_refresh(refresh_secret: String, access: &str, refresh: &str) {
    if let Ok(mut recent) = recent_refreshes().lock() {
        recent.insert(
            refresh_secret,
            (Instant::now(), access.to_owned(), refresh.to_owned()),
        );
    }
}

/// Whether an error means the credentials themselves are bad (so the
/// cookies should go), rather than the service failing to check them.
fn credentials_refused(error: &AppError) -> bool {
    matches!(
        error,
        AppError::InvalidToken | AppError::AccountDisabled | AppError::InvalidRefreshToken
    )
}

/// The signed-in user from the session cookies, renewing an expired access
/// token with the refresh token. Refused credentials read as anonymous and
/// their cookies are cleared; a database that cannot check them is an
/// error page (503), not a logout.
async fn session_user(
    state: &AppState,
    secure_cookies: bool,
    request: &HttpRequest,
) -> Result<Option<SignedIn>, AppError> {
    let access = request.cookie(SESSION_COOKIE).map(|c| c.value().to_owned());
    let refresh = request.cookie(REFRESH_COOKIE).map(|c| c.value().to_owned());
    if let Some(token) = access {
        match sessions::authenticate(state, token).await {
            Ok(user) => return Ok(Some(user)),
            Err(AppError::TokenExpired) => {}
            Err(error) if credentials_refused(&error) => {
                forget_session(secure_cookies, request);
                return Ok(None);
            }
            Err(error) => return Err(error),
        }
    }
    // No refresh cookie: anonymous, but nothing is cleared; a browser may
    // simply not have sent it on this request.
    let Some(refresh_secret) = refresh else {
        return Ok(None);
    };
    let (access, refresh) = match refreshed_within_grace(&refresh_secret) {
        Some(pair) => pair,
        None => {
            let tokens = match sessions::refresh(state, refresh_secret.clone()).await {
                Ok(tokens) => tokens,
                Err(error) if credentials_refused(&error) => {
                    forget_session(secure_cookies, request);
                    return Ok(None);
                }
                Err(error) => return Err(error),
            };
            remember_refresh(refresh_secret, &tokens.access_token, &tokens.refresh_token);
            (tokens.access_token, tokens.refresh_token)
        }
    };
    // The old refresh token is spent: the new pair must reach the browser
    // whatever happens next.
    for cookie in session_cookies(&access, &refresh, state.session_ttl, secure_cookies) {
        queue_cookie(request, cookie);
    }
    match sessions::authenticate(state, access).await {
        Ok(user) => Ok(Some(user)),
        Err(error) if credentials_refused(&error) => Ok(None),
        Err(error) => Err(error),
    }
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

/// The language to show `request` in: the cookie wins, so a visitor's
/// explicit choice beats what the browser sends; then `Accept-Language`;
/// then English.
pub(crate) fn chosen_language(request: &HttpRequest) -> Language {
    language_for(request, None)
}

/// The language to show `user`'s `request` in: the switch's cookie, then
/// the account's own choice, then what the browser asks for, then English.
fn language_for(request: &HttpRequest, user: Option<&SignedIn>) -> Language {
    let from_cookie = request
        .cookie(LANGUAGE_COOKIE)
        .and_then(|cookie| Language::from_code(cookie.value()));
    let from_account = user
        .and_then(|user| user.chosen_language)
        .and_then(|language| Language::from_code(language.as_str()));
    from_cookie
        .or(from_account)
        .or_else(|| {
            request
                .headers()
                .get(actix_web::http::header::ACCEPT_LANGUAGE)
                .and_then(|value| value.to_str().ok())
                .and_then(preferred_language)
        })
        .unwrap_or_default()
}

/// The most preferred language of an `Accept-Language` value that the site
/// has: entries by falling quality (`q`, 1 when absent; equal ones keep their
/// order), and of each only the primary tag, so `nl-BE` counts as Dutch.
/// Entries with `q=0` are refused languages and never chosen.
fn preferred_language(header: &str) -> Option<Language> {
    let mut entries: Vec<(f32, Language)> = header
        .split(',')
        .filter_map(|entry| {
            let mut parts = entry.split(';');
            let tag = parts.next()?.trim();
            let primary = tag.split('-').next()?;
            let language = Language::from_code(primary)?;
            let quality = parts
                .filter_map(|parameter| parameter.trim().strip_prefix("q="))
                .find_map(|value| value.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            (quality > 0.0).then_some((quality, language))
        })
        .collect();
    // A stable sort keeps the header's order among equal qualities.
    entries.sort_by(|left, right| right.0.total_cmp(&left.0));
    entries.first().map(|(_, language)| *language)
}

fn forget_session(secure_cookies: bool, request: &HttpRequest) {
    for cookie in cleared_session_cookies(secure_cookies) {
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
                .ok_or_else(|| AppError::internal("application state is not configured"))?;
            let secure_cookies = request
                .app_data::<web::Data<WebSettings>>()
                .is_none_or(|settings| settings.secure_cookies);
            let user = session_user(&state, secure_cookies, &request).await?;
            let csrf_token = match request.cookie(CSRF_COOKIE) {
                Some(cookie) if !cookie.value().is_empty() => cookie.value().to_owned(),
                _ => {
                    let token = new_csrf_token();
                    queue_cookie(&request, csrf_cookie(token.clone(), secure_cookies));
                    token
                }
            };
            let here = return_path(&request);
            let language = language_for(&request, user.as_ref());
            let context = PageContext {
                state,
                user,
                secure_cookies,
                csrf_token,
                language,
                text: language.text(),
                here,
                request,
            };
            // For an error page drawn after the handler returned.
            context.request.extensions_mut().insert(context.frame());
            Ok(context)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_first_preference_the_site_has() {
        assert_eq!(
            preferred_language("nl-NL,nl;q=0.9,en;q=0.8"),
            Some(Language::Dutch)
        );
        assert_eq!(
            preferred_language("en-GB,nl;q=0.5"),
            Some(Language::English)
        );
        assert_eq!(
            preferred_language("de-DE,de;q=0.9,nl;q=0.7,en;q=0.6"),
            Some(Language::Dutch)
        );
        assert_eq!(
            preferred_language("en;q=0.4, NL-be;q=0.8"),
            Some(Language::Dutch)
        );
        assert_eq!(preferred_language("nl;q=0, en"), Some(Language::English));
        assert_eq!(preferred_language("fr, de"), None);
        assert_eq!(preferred_language("*"), None);
        assert_eq!(preferred_language(""), None);
    }
}

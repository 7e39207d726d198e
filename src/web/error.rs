//! Errors on web pages: the API's error, shown as a page in plain language
//! with the status it carries, or a redirect to the login page.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use maud::{html, Markup};

use super::layout::bare_page;
use super::text::ENGLISH;
use crate::http::error::{ApiError, ErrorCode};

/// Why a page could not be shown.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// A failure of the shared operations, shown as an error page.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The page needs a signed-in user; go to the login page and come back.
    #[error("log in to see this page")]
    LoginRequired { next: String },
    /// A form whose CSRF token is missing or wrong.
    #[error("the form has expired")]
    ExpiredForm,
}

impl WebError {
    /// The "not found" page; also for what the visitor may not see.
    pub fn not_found() -> Self {
        WebError::Api(ApiError::new(ErrorCode::NotFound, "not found"))
    }
}

/// The login page URL that comes back to `next` afterwards.
pub fn login_url(next: &str) -> String {
    let encoded: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
    format!("/login?next={encoded}")
}

/// The page of an error: a heading, a plain sentence and the way home.
pub fn error_page(heading: &str, text: &str) -> Markup {
    bare_page(
        heading,
        html! {
            h1 { (heading) }
            p { (text) }
            p { a href="/" { (ENGLISH.common.back_home) } }
        },
    )
}

impl ResponseError for WebError {
    fn status_code(&self) -> StatusCode {
        match self {
            WebError::Api(error) => error.code.status(),
            WebError::LoginRequired { .. } => StatusCode::SEE_OTHER,
            WebError::ExpiredForm => StatusCode::FORBIDDEN,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let text = &ENGLISH.common;
        let api_error = match self {
            WebError::LoginRequired { next } => {
                return HttpResponse::SeeOther()
                    .insert_header((header::LOCATION, login_url(next)))
                    .finish();
            }
            WebError::ExpiredForm => {
                let page = error_page(text.error_heading, text.expired_form);
                return html_response(StatusCode::FORBIDDEN, page);
            }
            WebError::Api(error) => error,
        };
        let status = api_error.code.status();
        let (heading, message) = match api_error.code {
            ErrorCode::NotFound => (text.not_found_heading, text.not_found_text.to_owned()),
            ErrorCode::MissingToken | ErrorCode::InvalidToken | ErrorCode::TokenExpired => {
                return HttpResponse::SeeOther()
                    .insert_header((header::LOCATION, "/login"))
                    .finish();
            }
            ErrorCode::Forbidden | ErrorCode::AccountDisabled => {
                (text.forbidden_heading, sentence(&api_error.message))
            }
            ErrorCode::Conflict | ErrorCode::InvalidTransition | ErrorCode::NotEditable => {
                (text.conflict_heading, sentence(&api_error.message))
            }
            ErrorCode::PreconditionFailed => (text.conflict_heading, text.stale_edit.to_owned()),
            ErrorCode::TooManyRequests => (text.error_heading, text.too_many_attempts.to_owned()),
            ErrorCode::ServiceUnavailable => {
                (text.unavailable_heading, text.unavailable_text.to_owned())
            }
            ErrorCode::Internal => (text.internal_heading, text.internal_text.to_owned()),
            _ => (text.bad_request_heading, sentence(&api_error.message)),
        };
        html_response(status, error_page(heading, &message))
    }
}

/// An HTML response with `status`.
pub fn html_response(status: StatusCode, page: Markup) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(page.into_string())
}

/// The API's messages are lowercase clauses; a page shows them as sentences.
pub fn sentence(message: &str) -> String {
    let mut characters = message.chars();
    let Some(first) = characters.next() else {
        return String::new();
    };
    let mut text: String = first.to_uppercase().chain(characters).collect();
    if !text.ends_with(['.', '!', '?']) {
        text.push('.');
    }
    text
}

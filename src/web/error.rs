//! Errors on web pages: the API's error, shown as a page in plain language
//! with the status it carries, or a redirect to the login page.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpMessage, HttpResponse, ResponseError};
use maud::{html, Markup};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;

use super::layout::{bare_page, framed_page, Frame};
use super::text::Language;
use crate::api::error::{ApiError, ErrorCode};

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

/// What an error page says, or where the visitor is sent instead.
enum Outcome {
    Page {
        status: StatusCode,
        heading: &'static str,
        message: String,
    },
    Redirect(String),
}

impl WebError {
    /// The outcome with the page's strings in `language`. The API's own
    /// messages (shown for forbidden, conflicting or bad input) are English.
    fn outcome(&self, language: Language) -> Outcome {
        let text = &language.text().common;
        let api_error = match self {
            WebError::LoginRequired { next } => return Outcome::Redirect(login_url(next)),
            WebError::ExpiredForm => {
                return Outcome::Page {
                    status: StatusCode::FORBIDDEN,
                    heading: text.error_heading,
                    message: text.expired_form.to_owned(),
                }
            }
            WebError::Api(error) => error,
        };
        let (heading, message) = match api_error.code {
            ErrorCode::NotFound => (text.not_found_heading, text.not_found_text.to_owned()),
            ErrorCode::MissingToken | ErrorCode::InvalidToken | ErrorCode::TokenExpired => {
                return Outcome::Redirect("/login".to_owned());
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
        Outcome::Page {
            status: api_error.code.status(),
            heading,
            message,
        }
    }
}

fn error_content(heading: &str, message: &str, language: Language) -> Markup {
    html! {
        h1 { (heading) }
        p { (message) }
        p { a href="/" { (language.text().common.back_home) } }
    }
}

impl ResponseError for WebError {
    fn status_code(&self) -> StatusCode {
        // The status does not depend on the language.
        match self.outcome(Language::English) {
            Outcome::Page { status, .. } => status,
            Outcome::Redirect(_) => StatusCode::SEE_OTHER,
        }
    }

    // Without the request there is no chosen language: English, and
    // `frame_error_pages` redraws the page in the visitor's language.
    fn error_response(&self) -> HttpResponse {
        match self.outcome(Language::English) {
            Outcome::Redirect(to) => HttpResponse::SeeOther()
                .insert_header((header::LOCATION, to))
                .finish(),
            Outcome::Page {
                status,
                heading,
                message,
            } => {
                let content = error_content(heading, &message, Language::English);
                html_response(status, bare_page(heading, content))
            }
        }
    }
}

/// Draws the error page of a page handler inside the site's frame (with
/// the visitor's navigation), which `error_response` cannot: it has no
/// request. The frame was left in the request by the `PageContext`.
pub async fn frame_error_pages(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let response = next.call(request).await?.map_into_boxed_body();
    let Some(frame) = response.request().extensions().get::<Frame>().cloned() else {
        return Ok(response);
    };
    let outcome = response
        .response()
        .error()
        .and_then(|error| error.as_error::<WebError>())
        .map(|error| error.outcome(frame.language));
    let Some(Outcome::Page {
        status,
        heading,
        message,
    }) = outcome
    else {
        return Ok(response);
    };
    let content = error_content(heading, &message, frame.language);
    let page = framed_page(&frame, heading, content);
    let (http_request, old) = response.into_parts();
    let mut framed = html_response(status, page);
    // Keep the cookies and other headers the handler's path set.
    for (name, value) in old.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            framed.headers_mut().append(name.clone(), value.clone());
        }
    }
    Ok(ServiceResponse::new(http_request, framed))
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

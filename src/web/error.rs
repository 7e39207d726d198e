//! Errors on web pages: a failure of a use case (`AppError`), shown as a
//! page in the visitor's language with the status that fits it, or a
//! redirect to the login page.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpMessage, HttpResponse, ResponseError};
use maud::{html, Markup};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;

use super::layout::{bare_page, bare_page_in, framed_page, Frame};
use super::text::errors::app_error_message;
use super::text::Language;
use crate::app::AppError;

/// Why a page could not be shown.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// A failure of a use case, shown as an error page.
    #[error(transparent)]
    App(#[from] AppError),
    /// The page is for other kinds of account.
    #[error("this page is not for your kind of account")]
    NotForYourAccount,
    /// The page does not exist, or the visitor may not see it.
    #[error("page not found")]
    PageNotFound,
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
        WebError::PageNotFound
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
    /// The outcome with the page's strings in `language`.
    fn outcome(&self, language: Language) -> Outcome {
        let text = &language.text().common;
        let page = |status: StatusCode, heading: &'static str, message: String| Outcome::Page {
            status,
            heading,
            message,
        };
        let app_error = match self {
            WebError::LoginRequired { next } => return Outcome::Redirect(login_url(next)),
            WebError::ExpiredForm => {
                return page(
                    StatusCode::FORBIDDEN,
                    text.error_heading,
                    text.expired_form.to_owned(),
                )
            }
            WebError::NotForYourAccount => {
                let message = match language {
                    Language::English => "This page is not for your kind of account.",
                    Language::Dutch => "Deze pagina is niet voor jouw soort account.",
                };
                return page(
                    StatusCode::FORBIDDEN,
                    text.forbidden_heading,
                    message.to_owned(),
                );
            }
            WebError::PageNotFound => {
                return page(
                    StatusCode::NOT_FOUND,
                    text.not_found_heading,
                    text.not_found_text.to_owned(),
                )
            }
            WebError::App(error) => error,
        };
        let message = app_error_message(app_error, language);
        let status = status_of(app_error);
        let heading = match app_error {
            AppError::NotFound { .. } => {
                return page(
                    status,
                    text.not_found_heading,
                    text.not_found_text.to_owned(),
                )
            }
            AppError::InvalidToken | AppError::TokenExpired | AppError::InvalidRefreshToken => {
                return Outcome::Redirect("/login".to_owned())
            }
            AppError::Forbidden(_) | AppError::AccountDisabled => text.forbidden_heading,
            AppError::Conflict(_)
            | AppError::InvalidTransition(_)
            | AppError::NotEditable(_)
            | AppError::Stale { .. } => text.conflict_heading,
            AppError::WrongCredentials | AppError::TooManyAttempts { .. } => text.error_heading,
            AppError::Unavailable => text.unavailable_heading,
            AppError::Internal => text.internal_heading,
            AppError::Invalid(_) | AppError::Unstorable => text.bad_request_heading,
        };
        page(status, heading, message)
    }
}

/// The status of a page that shows `error`.
pub fn status_of(error: &AppError) -> StatusCode {
    match error {
        AppError::NotFound { .. } => StatusCode::NOT_FOUND,
        AppError::InvalidToken | AppError::TokenExpired | AppError::InvalidRefreshToken => {
            StatusCode::SEE_OTHER
        }
        AppError::Forbidden(_) | AppError::AccountDisabled => StatusCode::FORBIDDEN,
        AppError::Conflict(_) | AppError::InvalidTransition(_) | AppError::NotEditable(_) => {
            StatusCode::CONFLICT
        }
        AppError::Stale { .. } => StatusCode::PRECONDITION_FAILED,
        AppError::WrongCredentials => StatusCode::UNAUTHORIZED,
        AppError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        AppError::Invalid(_) | AppError::Unstorable => StatusCode::BAD_REQUEST,
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

/// The page for an error status that the framework raised before any page
/// handler ran, in `language`; `frame_error_pages` cannot redraw it (there is
/// no frame), so it stays as plain as the status.
pub fn framework_error_page(status: StatusCode, language: Language) -> HttpResponse {
    let text = &language.text().common;
    let (heading, message) = match status {
        StatusCode::NOT_FOUND => (text.not_found_heading, text.not_found_text),
        StatusCode::SERVICE_UNAVAILABLE => (text.unavailable_heading, text.unavailable_text),
        status if status.is_server_error() => (text.internal_heading, text.internal_text),
        _ => (text.bad_request_heading, text.error_heading),
    };
    let content = error_content(heading, message, language);
    html_response(status, bare_page_in(language, heading, content))
}

/// An HTML response with `status`.
pub fn html_response(status: StatusCode, page: Markup) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(page.into_string())
}

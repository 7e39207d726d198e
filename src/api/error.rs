//! The one error type at the HTTP edge.
//!
//! Policy: every failure leaves the service as a JSON body of the same shape,
//! `{"error": {"code": "…", "message": "…", "field": …}}`, with a stable
//! snake_case `code` from [`ErrorCode`] and the status that code fixes.
//! Client mistakes are 4xx and name the offending field when there is one.
//! A database that cannot be reached is 503. Anything unexpected is logged
//! once, here, with its cause, and reaches the client as a bare 500 with no
//! internal detail.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::AppError;
use crate::domain::echo::{bounded_message, shortened, MAX_ECHOED_CHARS};

/// Every error code the API answers with, and its status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The body is not well-formed JSON.
    MalformedJson,
    /// A field is missing, unknown, of the wrong type or breaks a rule.
    InvalidInput,
    /// The body is not `application/json`.
    UnsupportedMediaType,
    /// The body is larger than 1 MiB.
    PayloadTooLarge,
    /// No bearer token was sent.
    MissingToken,
    /// The token is malformed, tampered with, revoked or not for this service.
    InvalidToken,
    /// The token has expired; refresh it.
    TokenExpired,
    /// Wrong e-mail address or password.
    InvalidCredentials,
    /// The account has been disabled by an admin.
    AccountDisabled,
    /// The caller is known but may not do this.
    Forbidden,
    /// No such resource, or the caller may not know it exists.
    NotFound,
    /// The path exists, but not with this method.
    MethodNotAllowed,
    /// The request conflicts with existing data (a duplicate).
    Conflict,
    /// The status change is not allowed from the current status.
    InvalidTransition,
    /// The resource can no longer be changed this way.
    NotEditable,
    /// `If-Match` names a version that is no longer current.
    PreconditionFailed,
    /// The update needs an `If-Match` header.
    PreconditionRequired,
    /// Too many attempts; wait for `Retry-After` seconds.
    TooManyRequests,
    /// A dependency (the database) is unavailable; try again shortly.
    ServiceUnavailable,
    /// An unexpected failure on our side.
    Internal,
}

impl ErrorCode {
    /// The HTTP status this code is always sent with.
    pub fn status(self) -> StatusCode {
        match self {
            ErrorCode::MalformedJson | ErrorCode::InvalidInput => StatusCode::BAD_REQUEST,
            ErrorCode::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::MissingToken
            | ErrorCode::InvalidToken
            | ErrorCode::TokenExpired
            | ErrorCode::InvalidCredentials => StatusCode::UNAUTHORIZED,
            ErrorCode::AccountDisabled | ErrorCode::Forbidden => StatusCode::FORBIDDEN,
            ErrorCode::NotFound => StatusCode::NOT_FOUND,
            ErrorCode::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ErrorCode::Conflict | ErrorCode::InvalidTransition | ErrorCode::NotEditable => {
                StatusCode::CONFLICT
            }
            ErrorCode::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            ErrorCode::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            ErrorCode::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::ServiceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// The error body.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    pub code: ErrorCode,
    /// A sentence for people.
    pub message: String,
    /// The input field at fault, when there is one.
    pub field: Option<String>,
}

/// An error on its way to the client.
#[derive(Debug, thiserror::Error)]
#[error("{code:?}: {message}")]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    pub field: Option<String>,
    /// Seconds to wait, for 429 and 503.
    pub retry_after_seconds: Option<u64>,
}

impl ApiError {
    /// An error with a message and no field. A message that quotes input
    /// keeps only a short piece of it (`domain::echo`).
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: bounded_message(&message.into()),
            field: None,
            retry_after_seconds: None,
        }
    }

    /// Names the input field at fault.
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(shortened(&field.into(), MAX_ECHOED_CHARS));
        self
    }

    /// An input field that breaks a rule.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::new(ErrorCode::InvalidInput, message).with_field(field)
    }

    /// A resource that does not exist or is hidden from the caller.
    pub fn not_found(what: impl std::fmt::Display) -> Self {
        ApiError::new(ErrorCode::NotFound, format!("{what} not found"))
    }

    /// The caller may not do this.
    pub fn forbidden(message: impl Into<String>) -> Self {
        ApiError::new(ErrorCode::Forbidden, message)
    }

    /// A stale `If-Match`.
    pub fn stale(current_version: i32) -> Self {
        ApiError::new(
            ErrorCode::PreconditionFailed,
            format!(
                "the resource has changed; the current version is {current_version}. Reload it and apply your change again"
            ),
        )
        .with_field("If-Match")
    }

    /// The database cannot be reached.
    pub fn unavailable() -> Self {
        let mut error = ApiError::new(
            ErrorCode::ServiceUnavailable,
            "the database is unavailable; try again shortly",
        );
        error.retry_after_seconds = Some(5);
        error
    }

    /// An unexpected failure; `cause` is logged and not sent.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "request failed unexpectedly");
        ApiError::new(ErrorCode::Internal, "an unexpected error occurred")
    }
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        match error {
            AppError::NotFound { subject, field } => {
                let mut not_found = ApiError::not_found(subject);
                not_found.field = field.map(str::to_owned);
                not_found
            }
            AppError::Forbidden(refusal) => ApiError::forbidden(refusal.to_string()),
            AppError::Invalid(errors) => match errors.into_iter().next() {
                Some(first) => ApiError::invalid(first.field, first.rule.to_string()),
                None => ApiError::new(ErrorCode::InvalidInput, "the input is not valid"),
            },
            AppError::Unstorable => ApiError::new(
                ErrorCode::InvalidInput,
                "the input contains characters that cannot be stored",
            ),
            AppError::Conflict(conflict) => {
                let field = conflict.field();
                let mut error = ApiError::new(ErrorCode::Conflict, conflict.to_string());
                error.field = field.map(str::to_owned);
                error
            }
            AppError::InvalidTransition(refused) => {
                ApiError::new(ErrorCode::InvalidTransition, refused.to_string())
                    .with_field(refused.field())
            }
            AppError::NotEditable(why) => ApiError::new(ErrorCode::NotEditable, why.to_string()),
            AppError::Stale { current_version } => ApiError::stale(current_version),
            AppError::WrongCredentials => {
                ApiError::new(ErrorCode::InvalidCredentials, "wrong e-mail address or password")
            }
            AppError::AccountDisabled => {
                ApiError::new(ErrorCode::AccountDisabled, "this account has been disabled")
            }
            AppError::InvalidToken => ApiError::new(
                ErrorCode::InvalidToken,
                "the session has ended or the account is disabled; log in again",
            ),
            AppError::TokenExpired => ApiError::new(
                ErrorCode::TokenExpired,
                "the access token has expired; get a new one with the refresh token",
            ),
            AppError::InvalidRefreshToken => ApiError::new(
                ErrorCode::InvalidToken,
                "the refresh token is not valid, was already used, or its session ended; log in again",
            ),
            AppError::TooManyAttempts {
                retry_after_seconds,
            } => {
                let mut error = ApiError::new(
                    ErrorCode::TooManyRequests,
                    "too many attempts; wait before trying again",
                );
                error.retry_after_seconds = Some(retry_after_seconds);
                error
            }
            AppError::Unavailable => ApiError::unavailable(),
            AppError::Internal => {
                ApiError::new(ErrorCode::Internal, "an unexpected error occurred")
            }
        }
    }
}

impl ApiError {
    /// The error for a status that a framework layer produced without a
    /// body of ours (a 405, a payload refused before any handler ran).
    pub fn for_framework_status(status: StatusCode) -> Self {
        let code = match status {
            StatusCode::NOT_FOUND => ErrorCode::NotFound,
            StatusCode::METHOD_NOT_ALLOWED => ErrorCode::MethodNotAllowed,
            StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::PayloadTooLarge,
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorCode::UnsupportedMediaType,
            StatusCode::UNAUTHORIZED => ErrorCode::MissingToken,
            StatusCode::FORBIDDEN => ErrorCode::Forbidden,
            StatusCode::TOO_MANY_REQUESTS => ErrorCode::TooManyRequests,
            StatusCode::SERVICE_UNAVAILABLE => ErrorCode::ServiceUnavailable,
            status if status.is_server_error() => ErrorCode::Internal,
            _ => ErrorCode::InvalidInput,
        };
        let reason = status.canonical_reason().unwrap_or("error").to_lowercase();
        ApiError::new(code, reason)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.code.status()
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        if let Some(seconds) = self.retry_after_seconds {
            response.insert_header((header::RETRY_AFTER, seconds.to_string()));
        }
        if matches!(
            self.code,
            ErrorCode::MissingToken | ErrorCode::InvalidToken | ErrorCode::TokenExpired
        ) {
            response.insert_header((
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"defmatch\""),
            ));
        }
        response.json(ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: self.message.clone(),
                field: self.field.clone(),
            },
        })
    }
}

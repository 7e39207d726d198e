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
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde::Serialize;
use utoipa::ToSchema;

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
    /// An error with a message and no field.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
            field: None,
            retry_after_seconds: None,
        }
    }

    /// Names the input field at fault.
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// An input field that breaks a rule.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::new(ErrorCode::InvalidInput, message).with_field(field)
    }

    /// A resource that does not exist or is hidden from the caller.
    pub fn not_found(what: &str) -> Self {
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

impl From<crate::domain::ValidationError> for ApiError {
    fn from(error: crate::domain::ValidationError) -> Self {
        ApiError::invalid(error.field, error.message)
    }
}

impl From<DieselError> for ApiError {
    fn from(error: DieselError) -> Self {
        match &error {
            DieselError::NotFound => ApiError::not_found("resource"),
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                let field = info
                    .constraint_name()
                    .and_then(constraint_field)
                    .map(str::to_owned);
                let mut conflict = ApiError::new(
                    ErrorCode::Conflict,
                    match field.as_deref() {
                        Some(field) => format!("another record already has this {field}"),
                        None => "this record already exists".to_owned(),
                    },
                );
                conflict.field = field;
                conflict
            }
            DieselError::DatabaseError(DatabaseErrorKind::CheckViolation, info) => {
                // The domain types validate first; reaching a CHECK means a
                // rule exists only in SQL, still a client mistake.
                ApiError::new(
                    ErrorCode::InvalidInput,
                    format!(
                        "the input breaks rule {}",
                        info.constraint_name().unwrap_or("of the schema")
                    ),
                )
            }
            DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => {
                ApiError::invalid("organisation_id", "refers to something that does not exist")
            }
            DieselError::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                _,
            ) => ApiError::unavailable(),
            _ if is_connection_failure(&error) => ApiError::unavailable(),
            DieselError::DatabaseError(_, info)
                if info.message().contains("invalid byte sequence")
                    || info.message().contains("0x00") =>
            {
                ApiError::new(
                    ErrorCode::InvalidInput,
                    "the input contains characters that cannot be stored",
                )
            }
            _ => ApiError::internal(format!("database error: {error}")),
        }
    }
}

/// A connection that broke mid-query shows up as an unknown database error
/// whose message names the broken connection.
fn is_connection_failure(error: &DieselError) -> bool {
    let DieselError::DatabaseError(_, info) = error else {
        return false;
    };
    let message = info.message().to_ascii_lowercase();
    [
        "server closed the connection",
        "connection refused",
        "terminating connection",
        "no connection to the server",
        "could not receive data",
        "could not send data",
        "the database system is",
        "ssl syscall",
    ]
    .iter()
    .any(|needle| message.contains(needle))
}

/// The input field behind a unique constraint.
fn constraint_field(constraint: &str) -> Option<&'static str> {
    match constraint {
        "users_email_key" => Some("email"),
        "startups_kvk_number_key" => Some("kvk_number"),
        "startups_organisation_key" => Some("organisation_id"),
        "startups_external_id_key" | "challenges_external_id_key" => Some("external_id"),
        "organisations_kind_name_key" => Some("name"),
        "organisations_one_per_rom_key" => Some("rom"),
        _ => None,
    }
}

impl From<diesel::r2d2::PoolError> for ApiError {
    fn from(error: diesel::r2d2::PoolError) -> Self {
        tracing::warn!(%error, "no database connection available");
        ApiError::unavailable()
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(error: actix_web::error::BlockingError) -> Self {
        ApiError::internal(format!("blocking task failed: {error}"))
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

//! The one error of the use cases, in the domain's terms.
//!
//! Policy: an operation says *what* went wrong, never how to show it. The
//! API turns an [`AppError`] into its JSON error body and status
//! (`api::error`), the pages into a page in the visitor's language
//! (`web::error`). Every reason is a closed set ([`Subject`], [`Refusal`],
//! [`Conflict`], [`Rule`]), so both can word it, and none carries the
//! caller's input. Unexpected failures are logged once, where they are
//! turned into [`AppError::Internal`], and reach nobody in detail.

use diesel::result::{DatabaseErrorKind, Error as DieselError};

use crate::domain::challenge::ChallengeStatus;
use crate::domain::introduction::TransitionRefused;
use crate::domain::policy::Refusal;
use crate::domain::{Rule, ValidationError};

/// What went wrong in a use case.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No such thing, or the caller may not know that it exists.
    #[error("{subject} not found")]
    NotFound {
        subject: Subject,
        /// The input field that named it, when there was one.
        field: Option<&'static str>,
    },
    /// The caller may know the thing, but may not do this.
    #[error(transparent)]
    Forbidden(#[from] Refusal),
    /// Input that breaks rules; never empty.
    #[error("invalid input: {}", .0.first().map(ToString::to_string).unwrap_or_default())]
    Invalid(Vec<ValidationError>),
    /// Text that the database cannot store, or that breaks a rule only the schema knows.
    #[error("the input cannot be stored")]
    Unstorable,
    /// The change conflicts with what is stored.
    #[error(transparent)]
    Conflict(#[from] Conflict),
    /// A move its lifecycle does not allow from the current state.
    #[error(transparent)]
    InvalidTransition(#[from] InvalidTransition),
    /// The thing can no longer be changed this way.
    #[error(transparent)]
    NotEditable(#[from] NotEditable),
    /// The version the caller updates is no longer the current one.
    #[error("the resource has changed; the current version is {current_version}")]
    Stale { current_version: i32 },
    /// Wrong e-mail address or password.
    #[error("wrong e-mail address or password")]
    WrongCredentials,
    /// The account has been disabled.
    #[error("this account has been disabled")]
    AccountDisabled,
    /// An access token that is malformed, tampered with, or of a session that ended.
    #[error("the access token is not valid, or its session has ended")]
    InvalidToken,
    /// An access token past its expiry.
    #[error("the access token has expired")]
    TokenExpired,
    /// A refresh token that is unknown, spent or of an ended session.
    #[error("the refresh token is not valid")]
    InvalidRefreshToken,
    /// Too many attempts; try again after this many seconds.
    #[error("too many attempts; wait {retry_after_seconds} s")]
    TooManyAttempts { retry_after_seconds: u64 },
    /// The database cannot be reached.
    #[error("the database is unavailable")]
    Unavailable,
    /// An unexpected failure; the cause was logged.
    #[error("an unexpected error occurred")]
    Internal,
}

/// The kinds of things an operation can fail to find.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Challenge,
    Startup,
    Introduction,
    Question,
    Notification,
    SavedSearch,
    User,
    Organisation,
    /// Something named by a path or a key, of no particular kind.
    Resource,
}

/// Why a change conflicts with what is stored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Conflict {
    /// A unique value that another record has already.
    #[error("{}", match .field { Some(field) => format!("another record already has this {field}"), None => "this record already exists".to_owned() })]
    Duplicate { field: Option<&'static str> },
    #[error("this start-up and this challenge already have a live introduction")]
    LiveIntroduction,
    #[error("the challenge closed while the introduction was being made")]
    ChallengeClosedMeanwhile,
    #[error("introductions are made to published or open challenges; this one is {0}")]
    ChallengeNotTakingIntroductions(ChallengeStatus),
    #[error("the challenge is for vetted users only and nobody of this start-up is vetted")]
    StartupNotVetted,
    #[error("the challenge requires ABDO clearance and the start-up holds none")]
    StartupWithoutClearance,
    #[error(
        "this start-up has not confirmed its e-mail address yet; it can be introduced once it has"
    )]
    StartupAddressUnverified,
    #[error("create your start-up profile before expressing interest")]
    ProfileNeeded,
    /// Said to procurement instead of a start-up's vetting status.
    #[error("this introduction cannot be completed now")]
    IntroductionCannotComplete,
    #[error(
        "questions are taken while the challenge is in pre-release or open, until its deadline"
    )]
    QuestionsClosed,
    #[error("at most {max} saved searches; delete one first")]
    TooManySavedSearches { max: i64 },
    #[error("an account with this e-mail address exists already")]
    AccountExists,
    #[error("a pending invitation for this address exists; resend or revoke it")]
    InvitationPending,
    #[error("this invitation was accepted or revoked already")]
    InvitationNotPending,
    /// An upload of the import page that was imported already or expired.
    #[error("this file was imported already, or its upload expired (after an hour); upload it again to import it again")]
    UploadSpent,
}

impl Conflict {
    /// The input field the conflict is about, when there is one.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Conflict::Duplicate { field } => *field,
            Conflict::ChallengeClosedMeanwhile
            | Conflict::ChallengeNotTakingIntroductions(_)
            | Conflict::StartupNotVetted
            | Conflict::StartupWithoutClearance => Some("challenge_id"),
            Conflict::StartupAddressUnverified => Some("startup_id"),
            Conflict::AccountExists | Conflict::InvitationPending => Some("email"),
            _ => None,
        }
    }
}

/// A move that a lifecycle does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidTransition {
    /// A challenge status change.
    #[error("a challenge that is {from} cannot become {to}; allowed: {}", allowed_list(.allowed))]
    Challenge {
        from: ChallengeStatus,
        to: ChallengeStatus,
        allowed: Vec<ChallengeStatus>,
    },
    /// A move of an introduction.
    #[error(transparent)]
    Introduction(#[from] TransitionRefused),
}

impl InvalidTransition {
    /// The input field that asked for the move.
    pub fn field(&self) -> &'static str {
        match self {
            InvalidTransition::Challenge { .. } => "status",
            InvalidTransition::Introduction(_) => "action",
        }
    }
}

impl std::fmt::Display for Subject {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(match self {
            Subject::Challenge => "challenge",
            Subject::Startup => "start-up",
            Subject::Introduction => "introduction",
            Subject::Question => "question",
            Subject::Notification => "notification",
            Subject::SavedSearch => "saved search",
            Subject::User => "user",
            Subject::Organisation => "organisation",
            Subject::Resource => "resource",
        })
    }
}

fn allowed_list(allowed: &[ChallengeStatus]) -> String {
    if allowed.is_empty() {
        return "none".to_owned();
    }
    allowed
        .iter()
        .map(|status| status.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why something can no longer be changed this way.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotEditable {
    #[error("a challenge that is {0} can no longer be edited")]
    ChallengeContent(ChallengeStatus),
    #[error("only drafts can be deleted; withdraw the challenge instead")]
    OnlyDraftsDeleted,
}

impl AppError {
    /// `subject` that does not exist or that the caller may not know.
    pub fn not_found(subject: Subject) -> Self {
        AppError::NotFound {
            subject,
            field: None,
        }
    }

    /// `subject`, named by the input field `field`, that does not exist or
    /// that the caller may not know.
    pub fn not_found_in(subject: Subject, field: &'static str) -> Self {
        AppError::NotFound {
            subject,
            field: Some(field),
        }
    }

    /// `field` breaks `rule`.
    pub fn invalid(field: &str, rule: Rule) -> Self {
        ValidationError::new(field, rule).into()
    }

    /// An unexpected failure: `cause` is logged here and sent nowhere.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "operation failed unexpectedly");
        AppError::Internal
    }
}

impl From<ValidationError> for AppError {
    fn from(error: ValidationError) -> Self {
        AppError::Invalid(vec![error])
    }
}

impl From<DieselError> for AppError {
    fn from(error: DieselError) -> Self {
        match &error {
            DieselError::NotFound => AppError::not_found(Subject::Resource),
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                Conflict::Duplicate {
                    field: info.constraint_name().and_then(constraint_field),
                }
                .into()
            }
            // The domain types validate first; reaching a CHECK means a
            // rule exists only in SQL, still the client's input.
            DieselError::DatabaseError(DatabaseErrorKind::CheckViolation, _) => {
                AppError::Unstorable
            }
            DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => {
                AppError::invalid("organisation_id", Rule::NoSuchOrganisation)
            }
            DieselError::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                _,
            ) => AppError::Unavailable,
            _ if is_connection_failure(&error) => AppError::Unavailable,
            DieselError::DatabaseError(_, info)
                if info.message().contains("invalid byte sequence")
                    || info.message().contains("0x00") =>
            {
                AppError::Unstorable
            }
            _ => AppError::internal(format!("database error: {error}")),
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
        "invitations_pending_email_key" => Some("email"),
        _ => None,
    }
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(error: diesel::r2d2::PoolError) -> Self {
        tracing::warn!(%error, "no database connection available");
        AppError::Unavailable
    }
}

impl From<tokio::task::JoinError> for AppError {
    fn from(error: tokio::task::JoinError) -> Self {
        AppError::internal(format!("blocking task failed: {error}"))
    }
}

impl From<crate::auth::passwords::PasswordError> for AppError {
    fn from(error: crate::auth::passwords::PasswordError) -> Self {
        use crate::auth::passwords::PasswordError;
        match error {
            PasswordError::ResetLinkInvalid => AppError::invalid("token", Rule::ResetLinkInvalid),
            PasswordError::WrongCurrentPassword => {
                AppError::invalid("current_password", Rule::WrongCurrentPassword)
            }
            PasswordError::Database(error) => error.into(),
        }
    }
}

impl From<crate::auth::email_verification::VerificationError> for AppError {
    fn from(error: crate::auth::email_verification::VerificationError) -> Self {
        use crate::auth::email_verification::VerificationError;
        match error {
            VerificationError::LinkInvalid => {
                AppError::invalid("token", Rule::VerificationLinkInvalid)
            }
            VerificationError::Database(error) => error.into(),
        }
    }
}

impl From<crate::auth::sessions::SessionError> for AppError {
    fn from(error: crate::auth::sessions::SessionError) -> Self {
        use crate::auth::sessions::SessionError;
        match error {
            SessionError::InvalidCredentials => AppError::WrongCredentials,
            SessionError::AccountDisabled => AppError::AccountDisabled,
            SessionError::InvalidRefreshToken => AppError::InvalidRefreshToken,
            SessionError::Database(error) => error.into(),
            SessionError::Internal(error) => AppError::internal(format!("{error:#}")),
        }
    }
}

impl From<crate::auth::accounts::AccountError> for AppError {
    fn from(error: crate::auth::accounts::AccountError) -> Self {
        use crate::auth::accounts::AccountError;
        match error {
            AccountError::Invalid(invalid) => invalid.into(),
            AccountError::Database(database) => database.into(),
            AccountError::Internal(internal) => AppError::internal(format!("{internal:#}")),
        }
    }
}

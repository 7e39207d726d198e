//! Domain types that validate themselves when they are built, so that an
//! invalid value cannot exist past the HTTP edge, the importer or the seeder.

pub mod access;
pub mod account;
pub mod audit;
pub mod challenge;
pub mod introduction;
pub mod notification;
pub mod number;
pub mod readiness;
pub mod region;
pub mod security;
pub mod startup;
pub mod taxonomy;
pub mod text;
pub mod text_enum;

/// A value that breaks a domain rule, with the input field it came from.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ValidationError {
    /// The input field, as the client named it (`trl_max`, `closes_at`).
    pub field: String,
    /// What is wrong, in words a user understands.
    pub message: String,
}

impl ValidationError {
    /// A rule broken by `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        ValidationError {
            field: field.into(),
            message: message.into(),
        }
    }
}

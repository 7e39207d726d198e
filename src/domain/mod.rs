//! Domain types that validate themselves when they are built, so that an
//! invalid value cannot exist past the HTTP edge, the importer or the seeder.

pub mod account;
pub mod amsterdam;
pub mod audit;
pub mod challenge;
pub mod echo;
pub mod fit;
pub mod icalendar;
pub mod instant;
pub mod introduction;
pub mod language;
pub mod mark;
pub mod notification;
pub mod notification_text;
pub mod number;
pub mod policy;
pub mod readiness;
pub mod redaction;
pub mod region;
pub mod rule;
pub mod security;
pub mod startup;
pub mod taxonomy;
pub mod text;
pub mod text_enum;

pub use rule::Rule;

/// A value that breaks a domain rule, with the input field it came from.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {rule}")]
pub struct ValidationError {
    /// The input field, as the client named it (`trl_max`, `closes_at`).
    pub field: String,
    /// The rule the value breaks.
    pub rule: Rule,
}

impl ValidationError {
    /// `rule` broken by `field`.
    pub fn new(field: impl Into<String>, rule: Rule) -> Self {
        ValidationError {
            field: field.into(),
            rule,
        }
    }
}

//! Submitted HTML forms. A form may repeat a field (one checkbox per
//! technology), which `serde_urlencoded` cannot express, so the fields are
//! kept as an ordered list of pairs and read by name.

use uuid::Uuid;

use super::error::WebError;
use crate::app::AppError;
use crate::domain::{Rule, ValidationError};

/// A version no row has: the one of an edit form that lacks its version.
pub const NO_VERSION: i32 = -1;

/// The fields of a submitted `application/x-www-form-urlencoded` form.
#[derive(Debug, Default, Clone)]
pub struct FormFields(Vec<(String, String)>);

impl FormFields {
    /// Decodes a form body; bytes that are not UTF-8 are replaced, never refused.
    pub fn parse(body: &[u8]) -> Self {
        FormFields(
            form_urlencoded::parse(body)
                .map(|(name, value)| (name.into_owned(), value.into_owned()))
                .collect(),
        )
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, value)| value.as_str())
    }

    /// The first value of `name`, trimmed, or `None` when blank.
    pub fn non_blank(&self, name: &str) -> Option<&str> {
        self.get(name)
            .map(str::trim)
            .filter(|value| !value.is_empty())
    }

    /// Every value of `name`, in order, blanks left out.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(field, value)| field == name && !value.trim().is_empty())
            .map(|(_, value)| value.as_str())
            .collect()
    }

    /// The version an edit form started from, in its hidden `version`
    /// field. A form without one was not made by our page, so it gets a
    /// version no row has, and the edit is refused as stale.
    pub fn version(&self) -> i32 {
        self.get("version")
            .and_then(|version| version.parse::<i32>().ok())
            .unwrap_or(NO_VERSION)
    }

    /// Whether a checkbox named `name` was ticked.
    pub fn checked(&self, name: &str) -> bool {
        self.get(name).is_some()
    }
}

/// The field errors of a form, collected while it is read, so that every
/// field that is not even the right kind of value is reported at once.
#[derive(Debug, Default)]
pub struct FieldProblems(Vec<ValidationError>);

impl FieldProblems {
    /// The value of `result`, or `None` with its error noted.
    pub fn check<T>(&mut self, result: Result<T, ValidationError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(problem) => {
                self.0.push(problem);
                None
            }
        }
    }

    /// `value` when no error was noted, else every error noted.
    pub fn into_result<T>(self, value: Option<T>) -> Result<T, AppError> {
        match value {
            Some(value) if self.0.is_empty() => Ok(value),
            _ => Err(AppError::Invalid(self.0)),
        }
    }
}

/// The id in a page's path; anything else reads as a page that does not exist.
pub fn parse_id(raw: &str) -> Result<Uuid, WebError> {
    Uuid::parse_str(raw).map_err(|_| WebError::not_found())
}

/// A choice of a select (a `text_enum` code); blank is no choice, and a
/// value the form did not offer breaks [`Rule::UnknownChoice`].
pub fn optional_choice<T: std::str::FromStr>(
    field: &str,
    raw: &str,
) -> Result<Option<T>, ValidationError> {
    let value = raw.trim();
    if value.is_empty() {
        return Ok(None);
    }
    value
        .parse::<T>()
        .map(Some)
        .map_err(|_| ValidationError::new(field, Rule::UnknownChoice))
}

/// A whole number typed in a field; blank is none.
pub fn optional_whole_number<T: std::str::FromStr>(
    field: &str,
    raw: &str,
) -> Result<Option<T>, ValidationError> {
    let value = raw.trim();
    if value.is_empty() {
        return Ok(None);
    }
    value
        .parse::<T>()
        .map(Some)
        .map_err(|_| ValidationError::new(field, Rule::NotWholeNumber))
}

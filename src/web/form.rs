//! Submitted HTML forms. A form may repeat a field (one checkbox per
//! technology), which `serde_urlencoded` cannot express, so the fields are
//! kept as an ordered list of pairs and read by name.

use crate::api::extract::IfMatch;

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

    /// The `If-Match` of an edit form: the version in its hidden `version`
    /// field. A form without one was not made by our page, so it gets a
    /// version no row has, and the edit is refused as stale.
    pub fn if_match(&self) -> IfMatch {
        let version = self
            .get("version")
            .and_then(|version| version.parse::<i64>().ok());
        IfMatch::Version(version.unwrap_or(-1))
    }

    /// Whether a checkbox named `name` was ticked.
    pub fn checked(&self, name: &str) -> bool {
        self.get(name).is_some()
    }
}

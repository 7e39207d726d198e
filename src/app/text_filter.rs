//! The `q` of a plain list: text that must occur as typed (an SQL
//! `ILIKE`), unlike the search language of `search`.

use super::AppError;
use crate::domain::Rule;

/// Longest text filter.
pub const MAX_TEXT_FILTER_CHARS: usize = 200;

/// `q` cleaned of control characters and trimmed; `None` when empty.
pub fn checked_text_filter(q: Option<&str>) -> Result<Option<String>, AppError> {
    let text = q
        .map(crate::domain::text::without_control_characters)
        .map(|text| text.trim().to_owned())
        .filter(|text| !text.is_empty());
    if text
        .as_ref()
        .is_some_and(|text| text.chars().count() > MAX_TEXT_FILTER_CHARS)
    {
        return Err(AppError::invalid(
            "q",
            Rule::TooLong {
                max: MAX_TEXT_FILTER_CHARS,
            },
        ));
    }
    Ok(text)
}

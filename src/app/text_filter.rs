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

/// Fewest letters or digits in a row that a `q` of the challenge list must
/// hold: the trigram index behind it (docs/api.md, "Challenges") finds
/// text by runs of three, and a shorter `q` would read every row. Short
/// terms ("AI") are for the search endpoint, whose index knows words.
pub const MIN_INDEXED_RUN: usize = 3;

/// Refuses a `q` without [`MIN_INDEXED_RUN`] letters or digits in a row.
pub fn check_indexable(text: &str) -> Result<(), AppError> {
    let longest_run = text
        .split(|character: char| !character.is_alphanumeric())
        .map(|run| run.chars().count())
        .max()
        .unwrap_or(0);
    if longest_run < MIN_INDEXED_RUN {
        return Err(AppError::invalid(
            "q",
            Rule::TooShort {
                min: MIN_INDEXED_RUN,
            },
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filter_needs_three_letters_or_digits_in_a_row() {
        assert!(check_indexable("radar").is_ok());
        assert!(check_indexable("C2 mesh").is_ok());
        assert!(check_indexable("5G").is_err());
        assert!(check_indexable("a b c").is_err());
    }
}

//! Rules shared by every free-text field a user fills in.

use super::{Rule, ValidationError};

/// Trims `value` and checks that it has between `min_chars` and `max_chars` characters.
pub fn bounded_text(
    field: &str,
    value: &str,
    min_chars: usize,
    max_chars: usize,
) -> Result<String, ValidationError> {
    let cleaned = without_control_characters(value);
    let trimmed = cleaned.trim();
    let chars = trimmed.chars().count();
    if chars < min_chars {
        let rule = if min_chars == 1 {
            Rule::Empty
        } else {
            Rule::TooShort { min: min_chars }
        };
        return Err(ValidationError::new(field, rule));
    }
    if chars > max_chars {
        return Err(ValidationError::new(
            field,
            Rule::TooLong { max: max_chars },
        ));
    }
    Ok(trimmed.to_owned())
}

/// Replaces NUL and other control characters (except tab and line
/// breaks) by spaces: PostgreSQL cannot store NUL in text, and the others
/// are never meant; refusing them would refuse text the API describes as valid.
pub fn without_control_characters(value: &str) -> String {
    value
        .chars()
        .map(|character| {
            if character.is_control() && !matches!(character, '\t' | '\n' | '\r') {
                ' '
            } else {
                character
            }
        })
        .collect()
}

/// Like [`bounded_text`], but an empty or missing value becomes `None`.
pub fn optional_text(
    field: &str,
    value: Option<&str>,
    max_chars: usize,
) -> Result<Option<String>, ValidationError> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => bounded_text(field, text, 1, max_chars).map(Some),
    }
}

/// Most keywords one profile or challenge may carry.
pub const MAX_KEYWORDS: usize = 200;
/// Longest keyword.
pub const MAX_KEYWORD_CHARS: usize = 300;

/// Trims keywords, drops empty ones and case-insensitive repeats, keeps the order.
pub fn keywords(field: &str, raw: &[String]) -> Result<Vec<String>, ValidationError> {
    let mut seen = std::collections::HashSet::new();
    let mut kept = Vec::new();
    if raw.len() > MAX_KEYWORDS {
        return Err(ValidationError::new(
            field,
            Rule::TooManyKeywords { max: MAX_KEYWORDS },
        ));
    }
    for keyword in raw {
        let cleaned = without_control_characters(keyword);
        let trimmed = cleaned.trim();
        if trimmed.is_empty() {
            continue;
        }
        if trimmed.chars().count() > MAX_KEYWORD_CHARS {
            return Err(ValidationError::new(
                field,
                Rule::KeywordTooLong {
                    max: MAX_KEYWORD_CHARS,
                },
            ));
        }
        if seen.insert(trimmed.to_lowercase()) {
            kept.push(trimmed.to_owned());
        }
    }
    if kept.len() > MAX_KEYWORDS {
        return Err(ValidationError::new(
            field,
            Rule::TooManyKeywords { max: MAX_KEYWORDS },
        ));
    }
    Ok(kept)
}

/// Drops repeats from a list of codes, keeping the first occurrence of each.
pub fn unique<T: PartialEq + Copy>(values: &[T]) -> Vec<T> {
    let mut kept: Vec<T> = Vec::with_capacity(values.len());
    for value in values {
        if !kept.contains(value) {
            kept.push(*value);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_and_bounded() {
        assert_eq!(bounded_text("title", "  Radar  ", 1, 10).unwrap(), "Radar");
        assert_eq!(
            bounded_text("title", "   ", 1, 10).unwrap_err().field,
            "title"
        );
        assert!(bounded_text("title", "abcdefghijk", 1, 10).is_err());
        assert_eq!(optional_text("city", Some("  "), 10).unwrap(), None);
    }

    #[test]
    fn keywords_are_deduplicated_case_insensitively() {
        let raw = vec![
            "Radar".to_owned(),
            " radar ".to_owned(),
            "".to_owned(),
            "EO/IR".to_owned(),
        ];
        assert_eq!(keywords("keywords", &raw).unwrap(), vec!["Radar", "EO/IR"]);
    }
}

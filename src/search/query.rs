//! The search-box language: plain words (all must match, typos forgiven on
//! short queries), "quoted phrases", `-excluded` words, and `field:value`
//! filters for a few known fields. Anything else is a clear error, never a
//! server error; plain words always parse.

/// Fields a user may name in a query.
pub const KNOWN_FIELDS: [&str; 4] = ["technology", "province", "status", "trl"];

/// A parsed search query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedQuery {
    /// Words that must match (after analysis and synonyms).
    pub words: Vec<String>,
    /// Phrases that must match word for word.
    pub phrases: Vec<String>,
    /// Words that must not match.
    pub excluded: Vec<String>,
    /// `field:value` filters, in the order given.
    pub filters: Vec<(String, String)>,
}

impl ParsedQuery {
    /// Whether the query asks for nothing (list everything the filters allow).
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
            && self.phrases.is_empty()
            && self.excluded.is_empty()
            && self.filters.is_empty()
    }

    /// The words and phrases as one text, for synonym detection.
    pub fn positive_text(&self) -> String {
        let mut parts = self.words.clone();
        parts.extend(self.phrases.iter().cloned());
        parts.join(" ")
    }
}

/// Why a query could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuerySyntaxError {
    #[error("unbalanced quotes: a phrase opened with \" is never closed")]
    UnbalancedQuotes,
    #[error("unknown search field `{0}`; known fields: technology, province, status, trl")]
    UnknownField(String),
    #[error("`{0}:` needs a value, as in technology:ai-data")]
    MissingValue(String),
    #[error("the query is longer than {MAX_QUERY_CHARS} characters")]
    TooLong,
}

/// Longest query accepted.
pub const MAX_QUERY_CHARS: usize = 500;

/// Parses the text of a search box.
pub fn parse_query(text: &str) -> Result<ParsedQuery, QuerySyntaxError> {
    if text.chars().count() > MAX_QUERY_CHARS {
        return Err(QuerySyntaxError::TooLong);
    }
    let mut query = ParsedQuery::default();
    let mut rest = text.trim();
    while !rest.is_empty() {
        if let Some(after_quote) = rest.strip_prefix('"') {
            let Some(end) = after_quote.find('"') else {
                return Err(QuerySyntaxError::UnbalancedQuotes);
            };
            let phrase = after_quote[..end].trim();
            if !phrase.is_empty() {
                query.phrases.push(phrase.to_owned());
            }
            rest = after_quote[end + 1..].trim_start();
            continue;
        }
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let token = &rest[..end];
        rest = rest[end..].trim_start();
        if token.contains('"') {
            return Err(QuerySyntaxError::UnbalancedQuotes);
        }
        if let Some(excluded) = token.strip_prefix('-').filter(|word| !word.is_empty()) {
            query.excluded.push(excluded.to_owned());
            continue;
        }
        // A colon inside a word is a field only when the part before it is
        // a plain name ("technology:ai-data"); "12:30" stays a word.
        if let Some((field, value)) = token.split_once(':') {
            let looks_like_field =
                !field.is_empty() && field.chars().all(|c| c.is_ascii_alphabetic() || c == '_');
            if looks_like_field {
                let field = field.to_lowercase();
                if !KNOWN_FIELDS.contains(&field.as_str()) {
                    return Err(QuerySyntaxError::UnknownField(field));
                }
                if value.is_empty() {
                    return Err(QuerySyntaxError::MissingValue(field));
                }
                query.filters.push((field, value.to_owned()));
                continue;
            }
        }
        let word = token.trim_start_matches('+');
        if !word.is_empty() {
            query.words.push(word.to_owned());
        }
    }
    Ok(query)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_words_always_parse() {
        let query = parse_query("counter-drone radar (airbase) C-UAS 12:30 AI/ML").unwrap();
        assert_eq!(
            query.words,
            vec![
                "counter-drone",
                "radar",
                "(airbase)",
                "C-UAS",
                "12:30",
                "AI/ML"
            ]
        );
    }

    #[test]
    fn phrases_exclusions_and_fields_are_recognised() {
        let query =
            parse_query(r#""mine countermeasures" -diver technology:autonomy-drones sonar"#)
                .unwrap();
        assert_eq!(query.phrases, vec!["mine countermeasures"]);
        assert_eq!(query.excluded, vec!["diver"]);
        assert_eq!(
            query.filters,
            vec![("technology".to_owned(), "autonomy-drones".to_owned())]
        );
        assert_eq!(query.words, vec!["sonar"]);
    }

    #[test]
    fn bad_syntax_is_named() {
        assert_eq!(
            parse_query(r#""open phrase"#),
            Err(QuerySyntaxError::UnbalancedQuotes)
        );
        assert_eq!(
            parse_query("colour:blue"),
            Err(QuerySyntaxError::UnknownField("colour".to_owned()))
        );
        assert_eq!(
            parse_query("trl:"),
            Err(QuerySyntaxError::MissingValue("trl".to_owned()))
        );
    }
}

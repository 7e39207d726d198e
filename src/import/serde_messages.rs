//! A record that does not deserialise into its input type is refused in
//! serde's words, the only form serde hands an error over in. The English
//! reason keeps those words; this module reads back the facts a translation
//! needs (the missing field, the offending value, the valid choices), and
//! leaves a message it does not recognise as [`ValueProblem::Other`].

use super::rejection::{bounded_detail, echoed, RejectionReason, ValueProblem};
use crate::domain::Rule;

/// The reason for serde's `message` about the field at `path` (`.` or
/// empty for the record as a whole).
pub(super) fn deserialise_reason(path: &str, message: &str) -> RejectionReason {
    let field = if path == "." { "" } else { path };
    if field.is_empty() {
        if let Some(missing) = quoted_between(message, "missing field `", "`") {
            return RejectionReason::MissingField {
                field: echoed(missing),
            };
        }
    }
    RejectionReason::InvalidValue {
        field: echoed(field),
        detail: bounded_detail(message),
        problem: problem_of(message),
    }
}

/// What `message` says is wrong with a value.
fn problem_of(message: &str) -> ValueProblem {
    // serde's own words for a string that names no variant of an enum.
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        if let Some((value, expected)) = rest.split_once("`, expected ") {
            return ValueProblem::NotOneOf {
                value: echoed(value),
                choices: backticked(expected),
            };
        }
    }
    // `domain::number::WholeNumber` reading text.
    if let Some(value) = quoted_between(message, "`", "` is not a whole number") {
        return ValueProblem::NotWholeNumber {
            value: echoed(value),
        };
    }
    // `domain::region::CountryCode`.
    if let Some(value) = quoted_between(message, "`", "` is not an ISO 3166-1 alpha-2 country code")
    {
        return ValueProblem::NotCountryCode {
            value: echoed(value),
        };
    }
    // Types that refuse a value with a rule's own words (`KvkNumber`).
    for rule in [Rule::KvkFormat] {
        if message == rule.to_string() {
            return ValueProblem::Rule(rule);
        }
    }
    // `Trl` and `ExportControlCategory`: "… must be between 1 and 9, got 12".
    if let Some(range) = message
        .split_once("must be between ")
        .and_then(|(_, rest)| rest.split_once(", got "))
        .map(|(range, _)| range)
    {
        if let Some((min, max)) = range.split_once(" and ") {
            if let (Ok(min), Ok(max)) = (min.parse(), max.parse()) {
                return ValueProblem::Rule(Rule::OutOfRange { min, max });
            }
        }
    }
    ValueProblem::Other
}

/// The text of `message` between `start` (at its beginning) and `end` (at
/// its end).
fn quoted_between<'message>(
    message: &'message str,
    start: &str,
    end: &str,
) -> Option<&'message str> {
    message.strip_prefix(start)?.strip_suffix(end)
}

/// The pieces between backticks of serde's list of expected names: "one of
/// `a`, `b`, `c`", "`a` or `b`", "`a`".
fn backticked(expected: &str) -> Vec<String> {
    expected.split('`').skip(1).step_by(2).map(echoed).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_field_is_named() {
        assert_eq!(
            deserialise_reason(".", "missing field `title`"),
            RejectionReason::MissingField {
                field: "title".to_owned()
            }
        );
        assert_eq!(
            deserialise_reason("", "missing field `title`").to_string(),
            "missing field `title`"
        );
    }

    #[test]
    fn an_unknown_variant_gives_the_value_and_the_choices() {
        let message = "unknown variant `NL-XX`, expected one of `NL-DR`, `NL-FL`, `NL-FR`";
        let reason = deserialise_reason("preferred_provinces[0]", message);
        assert_eq!(
            reason,
            RejectionReason::InvalidValue {
                field: "preferred_provinces[0]".to_owned(),
                detail: message.to_owned(),
                problem: ValueProblem::NotOneOf {
                    value: "NL-XX".to_owned(),
                    choices: vec!["NL-DR".to_owned(), "NL-FL".to_owned(), "NL-FR".to_owned()],
                },
            }
        );
        assert_eq!(
            reason.to_string(),
            format!("preferred_provinces[0]: {message}")
        );
        assert_eq!(
            problem_of("unknown variant `x`, expected `public` or `vetted`"),
            ValueProblem::NotOneOf {
                value: "x".to_owned(),
                choices: vec!["public".to_owned(), "vetted".to_owned()],
            }
        );
    }

    #[test]
    fn messages_of_domain_types_become_their_facts() {
        assert_eq!(
            problem_of("`veel` is not a whole number"),
            ValueProblem::NotWholeNumber {
                value: "veel".to_owned()
            }
        );
        assert_eq!(
            problem_of("TRL must be between 1 and 9, got 12"),
            ValueProblem::Rule(Rule::OutOfRange { min: 1, max: 9 })
        );
        assert_eq!(
            problem_of(&Rule::KvkFormat.to_string()),
            ValueProblem::Rule(Rule::KvkFormat)
        );
        assert_eq!(
            problem_of("`Nederland` is not an ISO 3166-1 alpha-2 country code"),
            ValueProblem::NotCountryCode {
                value: "Nederland".to_owned()
            }
        );
        assert_eq!(
            problem_of("invalid type: integer `3`, expected a string"),
            ValueProblem::Other
        );
    }

    #[test]
    fn a_long_quoted_value_is_cut() {
        let value = "x".repeat(100_000);
        let reason = deserialise_reason("trl", &format!("`{value}` is not a whole number"));
        assert!(reason.to_string().len() < 300);
        let RejectionReason::InvalidValue {
            problem: ValueProblem::NotWholeNumber { value },
            ..
        } = reason
        else {
            panic!("not read as a whole number: {reason:?}");
        };
        assert!(value.ends_with("(99880 more characters)"), "{value}");
    }
}

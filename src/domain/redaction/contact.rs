//! Contact details and addresses found by their shape: e-mail addresses,
//! URLs and bare domains, phone numbers, KvK numbers, postcodes and streets.

use std::sync::OnceLock;

use regex::Regex;

use super::phrases::{Kind, Span};

struct Patterns {
    shapes: Vec<(Regex, Kind)>,
    postcode: Regex,
    digit_run: Regex,
}

/// Two capitals after four digits that are not a postcode ("2024 EU").
const NOT_POSTCODE_LETTERS: &[&str] = &[
    "AI", "AR", "EO", "EU", "ID", "IP", "IR", "IT", "ML", "OK", "RF", "UK", "US", "UV", "VR",
];

fn patterns() -> &'static Patterns {
    static PATTERNS: OnceLock<Patterns> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        let compile = |pattern: &str| Regex::new(pattern).expect("a valid redaction pattern");
        Patterns {
            shapes: vec![
                (
                    compile(r"(?i)[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}"),
                    Kind::Contact,
                ),
                (
                    compile(r#"(?i)\b(?:https?://|www\.)[^\s<>"'()\[\]]+[^\s<>"'()\[\].,;:!?]"#),
                    Kind::Contact,
                ),
                (
                    compile(
                        r"\b[A-Za-z0-9][A-Za-z0-9\-]*(?:\.[A-Za-z0-9\-]+)*\.(?:nl|com|eu|io|org|net|de|be|ai|tech|dev|co|uk|fr|app|info|biz|nu|frl|systems|tools)\b(?:/[^\s<>]*[^\s<>.,;:!?])?",
                    ),
                    Kind::Contact,
                ),
                // International (+31 …, 0031 …) and Dutch (0…, ten digits) phone numbers.
                (
                    compile(r"(?:\+|\b00)\d{1,3}[\s\-.]?(?:\(0\)[\s\-.]?)?\d(?:[\s\-.]{0,3}\d){6,11}\b"),
                    Kind::Contact,
                ),
                (
                    compile(r"(?:\(0\d{1,3}\)\s?|\b0)\d(?:\s?-?\s?\d){7,9}\b"),
                    Kind::Contact,
                ),
                // KvK numbers: eight digits, alone or after "KvK".
                (
                    compile(r"(?i)\bkvk[\s\-:]*(?:nummer|number|nr\.?|no\.?)?[\s:]*\d{4}\s?\d{4}\b"),
                    Kind::Contact,
                ),
                (compile(r"\b\d{8}\b"), Kind::Contact),
                // Streets: a capitalised word ending in a street word, with or
                // without a house number; English "12 High Street".
                (
                    compile(
                        r"\b\p{Lu}[\p{L}\-]{2,}(?:straat|laan|weg|plein|singel|gracht|kade|dijk|dreef|steeg|markt|boulevard|park|pad|hof|baan)\s+\d{1,5}(?:\s?[a-zA-Z]\b)?",
                    ),
                    Kind::Place,
                ),
                (
                    compile(
                        r"\b\p{Lu}[\p{L}\-]{2,}(?:straat|laan|plein|singel|gracht|kade|dreef|steeg)\b",
                    ),
                    Kind::Place,
                ),
                (
                    compile(
                        r"\b\d{1,5}\s+(?:\p{Lu}\p{L}+\s+){1,2}(?:Street|Road|Avenue|Lane|Drive|Square)\b",
                    ),
                    Kind::Place,
                ),
            ],
            postcode: compile(r"\b[1-9]\d{3}\s?([A-Z]{2})\b"),
            digit_run: compile(r"\+?\d(?:[\s\-./()]{0,2}\d)+"),
        }
    })
}

/// The digits of `text`.
pub fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

/// Every contact detail and address in `text`, and every run of digits
/// that spells one of `known_numbers` (digits only: the KvK number, the
/// phone number), however it is grouped.
pub fn find(text: &str, known_numbers: &[String]) -> Vec<Span> {
    let patterns = patterns();
    let mut spans = Vec::new();
    for (pattern, kind) in &patterns.shapes {
        spans.extend(pattern.find_iter(text).map(|found| Span {
            start: found.start(),
            end: found.end(),
            kind: *kind,
        }));
    }
    for captures in patterns.postcode.captures_iter(text) {
        let letters = captures.get(1).map_or("", |letters| letters.as_str());
        if !NOT_POSTCODE_LETTERS.contains(&letters) {
            let whole = captures.get(0).expect("the whole match");
            spans.push(Span {
                start: whole.start(),
                end: whole.end(),
                kind: Kind::Place,
            });
        }
    }
    if !known_numbers.is_empty() {
        for found in patterns.digit_run.find_iter(text) {
            let run = digits(found.as_str());
            if known_numbers
                .iter()
                .any(|number| number.len() >= 6 && run.contains(number.as_str()))
            {
                spans.push(Span {
                    start: found.start(),
                    end: found.end(),
                    kind: Kind::Contact,
                });
            }
        }
    }
    spans
}

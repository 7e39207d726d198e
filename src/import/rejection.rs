//! Why a record of an import file is rejected, as facts rather than a
//! sentence: the column, the offending value (shortened), the closest valid
//! choices, the line of an earlier duplicate, the domain rule broken. The
//! English wording is the `Display` (what `defmatch import` prints and the
//! `--report` CSV holds); a page words the same facts in the visitor's
//! language (`web::text::import_reasons`).
//!
//! Every piece of input a reason carries is cut with
//! [`domain::echo`](crate::domain::echo) when the reason is built, so that no
//! wording, in any language, can repeat a whole cell of a 10 MB file.

use std::fmt;

use crate::domain::challenge::ChallengeStatus;
use crate::domain::echo::{bounded_message, shortened, MAX_ECHOED_CHARS};
use crate::domain::policy::OutsideReach;
use crate::domain::taxonomy::Technology;
use crate::domain::{Rule, ValidationError};

/// A line that could not be read or validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub line: usize,
    pub reason: RejectionReason,
}

/// Why one record is rejected; one variant per kind of rejection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RejectionReason {
    /// A JSON Lines line that is JSON, but not an object.
    NotAJsonObject,
    /// A JSON Lines line that is not JSON: the parser's message (which
    /// never quotes the line) and the column where it gave up.
    MalformedJson { detail: String, column: usize },
    /// A CSV row with another number of cells than the rows before it.
    UnevenCsvRow {
        detail: String,
        expected_cells: u64,
        found_cells: u64,
    },
    /// Any other CSV the reader cannot read, in the reader's words.
    MalformedCsv { detail: String },
    /// An `.xlsx` cell that holds an Excel error (`#DIV/0!`, `#REF!`).
    ExcelError { column: String, error: String },
    /// A yes/no cell that is neither.
    NotYesOrNo { field: String, value: String },
    /// An amount cell that is not a whole number of euros.
    NotAnAmount { field: String, value: String },
    /// A date cell that is no date.
    NotADate { field: String, value: String },
    /// No external id, or one that is too long.
    MissingExternalId,
    /// A second row with an external id seen before in the same file.
    DuplicateExternalId {
        external_id: String,
        first_line: usize,
        line: usize,
    },
    /// `technologies` that is neither a list of names nor a name.
    TechnologiesNotNames,
    /// A technology no code, label or synonym stands for, and the closest
    /// valid ones, best first.
    UnknownTechnology {
        name: String,
        closest: Vec<Technology>,
    },
    /// `organisation` that is not text.
    OrganisationNotAName,
    /// A defence organisation that does not exist, and the nearest names
    /// (possibly none).
    UnknownOrganisation { name: String, near: Vec<String> },
    /// `status` that is not text.
    StatusNotText,
    /// A status that is not one of a challenge's.
    UnknownStatus { value: String },
    /// A required field the record lacks.
    MissingField { field: String },
    /// A value the field cannot hold: the deserialiser's English `detail`
    /// and what it says, as far as it is understood (`problem`).
    InvalidValue {
        /// The path of the field (`trl`, `preferred_provinces[1]`); empty
        /// when the record as a whole is at fault.
        field: String,
        detail: String,
        problem: ValueProblem,
    },
    /// A value that breaks a domain rule, as the API would refuse it.
    Invalid(ValidationError),
    /// A start-up outside the importing ROM officer's provinces.
    OutsideReach(OutsideReach),
    /// The database refused the row by the constraint named.
    DatabaseRule { constraint: String },
    /// The database refused the row for a reason without a constraint, in
    /// its own (English) words.
    DatabaseRefused { detail: String },
}

/// What a deserialiser's message about a value says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueProblem {
    /// A name that is none of the `choices` (a province code, a visibility).
    NotOneOf { value: String, choices: Vec<String> },
    /// Text that is not a whole number.
    NotWholeNumber { value: String },
    /// A country that is not a two-letter ISO 3166-1 code.
    NotCountryCode { value: String },
    /// A domain rule, worded by the type that refused the value.
    Rule(Rule),
    /// Anything else: only the English detail says what.
    Other,
}

impl RejectionReason {
    /// A cell of `field` holding `value` that is neither yes nor no.
    pub fn not_yes_or_no(field: &str, value: &str) -> Self {
        RejectionReason::NotYesOrNo {
            field: echoed(field),
            value: echoed(value),
        }
    }

    /// A cell of `field` holding `value` that is no amount in euros.
    pub fn not_an_amount(field: &str, value: &str) -> Self {
        RejectionReason::NotAnAmount {
            field: echoed(field),
            value: echoed(value),
        }
    }

    /// A cell of `field` holding `value` that is no date.
    pub fn not_a_date(field: &str, value: &str) -> Self {
        RejectionReason::NotADate {
            field: echoed(field),
            value: echoed(value),
        }
    }

    /// An Excel error in a cell of `column`.
    pub fn excel_error(column: &str, error: &str) -> Self {
        RejectionReason::ExcelError {
            column: echoed(column),
            error: echoed(error),
        }
    }

    /// The later of two rows with `external_id`.
    pub fn duplicate_external_id(external_id: &str, first_line: usize, line: usize) -> Self {
        RejectionReason::DuplicateExternalId {
            external_id: echoed(external_id),
            first_line,
            line,
        }
    }

    /// The technology `name`, unknown; `closest` are the valid ones to offer.
    pub fn unknown_technology(name: &str, closest: Vec<Technology>) -> Self {
        RejectionReason::UnknownTechnology {
            name: echoed(name.trim()),
            closest,
        }
    }

    /// The organisation `name`, unknown; `near` are existing names like it.
    pub fn unknown_organisation(name: &str, near: Vec<String>) -> Self {
        RejectionReason::UnknownOrganisation {
            name: echoed(name),
            near,
        }
    }

    /// The status `value`, not a challenge's.
    pub fn unknown_status(value: &str) -> Self {
        RejectionReason::UnknownStatus {
            value: echoed(value),
        }
    }
}

/// A piece of input as a reason may repeat it.
pub(super) fn echoed(text: &str) -> String {
    shortened(text, MAX_ECHOED_CHARS)
}

/// A message of a reader, a deserialiser or the database, with any input it
/// quotes cut like an echo.
pub(super) fn bounded_detail(detail: &str) -> String {
    bounded_message(detail)
}

/// The codes of every technology, as a reason lists them.
pub fn technology_codes() -> String {
    Technology::ALL
        .iter()
        .map(|technology| technology.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The codes of every challenge status, as a reason lists them.
pub fn status_codes() -> String {
    ChallengeStatus::ALL
        .iter()
        .map(|status| status.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

impl fmt::Display for RejectionReason {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RejectionReason::NotAJsonObject => {
                formatter.write_str("a line must hold one JSON object")
            }
            RejectionReason::MalformedJson { detail, .. } => {
                write!(formatter, "malformed JSON: {detail}")
            }
            RejectionReason::UnevenCsvRow { detail, .. }
            | RejectionReason::MalformedCsv { detail } => {
                write!(formatter, "malformed CSV: {detail}")
            }
            RejectionReason::ExcelError { column, error } => {
                write!(formatter, "{column}: the cell holds the Excel error {error}")
            }
            RejectionReason::NotYesOrNo { field, value } => write!(
                formatter,
                "{field}: `{value}` is neither yes nor no (write ja/nee, yes/no, true/false or 1/0)"
            ),
            RejectionReason::NotAnAmount { field, value } => write!(
                formatter,
                "{field}: `{value}` is not an amount in euros (write 100000 or 100.000)"
            ),
            RejectionReason::NotADate { field, value } => write!(
                formatter,
                "{field}: `{value}` is not a date (write YYYY-MM-DD or DD-MM-YYYY)"
            ),
            RejectionReason::MissingExternalId => formatter
                .write_str("needs an `external_id` (or `id`, `kenmerk`) of 1 to 200 characters"),
            RejectionReason::DuplicateExternalId {
                external_id,
                first_line,
                line,
            } => write!(
                formatter,
                "external_id `{external_id}` appears twice in the file: on line {first_line} and on line {line} (only line {first_line} is imported)"
            ),
            RejectionReason::TechnologiesNotNames => {
                formatter.write_str("technologies must be a list of names")
            }
            RejectionReason::UnknownTechnology { name, closest } => {
                let suggestions: Vec<String> = closest
                    .iter()
                    .map(|technology| format!("{} ({})", technology.as_str(), technology.label_en()))
                    .collect();
                write!(
                    formatter,
                    "technologies: unknown technology `{name}`; closest: {}; valid codes: {} (English and Dutch labels and synonyms such as drones, AI, cyber work too)",
                    suggestions.join(", "),
                    technology_codes()
                )
            }
            RejectionReason::OrganisationNotAName => {
                formatter.write_str("`organisation` must be a name")
            }
            RejectionReason::UnknownOrganisation { name, near } if near.is_empty() => write!(
                formatter,
                "organisation: no defence organisation is called `{name}` (create it with --create-organisations)"
            ),
            RejectionReason::UnknownOrganisation { name, near } => write!(
                formatter,
                "organisation: no defence organisation is called `{name}`; did you mean {}? (or create it with --create-organisations)",
                near.iter()
                    .map(|name| format!("`{name}`"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
            RejectionReason::StatusNotText => formatter.write_str("`status` must be text"),
            RejectionReason::UnknownStatus { value } => write!(
                formatter,
                "status: `{value}` is not one of: {}",
                status_codes()
            ),
            RejectionReason::MissingField { field } => {
                write!(formatter, "missing field `{field}`")
            }
            RejectionReason::InvalidValue { field, detail, .. } if field.is_empty() => {
                formatter.write_str(detail)
            }
            RejectionReason::InvalidValue { field, detail, .. } => {
                write!(formatter, "{field}: {detail}")
            }
            RejectionReason::Invalid(error) => fmt::Display::fmt(error, formatter),
            RejectionReason::OutsideReach(outside) => fmt::Display::fmt(outside, formatter),
            RejectionReason::DatabaseRule { constraint } => {
                write!(formatter, "breaks database rule {constraint}")
            }
            RejectionReason::DatabaseRefused { detail } => formatter.write_str(detail),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::region::{Province, Rom};

    /// The English of each reason, word for word as `defmatch import`
    /// printed it before reasons were structured.
    #[test]
    fn the_english_wording_is_that_of_defmatch_import() {
        let cases = [
            (
                RejectionReason::not_a_date("closes_at", "31-02-2027"),
                "closes_at: `31-02-2027` is not a date (write YYYY-MM-DD or DD-MM-YYYY)",
            ),
            (
                RejectionReason::not_yes_or_no("dual_use", "misschien"),
                "dual_use: `misschien` is neither yes nor no (write ja/nee, yes/no, true/false or 1/0)",
            ),
            (
                RejectionReason::not_an_amount("budget", "veel"),
                "budget: `veel` is not an amount in euros (write 100000 or 100.000)",
            ),
            (
                RejectionReason::duplicate_external_id("ROM-001", 2, 8),
                "external_id `ROM-001` appears twice in the file: on line 2 and on line 8 (only line 2 is imported)",
            ),
            (
                RejectionReason::unknown_organisation("NATO", Vec::new()),
                "organisation: no defence organisation is called `NATO` (create it with --create-organisations)",
            ),
            (
                RejectionReason::unknown_organisation(
                    "Koninklijke Marinie",
                    vec!["Koninklijke Marine".to_owned(), "Marine".to_owned()],
                ),
                "organisation: no defence organisation is called `Koninklijke Marinie`; did you mean `Koninklijke Marine` or `Marine`? (or create it with --create-organisations)",
            ),
            (
                RejectionReason::unknown_status("postponed"),
                "status: `postponed` is not one of: draft, published, open, closed, awarded, withdrawn",
            ),
            (
                RejectionReason::Invalid(ValidationError::new("kvk_number", Rule::KvkRequired)),
                "kvk_number: a Dutch start-up needs its KvK number",
            ),
            (
                RejectionReason::DatabaseRule {
                    constraint: "startups_kvk_number_key".to_owned(),
                },
                "breaks database rule startups_kvk_number_key",
            ),
            (
                RejectionReason::OutsideReach(OutsideReach::StoredElsewhere {
                    province: Province::Utrecht,
                    rom: Rom::Bom,
                }),
                "external_id: this external id is a start-up in Utrecht (NL-UT), outside the provinces of BOM",
            ),
        ];
        for (reason, english) in cases {
            assert_eq!(reason.to_string(), english);
        }
    }

    #[test]
    fn an_unknown_technology_names_the_closest_and_every_code() {
        let reason = RejectionReason::unknown_technology(
            " Warpaandrijving ",
            vec![Technology::EnergyPropulsion],
        )
        .to_string();
        assert!(
            reason.starts_with(
                "technologies: unknown technology `Warpaandrijving`; closest: energy-propulsion ("
            ),
            "{reason}"
        );
        assert!(reason.contains("; valid codes: ai-data, "), "{reason}");
    }

    #[test]
    fn a_long_value_is_shortened_when_the_reason_is_built() {
        let cell = "9".repeat(1_000_000);
        let reason = RejectionReason::not_a_date("closes_at", &cell).to_string();
        assert!(reason.len() < 300, "{}", reason.len());
        assert!(reason.contains("(999880 more characters)`"), "{reason}");
    }
}

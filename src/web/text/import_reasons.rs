//! Why an imported row was rejected, in the visitor's language. English is
//! the reason's own wording (the one `defmatch import` prints and the report
//! CSV holds); Dutch is written here from the same facts. Values from the
//! file arrive shortened already (`import::rejection`), so no wording here
//! repeats a whole cell.
//!
//! Like the English, a Dutch reason names the column by its English field
//! name (`closes_at`): that is the one name every file's header maps to, and
//! the import documentation lists the Dutch headers beside it.

use super::errors::rule_message;
use super::Language;
use crate::app::imports::{status_codes, technology_codes, RejectionReason, ValueProblem};
use crate::domain::policy::OutsideReach;
use crate::domain::region::Rom;
use crate::domain::taxonomy::Technology;

/// `reason` as a page shows it to a visitor of `language`.
pub fn rejection_reason_text(reason: &RejectionReason, language: Language) -> String {
    match language {
        Language::English => reason.to_string(),
        Language::Dutch => dutch(reason),
    }
}

fn dutch(reason: &RejectionReason) -> String {
    match reason {
        RejectionReason::NotAJsonObject => "een regel moet één JSON-object bevatten".to_owned(),
        RejectionReason::MalformedJson { column, .. } => {
            format!("geen geldige JSON (de fout zit bij teken {column} van de regel)")
        }
        RejectionReason::UnevenCsvRow {
            expected_cells,
            found_cells,
            ..
        } => format!(
            "ongeldige CSV: deze rij heeft {}, de rijen ervoor hebben er {expected_cells}",
            cells(*found_cells)
        ),
        // The CSV reader's own words: there is no knowing what else it may say.
        RejectionReason::MalformedCsv { detail } => format!("ongeldige CSV ({detail})"),
        RejectionReason::ExcelError { column, error } => {
            format!("{column}: de cel bevat de Excel-fout {error}")
        }
        RejectionReason::NotYesOrNo { field, value } => format!(
            "{field}: `{value}` is geen ja of nee (schrijf ja/nee, yes/no, true/false of 1/0)"
        ),
        RejectionReason::NotAnAmount { field, value } => format!(
            "{field}: `{value}` is geen bedrag in euro's (schrijf 100000 of 100.000)"
        ),
        RejectionReason::NotADate { field, value } => {
            format!("{field}: `{value}` is geen datum (schrijf JJJJ-MM-DD of DD-MM-JJJJ)")
        }
        RejectionReason::MissingExternalId => {
            "de rij heeft geen `external_id` (of `id`, `kenmerk`) van 1 tot en met 200 tekens"
                .to_owned()
        }
        RejectionReason::DuplicateExternalId {
            external_id,
            first_line,
            line,
        } => format!(
            "external_id `{external_id}` staat twee keer in het bestand: op regel {first_line} en op regel {line} (alleen regel {first_line} wordt geïmporteerd)"
        ),
        RejectionReason::TechnologiesNotNames => {
            "technologies moet een lijst van namen zijn".to_owned()
        }
        RejectionReason::UnknownTechnology { name, closest } => {
            unknown_technology(name, closest)
        }
        RejectionReason::OrganisationNotAName => "`organisation` moet een naam zijn".to_owned(),
        RejectionReason::UnknownOrganisation { name, near } => {
            unknown_organisation(name, near)
        }
        RejectionReason::StatusNotText => "`status` moet tekst zijn".to_owned(),
        RejectionReason::UnknownStatus { value } => {
            format!("status: `{value}` is geen van: {}", status_codes())
        }
        RejectionReason::MissingField { field } => {
            format!("het veld `{field}` ontbreekt, en het is verplicht")
        }
        RejectionReason::InvalidValue {
            field,
            detail,
            problem,
        } => invalid_value(field, detail, problem),
        RejectionReason::Invalid(error) => format!(
            "{}: {}",
            error.field,
            rule_message(&error.rule, Language::Dutch)
        ),
        RejectionReason::OutsideReach(outside) => outside_reach(outside),
        RejectionReason::DatabaseRule { constraint } => {
            format!("de database weigert de rij: die breekt de regel {constraint}")
        }
        // PostgreSQL's own words, which only it knows.
        RejectionReason::DatabaseRefused { detail } => {
            format!("de database weigert de rij ({detail})")
        }
    }
}

/// "1 cel", "3 cellen".
fn cells(count: u64) -> String {
    if count == 1 {
        "1 cel".to_owned()
    } else {
        format!("{count} cellen")
    }
}

fn unknown_technology(name: &str, closest: &[Technology]) -> String {
    let suggestions: Vec<String> = closest
        .iter()
        .map(|technology| {
            format!(
                "{} ({})",
                technology.as_str(),
                Language::Dutch.technology_name(*technology)
            )
        })
        .collect();
    format!(
        "technologies: onbekende technologie `{name}`; het meest lijken erop: {}; geldige codes: {} (Engelse en Nederlandse namen en synoniemen zoals drones, AI, cyber werken ook)",
        suggestions.join(", "),
        technology_codes()
    )
}

/// On a page the way out is the form's check box, not the command line's
/// `--create-organisations` that the English names.
fn unknown_organisation(name: &str, near: &[String]) -> String {
    let create = Language::Dutch.text().imports.create_organisations;
    if near.is_empty() {
        return format!(
            "organisation: er is geen defensieorganisatie met de naam `{name}` (laat haar aanmaken met ‘{create}’)"
        );
    }
    let names: Vec<String> = near.iter().map(|known| format!("`{known}`")).collect();
    format!(
        "organisation: er is geen defensieorganisatie met de naam `{name}`; bedoel je {}? (of laat haar aanmaken met ‘{create}’)",
        names.join(" of ")
    )
}

fn invalid_value(field: &str, detail: &str, problem: &ValueProblem) -> String {
    let prefix = if field.is_empty() {
        String::new()
    } else {
        format!("{field}: ")
    };
    let what = match problem {
        ValueProblem::NotOneOf { value, choices } => {
            format!("`{value}` is geen van: {}", choices.join(", "))
        }
        ValueProblem::NotWholeNumber { value } => format!("`{value}` is geen heel getal"),
        ValueProblem::NotCountryCode { value } => {
            format!("`{value}` is geen landcode (schrijf de twee letters van ISO 3166-1, zoals NL)")
        }
        ValueProblem::Rule(rule) => rule_message(rule, Language::Dutch),
        // Only the deserialiser's English says what is wrong.
        ValueProblem::Other => format!("deze waarde kan niet gelezen worden ({detail})"),
    };
    format!("{prefix}{what}")
}

fn outside_reach(outside: &OutsideReach) -> String {
    match outside {
        OutsideReach::Province { province, rom } => format!(
            "province: {} ({}) ligt buiten de provincies van {} ({}); een ROM-medewerker importeert alleen start-ups van de eigen provincies",
            province.name(),
            province.as_str(),
            rom.name(),
            provinces_of(*rom)
        ),
        OutsideReach::NoProvince { rom } => format!(
            "province: de rij noemt geen provincie; een ROM-medewerker importeert alleen start-ups van de provincies van {} ({})",
            rom.name(),
            provinces_of(*rom)
        ),
        OutsideReach::StoredElsewhere { province, rom } => format!(
            "external_id: dit externe kenmerk is een start-up in {} ({}), buiten de provincies van {}",
            province.name(),
            province.as_str(),
            rom.name()
        ),
    }
}

fn provinces_of(rom: Rom) -> String {
    rom.provinces()
        .iter()
        .map(|province| province.name())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::region::Province;
    use crate::domain::{Rule, ValidationError};

    fn in_dutch(reason: RejectionReason) -> String {
        rejection_reason_text(&reason, Language::Dutch)
    }

    #[test]
    fn english_is_the_reason_as_defmatch_import_prints_it() {
        let reason = RejectionReason::not_a_date("closes_at", "31-02-2027");
        assert_eq!(
            rejection_reason_text(&reason, Language::English),
            reason.to_string()
        );
    }

    #[test]
    fn a_bad_date_is_no_date_with_the_forms_that_work() {
        assert_eq!(
            in_dutch(RejectionReason::not_a_date("closes_at", "31-02-2027")),
            "closes_at: `31-02-2027` is geen datum (schrijf JJJJ-MM-DD of DD-MM-JJJJ)"
        );
    }

    #[test]
    fn an_unknown_technology_offers_the_closest_with_their_dutch_names() {
        let text = in_dutch(RejectionReason::unknown_technology(
            "Warpaandrijving",
            vec![Technology::EnergyPropulsion, Technology::Space],
        ));
        assert!(
            text.starts_with("technologies: onbekende technologie `Warpaandrijving`; het meest lijken erop: energy-propulsion ("),
            "{text}"
        );
        assert!(
            text.contains(Technology::EnergyPropulsion.label_nl()),
            "{text}"
        );
        assert!(text.contains("geldige codes: ai-data, "), "{text}");
        assert!(!text.contains("closest"), "{text}");
    }

    #[test]
    fn an_unknown_organisation_names_the_near_ones_and_the_check_box() {
        assert_eq!(
            in_dutch(RejectionReason::unknown_organisation(
                "Koninklijke Marechausee",
                vec!["Koninklijke Marine".to_owned(), "Marine".to_owned()]
            )),
            "organisation: er is geen defensieorganisatie met de naam `Koninklijke Marechausee`; bedoel je `Koninklijke Marine` of `Marine`? (of laat haar aanmaken met ‘Defensieorganisaties aanmaken die nog niet bestaan’)"
        );
        let none = in_dutch(RejectionReason::unknown_organisation("NATO", Vec::new()));
        assert!(
            none.ends_with("`NATO` (laat haar aanmaken met ‘Defensieorganisaties aanmaken die nog niet bestaan’)"),
            "{none}"
        );
    }

    #[test]
    fn a_duplicate_names_both_lines() {
        assert_eq!(
            in_dutch(RejectionReason::duplicate_external_id("ROM-001", 2, 8)),
            "external_id `ROM-001` staat twee keer in het bestand: op regel 2 en op regel 8 (alleen regel 2 wordt geïmporteerd)"
        );
    }

    #[test]
    fn a_domain_rule_is_worded_by_the_rules_dutch() {
        assert_eq!(
            in_dutch(RejectionReason::Invalid(ValidationError::new(
                "trl_min",
                Rule::TrlRangeInverted
            ))),
            format!(
                "trl_min: {}",
                rule_message(&Rule::TrlRangeInverted, Language::Dutch)
            )
        );
    }

    #[test]
    fn a_value_the_field_cannot_hold_is_explained_by_what_is_wrong() {
        let value = |problem: ValueProblem| {
            in_dutch(RejectionReason::InvalidValue {
                field: "trl".to_owned(),
                detail: "the English detail".to_owned(),
                problem,
            })
        };
        assert_eq!(
            value(ValueProblem::NotWholeNumber {
                value: "veel".to_owned()
            }),
            "trl: `veel` is geen heel getal"
        );
        assert_eq!(
            value(ValueProblem::Rule(Rule::OutOfRange { min: 1, max: 9 })),
            "trl: Kies een waarde van 1 tot en met 9."
        );
        assert_eq!(
            value(ValueProblem::NotOneOf {
                value: "NL-XX".to_owned(),
                choices: vec!["NL-DR".to_owned(), "NL-FL".to_owned()]
            }),
            "trl: `NL-XX` is geen van: NL-DR, NL-FL"
        );
        assert_eq!(
            value(ValueProblem::Other),
            "trl: deze waarde kan niet gelezen worden (the English detail)"
        );
        assert_eq!(
            in_dutch(RejectionReason::MissingField {
                field: "title".to_owned()
            }),
            "het veld `title` ontbreekt, en het is verplicht"
        );
    }

    #[test]
    fn a_row_outside_the_officers_provinces_names_them() {
        let text = in_dutch(RejectionReason::OutsideReach(OutsideReach::Province {
            province: Province::Utrecht,
            rom: Rom::Bom,
        }));
        assert!(
            text.starts_with("province: Utrecht (NL-UT) ligt buiten de provincies van BOM ("),
            "{text}"
        );
        assert!(text.contains("Noord-Brabant"), "{text}");
    }

    #[test]
    fn an_uneven_csv_row_counts_its_cells() {
        assert_eq!(
            in_dutch(RejectionReason::UnevenCsvRow {
                detail: "CSV error".to_owned(),
                expected_cells: 5,
                found_cells: 1,
            }),
            "ongeldige CSV: deze rij heeft 1 cel, de rijen ervoor hebben er 5"
        );
    }
}

//! Reading the text of a cell as people type it in a spreadsheet: lists in
//! one cell, ja/nee, Dutch amounts (`€ 100.000`), Dutch dates
//! (`01-04-2027`) and province names.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;

use super::columns::CellKind;
use super::rejection::RejectionReason;
use crate::domain::amsterdam;
use crate::domain::region::Province;

/// Reads a text cell of `field` as its column's kind; values that are not
/// text (from JSON Lines) are kept as they are.
pub fn read_cell(
    field: &str,
    kind: CellKind,
    value: Value,
    delimiter: u8,
) -> Result<Value, RejectionReason> {
    let Value::String(text) = value else {
        return Ok(value);
    };
    let text = text.trim();
    Ok(match kind {
        CellKind::Text => Value::String(text.to_owned()),
        CellKind::List => Value::Array(
            split_list(text, delimiter)
                .into_iter()
                .map(Value::String)
                .collect(),
        ),
        CellKind::Boolean => match text.to_lowercase().as_str() {
            "true" | "yes" | "ja" | "j" | "y" | "1" | "x" => Value::Bool(true),
            "false" | "no" | "nee" | "n" | "0" => Value::Bool(false),
            _ => return Err(RejectionReason::not_yes_or_no(field, text)),
        },
        CellKind::Euros => {
            Value::from(euros(text).ok_or_else(|| RejectionReason::not_an_amount(field, text))?)
        }
        CellKind::Date { deadline } => Value::String(
            date(text, deadline)
                .ok_or_else(|| RejectionReason::not_a_date(field, text))?
                .to_rfc3339(),
        ),
    })
}

/// The items of a list cell. In a file separated by commas the items are
/// separated by `;` or `|`; in one separated by semicolons (where `;` cannot
/// appear unquoted) by `,` or `|`. A line break inside a cell (Alt+Enter in
/// Excel) separates items in both.
pub fn split_list(text: &str, delimiter: u8) -> Vec<String> {
    let separators: &[char] = if delimiter == b',' {
        &[';', '|', '\n']
    } else {
        &[',', ';', '|', '\n']
    };
    text.split(separators)
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}

/// An amount in whole euros: `100000`, `100.000`, `100,000`, `€ 100.000,00`,
/// `EUR 1.5` is refused (a fraction of a thousand is a typo more often than not).
pub fn euros(text: &str) -> Option<i64> {
    let digits: String = text
        .trim()
        .trim_start_matches('€')
        .trim_start_matches("EUR")
        .trim_end_matches("EUR")
        .chars()
        .filter(|character| !character.is_whitespace())
        .collect();
    // Cents of zero, Dutch (",00", ",-") or English (".00").
    let whole = digits
        .strip_suffix(",-")
        .or_else(|| digits.strip_suffix(",00"))
        .or_else(|| digits.strip_suffix(".00"))
        .unwrap_or(&digits);
    if whole.is_empty() {
        return None;
    }
    let groups: Vec<&str> = whole.split(['.', ',']).collect();
    let grouped = groups.len() > 1
        && !groups[0].is_empty()
        && groups[0].len() <= 3
        && groups[1..].iter().all(|group| group.len() == 3);
    if groups.len() > 1 && !grouped {
        return None;
    }
    let plain: String = groups.concat();
    if !plain.chars().all(|character| character.is_ascii_digit()) {
        return None;
    }
    plain.parse().ok()
}

/// An instant from a cell: a full RFC 3339 timestamp as it is, or a date
/// (`YYYY-MM-DD`, `DD-MM-YYYY`, also with `/` or `.`), meaning the start of
/// that day in Europe/Amsterdam, or its end for a deadline.
pub fn date(text: &str, deadline: bool) -> Option<DateTime<Utc>> {
    if let Ok(instant) = DateTime::parse_from_rfc3339(text) {
        return Some(instant.with_timezone(&Utc));
    }
    if let Some(day) = excel_serial_day(text) {
        return Some(if deadline {
            amsterdam::end_of_day(day)
        } else {
            amsterdam::start_of_day(day)
        });
    }
    let parts: Vec<&str> = text.split(['-', '/', '.']).collect();
    let [first, second, third] = parts.as_slice() else {
        return None;
    };
    let number = |part: &str| -> Option<u32> {
        if part.is_empty() || part.len() > 4 || !part.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    };
    let (year, month, day) = if first.len() == 4 {
        (number(first)?, number(second)?, number(third)?)
    } else if third.len() == 4 {
        (number(third)?, number(second)?, number(first)?)
    } else {
        return None;
    };
    let day = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    Some(if deadline {
        amsterdam::end_of_day(day)
    } else {
        amsterdam::start_of_day(day)
    })
}

/// An Excel serial date, as a date cell formatted as a number shows it
/// (`46478` is 2027-04-01): five digits, days since 1899-12-30.
fn excel_serial_day(text: &str) -> Option<NaiveDate> {
    if text.len() != 5 || !text.chars().all(|character| character.is_ascii_digit()) {
        return None;
    }
    let days: u64 = text.parse().ok()?;
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(chrono::Days::new(days))
}

/// A province by code (`NL-NH`), name (`Noord-Holland`, `Fryslân`) or the
/// usual abbreviation (`NH`), whatever the case.
pub fn province_code(text: &str) -> Option<Province> {
    let wanted = simplify(text);
    Province::ALL.iter().copied().find(|province| {
        let code = province.as_str();
        let name = province.name();
        let bare_name = name.split(" (").next().unwrap_or(name);
        wanted == simplify(code)
            || wanted == simplify(&code[3..])
            || wanted == simplify(bare_name)
            || (*province == Province::Friesland && (wanted == "fryslan"))
    })
}

fn simplify(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .replace('â', "a")
        .chars()
        .filter(|character| character.is_alphanumeric())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dutch_and_english_amounts_are_whole_euros() {
        assert_eq!(euros("100000"), Some(100_000));
        assert_eq!(euros("€ 100.000"), Some(100_000));
        assert_eq!(euros("€ 1.250.000,00"), Some(1_250_000));
        assert_eq!(euros("100,000"), Some(100_000));
        assert_eq!(euros("€ 250.000,-"), Some(250_000));
        assert_eq!(euros("1.5"), None);
        assert_eq!(euros("veel"), None);
        assert_eq!(euros("€"), None);
    }

    #[test]
    fn an_excel_serial_date_is_a_day() {
        assert_eq!(
            excel_serial_day("46478"),
            NaiveDate::from_ymd_opt(2027, 4, 1)
        );
        assert_eq!(excel_serial_day("2027"), None);
        assert_eq!(date("46478", true), date("2027-04-01", true));
    }

    #[test]
    fn dates_mean_a_day_in_amsterdam() {
        let utc = |text: &str| text.parse::<DateTime<Utc>>().expect("instant");
        assert_eq!(date("2027-04-01", true), Some(utc("2027-04-01T21:59:59Z")));
        assert_eq!(date("01-04-2027", true), Some(utc("2027-04-01T21:59:59Z")));
        assert_eq!(date("1/4/2027", false), Some(utc("2027-03-31T22:00:00Z")));
        assert_eq!(
            date("2027-04-01T12:00:00Z", true),
            Some(utc("2027-04-01T12:00:00Z"))
        );
        assert_eq!(date("31-02-2027", true), None);
        assert_eq!(date("01-04-27", true), None);
        assert_eq!(date("morgen", true), None);
    }

    #[test]
    fn provinces_by_code_name_or_abbreviation() {
        assert_eq!(province_code("NL-NH"), Some(Province::NoordHolland));
        assert_eq!(province_code("noord-holland"), Some(Province::NoordHolland));
        assert_eq!(province_code("Fryslân"), Some(Province::Friesland));
        assert_eq!(province_code("Friesland"), Some(Province::Friesland));
        assert_eq!(province_code("ZH"), Some(Province::ZuidHolland));
        assert_eq!(province_code("Atlantis"), None);
    }

    #[test]
    fn list_cells_split_on_the_separator_the_file_leaves_free() {
        assert_eq!(
            split_list("ai-data; Sensors", b','),
            vec!["ai-data", "Sensors"]
        );
        assert_eq!(split_list("Drones, AI", b';'), vec!["Drones", "AI"]);
        assert_eq!(split_list("radar\nlidar", b','), vec!["radar", "lidar"]);
    }
}

//! Reading an Excel workbook (`.xlsx`) as the CSV path reads a sheet saved
//! as CSV: the first row holds the headers, each cell becomes the text a
//! person would have typed (a date as `YYYY-MM-DD`, a whole number without
//! `.0`), and a record's line is the sheet's row number as Excel shows it.

use std::io::Cursor;

use anyhow::Context;
use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use serde_json::{Map, Value};

use super::records::RawRecord;
use super::rejection::{Rejection, RejectionReason};

/// The first bytes of a ZIP archive, which an `.xlsx` file is.
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";

/// Whether `bytes` look like an `.xlsx` workbook (a ZIP archive).
pub fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(ZIP_MAGIC)
}

/// The records of the sheet `sheet` (the first sheet when `None`) of the
/// workbook `bytes`, and the name of the sheet read.
pub fn read_workbook(
    bytes: Vec<u8>,
    sheet: Option<&str>,
) -> anyhow::Result<(Vec<RawRecord>, Vec<Rejection>, String)> {
    let mut workbook: Xlsx<_> =
        open_workbook_from_rs(Cursor::new(bytes)).context("not a readable .xlsx workbook")?;
    let names = workbook.sheet_names();
    let name = match sheet {
        Some(wanted) => names
            .iter()
            .find(|name| name.eq_ignore_ascii_case(wanted.trim()))
            .cloned()
            .with_context(|| {
                format!(
                    "the workbook has no sheet `{wanted}`; its sheets: {}",
                    names.join(", ")
                )
            })?,
        None => names
            .first()
            .cloned()
            .context("the workbook has no sheets")?,
    };
    let range = workbook
        .worksheet_range(&name)
        .with_context(|| format!("failed to read the sheet `{name}`"))?;
    // The range starts at its first non-empty cell; Excel numbers rows from 1.
    let first_row = range.start().map_or(0, |(row, _)| row as usize) + 1;
    let mut rows = range.rows();
    let Some(header_row) = rows.next() else {
        return Ok((Vec::new(), Vec::new(), name));
    };
    let headers: Vec<String> = header_row
        .iter()
        .map(|cell| cell_text(cell).trim().to_owned())
        .collect();
    let mut records = Vec::new();
    let mut rejections = Vec::new();
    for (index, row) in rows.enumerate() {
        let line = first_row + 1 + index;
        if row.iter().all(|cell| cell_text(cell).trim().is_empty()) {
            continue;
        }
        let mut fields = Map::new();
        for (header, cell) in headers.iter().zip(row.iter()) {
            if let Data::Error(error) = cell {
                rejections.push(Rejection {
                    line,
                    reason: RejectionReason::excel_error(header, &error.to_string()),
                });
                continue;
            }
            let text = cell_text(cell);
            let text = text.trim();
            if header.is_empty() && text.is_empty() {
                continue;
            }
            if text.is_empty() {
                fields.entry(header.clone()).or_insert(Value::Null);
                continue;
            }
            fields.insert(header.clone(), Value::String(text.to_owned()));
        }
        if rejections.last().is_some_and(|last| last.line == line) {
            continue;
        }
        records.push(RawRecord {
            line,
            fields,
            // A list cell in a workbook is split on `,`, `;`, `|` or lines,
            // as in a semicolon-separated file.
            delimiter: b';',
        });
    }
    Ok((records, rejections, name))
}

/// A cell as the text a CSV export of it would hold.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(text) | Data::DateTimeIso(text) | Data::DurationIso(text) => text.clone(),
        Data::Int(number) => number.to_string(),
        Data::Float(number) => number_text(*number),
        Data::Bool(true) => "true".to_owned(),
        Data::Bool(false) => "false".to_owned(),
        // A date cell is a day (import dates are days in Europe/Amsterdam);
        // a time of day in it is dropped.
        Data::DateTime(moment) => match moment.as_datetime() {
            Some(datetime) => datetime.date().format("%Y-%m-%d").to_string(),
            None => number_text(moment.as_f64()),
        },
    }
}

/// A number as typed: `2027`, not `2027.0`; `12.5` as it is.
fn number_text(number: f64) -> String {
    if number.fract() == 0.0 && number.abs() < 1e15 {
        format!("{number:.0}")
    } else {
        number.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_lose_the_spurious_fraction() {
        assert_eq!(number_text(2027.0), "2027");
        assert_eq!(number_text(12.5), "12.5");
        assert_eq!(cell_text(&Data::Float(100000.0)), "100000");
        assert_eq!(cell_text(&Data::Int(7)), "7");
    }

    #[test]
    fn a_zip_archive_is_taken_for_a_workbook() {
        assert!(is_workbook(b"PK\x03\x04rest"));
        assert!(!is_workbook(b"id;naam\n"));
    }
}

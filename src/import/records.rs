//! Import records: JSON Lines or CSV, one start-up or challenge per line,
//! keyed by an external id so that importing a file again updates instead
//! of duplicating. Headers may be Dutch (`columns`), cells are read as
//! people type them (`values`). Each record is validated by the same domain
//! rules as the API; a rejected record is reported with its line number and
//! reason.

use std::path::Path;

use anyhow::Context;
use serde_json::{Map, Value};

use super::columns::{canonical_fields, columns, CellKind};
use super::decode::{decode, sniff_delimiter, Encoding};
use super::rejection::{bounded_detail, Rejection, RejectionReason};
use super::run::RecordKind;
use super::serde_messages::deserialise_reason;
use super::technology_areas::{technology_for, unknown_technology};
use super::values::{province_code, read_cell};
use super::xlsx::{is_workbook, read_workbook};
use crate::domain::challenge::{ChallengeInput, ChallengeStatus};
use crate::domain::startup::StartupInput;

/// One line of an import file, not yet validated.
#[derive(Debug, Clone)]
pub struct RawRecord {
    /// 1-based physical line number where the record starts (the header of
    /// a CSV file is line 1; a quoted cell may span lines).
    pub line: usize,
    pub fields: Map<String, Value>,
    /// The separator of the file's cells (`,` for JSON Lines): list cells
    /// are split on the others.
    pub delimiter: u8,
}

/// An import file, read: its records, the lines that could not be read, and
/// how it was read.
#[derive(Debug)]
pub struct SourceFile {
    pub records: Vec<RawRecord>,
    pub rejections: Vec<Rejection>,
    pub encoding: Encoding,
    /// The cell separator of a CSV file; `None` for JSON Lines and workbooks.
    pub delimiter: Option<u8>,
    /// The sheet read, for an `.xlsx` workbook.
    pub sheet: Option<String>,
}

/// Reads a JSON Lines (`.jsonl`, `.json`), CSV (`.csv`, `.txt`) or Excel
/// (`.xlsx`, first sheet) file, in UTF-8 or Windows-1252, separated by
/// commas, semicolons or tabs.
pub fn read_records(path: &Path) -> anyhow::Result<SourceFile> {
    read_records_from_sheet(path, None)
}

/// Like [`read_records`], reading the sheet `sheet` of a workbook.
pub fn read_records_from_sheet(path: &Path, sheet: Option<&str>) -> anyhow::Result<SourceFile> {
    let bytes =
        std::fs::read(path).with_context(|| format!("failed to read {}", path.display()))?;
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned());
    read_bytes(bytes, name.as_deref().unwrap_or_default(), sheet)
}

/// Reads the bytes of an import file named `file_name`: an `.xlsx` workbook
/// by its extension or its ZIP signature, CSV by the extension `.csv` or
/// `.txt`, JSON Lines otherwise.
pub fn read_bytes(
    bytes: Vec<u8>,
    file_name: &str,
    sheet: Option<&str>,
) -> anyhow::Result<SourceFile> {
    let extension = Path::new(file_name)
        .extension()
        .map(|extension| extension.to_string_lossy().to_ascii_lowercase());
    if extension.as_deref() == Some("xlsx") || is_workbook(&bytes) {
        let (records, rejections, sheet) = read_workbook(bytes, sheet)?;
        return Ok(SourceFile {
            records,
            rejections,
            encoding: Encoding::Utf8,
            delimiter: None,
            sheet: Some(sheet),
        });
    }
    if let Some(sheet) = sheet {
        anyhow::bail!("a sheet (`{sheet}`) is named, but {file_name} is not an .xlsx workbook");
    }
    let is_csv = matches!(extension.as_deref(), Some("csv" | "txt"));
    let (text, encoding) = decode(&bytes);
    if is_csv {
        let delimiter = sniff_delimiter(&text);
        let (records, rejections) = read_csv(&text, delimiter)?;
        Ok(SourceFile {
            records,
            rejections,
            encoding,
            delimiter: Some(delimiter),
            sheet: None,
        })
    } else {
        let (records, rejections) = read_json_lines(&text);
        Ok(SourceFile {
            records,
            rejections,
            encoding,
            delimiter: None,
            sheet: None,
        })
    }
}

fn read_json_lines(text: &str) -> (Vec<RawRecord>, Vec<Rejection>) {
    let mut records = Vec::new();
    let mut rejections = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line_number = index + 1;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Value>(line) {
            Ok(Value::Object(fields)) => records.push(RawRecord {
                line: line_number,
                fields,
                delimiter: b',',
            }),
            Ok(_) => rejections.push(Rejection {
                line: line_number,
                reason: RejectionReason::NotAJsonObject,
            }),
            Err(error) => rejections.push(Rejection {
                line: line_number,
                reason: RejectionReason::MalformedJson {
                    detail: bounded_detail(&error.to_string()),
                    column: error.column(),
                },
            }),
        }
    }
    (records, rejections)
}

fn read_csv(text: &str, delimiter: u8) -> anyhow::Result<(Vec<RawRecord>, Vec<Rejection>)> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .context("failed to read the CSV header")?
        .clone();
    let mut records = Vec::new();
    let mut rejections = Vec::new();
    let lines = LineIndex::new(text);
    let mut row = csv::StringRecord::new();
    loop {
        // The position before reading is where the next record starts,
        // also when it turns out malformed.
        let next_start = reader.position().byte();
        match reader.read_record(&mut row) {
            Ok(false) => break,
            Ok(true) => {}
            Err(error) => {
                let start = error.position().map_or(next_start, csv::Position::byte);
                rejections.push(Rejection {
                    line: lines.line_of(start),
                    reason: csv_reason(&error),
                });
                continue;
            }
        }
        let line = lines.line_of(row.position().map_or(next_start, csv::Position::byte));
        // Excel writes rows of only separators below the data.
        if row.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        let mut fields = Map::new();
        for (header, cell) in headers.iter().zip(row.iter()) {
            let cell = cell.trim();
            if header.trim().is_empty() && cell.is_empty() {
                continue;
            }
            if cell.is_empty() {
                // An empty cell is an absent value, but its column is still
                // reported when no one knows it.
                fields
                    .entry(header.trim().to_owned())
                    .or_insert(Value::Null);
                continue;
            }
            fields.insert(header.trim().to_owned(), Value::String(cell.to_owned()));
        }
        records.push(RawRecord {
            line,
            fields,
            delimiter,
        });
    }
    Ok((records, rejections))
}

/// The reason a CSV row cannot be read: most often a row with more or
/// fewer cells than the header, which a page can say in words.
fn csv_reason(error: &csv::Error) -> RejectionReason {
    let detail = bounded_detail(&error.to_string());
    match error.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => RejectionReason::UnevenCsvRow {
            detail,
            expected_cells: *expected_len,
            found_cells: *len,
        },
        _ => RejectionReason::MalformedCsv { detail },
    }
}

/// Physical line numbers of byte offsets. The CSV reader counts lines
/// itself, but after a `\r\n` it counts the `\n` as part of the next
/// record, one line short on every Excel file; counting here is exact.
struct LineIndex<'text> {
    text: &'text [u8],
    newlines: Vec<usize>,
}

impl<'text> LineIndex<'text> {
    fn new(text: &'text str) -> Self {
        LineIndex {
            text: text.as_bytes(),
            newlines: text
                .bytes()
                .enumerate()
                .filter(|(_, byte)| *byte == b'\n')
                .map(|(offset, _)| offset)
                .collect(),
        }
    }

    /// The 1-based line of the first character at or after `offset` that
    /// is not a line break left over from the record before.
    fn line_of(&self, offset: u64) -> usize {
        let mut start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        while matches!(self.text.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        self.newlines.partition_point(|&newline| newline < start) + 1
    }
}

/// The fields of `raw` under their English names, each cell read as its
/// column's kind; empty cells dropped.
fn fields_of(kind: RecordKind, raw: RawRecord) -> Result<Map<String, Value>, RejectionReason> {
    let mut fields = Map::new();
    for (name, value) in canonical_fields(kind, raw.fields) {
        if value.is_null() && columns(kind).iter().any(|column| column.field == name) {
            continue;
        }
        let cell_kind = columns(kind)
            .iter()
            .find(|column| column.field == name)
            .map_or(CellKind::Text, |column| column.kind);
        let value = read_cell(&name, cell_kind, value, raw.delimiter)?;
        fields.insert(name, value);
    }
    Ok(fields)
}

/// The external id of a record, if it has a valid one (for finding
/// duplicates before the record is read in full).
pub fn external_id_of(kind: RecordKind, raw: &RawRecord) -> Option<String> {
    let mut fields = canonical_fields(kind, raw.fields.clone());
    take_external_id(&mut fields).ok()
}

/// Takes the external id out of a record.
fn take_external_id(fields: &mut Map<String, Value>) -> Result<String, RejectionReason> {
    match fields.remove("external_id") {
        Some(Value::String(id)) if !id.trim().is_empty() && id.trim().len() <= 200 => {
            Ok(id.trim().to_owned())
        }
        Some(Value::Number(number)) => Ok(number.to_string()),
        _ => Err(RejectionReason::MissingExternalId),
    }
}

/// Rewrites `technologies` into defmatch codes; an unknown name is an
/// error that names the closest choices. A label with a comma in it
/// ("Imaging, sensors and radar") that a list cell split is joined again.
fn map_technologies(fields: &mut Map<String, Value>) -> Result<(), RejectionReason> {
    let Some(value) = fields.get("technologies") else {
        return Ok(());
    };
    let names: Vec<String> = match value {
        Value::Array(items) => items
            .iter()
            .map(|item| item.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .ok_or(RejectionReason::TechnologiesNotNames)?,
        Value::String(text) => vec![text.clone()],
        _ => return Err(RejectionReason::TechnologiesNotNames),
    };
    let mut codes: Vec<Value> = Vec::new();
    let mut index = 0;
    while index < names.len() {
        let name = &names[index];
        let (technology, used) = match technology_for(name) {
            Some(technology) => (technology, 1),
            None => {
                let joined = names
                    .get(index + 1)
                    .and_then(|next| technology_for(&format!("{name}, {next}")));
                match joined {
                    Some(technology) => (technology, 2),
                    None => return Err(unknown_technology(name)),
                }
            }
        };
        let code = Value::String(technology.as_str().to_owned());
        if !codes.contains(&code) {
            codes.push(code);
        }
        index += used;
    }
    fields.insert("technologies".to_owned(), Value::Array(codes));
    Ok(())
}

/// Rewrites province names (`Noord-Holland`) in `field` into codes; what is
/// not a province is left for the domain to refuse with its message.
fn map_provinces(fields: &mut Map<String, Value>, field: &str) {
    let as_code = |value: &mut Value| {
        if let Value::String(text) = value {
            if let Some(province) = province_code(text) {
                *text = province.as_str().to_owned();
            }
        }
    };
    match fields.get_mut(field) {
        Some(Value::Array(items)) => items.iter_mut().for_each(as_code),
        Some(value) => as_code(value),
        None => {}
    }
}

/// Keeps only the fields of `allowed`; the others are dropped and named.
fn keep_known(fields: &mut Map<String, Value>, allowed: &[&str]) -> Vec<String> {
    let unknown: Vec<String> = fields
        .keys()
        .filter(|key| !allowed.contains(&key.as_str()))
        .cloned()
        .collect();
    for key in &unknown {
        fields.remove(key);
    }
    unknown
}

/// A start-up record, checked: its external id and its profile input.
#[derive(Debug)]
pub struct StartupRecord {
    pub line: usize,
    pub external_id: String,
    pub input: StartupInput,
    /// Fields the file had that defmatch does not know (ignored).
    pub ignored_fields: Vec<String>,
}

/// Turns a raw record into a start-up input.
pub fn startup_record(raw: RawRecord) -> Result<StartupRecord, Rejection> {
    let line = raw.line;
    let reject = |reason: RejectionReason| Rejection { line, reason };
    let mut fields = fields_of(RecordKind::Startups, raw).map_err(reject)?;
    let external_id = take_external_id(&mut fields).map_err(reject)?;
    map_technologies(&mut fields).map_err(reject)?;
    map_provinces(&mut fields, "province");
    let ignored_fields = keep_known(&mut fields, &StartupInput::FIELDS);
    let input: StartupInput = parse_input(Value::Object(fields)).map_err(reject)?;
    Ok(StartupRecord {
        line,
        external_id,
        input,
        ignored_fields,
    })
}

/// A challenge record, checked.
#[derive(Debug)]
pub struct ChallengeRecord {
    pub line: usize,
    pub external_id: String,
    /// The defence organisation as the file names it; `None` when absent.
    pub organisation: Option<String>,
    pub status: ChallengeStatus,
    pub input: ChallengeInput,
    pub ignored_fields: Vec<String>,
}

/// Longest summary derived from a description.
const DERIVED_SUMMARY_CHARS: usize = 400;

/// Turns a raw record into a challenge input. Missing parts get defaults
/// that suit imported history: status open, visibility public, any TRL, no
/// deadline, and a summary cut from the description.
pub fn challenge_record(raw: RawRecord) -> Result<ChallengeRecord, Rejection> {
    let line = raw.line;
    let reject = |reason: RejectionReason| Rejection { line, reason };
    let mut fields = fields_of(RecordKind::Challenges, raw).map_err(reject)?;
    let external_id = take_external_id(&mut fields).map_err(reject)?;
    // One amount for the budget is both ends of its range.
    if let Some(budget) = fields.remove("budget") {
        fields.entry("budget_min_eur").or_insert(budget.clone());
        fields.entry("budget_max_eur").or_insert(budget);
    }
    let organisation = match fields.remove("organisation") {
        Some(Value::String(name)) if !name.trim().is_empty() => {
            Some(name.trim().chars().take(200).collect())
        }
        None => None,
        _ => return Err(reject(RejectionReason::OrganisationNotAName)),
    };
    let status = match fields.remove("status") {
        None => ChallengeStatus::Open,
        Some(Value::String(status)) => status.trim().to_lowercase().parse().map_err(
            |error: crate::domain::text_enum::UnknownValue| {
                reject(RejectionReason::unknown_status(&error.value))
            },
        )?,
        Some(_) => return Err(reject(RejectionReason::StatusNotText)),
    };
    map_technologies(&mut fields).map_err(reject)?;
    map_provinces(&mut fields, "preferred_provinces");
    let ignored_fields = keep_known(&mut fields, &ChallengeInput::FIELDS);
    // A record of history may carry only a title: the title then stands
    // for the description too.
    let has_description = fields
        .get("description")
        .and_then(Value::as_str)
        .is_some_and(|text| !text.trim().is_empty());
    if !has_description {
        if let Some(title) = fields.get("title").cloned() {
            fields.insert("description".to_owned(), title);
        }
    }
    if !fields.contains_key("summary") {
        let description = fields
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let summary: String = description.chars().take(DERIVED_SUMMARY_CHARS).collect();
        fields.insert("summary".to_owned(), Value::String(summary));
    }
    fields.entry("trl_min").or_insert(Value::from(1));
    fields.entry("trl_max").or_insert(Value::from(9));
    fields.entry("visibility").or_insert(Value::from("public"));
    let input: ChallengeInput = parse_input(Value::Object(fields)).map_err(reject)?;
    Ok(ChallengeRecord {
        line,
        external_id,
        organisation,
        status,
        input,
        ignored_fields,
    })
}

/// Deserialises a record into an input type, naming the field at fault.
fn parse_input<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, RejectionReason> {
    serde_path_to_error::deserialize(value)
        .map_err(|error| deserialise_reason(&error.path().to_string(), &error.inner().to_string()))
}

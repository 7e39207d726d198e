//! Import records: JSON Lines or CSV, one start-up or challenge per line,
//! keyed by an external id so that importing a file again updates instead
//! of duplicating. Each record is validated by the same domain rules as
//! the API; a rejected record is reported with its line number and reason.

use std::io::BufRead;
use std::path::Path;

use anyhow::Context;
use serde_json::{Map, Value};

use super::technology_areas::technology_for;
use crate::domain::challenge::{ChallengeInput, ChallengeStatus};
use crate::domain::startup::StartupInput;

/// One line of an import file, not yet validated.
#[derive(Debug, Clone)]
pub struct RawRecord {
    /// 1-based line number (the header of a CSV file is line 1).
    pub line: usize,
    pub fields: Map<String, Value>,
}

/// A line that could not be read or validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub line: usize,
    pub reason: String,
}

/// Columns of a CSV file that hold lists, separated by `;`.
const LIST_COLUMNS: [&str; 4] = [
    "technologies",
    "keywords",
    "preferred_provinces",
    "export_control_categories",
];
/// Columns of a CSV file that hold true/false.
const BOOLEAN_COLUMNS: [&str; 2] = ["dual_use", "abdo_required"];

/// Reads a JSON Lines (`.jsonl`, `.json`) or CSV (`.csv`) file.
pub fn read_records(path: &Path) -> anyhow::Result<(Vec<RawRecord>, Vec<Rejection>)> {
    let is_csv = path
        .extension()
        .is_some_and(|extension| extension.eq_ignore_ascii_case("csv"));
    let file =
        std::fs::File::open(path).with_context(|| format!("failed to open {}", path.display()))?;
    if is_csv {
        read_csv(file)
    } else {
        read_json_lines(std::io::BufReader::new(file))
    }
}

fn read_json_lines(reader: impl BufRead) -> anyhow::Result<(Vec<RawRecord>, Vec<Rejection>)> {
    let mut records = Vec::new();
    let mut rejections = Vec::new();
    for (index, line) in reader.lines().enumerate() {
        let line_number = index + 1;
        let line = line.with_context(|| format!("failed to read line {line_number}"))?;
        // Editors on Windows often start a UTF-8 file with a byte-order mark.
        let text = if index == 0 {
            line.trim_start_matches('\u{feff}')
        } else {
            &line
        };
        if text.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(fields)) => records.push(RawRecord {
                line: line_number,
                fields,
            }),
            Ok(_) => rejections.push(Rejection {
                line: line_number,
                reason: "a line must hold one JSON object".to_owned(),
            }),
            Err(error) => rejections.push(Rejection {
                line: line_number,
                reason: format!("malformed JSON: {error}"),
            }),
        }
    }
    Ok((records, rejections))
}

fn read_csv(file: std::fs::File) -> anyhow::Result<(Vec<RawRecord>, Vec<Rejection>)> {
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(file);
    let headers = reader
        .headers()
        .context("failed to read the CSV header")?
        .clone();
    let mut records = Vec::new();
    let mut rejections = Vec::new();
    for (index, row) in reader.records().enumerate() {
        let line_number = index + 2;
        let row = match row {
            Ok(row) => row,
            Err(error) => {
                rejections.push(Rejection {
                    line: line_number,
                    reason: format!("malformed CSV: {error}"),
                });
                continue;
            }
        };
        let mut fields = Map::new();
        for (header, cell) in headers.iter().zip(row.iter()) {
            let cell = cell.trim();
            if cell.is_empty() {
                continue;
            }
            let value = if LIST_COLUMNS.contains(&header) {
                Value::Array(
                    cell.split(';')
                        .map(str::trim)
                        .filter(|item| !item.is_empty())
                        .map(|item| Value::String(item.to_owned()))
                        .collect(),
                )
            } else if BOOLEAN_COLUMNS.contains(&header) {
                match cell.to_lowercase().as_str() {
                    "true" | "yes" | "ja" | "1" => Value::Bool(true),
                    "false" | "no" | "nee" | "0" => Value::Bool(false),
                    _ => Value::String(cell.to_owned()),
                }
            } else {
                Value::String(cell.to_owned())
            };
            fields.insert(header.to_owned(), value);
        }
        records.push(RawRecord {
            line: line_number,
            fields,
        });
    }
    Ok((records, rejections))
}

/// Takes the external id (`external_id`, or `id`) out of a record.
fn take_external_id(fields: &mut Map<String, Value>) -> Result<String, String> {
    let value = fields.remove("external_id").or_else(|| fields.remove("id"));
    match value {
        Some(Value::String(id)) if !id.trim().is_empty() && id.len() <= 200 => {
            Ok(id.trim().to_owned())
        }
        Some(Value::Number(number)) => Ok(number.to_string()),
        _ => Err("needs an `external_id` (or `id`) of 1 to 200 characters".to_owned()),
    }
}

/// Rewrites `technologies` into defmatch codes; unknown names are an error.
fn map_technologies(fields: &mut Map<String, Value>) -> Result<(), String> {
    let Some(Value::Array(names)) = fields.get("technologies") else {
        return Ok(());
    };
    let mut codes = Vec::new();
    for name in names {
        let Some(text) = name.as_str() else {
            return Err("technologies must be a list of names".to_owned());
        };
        let technology =
            technology_for(text).ok_or_else(|| format!("unknown technology `{text}`"))?;
        if !codes.contains(&Value::String(technology.as_str().to_owned())) {
            codes.push(Value::String(technology.as_str().to_owned()));
        }
    }
    fields.insert("technologies".to_owned(), Value::Array(codes));
    Ok(())
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
    let reject = |reason: String| Rejection { line, reason };
    let mut fields = raw.fields;
    let external_id = take_external_id(&mut fields).map_err(reject)?;
    map_technologies(&mut fields).map_err(reject)?;
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
    /// Name of the defence organisation; created when it does not exist.
    pub organisation: String,
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
    let reject = |reason: String| Rejection { line, reason };
    let mut fields = raw.fields;
    let external_id = take_external_id(&mut fields).map_err(reject)?;
    let organisation = match fields.remove("organisation") {
        Some(Value::String(name)) if !name.trim().is_empty() => {
            name.trim().chars().take(200).collect()
        }
        None => "Imported challenges".to_owned(),
        _ => return Err(reject("`organisation` must be a name".to_owned())),
    };
    let status = match fields.remove("status") {
        None => ChallengeStatus::Open,
        Some(Value::String(status)) => {
            status
                .parse()
                .map_err(|error: crate::domain::text_enum::UnknownValue| {
                    reject(format!("status: {error}"))
                })?
        }
        Some(_) => return Err(reject("`status` must be text".to_owned())),
    };
    map_technologies(&mut fields).map_err(reject)?;
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
fn parse_input<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, String> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        if path.is_empty() || path == "." {
            error.inner().to_string()
        } else {
            format!("{path}: {}", error.inner())
        }
    })
}

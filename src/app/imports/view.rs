//! What an import did, row by row, for the preview and the final report.

use std::collections::HashMap;

use uuid::Uuid;

use crate::import::{FileFormat, ImportReport, RecordKind, RejectionReason, Written};

/// What became of one row of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowOutcome {
    /// Created, updated or left unchanged (or, in a preview, would be).
    Written(Written),
    /// Rejected, and why: facts a page words in the visitor's language
    /// (their English is what `defmatch import` prints).
    Rejected(RejectionReason),
}

/// One row of the file, by its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowVerdict {
    pub line: usize,
    pub external_id: Option<String>,
    pub outcome: RowOutcome,
}

/// An import of an uploaded file, previewed or done.
#[derive(Debug, Clone)]
pub struct ImportResult {
    pub upload_id: Uuid,
    pub kind: RecordKind,
    pub file_name: String,
    /// How the file was read: encoding, separator, sheet.
    pub format: FileFormat,
    /// The counts, rejections, ignored columns and created organisations.
    pub report: ImportReport,
    /// Every row, written or rejected, in file order.
    pub rows: Vec<RowVerdict>,
}

impl ImportResult {
    /// The result of `report`; `external_ids` holds the external id of each
    /// line that has one (rejections do not carry it).
    pub fn new(
        upload_id: Uuid,
        kind: RecordKind,
        file_name: String,
        format: FileFormat,
        report: ImportReport,
        external_ids: &HashMap<usize, String>,
    ) -> Self {
        let written = report.written.iter().map(|row| RowVerdict {
            line: row.line,
            external_id: row.external_id.clone(),
            outcome: RowOutcome::Written(row.verdict),
        });
        let rejected = report.rejected.iter().map(|rejection| RowVerdict {
            line: rejection.line,
            external_id: external_ids.get(&rejection.line).cloned(),
            outcome: RowOutcome::Rejected(rejection.reason.clone()),
        });
        let mut rows: Vec<RowVerdict> = written.chain(rejected).collect();
        rows.sort_by_key(|row| row.line);
        ImportResult {
            upload_id,
            kind,
            file_name,
            format,
            report,
            rows,
        }
    }

    /// Whether nothing was written (a preview).
    pub fn is_preview(&self) -> bool {
        self.report.dry_run
    }
}

/// The code of `kind` in forms and in the database.
pub fn kind_code(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Startups => "startups",
        RecordKind::Challenges => "challenges",
    }
}

/// The kind of the code `code`.
pub fn kind_from_code(code: &str) -> Option<RecordKind> {
    match code {
        "startups" => Some(RecordKind::Startups),
        "challenges" => Some(RecordKind::Challenges),
        _ => None,
    }
}

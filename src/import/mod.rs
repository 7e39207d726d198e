//! Importing start-ups and challenges from JSON Lines, CSV or .xlsx files: the
//! path ROM officers' spreadsheets take (Dutch headers, semicolons,
//! Windows-1252; docs/import.md), and the one `eval` and `bench` use.

pub mod columns;
pub mod decode;
pub mod organisations;
pub mod records;
pub mod rejection;
pub mod run;
mod serde_messages;
pub mod summary;
pub mod technology_areas;
pub mod values;
pub mod write_challenges;
pub mod write_startups;
pub mod xlsx;

pub use records::{read_bytes, read_records, read_records_from_sheet, SourceFile};
pub use rejection::{Rejection, RejectionReason, ValueProblem};
pub use run::{
    import_records, import_source, ImportOptions, ImportReport, RecordKind, Written, WrittenRow,
    BATCH_RECORDS,
};
pub use summary::{summary_text, write_report_csv, write_report_csv_to, FileFormat};

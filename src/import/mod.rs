//! Importing start-ups and challenges from JSON Lines or CSV files: the
//! path ROM officers' spreadsheets take (Dutch headers, semicolons,
//! Windows-1252; docs/import.md), and the one `eval` and `bench` use.

pub mod columns;
pub mod decode;
pub mod organisations;
pub mod records;
pub mod run;
pub mod summary;
pub mod technology_areas;
pub mod values;

pub use records::{read_records, Rejection, SourceFile};
pub use run::{import_records, ImportOptions, ImportReport, RecordKind};
pub use summary::{summary_text, write_report_csv, FileFormat};

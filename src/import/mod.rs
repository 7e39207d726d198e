//! Importing start-ups and challenges from JSON Lines or CSV files: the
//! path ROM officers' spreadsheets take, and the one `eval` and `bench` use.

pub mod records;
pub mod run;
pub mod technology_areas;

pub use records::{read_records, Rejection};
pub use run::{import_records, ImportReport, RecordKind};

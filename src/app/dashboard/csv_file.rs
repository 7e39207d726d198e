//! The export as a CSV file: UTF-8 with a byte-order mark (so that Excel
//! reads the accents), fields quoted where needed, and text people typed
//! made inert so that a spreadsheet never runs it as a formula. Both the
//! API and the ROM pages hand out this same file.

use chrono::{DateTime, Utc};

use super::{ExportField, ExportRow, IntroductionExport};
use crate::app::AppError;

/// The bytes of the CSV file of `export`: a header of its columns, then one line per row.
pub fn write(export: &IntroductionExport) -> Result<Vec<u8>, AppError> {
    let write_error = |error: csv::Error| AppError::internal(format!("csv: {error}"));
    let mut out = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(Vec::from("\u{feff}".as_bytes()));
    let header: Vec<&str> = export.fields.iter().map(|field| field.as_str()).collect();
    out.write_record(&header).map_err(write_error)?;
    for row in &export.rows {
        let record: Vec<String> = export
            .fields
            .iter()
            .map(|field| cell(row, *field))
            .collect();
        out.write_record(&record).map_err(write_error)?;
    }
    out.into_inner()
        .map_err(|error| AppError::internal(format!("csv: {error}")))
}

/// The text of column `field` of `row`.
fn cell(row: &ExportRow, field: ExportField) -> String {
    match field {
        ExportField::Id => row.id.to_string(),
        ExportField::State => row.state.as_str().to_owned(),
        ExportField::Origin => row.origin.as_str().to_owned(),
        ExportField::BrokerRom => row
            .broker_rom
            .map(|rom| rom.as_str().to_owned())
            .unwrap_or_default(),
        ExportField::ChallengeId => row.challenge_id.to_string(),
        ExportField::ChallengeTitle => row.challenge_title.clone().unwrap_or_default(),
        ExportField::StartupId => row.startup_id.to_string(),
        ExportField::StartupName => inert_cell(row.startup_name.clone().unwrap_or_default()),
        ExportField::StartupProvince => row
            .startup_province
            .map(|province| province.as_str().to_owned())
            .unwrap_or_default(),
        ExportField::StartupTechnologies => row
            .startup_technologies
            .iter()
            .map(|technology| technology.as_str())
            .collect::<Vec<_>>()
            .join(";"),
        ExportField::Message => inert_cell(row.message.clone().unwrap_or_default()),
        ExportField::Reason => inert_cell(row.reason.clone().unwrap_or_default()),
        ExportField::CreatedAt => row.created_at.to_rfc3339(),
        ExportField::StartupAcceptedAt => timestamp(row.startup_accepted_at),
        ExportField::ProcurementAcceptedAt => timestamp(row.procurement_accepted_at),
        ExportField::IntroducedAt => timestamp(row.introduced_at),
        ExportField::MeetingHeldAt => timestamp(row.meeting_held_at),
        ExportField::EndedAt => timestamp(row.ended_at),
    }
}

/// A cell Excel would not run as a formula: text users typed that starts
/// with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`
/// (OWASP's advice on CSV injection).
fn inert_cell(text: String) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text
    }
}

fn timestamp(value: Option<DateTime<Utc>>) -> String {
    value.map(|value| value.to_rfc3339()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::inert_cell;

    #[test]
    fn cells_that_excel_would_run_are_made_inert() {
        assert_eq!(
            inert_cell("=HYPERLINK(\"x\")".to_owned()),
            "'=HYPERLINK(\"x\")"
        );
        assert_eq!(inert_cell("+31 20 555".to_owned()), "'+31 20 555");
        assert_eq!(inert_cell("@SUM(A1)".to_owned()), "'@SUM(A1)");
        assert_eq!(
            inert_cell("Zeeuwse Drönes BV".to_owned()),
            "Zeeuwse Drönes BV"
        );
    }
}

//! The report of an import, as `defmatch import` prints it and as the CSV
//! file `--report FILE` writes.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context;

use super::decode::{delimiter_name, Encoding};
use super::run::ImportReport;

/// How a file was read, for the first line of its report.
#[derive(Debug, Clone)]
pub struct FileFormat {
    pub encoding: Encoding,
    /// `None` for JSON Lines and workbooks.
    pub delimiter: Option<u8>,
    /// The sheet read, for an `.xlsx` workbook.
    pub sheet: Option<String>,
}

/// The text report of one file: how it was read, the counts, the ignored
/// columns and the first `max_rejections` rejections in file order, then how
/// many more there are.
pub fn summary_text(
    file: &str,
    format: FileFormat,
    report: &ImportReport,
    max_rejections: usize,
) -> String {
    let mut text = String::new();
    let shape = match (&format.sheet, format.delimiter) {
        (Some(sheet), _) => format!("an .xlsx workbook, sheet `{sheet}`"),
        (None, Some(delimiter)) => {
            format!(
                "CSV separated by {}, {}",
                delimiter_name(delimiter),
                format.encoding
            )
        }
        (None, None) => format!("JSON Lines, {}", format.encoding),
    };
    let _ = writeln!(text, "{file}: read as {shape}");
    let verb = if report.dry_run { "would be " } else { "" };
    let _ = writeln!(
        text,
        "  {} record(s) read: {} {verb}created, {} {verb}updated, {} unchanged, {} rejected{}",
        report.seen(),
        report.inserted,
        report.updated,
        report.unchanged,
        report.rejected.len(),
        if report.dry_run {
            " (dry run: nothing was written)"
        } else {
            ""
        }
    );
    if !report.ignored_fields.is_empty() {
        let names: Vec<&str> = report.ignored_fields.iter().map(String::as_str).collect();
        let _ = writeln!(
            text,
            "  ignored column(s), not known to defmatch: {} (see `defmatch import --columns`)",
            names.join(", ")
        );
    }
    if !report.created_organisations.is_empty() {
        let _ = writeln!(
            text,
            "  organisation(s) {verb}created: {}",
            report.created_organisations.join(", ")
        );
    }
    for rejection in report.rejected.iter().take(max_rejections) {
        let _ = writeln!(
            text,
            "  line {}: rejected: {}",
            rejection.line, rejection.reason
        );
    }
    let hidden = report.rejected.len().saturating_sub(max_rejections);
    if hidden > 0 {
        let _ = writeln!(
            text,
            "  … and {hidden} more rejection(s) (--report FILE writes every one)"
        );
    }
    text
}

/// Writes every rejection of every file as CSV: `file,line,outcome,reason`.
pub fn write_report_csv(path: &Path, files: &[(String, &ImportReport)]) -> anyhow::Result<()> {
    let file = std::fs::File::create(path)
        .with_context(|| format!("failed to create {}", path.display()))?;
    write_report_csv_to(file, files).with_context(|| format!("failed to write {}", path.display()))
}

/// Writes the report CSV of [`write_report_csv`] to `output` (the import
/// page offers it as a download).
pub fn write_report_csv_to(
    output: impl std::io::Write,
    files: &[(String, &ImportReport)],
) -> anyhow::Result<()> {
    let mut writer = csv::Writer::from_writer(output);
    writer.write_record(["file", "line", "outcome", "reason"])?;
    for (file, report) in files {
        for rejection in &report.rejected {
            writer.write_record([
                file.as_str(),
                &rejection.line.to_string(),
                "rejected",
                &rejection.reason.to_string(),
            ])?;
        }
        for column in &report.ignored_fields {
            writer.write_record([file.as_str(), "1", "ignored column", column.as_str()])?;
        }
    }
    writer.flush()?;
    Ok(())
}

//! How an import reads on a page, previewed or done: how the file was
//! read, the counts, the ignored columns, every rejected row with its
//! reason, and the rows written (the first of them: a table of 110,000
//! rows is not a page; the counts cover them all).

use maud::{html, Markup};

use crate::app::imports::{Encoding, FileFormat, ImportResult, RowOutcome, RowVerdict, Written};
use crate::web::context::PageContext;
use crate::web::text::import_reasons::rejection_reason_text;
use crate::web::text::imports::ImportsText;

/// Rejected rows shown at most; the CSV download holds every one.
const MAX_REJECTIONS_SHOWN: usize = 1_000;

/// Written rows shown at most, folded away.
const MAX_WRITTEN_SHOWN: usize = 500;

/// The part of the preview and of the final report that describes the import.
pub(super) fn result_content(context: &PageContext, result: &ImportResult) -> Markup {
    let text = &context.text.imports;
    let report = &result.report;
    let preview = result.is_preview();
    let rejected: Vec<&RowVerdict> = result
        .rows
        .iter()
        .filter(|row| matches!(row.outcome, RowOutcome::Rejected(_)))
        .collect();
    let written: Vec<&RowVerdict> = result
        .rows
        .iter()
        .filter(|row| matches!(row.outcome, RowOutcome::Written(_)))
        .collect();
    let report_link = format!("/import/{}/report.csv", result.upload_id);
    html! {
        p.meta { (text.read_as) " " (format_text(text, &result.format)) "." }
        div.table-scroll { table.officer-table.import-counts {
            caption { (text.counts_caption) }
            tbody {
                tr { th scope="row" { (text.rows_read) } td { (report.seen()) } }
                tr { th scope="row" { (if preview { text.would_be_created } else { text.created }) } td { (report.inserted) } }
                tr { th scope="row" { (if preview { text.would_be_updated } else { text.updated }) } td { (report.updated) } }
                tr { th scope="row" { (text.unchanged) } td { (report.unchanged) } }
                tr { th scope="row" { (text.rejected) } td { (report.rejected.len()) } }
            }
        } }
        @if !report.ignored_fields.is_empty() {
            h2 { (text.ignored_columns) }
            p { (text.ignored_columns_hint) }
            ul.ignored-columns {
                @for column in &report.ignored_fields { li { code { (column) } } }
            }
        }
        @if !report.created_organisations.is_empty() {
            h2 { (text.organisations_created) }
            ul { @for name in &report.created_organisations { li { (name) } } }
        }
        h2 id="rejections-heading" { (text.rejections_heading) }
        @if rejected.is_empty() {
            p { (text.no_rejections) }
        } @else {
            p.hint { (text.rejections_hint) }
            div.table-scroll { table.officer-table.import-rows aria-labelledby="rejections-heading" {
                thead { tr {
                    th scope="col" { (text.column_line) }
                    th scope="col" { (text.column_external_id) }
                    th scope="col" { (text.column_reason) }
                } }
                tbody {
                    @for row in rejected.iter().take(MAX_REJECTIONS_SHOWN) {
                        tr.rejected-row {
                            td { (row.line) }
                            td { (row.external_id.as_deref().unwrap_or("")) }
                            td { @if let RowOutcome::Rejected(reason) = &row.outcome { (rejection_reason_text(reason, context.language)) } }
                        }
                    }
                }
            } }
            @if rejected.len() > MAX_REJECTIONS_SHOWN {
                p { (text.more_rejections) " " a href=(report_link) { (text.download_report) } }
            }
        }
        @if !report.rejected.is_empty() || !report.ignored_fields.is_empty() {
            p { a href=(report_link) download { (text.download_report) } }
        }
        @if !written.is_empty() {
            details.import-written {
                summary { (if preview { text.written_heading_preview } else { text.written_heading }) " (" (written.len()) ")" }
                @if written.len() > MAX_WRITTEN_SHOWN { p.hint { (text.first_rows_only) } }
                div.table-scroll { table.officer-table.import-rows {
                    thead { tr {
                        th scope="col" { (text.column_line) }
                        th scope="col" { (text.column_external_id) }
                        th scope="col" { (text.column_verdict) }
                    } }
                    tbody {
                        @for row in written.iter().take(MAX_WRITTEN_SHOWN) {
                            tr {
                                td { (row.line) }
                                td { (row.external_id.as_deref().unwrap_or("")) }
                                td { @if let RowOutcome::Written(verdict) = row.outcome { (verdict_text(text, verdict, preview)) } }
                            }
                        }
                    }
                } }
            }
        }
    }
}

/// How the file was read, as "CSV separated by semicolons, Windows-1252".
fn format_text(text: &ImportsText, format: &FileFormat) -> String {
    let encoding = match format.encoding {
        Encoding::Utf8 => "UTF-8",
        Encoding::Utf8WithBom => text.utf8_with_bom,
        Encoding::Windows1252 => "Windows-1252",
    };
    match (&format.sheet, format.delimiter) {
        (Some(sheet), _) => format!("{} `{sheet}`", text.xlsx_sheet),
        (None, Some(delimiter)) => {
            let separator = match delimiter {
                b';' => text.semicolons,
                b'\t' => text.tabs,
                _ => text.commas,
            };
            format!("{} {separator}, {encoding}", text.csv_separated_by)
        }
        (None, None) => format!("{}, {encoding}", text.json_lines),
    }
}

fn verdict_text(text: &ImportsText, verdict: Written, preview: bool) -> &'static str {
    match (verdict, preview) {
        (Written::Inserted, true) => text.would_be_created,
        (Written::Inserted, false) => text.created,
        (Written::Updated, true) => text.would_be_updated,
        (Written::Updated, false) => text.updated,
        (Written::Unchanged, _) => text.unchanged,
    }
}

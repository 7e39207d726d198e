//! The CSV export of the region's introductions from the dashboard: the
//! columns are ticked on the page, and the file is the one the API hands
//! out (`app::dashboard::export`, audited the same way).

use actix_web::HttpResponse;
use maud::{html, Markup};

use super::BROKERS;
use crate::app::dashboard::{self, csv_file, ExportField, ExportFilter};
use crate::app::AppError;
use crate::domain::region::Rom;
use crate::domain::Rule;
use crate::web::context::PageContext;
use crate::web::error::WebError;
use crate::web::text::rom_tools::RomToolsText;

/// Where the export form sends its choice.
pub(super) const EXPORT_PATH: &str = "/dashboard/export.csv";

fn column_name(text: &RomToolsText, field: ExportField) -> &'static str {
    text.columns
        .iter()
        .find(|(code, _)| *code == field.as_str())
        .map(|(_, name)| *name)
        .unwrap_or_else(|| field.as_str())
}

/// The export form: a checkbox per column (all ticked at first), and for
/// an admin the ROM the dashboard shows.
pub(super) fn export_section(context: &PageContext, rom: Option<Rom>) -> Markup {
    let text = &context.text.rom_tools;
    html! {
        section.card aria-labelledby="export-heading" {
            h2 id="export-heading" { (text.export_heading) }
            p { (text.export_intro) }
            form method="get" action=(EXPORT_PATH) {
                @if let Some(rom) = rom { input type="hidden" name="rom" value=(rom.as_str()); }
                fieldset.field {
                    legend { (text.export_columns) }
                    div.checkbox-grid {
                        @for field in ExportField::ALL {
                            @let id = format!("export-{}", field.as_str());
                            label for=(id) {
                                input type="checkbox" id=(id) name="field" value=(field.as_str()) checked;
                                " " (column_name(text, *field))
                            }
                        }
                    }
                }
                button type="submit" { (text.export_button) }
            }
        }
    }
}

/// `GET /dashboard/export.csv?field=…&rom=…`: the ticked columns, in the
/// order of the form; none ticked is every column, as in the API.
pub(super) async fn export_csv(context: PageContext) -> Result<HttpResponse, WebError> {
    let member = context.member_in(&BROKERS)?;
    let query = context.query();
    let fields = query
        .all("field")
        .into_iter()
        .map(|code| {
            code.parse::<ExportField>()
                .map_err(|_| AppError::invalid("field", Rule::UnknownChoice))
        })
        .collect::<Result<Vec<_>, _>>()?;
    // Only an admin chooses a ROM; a ROM officer exports their own region.
    let rom = match query.non_blank("rom") {
        Some(code) if member.is_admin() => Some(
            code.parse::<Rom>()
                .map_err(|_| AppError::invalid("rom", Rule::UnknownChoice))?,
        ),
        _ => None,
    };
    let filter = ExportFilter {
        fields,
        rom,
        ..ExportFilter::default()
    };
    let export = dashboard::export(&context.state, member, filter).await?;
    let bytes = csv_file::write(&export)?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"defmatch-introductions.csv\"",
        ))
        .body(bytes))
}

//! The introductions pipeline as a broker reads it: the ROM dashboard
//! (counts, conversion, median days between steps, start-ups still
//! without an introduction) and the CSV export. ROM officers see their
//! provinces, admins the country (or one ROM's provinces with `rom`)
//! (`app::dashboard`).

use actix_web::{get, web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::auth::AuthUser;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::QueryParams;
use crate::app::dashboard::{
    self, csv_file, DashboardFilter, DashboardView, ExportField, ExportFilter,
};
use crate::app::AppState;
use crate::domain::region::Rom;

/// Query of the dashboard.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DashboardQuery {
    /// Admins: one ROM's provinces instead of the whole country.
    pub rom: Option<Rom>,
    /// Start-ups without an introduction to list, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// The pipeline of the caller's region: introductions per state and per
/// technology, conversion, median days between steps, and the start-ups
/// that never had an introduction, ranked by their best open match.
#[utoipa::path(
    tag = "introductions",
    security(("bearer" = [])),
    params(DashboardQuery),
    responses(
        (status = 200, description = "The dashboard", body = DashboardView),
        (status = 403, description = "Not a ROM officer or admin, or another ROM", body = ErrorBody),
    )
)]
#[get("/dashboard")]
pub async fn region_dashboard(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: QueryParams<DashboardQuery>,
) -> Result<HttpResponse, ApiError> {
    let filter = DashboardFilter {
        rom: query.0.rom,
        limit: query.0.limit,
        ..DashboardFilter::default()
    };
    let view: DashboardView = dashboard::region(&state, &caller.member, filter).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Query of the export.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// Comma-separated columns, in order (default: all). See the description for the names.
    #[param(
        pattern = r"^(id|state|origin|broker_rom|challenge_id|challenge_title|startup_id|startup_name|startup_province|startup_technologies|message|reason|created_at|startup_accepted_at|procurement_accepted_at|introduced_at|meeting_held_at|ended_at)(,(id|state|origin|broker_rom|challenge_id|challenge_title|startup_id|startup_name|startup_province|startup_technologies|message|reason|created_at|startup_accepted_at|procurement_accepted_at|introduced_at|meeting_held_at|ended_at))*$"
    )]
    pub fields: Option<String>,
    /// One state or several, comma-separated.
    #[param(
        pattern = r"^(proposed|requested|accepted_by_startup|accepted_by_procurement|introduced|meeting_held|pilot|contract|no_fit|declined|withdrawn|expired)(,(proposed|requested|accepted_by_startup|accepted_by_procurement|introduced|meeting_held|pilot|contract|no_fit|declined|withdrawn|expired))*$"
    )]
    pub state: Option<String>,
    /// Admins: one ROM's provinces instead of the whole country.
    pub rom: Option<Rom>,
}

/// Parses the comma-separated columns of `fields`; absent means all.
fn parse_fields(raw: Option<&str>) -> Result<Vec<ExportField>, ApiError> {
    let Some(raw) = raw else {
        return Ok(Vec::new());
    };
    raw.split(',')
        .map(str::trim)
        .map(|name| {
            name.parse::<ExportField>().map_err(|_| {
                let columns: Vec<&str> = ExportField::ALL
                    .iter()
                    .map(|field| field.as_str())
                    .collect();
                ApiError::invalid(
                    "fields",
                    format!(
                        "`{name}` is not a column; choose from {}",
                        columns.join(", ")
                    ),
                )
            })
        })
        .collect()
}

/// The introductions pipeline of the caller's region as CSV: UTF-8 with a
/// byte-order mark (so that Excel reads the accents), every field quoted
/// where needed, newest first, with the columns the caller names in
/// `fields` (`id`, `state`, `origin`, `broker_rom`, `challenge_id`,
/// `challenge_title`, `startup_id`, `startup_name`, `startup_province`,
/// `startup_technologies`, `message`, `reason`, `created_at`,
/// `startup_accepted_at`, `procurement_accepted_at`, `introduced_at`,
/// `meeting_held_at`, `ended_at`). Each export is audited.
#[utoipa::path(
    tag = "introductions",
    security(("bearer" = [])),
    params(ExportQuery),
    responses(
        (status = 200, description = "The CSV file", content_type = "text/csv", body = String),
        (status = 403, description = "Not a ROM officer or admin, or another ROM", body = ErrorBody),
    )
)]
#[get("/introductions/export.csv")]
pub async fn export_introductions(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: QueryParams<ExportQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.0;
    let filter = ExportFilter {
        fields: parse_fields(query.fields.as_deref())?,
        states: super::introductions::parse_states(query.state.as_deref())?,
        rom: query.rom,
    };
    let export = dashboard::export(&state, &caller.member, filter).await?;
    let bytes = csv_file::write(&export)?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"defmatch-introductions.csv\"",
        ))
        .body(bytes))
}

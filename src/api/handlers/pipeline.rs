//! The introductions pipeline as a broker reads it: the ROM dashboard
//! (counts, conversion, median days between steps, start-ups still
//! without an introduction) and the CSV export. ROM officers see their
//! provinces, admins the country (or one ROM's provinces with `rom`).

use std::collections::BTreeMap;

use actix_web::{get, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::api::auth::AuthUser;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::QueryParams;
use crate::api::legacy::LegacyBlocking;
use crate::app::AppState;
use crate::db::audit::{self, NewAuditEvent};
use crate::db::dashboard as pipeline_rows;
use crate::db::introductions::{self as introduction_rows, IntroductionFilter};
use crate::db::{challenges, startups, Page};
use crate::domain::account::Role;
use crate::domain::audit::{AuditAction, AuditSubject};
use crate::domain::challenge::ChallengeStatus;
use crate::domain::introduction::IntroductionState;
use crate::domain::policy::{IntroductionScope, RegionScope as DashboardScope};
use crate::domain::policy::{Member, Viewer};
use crate::domain::region::{Province, Rom};
use crate::domain::taxonomy::Technology;
use crate::search::document::StartupDocument;
use crate::search::filters::ChallengeFilters;

/// The region a broker may read, from their role and the `rom` asked for.
fn broker_scope(
    member: &Member,
    rom: Option<Rom>,
) -> Result<(Option<Rom>, DashboardScope), ApiError> {
    match (member.role, rom) {
        (Role::Admin, None) => Ok((None, DashboardScope::Country)),
        (Role::Admin, Some(rom)) => Ok((Some(rom), DashboardScope::Provinces(rom.provinces()))),
        (Role::RomOfficer, asked) => {
            let own = member
                .rom
                .ok_or_else(|| ApiError::forbidden("this account belongs to no ROM"))?;
            if asked.is_some_and(|asked| asked != own) {
                return Err(ApiError::forbidden(
                    "a ROM officer reads the pipeline of their own ROM only",
                ));
            }
            Ok((Some(own), DashboardScope::Provinces(own.provinces())))
        }
        _ => Err(ApiError::forbidden(
            "the pipeline is for ROM officers and admins",
        )),
    }
}

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

/// How far introductions got.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConversionView {
    /// Introductions started (proposed, requested or invited).
    pub started: i64,
    pub introduced: i64,
    pub meeting_held: i64,
    pub pilot_or_contract: i64,
    /// Shares of `started`; null when nothing started.
    pub introduced_rate: Option<f64>,
    pub meeting_rate: Option<f64>,
    pub pilot_or_contract_rate: Option<f64>,
}

/// Median days between the steps, among the introductions that took them.
#[derive(Debug, Serialize, ToSchema)]
pub struct MedianDays {
    pub start_to_introduction: Option<f64>,
    pub introduction_to_meeting: Option<f64>,
    pub meeting_to_outcome: Option<f64>,
}

/// Introductions of one technology.
#[derive(Debug, Serialize, ToSchema)]
pub struct TechnologyCount {
    pub technology: String,
    pub introductions: i64,
}

/// The best open challenge for a start-up.
#[derive(Debug, Serialize, ToSchema)]
pub struct BestMatch {
    pub challenge_id: Uuid,
    pub title: String,
    pub score: f32,
}

/// A start-up of the region that never had an introduction.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnintroducedStartup {
    pub startup_id: Uuid,
    pub name: String,
    pub province: Option<Province>,
    pub technologies: Vec<Technology>,
    /// Null when no open challenge it may see matches it.
    pub best_match: Option<BestMatch>,
}

/// The ROM dashboard.
#[derive(Debug, Serialize, ToSchema)]
pub struct DashboardView {
    /// The ROM whose provinces are covered; null for the whole country.
    pub rom: Option<Rom>,
    pub provinces: Vec<Province>,
    /// Introductions per state; every state is listed.
    pub by_state: BTreeMap<String, i64>,
    pub by_technology: Vec<TechnologyCount>,
    pub conversion: ConversionView,
    pub median_days: MedianDays,
    /// Start-ups without any introduction, best match first.
    pub startups_without_introduction: Vec<UnintroducedStartup>,
    /// How many start-ups of the region have no introduction at all.
    pub startups_without_introduction_total: i64,
}

/// Start-ups ranked per dashboard call: matching each one costs a few
/// milliseconds, so the most recently updated ones are ranked, not all.
const RANKED_WITHOUT_INTRODUCTION: i64 = 200;

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
    let dashboard = dashboard_of(&state, &caller.member, query.0).await?;
    Ok(HttpResponse::Ok().json(dashboard))
}

/// The dashboard of the region `member` brokers for (an admin: the country
/// or the ROM asked for); the API and the web pages both come here.
pub async fn dashboard_of(
    state: &AppState,
    member: &Member,
    query: DashboardQuery,
) -> Result<DashboardView, ApiError> {
    let limit = query.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::invalid(
            "limit",
            "limit must be between 1 and 100",
        ));
    }
    let (rom, scope) = broker_scope(member, query.rom)?;
    let provinces = match &scope {
        DashboardScope::Country => Province::ALL.to_vec(),
        DashboardScope::Provinces(provinces) => provinces.clone(),
    };
    let (by_state, by_technology, conversion, (candidates, without_total), vetted) = state
        .with_connection_api({
            let scope = scope.clone();
            move |connection| {
                let candidates = pipeline_rows::startups_without_introduction(
                    connection,
                    &scope,
                    RANKED_WITHOUT_INTRODUCTION,
                )?;
                let mut vetted = Vec::with_capacity(candidates.0.len());
                for startup in &candidates.0 {
                    vetted.push(introduction_rows::organisation_has_vetted_user(
                        connection,
                        startup.organisation_id,
                    )?);
                }
                Ok((
                    pipeline_rows::by_state(connection, &scope)?,
                    pipeline_rows::by_technology(connection, &scope)?,
                    pipeline_rows::conversion(connection, &scope)?,
                    candidates,
                    vetted,
                ))
            }
        })
        .await?;
    // Each start-up is matched as it would see the challenges itself.
    let ranked = state
        .with_search_api(move |engine| {
            let filters = ChallengeFilters {
                statuses: vec![ChallengeStatus::Open, ChallengeStatus::Published],
                ..ChallengeFilters::default()
            };
            let mut ranked = Vec::with_capacity(candidates.len());
            for (startup, vetted) in candidates.into_iter().zip(vetted) {
                let viewer = Viewer::Member(Member {
                    user_id: Uuid::nil(),
                    role: Role::Startup,
                    organisation_id: Some(startup.organisation_id),
                    vetted,
                    rom: None,
                });
                let best = engine
                    .match_challenges(
                        &StartupDocument::from_row(&startup),
                        &viewer.challenge_scope(),
                        &filters,
                        1,
                    )
                    .map_err(|error| ApiError::internal(format!("matching failed: {error:#}")))?
                    .into_iter()
                    .next();
                ranked.push((startup, best));
            }
            Ok(ranked)
        })
        .await?;
    // The best match is shown to the broker: it must be a challenge the
    // broker may see, and one the start-up could be introduced to (ABDO).
    let challenge_ids: Vec<Uuid> = ranked
        .iter()
        .filter_map(|(_, best)| best.as_ref().map(|best| best.id))
        .collect();
    let challenge_rows: BTreeMap<Uuid, challenges::ChallengeRow> = state
        .with_connection_api(move |connection| {
            Ok(challenges::find_many(connection, &challenge_ids)?
                .into_iter()
                .map(|row| (row.id, row))
                .collect())
        })
        .await?;
    let broker = Viewer::Member(member.clone());
    let mut ranked: Vec<_> = ranked
        .into_iter()
        .map(|(startup, best)| {
            let best = best.and_then(|best| {
                let challenge = challenge_rows.get(&best.id)?;
                let shown = broker.can_see_challenge(challenge.exposure())
                    && !(challenge.abdo_required && startup.abdo_clearance.is_none());
                shown.then(|| BestMatch {
                    challenge_id: best.id,
                    title: challenge.title.clone(),
                    score: best.explanation.score,
                })
            });
            (startup, best)
        })
        .collect();
    ranked.sort_by(|(left_startup, left), (right_startup, right)| {
        let score = |best: &Option<BestMatch>| best.as_ref().map_or(-1.0, |best| best.score);
        score(right)
            .total_cmp(&score(left))
            .then_with(|| left_startup.id.cmp(&right_startup.id))
    });
    ranked.truncate(limit as usize);
    let startups_without_introduction = ranked
        .into_iter()
        .map(|(startup, best_match)| UnintroducedStartup {
            startup_id: startup.id,
            name: startup.name,
            province: startup.province,
            technologies: startup.technologies,
            best_match,
        })
        .collect();
    let mut states: BTreeMap<String, i64> = IntroductionState::ALL
        .iter()
        .map(|state| (state.as_str().to_owned(), 0))
        .collect();
    states.extend(by_state);
    let rate =
        |count: i64| (conversion.started > 0).then(|| count as f64 / conversion.started as f64);
    Ok(DashboardView {
        rom,
        provinces,
        by_state: states,
        by_technology: by_technology
            .into_iter()
            .map(|(technology, introductions)| TechnologyCount {
                technology,
                introductions,
            })
            .collect(),
        conversion: ConversionView {
            started: conversion.started,
            introduced: conversion.introduced,
            meeting_held: conversion.meeting_held,
            pilot_or_contract: conversion.pilot_or_contract,
            introduced_rate: rate(conversion.introduced),
            meeting_rate: rate(conversion.meeting_held),
            pilot_or_contract_rate: rate(conversion.pilot_or_contract),
        },
        median_days: MedianDays {
            start_to_introduction: conversion.median_days_to_introduction,
            introduction_to_meeting: conversion.median_days_introduction_to_meeting,
            meeting_to_outcome: conversion.median_days_meeting_to_outcome,
        },
        startups_without_introduction,
        startups_without_introduction_total: without_total,
    })
}

/// The columns the export can have, in the order a caller may name them.
pub const EXPORT_FIELDS: [&str; 18] = [
    "id",
    "state",
    "origin",
    "broker_rom",
    "challenge_id",
    "challenge_title",
    "startup_id",
    "startup_name",
    "startup_province",
    "startup_technologies",
    "message",
    "reason",
    "created_at",
    "startup_accepted_at",
    "procurement_accepted_at",
    "introduced_at",
    "meeting_held_at",
    "ended_at",
];

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

/// Rows exported at most; a larger pipeline is exported by state.
const MAX_EXPORT_ROWS: i64 = 10_000;

fn parse_fields(raw: Option<&str>) -> Result<Vec<&'static str>, ApiError> {
    let Some(raw) = raw else {
        return Ok(EXPORT_FIELDS.to_vec());
    };
    let mut fields = Vec::new();
    for name in raw.split(',').map(str::trim) {
        let Some(field) = EXPORT_FIELDS.iter().find(|field| **field == name) else {
            return Err(ApiError::invalid(
                "fields",
                format!(
                    "`{name}` is not a column; choose from {}",
                    EXPORT_FIELDS.join(", ")
                ),
            ));
        };
        if !fields.contains(field) {
            fields.push(*field);
        }
    }
    Ok(fields)
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
    let fields = parse_fields(query.fields.as_deref())?;
    let states = super::introductions::parse_states(query.state.as_deref())?;
    let (rom, scope) = broker_scope(&caller.member, query.rom)?;
    let actor_id = caller.member.user_id;
    let exporter = caller.viewer();
    let bytes = state
        .with_connection_api(move |connection| {
            let scope = match scope {
                DashboardScope::Country => IntroductionScope::All,
                DashboardScope::Provinces(provinces) => IntroductionScope::Provinces(provinces),
            };
            let filter = IntroductionFilter {
                states,
                ..IntroductionFilter::default()
            };
            let page = Page {
                number: 1,
                size: MAX_EXPORT_ROWS,
            };
            let rows = introduction_rows::list(connection, &scope, &filter, page)?.rows;
            let startup_ids: Vec<Uuid> = rows.iter().map(|row| row.startup_id).collect();
            let challenge_ids: Vec<Uuid> = rows.iter().map(|row| row.challenge_id).collect();
            let startups: BTreeMap<Uuid, startups::StartupRow> =
                startups::find_many(connection, &startup_ids)?
                    .into_iter()
                    .map(|row| (row.id, row))
                    .collect();
            // A vetted challenge's title stays blank for a broker who may not see it.
            let titles: BTreeMap<Uuid, String> = challenges::find_many(connection, &challenge_ids)?
                .into_iter()
                .filter(|row| exporter.can_see_challenge(row.exposure()))
                .map(|row| (row.id, row.title))
                .collect();
            let mut out = csv::WriterBuilder::new()
                .quote_style(csv::QuoteStyle::Necessary)
                .from_writer(Vec::from("\u{feff}".as_bytes()));
            let write_error = |error: csv::Error| ApiError::internal(format!("csv: {error}"));
            out.write_record(&fields).map_err(write_error)?;
            for row in &rows {
                let startup = startups.get(&row.startup_id);
                let record: Vec<String> = fields
                    .iter()
                    .map(|field| match *field {
                        "id" => row.id.to_string(),
                        "state" => row.state.as_str().to_owned(),
                        "origin" => row.origin.as_str().to_owned(),
                        "broker_rom" => row
                            .broker_rom
                            .map(|rom| rom.as_str().to_owned())
                            .unwrap_or_default(),
                        "challenge_id" => row.challenge_id.to_string(),
                        "challenge_title" => {
                            titles.get(&row.challenge_id).cloned().unwrap_or_default()
                        }
                        "startup_id" => row.startup_id.to_string(),
                        "startup_name" => {
                            inert_cell(startup.map(|s| s.name.clone()).unwrap_or_default())
                        }
                        "startup_province" => startup
                            .and_then(|s| s.province)
                            .map(|province| province.as_str().to_owned())
                            .unwrap_or_default(),
                        "startup_technologies" => startup
                            .map(|s| {
                                s.technologies
                                    .iter()
                                    .map(|technology| technology.as_str())
                                    .collect::<Vec<_>>()
                                    .join(";")
                            })
                            .unwrap_or_default(),
                        "message" => inert_cell(row.message.clone().unwrap_or_default()),
                        "reason" => inert_cell(row.reason.clone().unwrap_or_default()),
                        "created_at" => row.created_at.to_rfc3339(),
                        "startup_accepted_at" => timestamp(row.startup_accepted_at),
                        "procurement_accepted_at" => timestamp(row.procurement_accepted_at),
                        "introduced_at" => timestamp(row.introduced_at),
                        "meeting_held_at" => timestamp(row.meeting_held_at),
                        "ended_at" => timestamp(row.ended_at),
                        _ => String::new(),
                    })
                    .collect();
                out.write_record(&record).map_err(write_error)?;
            }
            let bytes = out
                .into_inner()
                .map_err(|error| ApiError::internal(format!("csv: {error}")))?;
            audit::record(
                connection,
                &NewAuditEvent::new(
                    Some(actor_id),
                    AuditAction::Export,
                    AuditSubject::Export,
                    None,
                )
                .with_detail(serde_json::json!({
                    "what": "introductions",
                    "fields": fields,
                    "rows": rows.len(),
                    "rom": rom,
                })),
            )?;
            Ok(bytes)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"defmatch-introductions.csv\"",
        ))
        .body(bytes))
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

//! The export of a region's introductions: which rows and columns a
//! broker gets, audited per export (`csv_file` writes them as CSV).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::app::{AppError, AppState};
use crate::db::audit::{self, NewAuditEvent};
use crate::db::introductions::{self, IntroductionFilter};
use crate::db::{challenges, startups, Page};
use crate::domain::audit::{AuditAction, AuditSubject};
use crate::domain::introduction::{IntroductionOrigin, IntroductionState};
use crate::domain::policy::{IntroductionScope, Member, RegionScope, Viewer};
use crate::domain::region::{Province, Rom};
use crate::domain::taxonomy::Technology;
use crate::text_enum;

text_enum! {
    /// A column of the export, in the order a caller may name them.
    pub enum ExportField {
        Id => "id",
        State => "state",
        Origin => "origin",
        BrokerRom => "broker_rom",
        ChallengeId => "challenge_id",
        ChallengeTitle => "challenge_title",
        StartupId => "startup_id",
        StartupName => "startup_name",
        StartupProvince => "startup_province",
        StartupTechnologies => "startup_technologies",
        Message => "message",
        Reason => "reason",
        CreatedAt => "created_at",
        StartupAcceptedAt => "startup_accepted_at",
        ProcurementAcceptedAt => "procurement_accepted_at",
        IntroducedAt => "introduced_at",
        MeetingHeldAt => "meeting_held_at",
        EndedAt => "ended_at",
    }
}

/// What an export asks for.
#[derive(Debug, Clone, Default)]
pub struct ExportFilter {
    /// The columns, in order; repeats are dropped, and none means all.
    pub fields: Vec<ExportField>,
    /// Any of these states; empty means any.
    pub states: Vec<IntroductionState>,
    /// Admins: one ROM's provinces instead of the whole country.
    pub rom: Option<Rom>,
}

/// One introduction of the export, as the broker may read it.
#[derive(Debug, Clone)]
pub struct ExportRow {
    pub id: Uuid,
    pub state: IntroductionState,
    pub origin: IntroductionOrigin,
    pub broker_rom: Option<Rom>,
    pub challenge_id: Uuid,
    /// `None` for a challenge the broker may not see (a `vetted` one).
    pub challenge_title: Option<String>,
    pub startup_id: Uuid,
    pub startup_name: Option<String>,
    pub startup_province: Option<Province>,
    pub startup_technologies: Vec<Technology>,
    /// Text that people typed, as they typed it.
    pub message: Option<String>,
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub startup_accepted_at: Option<DateTime<Utc>>,
    pub procurement_accepted_at: Option<DateTime<Utc>>,
    pub introduced_at: Option<DateTime<Utc>>,
    pub meeting_held_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
}

/// The introductions of a region, newest first, with the columns asked for.
#[derive(Debug, Clone)]
pub struct IntroductionExport {
    pub fields: Vec<ExportField>,
    pub rows: Vec<ExportRow>,
}

/// Rows exported at most; a larger pipeline is exported by state.
const MAX_EXPORT_ROWS: i64 = 10_000;

/// The introductions of the region `member` brokers for (an admin: the
/// country, or the ROM asked for) that pass `filter`, newest first. Each
/// export is recorded in the audit trail with its columns and row count.
pub async fn export(
    state: &AppState,
    member: &Member,
    filter: ExportFilter,
) -> Result<IntroductionExport, AppError> {
    let fields = chosen_fields(&filter.fields);
    let (rom, scope) = member.may_read_pipeline(filter.rom)?;
    let exporter = Viewer::Member(member.clone());
    let actor_id = member.user_id;
    let rows = {
        let fields = fields.clone();
        state
            .with_connection(move |connection| {
                let query = IntroductionFilter {
                    states: filter.states,
                    ..IntroductionFilter::default()
                };
                let page = Page {
                    number: 1,
                    size: MAX_EXPORT_ROWS,
                };
                let introductions =
                    introductions::list(connection, &introductions_of(scope), &query, page)?.rows;
                let startup_ids: Vec<Uuid> =
                    introductions.iter().map(|row| row.startup_id).collect();
                let challenge_ids: Vec<Uuid> =
                    introductions.iter().map(|row| row.challenge_id).collect();
                let startups: BTreeMap<Uuid, startups::StartupRow> =
                    startups::find_many(connection, &startup_ids)?
                        .into_iter()
                        .map(|row| (row.id, row))
                        .collect();
                // A vetted challenge's title stays blank for a broker who may not see it.
                let titles: BTreeMap<Uuid, String> =
                    challenges::find_many(connection, &challenge_ids)?
                        .into_iter()
                        .filter(|row| exporter.can_see_challenge(row.exposure()))
                        .map(|row| (row.id, row.title))
                        .collect();
                let rows: Vec<ExportRow> = introductions
                    .into_iter()
                    .map(|row| {
                        let startup = startups.get(&row.startup_id);
                        ExportRow {
                            id: row.id,
                            state: row.state,
                            origin: row.origin,
                            broker_rom: row.broker_rom,
                            challenge_id: row.challenge_id,
                            challenge_title: titles.get(&row.challenge_id).cloned(),
                            startup_id: row.startup_id,
                            startup_name: startup.map(|startup| startup.name.clone()),
                            startup_province: startup.and_then(|startup| startup.province),
                            startup_technologies: startup
                                .map(|startup| startup.technologies.clone())
                                .unwrap_or_default(),
                            message: row.message,
                            reason: row.reason,
                            created_at: row.created_at,
                            startup_accepted_at: row.startup_accepted_at,
                            procurement_accepted_at: row.procurement_accepted_at,
                            introduced_at: row.introduced_at,
                            meeting_held_at: row.meeting_held_at,
                            ended_at: row.ended_at,
                        }
                    })
                    .collect();
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
                Ok(rows)
            })
            .await?
    };
    Ok(IntroductionExport { fields, rows })
}

/// The columns asked for, in order and each once; all when none are.
fn chosen_fields(asked: &[ExportField]) -> Vec<ExportField> {
    if asked.is_empty() {
        return ExportField::ALL.to_vec();
    }
    let mut fields = Vec::with_capacity(asked.len());
    for field in asked {
        if !fields.contains(field) {
            fields.push(*field);
        }
    }
    fields
}

/// The introductions of the start-ups of a region.
fn introductions_of(scope: RegionScope) -> IntroductionScope {
    match scope {
        RegionScope::Country => IntroductionScope::All,
        RegionScope::Provinces(provinces) => IntroductionScope::Provinces(provinces),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_columns_asked_is_every_column_and_repeats_are_dropped() {
        assert_eq!(chosen_fields(&[]), ExportField::ALL.to_vec());
        assert_eq!(
            chosen_fields(&[ExportField::State, ExportField::Id, ExportField::State]),
            vec![ExportField::State, ExportField::Id]
        );
    }
}

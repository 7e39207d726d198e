//! Writing validated import records: in batches of one transaction each,
//! every record in a savepoint of its own so that one bad record (a
//! duplicate KvK number, say) is reported and the rest of the batch kept.

use std::collections::BTreeSet;

use chrono::{Datelike, Utc};
use diesel::{Connection, PgConnection};

use super::records::{challenge_record, startup_record, RawRecord, Rejection};
use crate::db::challenges::{self, ChallengeOrigin};
use crate::db::organisations::{self, NewOrganisation};
use crate::db::startups;
use crate::domain::account::OrganisationKind;

/// Records per transaction.
pub const BATCH_RECORDS: usize = 250;

/// What an import did.
#[derive(Debug, Default, Clone)]
pub struct ImportReport {
    pub inserted: usize,
    pub updated: usize,
    pub rejected: Vec<Rejection>,
    /// Fields the file had that defmatch ignored.
    pub ignored_fields: BTreeSet<String>,
}

impl ImportReport {
    /// Records read, whatever became of them.
    pub fn seen(&self) -> usize {
        self.inserted + self.updated + self.rejected.len()
    }
}

enum Written {
    Inserted,
    Updated,
}

/// Why a valid record could not be written.
type WriteError = String;

fn write_startup(
    connection: &mut PgConnection,
    raw: RawRecord,
    report: &mut ImportReport,
) -> Result<Written, Rejection> {
    let line = raw.line;
    let record = startup_record(raw)?;
    report
        .ignored_fields
        .extend(record.ignored_fields.iter().cloned());
    let profile = record
        .input
        .validate(Utc::now().year())
        .map_err(|error| Rejection {
            line,
            reason: error.to_string(),
        })?;
    let outcome: Result<Written, WriteError> = connection
        .transaction(|connection| {
            if let Some(existing) = startups::find_by_external_id(connection, &record.external_id)?
            {
                startups::replace_profile(connection, existing.id, &profile)?;
                return Ok(Ok(Written::Updated));
            }
            // Two companies may share a name (the KvK number tells them
            // apart); the organisation of the second then carries its
            // external id in its name, the profile keeps the real name.
            let organisation_name = match organisations::find_by_name(
                connection,
                OrganisationKind::StartupCompany,
                &profile.name,
            )? {
                None => profile.name.clone(),
                Some(_) => format!("{} [{}]", profile.name, record.external_id),
            };
            let organisation = organisations::insert(
                connection,
                &NewOrganisation {
                    kind: OrganisationKind::StartupCompany,
                    name: &organisation_name,
                    rom: None,
                },
            )?;
            startups::insert(
                connection,
                organisation.id,
                Some(&record.external_id),
                &profile,
            )?;
            Ok(Ok(Written::Inserted))
        })
        .unwrap_or_else(|error: diesel::result::Error| Err(database_reason(&error)));
    outcome.map_err(|reason| Rejection { line, reason })
}

fn write_challenge(
    connection: &mut PgConnection,
    raw: RawRecord,
    report: &mut ImportReport,
) -> Result<Written, Rejection> {
    let line = raw.line;
    let record = challenge_record(raw)?;
    report
        .ignored_fields
        .extend(record.ignored_fields.iter().cloned());
    let content = record.input.validate().map_err(|error| Rejection {
        line,
        reason: error.to_string(),
    })?;
    let outcome: Result<Written, WriteError> = connection
        .transaction(|connection| {
            if let Some(existing) =
                challenges::find_by_external_id(connection, &record.external_id)?
            {
                challenges::replace_imported(connection, existing.id, record.status, &content)?;
                return Ok(Ok(Written::Updated));
            }
            let organisation = match organisations::find_by_name(
                connection,
                OrganisationKind::Defence,
                &record.organisation,
            )? {
                Some(organisation) => organisation,
                None => organisations::insert(
                    connection,
                    &NewOrganisation {
                        kind: OrganisationKind::Defence,
                        name: &record.organisation,
                        rom: None,
                    },
                )?,
            };
            let origin = ChallengeOrigin {
                organisation_id: organisation.id,
                created_by: None,
                external_id: Some(&record.external_id),
                status: record.status,
            };
            challenges::insert(connection, &origin, &content)?;
            Ok(Ok(Written::Inserted))
        })
        .unwrap_or_else(|error: diesel::result::Error| Err(database_reason(&error)));
    outcome.map_err(|reason| Rejection { line, reason })
}

fn database_reason(error: &diesel::result::Error) -> String {
    match error {
        diesel::result::Error::DatabaseError(_, info) => match info.constraint_name() {
            Some(constraint) => format!("breaks database rule {constraint}"),
            None => info.message().to_owned(),
        },
        other => other.to_string(),
    }
}

/// Which kind of record a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    Startups,
    Challenges,
}

/// Imports `records` in batches; `progress(done, total)` is called after each batch.
/// A database that fails outside a record (connection lost) stops the import
/// with an error; what was committed before stays.
pub fn import_records(
    connection: &mut PgConnection,
    kind: RecordKind,
    records: Vec<RawRecord>,
    progress: &dyn Fn(u64, u64),
) -> anyhow::Result<ImportReport> {
    let total = records.len() as u64;
    let mut report = ImportReport::default();
    let mut done = 0_u64;
    let mut records = records.into_iter().peekable();
    while records.peek().is_some() {
        let batch: Vec<RawRecord> = records.by_ref().take(BATCH_RECORDS).collect();
        let batch_len = batch.len() as u64;
        connection.transaction::<_, anyhow::Error, _>(|connection| {
            for raw in batch {
                let written = match kind {
                    RecordKind::Startups => write_startup(connection, raw, &mut report),
                    RecordKind::Challenges => write_challenge(connection, raw, &mut report),
                };
                match written {
                    Ok(Written::Inserted) => report.inserted += 1,
                    Ok(Written::Updated) => report.updated += 1,
                    Err(rejection) => report.rejected.push(rejection),
                }
            }
            Ok(())
        })?;
        done += batch_len;
        progress(done, total);
    }
    Ok(report)
}

//! Writing a batch of validated start-up records: in bulk (a few multi-row
//! statements per batch), or row by row in savepoints when the bulk write
//! meets a database rule (a duplicate KvK number), so that only the rows
//! that break it are rejected, with the reason the row-by-row write gives.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, Utc};
use diesel::{Connection, PgConnection};
use uuid::Uuid;

use super::records::{startup_record, RawRecord};
use super::rejection::{Rejection, RejectionReason};
use super::run::{database_reason, Written};
use crate::db::organisations::{self, NewOrganisation};
use crate::db::startups::{self, NewImportedStartup};
use crate::domain::account::OrganisationKind;
use crate::domain::policy::{ImportReach, OutsideReach};
use crate::domain::startup::{AnonymousTexts, StartupProfile};

/// A start-up record that passed validation, not yet written.
#[derive(Debug)]
pub struct ValidStartup {
    pub line: usize,
    pub external_id: String,
    pub profile: StartupProfile,
    /// The card's texts should the record make a new company, which has no
    /// users yet whose names they must hide. Redacted here, with the
    /// validation, so that an import redacts on a thread of its own while
    /// the previous batch is written.
    pub anonymous_if_new: AnonymousTexts,
}

/// Reads and validates one record; `Err` is its rejection.
pub fn validate_startup(raw: RawRecord, reach: ImportReach) -> Result<ValidStartup, Rejection> {
    let line = raw.line;
    let record = startup_record(raw)?;
    let profile = record
        .input
        .validate(Utc::now().year())
        .map_err(|error| Rejection {
            line,
            reason: RejectionReason::Invalid(error),
        })?;
    reach
        .admits_startup_in(profile.province)
        .map_err(|outside| Rejection {
            line,
            reason: RejectionReason::OutsideReach(outside),
        })?;
    let anonymous_if_new = profile.anonymous_texts(&profile.redactor(Vec::new()));
    Ok(ValidStartup {
        line,
        external_id: record.external_id,
        profile,
        anonymous_if_new,
    })
}

/// Writes `records` (in file order) and returns the outcome of each, in the
/// same order.
pub fn write_startups(
    connection: &mut PgConnection,
    records: &[ValidStartup],
    reach: ImportReach,
) -> Vec<Result<Written, Rejection>> {
    // A savepoint, so that a bulk write that breaks a rule leaves nothing.
    // Whatever failed, the row-by-row write meets it again at the row it
    // concerns and rejects that row alone, as an import always did.
    match connection.transaction(|connection| write_in_bulk(connection, records, reach)) {
        Ok(verdicts) => verdicts,
        Err(_) => records
            .iter()
            .map(|record| write_one(connection, record, reach))
            .collect(),
    }
}

/// The whole batch in a few statements: the stored rows are read by external
/// id, compared, and the new and changed ones written.
fn write_in_bulk(
    connection: &mut PgConnection,
    records: &[ValidStartup],
    reach: ImportReach,
) -> diesel::QueryResult<Vec<Result<Written, Rejection>>> {
    let external_ids: Vec<&str> = records
        .iter()
        .map(|record| record.external_id.as_str())
        .collect();
    let stored: HashMap<String, startups::StartupRow> =
        startups::find_by_external_ids(connection, &external_ids)?
            .into_iter()
            .filter_map(|row| Some((row.external_id.clone()?, row)))
            .collect();
    let mut verdicts = Vec::with_capacity(records.len());
    let mut replacements = Vec::new();
    let mut additions: Vec<&ValidStartup> = Vec::new();
    for record in records {
        let Some(row) = stored.get(&record.external_id) else {
            additions.push(record);
            verdicts.push(Ok(Written::Inserted));
            continue;
        };
        // A start-up stored in another region is not the importer's to change.
        if let Err(outside) = reach.admits_stored_startup_in(row.province) {
            verdicts.push(Err(outside_reach(record, outside)));
        } else if row.profile() == record.profile {
            // Not written again: no new version, no search change.
            verdicts.push(Ok(Written::Unchanged));
        } else {
            replacements.push((row, &record.profile));
            verdicts.push(Ok(Written::Updated));
        }
    }
    startups::replace_profiles(connection, &replacements)?;
    let names = organisation_names(connection, &additions)?;
    let organisation_ids: Vec<Uuid> = additions.iter().map(|_| Uuid::new_v4()).collect();
    let new_organisations: Vec<(Uuid, &str)> = organisation_ids
        .iter()
        .zip(&names)
        .map(|(id, name)| (*id, name.as_str()))
        .collect();
    organisations::insert_many(
        connection,
        OrganisationKind::StartupCompany,
        &new_organisations,
    )?;
    let new_startups: Vec<NewImportedStartup<'_>> = additions
        .iter()
        .zip(&organisation_ids)
        .map(|(record, organisation_id)| NewImportedStartup {
            id: Uuid::new_v4(),
            organisation_id: *organisation_id,
            external_id: &record.external_id,
            profile: &record.profile,
            anonymous: &record.anonymous_if_new,
        })
        .collect();
    startups::insert_many(connection, &new_startups)?;
    Ok(verdicts)
}

/// The organisation name of each new company, as [`write_one`] would choose
/// it: the company's name, or with its external id when another company
/// (stored, or earlier in the batch) has that name. Where this guess and the
/// database disagree, the insert breaks the unique name rule and the batch
/// is written row by row, which asks the database each time.
fn organisation_names(
    connection: &mut PgConnection,
    additions: &[&ValidStartup],
) -> diesel::QueryResult<Vec<String>> {
    let names: Vec<&str> = additions
        .iter()
        .map(|record| record.profile.name.as_str())
        .collect();
    let keys = organisations::name_keys(connection, OrganisationKind::StartupCompany, &names)?;
    let mut claimed: HashSet<String> = HashSet::new();
    Ok(additions
        .iter()
        .zip(keys)
        .map(|(record, (key, taken))| {
            if taken || !claimed.insert(key) {
                format!("{} [{}]", record.profile.name, record.external_id)
            } else {
                record.profile.name.clone()
            }
        })
        .collect())
}

/// One record in a savepoint of its own: the path of a batch that broke a
/// database rule in bulk.
fn write_one(
    connection: &mut PgConnection,
    record: &ValidStartup,
    reach: ImportReach,
) -> Result<Written, Rejection> {
    let profile = &record.profile;
    connection
        .transaction(|connection| {
            if let Some(existing) = startups::find_by_external_id(connection, &record.external_id)?
            {
                if let Err(outside) = reach.admits_stored_startup_in(existing.province) {
                    return Ok(Err(outside_reach(record, outside)));
                }
                if existing.profile() == *profile {
                    return Ok(Ok(Written::Unchanged));
                }
                startups::replace_profile(connection, existing.id, profile)?;
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
                profile,
            )?;
            Ok(Ok(Written::Inserted))
        })
        .unwrap_or_else(|error: diesel::result::Error| {
            Err(Rejection {
                line: record.line,
                reason: database_reason(&error),
            })
        })
}

/// The rejection of a record whose stored start-up lies outside the
/// importer's reach.
fn outside_reach(record: &ValidStartup, outside: OutsideReach) -> Rejection {
    Rejection {
        line: record.line,
        reason: RejectionReason::OutsideReach(outside),
    }
}

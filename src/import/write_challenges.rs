//! Writing a batch of validated challenge records: in bulk (a few multi-row
//! statements per batch), or row by row in savepoints when the bulk write
//! meets a database rule, so that only the rows that break it are rejected,
//! with the reason the row-by-row write gives.

use std::collections::HashMap;

use diesel::{Connection, PgConnection};
use uuid::Uuid;

use super::organisations::{Found, OrganisationMatcher};
use super::records::{challenge_record, RawRecord};
use super::rejection::{Rejection, RejectionReason};
use super::run::{database_reason, ImportOptions, ImportReport, Written, DEFAULT_ORGANISATION};
use crate::db::challenges::{self, ChallengeOrigin};
use crate::domain::challenge::{ChallengeContent, ChallengeStatus};

/// A challenge record that passed validation, with its organisation found
/// (or created), not yet written.
#[derive(Debug)]
pub struct ValidChallenge {
    pub line: usize,
    pub external_id: String,
    pub organisation_id: Uuid,
    pub status: ChallengeStatus,
    pub content: ChallengeContent,
}

/// Reads and validates one record and finds its organisation (creating it
/// when `options` allow); `Err` is its rejection.
pub fn validate_challenge(
    connection: &mut PgConnection,
    raw: RawRecord,
    organisations: &mut OrganisationMatcher,
    options: ImportOptions,
    report: &mut ImportReport,
) -> Result<ValidChallenge, Rejection> {
    let line = raw.line;
    let record = challenge_record(raw)?;
    let content = record.input.validate().map_err(|error| Rejection {
        line,
        reason: RejectionReason::Invalid(error),
    })?;
    // In a savepoint of its own: an organisation created for this row stays
    // known to the rows after it even when this row's write fails.
    let organisation_id = connection
        .transaction(|connection| {
            organisation_of(
                connection,
                organisations,
                options,
                record.organisation.as_deref(),
                report,
            )
        })
        .unwrap_or_else(|error: diesel::result::Error| Err(database_reason(&error)))
        .map_err(|reason| Rejection { line, reason })?;
    Ok(ValidChallenge {
        line,
        external_id: record.external_id,
        organisation_id,
        status: record.status,
        content,
    })
}

/// The organisation a challenge row names, found or (when allowed) created;
/// `Err` is the reason the row is rejected.
fn organisation_of(
    connection: &mut PgConnection,
    organisations: &mut OrganisationMatcher,
    options: ImportOptions,
    written: Option<&str>,
    report: &mut ImportReport,
) -> diesel::QueryResult<Result<Uuid, RejectionReason>> {
    let Some(written) = written else {
        // Rows without an organisation share one, created the first time.
        return Ok(Ok(match organisations.find(DEFAULT_ORGANISATION) {
            Found::Existing(id) => id,
            Found::Unknown(_) => organisations.create(connection, DEFAULT_ORGANISATION)?,
        }));
    };
    match organisations.find(written) {
        Found::Existing(id) => Ok(Ok(id)),
        Found::Unknown(_) if options.create_organisations => {
            let id = organisations.create(connection, written)?;
            report.created_organisations.push(written.to_owned());
            Ok(Ok(id))
        }
        Found::Unknown(near) => Ok(Err(RejectionReason::unknown_organisation(written, near))),
    }
}

/// Writes `records` (in file order) and returns the outcome of each, in the
/// same order.
pub fn write_challenges(
    connection: &mut PgConnection,
    records: &[ValidChallenge],
) -> Vec<Result<Written, Rejection>> {
    // A savepoint, so that a bulk write that breaks a rule leaves nothing.
    // Whatever failed, the row-by-row write meets it again at the row it
    // concerns and rejects that row alone, as an import always did.
    match connection.transaction(|connection| write_in_bulk(connection, records)) {
        Ok(verdicts) => verdicts.into_iter().map(Ok).collect(),
        Err(_) => records
            .iter()
            .map(|record| write_one(connection, record))
            .collect(),
    }
}

fn origin(record: &ValidChallenge) -> ChallengeOrigin<'_> {
    ChallengeOrigin {
        organisation_id: record.organisation_id,
        created_by: None,
        external_id: Some(&record.external_id),
        status: record.status,
    }
}

/// The whole batch in a few statements: the stored rows are read by external
/// id, compared, and the new and changed ones written.
fn write_in_bulk(
    connection: &mut PgConnection,
    records: &[ValidChallenge],
) -> diesel::QueryResult<Vec<Written>> {
    let external_ids: Vec<&str> = records
        .iter()
        .map(|record| record.external_id.as_str())
        .collect();
    let stored: HashMap<String, challenges::ChallengeRow> =
        challenges::find_by_external_ids(connection, &external_ids)?
            .into_iter()
            .filter_map(|row| Some((row.external_id.clone()?, row)))
            .collect();
    let mut verdicts = Vec::with_capacity(records.len());
    let mut replacements = Vec::new();
    let mut additions = Vec::new();
    for record in records {
        match stored.get(&record.external_id) {
            Some(row) if row.content() == record.content && row.status == record.status => {
                verdicts.push(Written::Unchanged)
            }
            Some(row) => {
                replacements.push((row.id, record.status, &record.content));
                verdicts.push(Written::Updated);
            }
            None => {
                additions.push((Uuid::new_v4(), origin(record), &record.content));
                verdicts.push(Written::Inserted);
            }
        }
    }
    challenges::replace_imported_many(connection, &replacements)?;
    challenges::insert_many(connection, &additions)?;
    Ok(verdicts)
}

/// One record in a savepoint of its own: the path of a batch that broke a
/// database rule in bulk.
fn write_one(connection: &mut PgConnection, record: &ValidChallenge) -> Result<Written, Rejection> {
    connection
        .transaction(|connection| {
            if let Some(existing) =
                challenges::find_by_external_id(connection, &record.external_id)?
            {
                if existing.content() == record.content && existing.status == record.status {
                    return Ok(Written::Unchanged);
                }
                challenges::replace_imported(
                    connection,
                    existing.id,
                    record.status,
                    &record.content,
                )?;
                return Ok(Written::Updated);
            }
            challenges::insert(connection, &origin(record), &record.content)?;
            Ok(Written::Inserted)
        })
        .map_err(|error: diesel::result::Error| Rejection {
            line: record.line,
            reason: database_reason(&error),
        })
}

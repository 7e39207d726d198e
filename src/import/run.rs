//! Writing validated import records: in batches of one transaction each,
//! every record in a savepoint of its own so that one bad record (a
//! duplicate KvK number, say) is reported and the rest of the batch kept.
//! A dry run does all of it inside one transaction that is rolled back, so
//! its report is the one the real import would give.

use std::collections::{BTreeSet, HashMap};

use chrono::{Datelike, Utc};
use diesel::{Connection, PgConnection};

use super::columns::column_for;
use super::organisations::{Found, OrganisationMatcher};
use super::records::{
    challenge_record, external_id_of, startup_record, RawRecord, Rejection, SourceFile,
};
use super::summary::FileFormat;
use crate::db::challenges::{self, ChallengeOrigin};
use crate::db::organisations::{self, NewOrganisation};
use crate::db::startups;
use crate::domain::account::OrganisationKind;
use crate::domain::policy::ImportReach;

/// Records per transaction.
pub const BATCH_RECORDS: usize = 250;

/// The organisation of challenges whose row names none.
pub const DEFAULT_ORGANISATION: &str = "Imported challenges";

/// What an import did.
#[derive(Debug, Default, Clone)]
pub struct ImportReport {
    /// Records created.
    pub inserted: usize,
    pub updated: usize,
    /// Records already stored exactly so: not written again.
    pub unchanged: usize,
    /// Every rejected record, in file order once the import is done.
    pub rejected: Vec<Rejection>,
    /// What became of every record that was not rejected, in file order: the
    /// per-row verdicts of a preview.
    pub written: Vec<WrittenRow>,
    /// Columns the file had that defmatch ignored, as the file names them.
    pub ignored_fields: BTreeSet<String>,
    /// Organisations the import created (with `create_organisations`).
    pub created_organisations: Vec<String>,
    /// Whether nothing was written (a dry run).
    pub dry_run: bool,
}

/// How an import treats what it does not know.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// Create a defence organisation a challenge names that does not exist,
    /// instead of rejecting the row.
    pub create_organisations: bool,
    /// Report what would happen and write nothing.
    pub dry_run: bool,
    /// Which start-ups may be written: a ROM officer's import rejects the
    /// rows outside their provinces (`domain::policy::ImportReach`).
    pub reach: ImportReach,
}

impl ImportReport {
    /// Records read, whatever became of them.
    pub fn seen(&self) -> usize {
        self.inserted + self.updated + self.unchanged + self.rejected.len()
    }
}

/// What an import did with one valid record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    Inserted,
    Updated,
    Unchanged,
}

/// One record that was written (or, unchanged, left as stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenRow {
    pub line: usize,
    pub external_id: Option<String>,
    pub verdict: Written,
}

/// Why a valid record could not be written.
type WriteError = String;

fn write_startup(
    connection: &mut PgConnection,
    raw: RawRecord,
    reach: ImportReach,
) -> Result<Written, Rejection> {
    let line = raw.line;
    let record = startup_record(raw)?;
    let profile = record
        .input
        .validate(Utc::now().year())
        .map_err(|error| Rejection {
            line,
            reason: error.to_string(),
        })?;
    let outside = |outside: crate::domain::policy::OutsideReach| Rejection {
        line,
        reason: outside.to_string(),
    };
    reach.admits_startup_in(profile.province).map_err(outside)?;
    let outcome: Result<Written, WriteError> = connection
        .transaction(|connection| {
            if let Some(existing) = startups::find_by_external_id(connection, &record.external_id)?
            {
                if let Err(elsewhere) = reach.admits_stored_startup_in(existing.province) {
                    return Ok(Err(elsewhere.to_string()));
                }
                // Not written again: no new version, no search change.
                if existing.profile() == profile {
                    return Ok(Ok(Written::Unchanged));
                }
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
    organisations: &mut OrganisationMatcher,
    options: ImportOptions,
    report: &mut ImportReport,
) -> Result<Written, Rejection> {
    let line = raw.line;
    let record = challenge_record(raw)?;
    let content = record.input.validate().map_err(|error| Rejection {
        line,
        reason: error.to_string(),
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
    let outcome: Result<Written, WriteError> = connection
        .transaction(|connection| {
            if let Some(existing) =
                challenges::find_by_external_id(connection, &record.external_id)?
            {
                if existing.content() == content && existing.status == record.status {
                    return Ok(Ok(Written::Unchanged));
                }
                challenges::replace_imported(connection, existing.id, record.status, &content)?;
                return Ok(Ok(Written::Updated));
            }
            let origin = ChallengeOrigin {
                organisation_id,
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

/// The organisation a challenge row names, found or (when allowed) created;
/// `Err` is the reason the row is rejected.
fn organisation_of(
    connection: &mut PgConnection,
    organisations: &mut OrganisationMatcher,
    options: ImportOptions,
    written: Option<&str>,
    report: &mut ImportReport,
) -> diesel::QueryResult<Result<uuid::Uuid, WriteError>> {
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
        Found::Unknown(near) if near.is_empty() => Ok(Err(format!(
            "organisation: no defence organisation is called `{written}` (create it with --create-organisations)"
        ))),
        Found::Unknown(near) => Ok(Err(format!(
            "organisation: no defence organisation is called `{written}`; did you mean {}? (or create it with --create-organisations)",
            near.iter()
                .map(|name| format!("`{name}`"))
                .collect::<Vec<_>>()
                .join(" or ")
        ))),
    }
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
/// with an error; what was committed before stays (in a dry run, nothing).
pub fn import_records(
    connection: &mut PgConnection,
    kind: RecordKind,
    records: Vec<RawRecord>,
    options: ImportOptions,
    progress: &dyn Fn(u64, u64),
) -> anyhow::Result<ImportReport> {
    if !options.dry_run {
        return write_all(connection, kind, records, options, progress);
    }
    let mut dry_report = None;
    let outcome = connection.transaction::<(), anyhow::Error, _>(|connection| {
        dry_report = Some(write_all(connection, kind, records, options, progress)?);
        Err(anyhow::Error::new(RolledBack))
    });
    match (outcome, dry_report) {
        (Err(error), Some(mut report)) if error.is::<RolledBack>() => {
            report.dry_run = true;
            Ok(report)
        }
        (Err(error), _) => Err(error),
        (Ok(()), _) => anyhow::bail!("a dry run was not rolled back"),
    }
}

/// Imports a file that was read: its records, then its unreadable lines
/// joined to the rejections in file order. The one operation behind
/// `defmatch import`, whatever the file's format.
pub fn import_source(
    connection: &mut PgConnection,
    kind: RecordKind,
    source: SourceFile,
    options: ImportOptions,
    progress: &dyn Fn(u64, u64),
) -> anyhow::Result<(FileFormat, ImportReport)> {
    let format = FileFormat {
        encoding: source.encoding,
        delimiter: source.delimiter,
        sheet: source.sheet,
    };
    let mut report = import_records(connection, kind, source.records, options, progress)?;
    report.rejected.extend(source.rejections);
    report.rejected.sort_by_key(|rejection| rejection.line);
    Ok((format, report))
}

/// The error that rolls a dry run back.
#[derive(Debug, thiserror::Error)]
#[error("dry run: rolled back")]
struct RolledBack;

fn write_all(
    connection: &mut PgConnection,
    kind: RecordKind,
    records: Vec<RawRecord>,
    options: ImportOptions,
    progress: &dyn Fn(u64, u64),
) -> anyhow::Result<ImportReport> {
    let total = records.len() as u64;
    let mut report = ImportReport::default();
    for record in &records {
        for header in record.fields.keys() {
            if column_for(kind, header).is_none() {
                report.ignored_fields.insert(header.clone());
            }
        }
    }
    let mut organisations = OrganisationMatcher::load(connection)?;
    let mut first_line_of: HashMap<String, usize> = HashMap::new();
    let mut done = 0_u64;
    let mut records = records.into_iter().peekable();
    while records.peek().is_some() {
        let batch: Vec<RawRecord> = records.by_ref().take(BATCH_RECORDS).collect();
        let batch_len = batch.len() as u64;
        connection.transaction::<_, anyhow::Error, _>(|connection| {
            for raw in batch {
                let line = raw.line;
                let external_id = external_id_of(kind, &raw);
                if let Some(external_id) = external_id.clone() {
                    if let Some(first_line) = first_line_of.get(&external_id) {
                        report.rejected.push(Rejection {
                            line: raw.line,
                            reason: format!(
                                "external_id `{external_id}` appears twice in the file: on line {first_line} and on line {} (only line {first_line} is imported)",
                                raw.line
                            ),
                        });
                        continue;
                    }
                    first_line_of.insert(external_id, raw.line);
                }
                let written = match kind {
                    RecordKind::Startups => write_startup(connection, raw, options.reach),
                    RecordKind::Challenges => write_challenge(
                        connection,
                        raw,
                        &mut organisations,
                        options,
                        &mut report,
                    ),
                };
                match written {
                    Ok(verdict) => {
                        match verdict {
                            Written::Inserted => report.inserted += 1,
                            Written::Updated => report.updated += 1,
                            Written::Unchanged => report.unchanged += 1,
                        }
                        report.written.push(WrittenRow {
                            line,
                            external_id,
                            verdict,
                        });
                    }
                    Err(rejection) => report.rejected.push(rejection),
                }
            }
            Ok(())
        })?;
        done += batch_len;
        progress(done, total);
    }
    report.rejected.sort_by_key(|rejection| rejection.line);
    Ok(report)
}

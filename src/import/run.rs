//! Importing records: in batches of one transaction each, every batch
//! validated row by row and then written in bulk (`write_startups`,
//! `write_challenges`); a batch that breaks a database rule in bulk (a
//! duplicate KvK number, say) is written row by row in savepoints instead,
//! so that the bad record is reported and the rest of the batch kept.
//! A dry run does all of it inside one transaction that is rolled back, so
//! its report is the one the real import would give.

use std::collections::{BTreeSet, HashMap};

use diesel::{Connection, PgConnection};

use super::columns::column_for;
use super::organisations::OrganisationMatcher;
use super::records::{external_id_of, RawRecord, SourceFile};
use super::rejection::{bounded_detail, Rejection, RejectionReason};
use super::summary::FileFormat;
use super::write_challenges::{validate_challenge, write_challenges};
use super::write_startups::{validate_startup, write_startups};
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

/// The reason a record is rejected when the database refused to write it.
pub(super) fn database_reason(error: &diesel::result::Error) -> RejectionReason {
    match error {
        diesel::result::Error::DatabaseError(_, info) => match info.constraint_name() {
            Some(constraint) => RejectionReason::DatabaseRule {
                constraint: constraint.to_owned(),
            },
            // PostgreSQL's message may quote the row's values.
            None => RejectionReason::DatabaseRefused {
                detail: bounded_detail(info.message()),
            },
        },
        other => RejectionReason::DatabaseRefused {
            detail: bounded_detail(&other.to_string()),
        },
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
            // Validation first, row by row in file order (a challenge's
            // organisation may be created here); then the valid rows are
            // written together.
            let mut valid_startups = Vec::new();
            let mut valid_challenges = Vec::new();
            let mut written_ids = Vec::new();
            for raw in batch {
                let line = raw.line;
                let external_id = external_id_of(kind, &raw);
                if let Some(external_id) = external_id.clone() {
                    if let Some(first_line) = first_line_of.get(&external_id) {
                        report.rejected.push(Rejection {
                            line: raw.line,
                            reason: RejectionReason::duplicate_external_id(
                                &external_id,
                                *first_line,
                                raw.line,
                            ),
                        });
                        continue;
                    }
                    first_line_of.insert(external_id.clone(), raw.line);
                }
                let validated = match kind {
                    RecordKind::Startups => {
                        validate_startup(raw, options.reach).map(|valid| valid_startups.push(valid))
                    }
                    RecordKind::Challenges => validate_challenge(
                        connection,
                        raw,
                        &mut organisations,
                        options,
                        &mut report,
                    )
                    .map(|valid| valid_challenges.push(valid)),
                };
                match validated {
                    Ok(()) => written_ids.push((line, external_id)),
                    Err(rejection) => report.rejected.push(rejection),
                }
            }
            let outcomes = match kind {
                RecordKind::Startups => write_startups(connection, &valid_startups, options.reach),
                RecordKind::Challenges => write_challenges(connection, &valid_challenges),
            };
            for ((line, external_id), outcome) in written_ids.into_iter().zip(outcomes) {
                match outcome {
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

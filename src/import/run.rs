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
    let mut batches = Batches::new(records, total, progress);
    match kind {
        RecordKind::Startups => {
            write_startups_checked_ahead(connection, &mut batches, options, &mut report)?
        }
        RecordKind::Challenges => {
            write_challenges_in_turn(connection, &mut batches, options, &mut report)?
        }
    }
    report.rejected.sort_by_key(|rejection| rejection.line);
    Ok(report)
}

/// The records cut into batches of [`BATCH_RECORDS`], with the progress
/// reported as each batch is written.
struct Batches<'progress> {
    records: std::iter::Peekable<std::vec::IntoIter<RawRecord>>,
    done: u64,
    total: u64,
    progress: &'progress dyn Fn(u64, u64),
}

impl<'progress> Batches<'progress> {
    fn new(records: Vec<RawRecord>, total: u64, progress: &'progress dyn Fn(u64, u64)) -> Self {
        Self {
            records: records.into_iter().peekable(),
            done: 0,
            total,
            progress,
        }
    }

    fn next_batch(&mut self) -> Option<Vec<RawRecord>> {
        self.records.peek()?;
        Some(self.records.by_ref().take(BATCH_RECORDS).collect())
    }

    fn written(&mut self, records: usize) {
        self.done += records as u64;
        (self.progress)(self.done, self.total);
    }
}

/// The second and later records of an external id are rejected, naming the
/// line of the first.
#[derive(Default)]
struct RepeatedIds {
    first_line_of: HashMap<String, usize>,
}

impl RepeatedIds {
    fn check(&mut self, kind: RecordKind, raw: &RawRecord) -> Result<Option<String>, Rejection> {
        let external_id = external_id_of(kind, raw);
        if let Some(external_id) = &external_id {
            if let Some(first_line) = self.first_line_of.get(external_id) {
                return Err(Rejection {
                    line: raw.line,
                    reason: RejectionReason::duplicate_external_id(
                        external_id,
                        *first_line,
                        raw.line,
                    ),
                });
            }
            self.first_line_of.insert(external_id.clone(), raw.line);
        }
        Ok(external_id)
    }
}

/// One batch, validated and not yet written.
struct CheckedBatch<T> {
    valid: Vec<T>,
    /// The line and external id of each valid record, in the order of `valid`.
    valid_lines: Vec<(usize, Option<String>)>,
    rejected: Vec<Rejection>,
}

impl<T> CheckedBatch<T> {
    fn new() -> Self {
        Self {
            valid: Vec::new(),
            valid_lines: Vec::new(),
            rejected: Vec::new(),
        }
    }

    /// Records in the batch, valid or not.
    fn records(&self) -> usize {
        self.valid.len() + self.rejected.len()
    }

    fn add(&mut self, line: usize, external_id: Option<String>, validated: Result<T, Rejection>) {
        match validated {
            Ok(valid) => {
                self.valid.push(valid);
                self.valid_lines.push((line, external_id));
            }
            Err(rejection) => self.rejected.push(rejection),
        }
    }

    /// Counts what became of the batch, given the outcome of each valid record.
    fn tally(self, outcomes: Vec<Result<Written, Rejection>>, report: &mut ImportReport) {
        report.rejected.extend(self.rejected);
        for ((line, external_id), outcome) in self.valid_lines.into_iter().zip(outcomes) {
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
    }
}

/// Batches validated ahead of the database by this many.
const BATCHES_CHECKED_AHEAD: usize = 2;

/// Start-ups: a start-up's validation and its card's redaction need no
/// database, so a thread of its own does them for the next batches while
/// this one writes, and the two cores of a small server are both at work
/// instead of in turn.
fn write_startups_checked_ahead(
    connection: &mut PgConnection,
    batches: &mut Batches<'_>,
    options: ImportOptions,
    report: &mut ImportReport,
) -> anyhow::Result<()> {
    let mut unchecked = Vec::new();
    while let Some(batch) = batches.next_batch() {
        unchecked.push(batch);
    }
    std::thread::scope(|scope| {
        let (sender, checked) = std::sync::mpsc::sync_channel(BATCHES_CHECKED_AHEAD);
        let checker = scope.spawn(move || {
            let mut repeated = RepeatedIds::default();
            for batch in unchecked {
                let mut checked = CheckedBatch::new();
                for raw in batch {
                    let line = raw.line;
                    match repeated.check(RecordKind::Startups, &raw) {
                        Ok(external_id) => {
                            checked.add(line, external_id, validate_startup(raw, options.reach))
                        }
                        Err(rejection) => checked.add(line, None, Err(rejection)),
                    }
                }
                // The writer stopped (a database error): so does the checking.
                if sender.send(checked).is_err() {
                    return;
                }
            }
        });
        for batch in checked {
            let records = batch.records();
            connection.transaction::<_, anyhow::Error, _>(|connection| {
                let outcomes = write_startups(connection, &batch.valid, options.reach);
                batch.tally(outcomes, report);
                Ok(())
            })?;
            batches.written(records);
        }
        checker
            .join()
            .map_err(|_| anyhow::anyhow!("the thread validating start-ups panicked"))
    })
}

/// Challenges: validation may read or create the issuing organisation, so
/// each batch is validated and written in one transaction, in turn.
fn write_challenges_in_turn(
    connection: &mut PgConnection,
    batches: &mut Batches<'_>,
    options: ImportOptions,
    report: &mut ImportReport,
) -> anyhow::Result<()> {
    let mut organisations = OrganisationMatcher::load(connection)?;
    let mut repeated = RepeatedIds::default();
    while let Some(batch) = batches.next_batch() {
        let records = batch.len();
        connection.transaction::<_, anyhow::Error, _>(|connection| {
            // Row by row in file order, since a row may create the
            // organisation a later row names; then the valid rows together.
            let mut checked = CheckedBatch::new();
            for raw in batch {
                let line = raw.line;
                match repeated.check(RecordKind::Challenges, &raw) {
                    Ok(external_id) => {
                        let validated = validate_challenge(
                            connection,
                            raw,
                            &mut organisations,
                            options,
                            report,
                        );
                        checked.add(line, external_id, validated);
                    }
                    Err(rejection) => checked.add(line, None, Err(rejection)),
                }
            }
            let outcomes = write_challenges(connection, &checked.valid);
            checked.tally(outcomes, report);
            Ok(())
        })?;
        batches.written(records);
    }
    Ok(())
}

//! The work behind the one-shot subcommands (`import`, `reindex`), with
//! their progress bars and reports; `main.rs` only parses arguments. The
//! progress bar and the file import are public because `defmatch-tools`
//! (`eval`, `bench`) loads its data the same way.

use std::path::Path;

use anyhow::Context;
use diesel::PgConnection;

use crate::import::{
    import_source, read_records_from_sheet, summary_text, write_report_csv, FileFormat,
    ImportOptions, ImportReport, RecordKind,
};
use crate::search::index::SearchIndex;
use crate::search::indexer::rebuild;

/// What `defmatch import` was asked to do.
#[derive(Debug, Default)]
pub struct ImportRequest<'a> {
    pub challenges: Option<&'a Path>,
    pub startups: Option<&'a Path>,
    pub options: ImportOptions,
    /// Where to write every rejection as CSV.
    pub report: Option<&'a Path>,
    /// How many rejections to print per file.
    pub max_rejections: usize,
    /// The sheet to read of an `.xlsx` workbook (the first when `None`).
    pub sheet: Option<&'a str>,
}

/// `defmatch import`: challenges first, so start-ups can be matched at once.
/// Prints a report per file on stdout.
pub fn import(database_url: &str, request: &ImportRequest<'_>) -> anyhow::Result<()> {
    if request.challenges.is_none() && request.startups.is_none() {
        anyhow::bail!(
            "name a file with --startups and/or --challenges (columns: defmatch import --columns)"
        );
    }
    crate::server::migrate_with_retry(database_url)?;
    let mut connection =
        crate::db::establish(database_url).context("failed to connect to the database")?;
    let mut reports: Vec<(String, ImportReport)> = Vec::new();
    for (path, kind, label) in [
        (request.challenges, RecordKind::Challenges, "challenges"),
        (request.startups, RecordKind::Startups, "start-ups"),
    ] {
        let Some(path) = path else { continue };
        let (format, report) = import_path(
            &mut connection,
            path,
            request.sheet,
            kind,
            label,
            request.options,
        )?;
        print!(
            "{}",
            summary_text(
                &path.display().to_string(),
                format,
                &report,
                request.max_rejections
            )
        );
        reports.push((path.display().to_string(), report));
    }
    if let Some(report_path) = request.report {
        let files: Vec<(String, &ImportReport)> = reports
            .iter()
            .map(|(file, report)| (file.clone(), report))
            .collect();
        write_report_csv(report_path, &files)?;
        println!("every rejection written to {}", report_path.display());
    }
    if !request.options.dry_run {
        println!("the running server indexes the imported records from the search outbox");
    }
    Ok(())
}

/// Reads and imports one file (of a workbook, the sheet `sheet`) with a
/// progress bar; the rejections of lines that could not be read join the
/// others, in file order.
pub fn import_path(
    connection: &mut PgConnection,
    path: &Path,
    sheet: Option<&str>,
    kind: RecordKind,
    label: &str,
    options: ImportOptions,
) -> anyhow::Result<(FileFormat, ImportReport)> {
    let source = read_records_from_sheet(path, sheet)?;
    let bar = progress_bar(label);
    let imported = import_source(connection, kind, source, options, &|done, total| {
        bar.set_length(total);
        bar.set_position(done);
    });
    bar.finish_and_clear();
    imported
}

/// `defmatch reindex`: rebuilds the index from scratch with a progress bar.
pub fn reindex(database_url: &str, index_dir: &Path) -> anyhow::Result<()> {
    let mut connection =
        crate::db::establish(database_url).context("failed to connect to the database")?;
    let (index, _) = SearchIndex::open(index_dir)?;
    index.follow_database(crate::db::outbox::database_identity(&mut connection)?);
    let bar = progress_bar("reindexing");
    let documents = rebuild(&index, &mut connection, &|done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })?;
    bar.finish_and_clear();
    println!("indexed {documents} documents into {}", index_dir.display());
    Ok(())
}

/// A bar on stderr; hidden when stderr is not a terminal.
pub fn progress_bar(label: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg:>20} [{bar:40}] {pos}/{len} ({eta})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.set_message(label.to_owned());
    bar
}

/// Loads one file of a data set (`eval`, `bench`) through the real import
/// path, creating the organisations it names; prints the first rejections
/// and returns how many there were.
pub fn import_file(
    connection: &mut PgConnection,
    path: &Path,
    kind: RecordKind,
    label: &str,
) -> anyhow::Result<usize> {
    let options = ImportOptions {
        create_organisations: true,
        dry_run: false,
        reach: crate::domain::policy::ImportReach::Everywhere,
    };
    let (_, report) = import_path(connection, path, None, kind, label, options)?;
    for rejection in report.rejected.iter().take(5) {
        eprintln!(
            "{}:{}: rejected: {}",
            path.display(),
            rejection.line,
            rejection.reason
        );
    }
    Ok(report.rejected.len())
}

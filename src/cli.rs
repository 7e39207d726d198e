//! The work behind the one-shot subcommands (`import`, `reindex`), with
//! their progress bars and reports; `main.rs` only parses arguments. The
//! progress bar and the file import are public because `defmatch-tools`
//! (`eval`, `bench`) loads its data the same way.

use std::path::Path;

use anyhow::Context;
use diesel::{Connection, PgConnection};

use crate::import::{import_records, read_records, RecordKind};
use crate::search::index::SearchIndex;
use crate::search::indexer::rebuild;

/// `defmatch import`: challenges first, so start-ups can be matched at once.
pub fn import(
    database_url: &str,
    challenges: Option<&Path>,
    startups: Option<&Path>,
) -> anyhow::Result<()> {
    crate::server::migrate_with_retry(database_url)?;
    let mut connection =
        PgConnection::establish(database_url).context("failed to connect to the database")?;
    if challenges.is_none() && startups.is_none() {
        anyhow::bail!("name a file with --startups and/or --challenges");
    }
    for (path, kind, label) in [
        (challenges, RecordKind::Challenges, "challenges"),
        (startups, RecordKind::Startups, "start-ups"),
    ] {
        let Some(path) = path else { continue };
        let rejected = import_file(&mut connection, path, kind, label)?;
        println!(
            "{}: imported, {rejected} record(s) rejected",
            path.display()
        );
    }
    println!("the running server indexes the imported records from the search outbox");
    Ok(())
}

/// `defmatch reindex`: rebuilds the index from scratch with a progress bar.
pub fn reindex(database_url: &str, index_dir: &Path) -> anyhow::Result<()> {
    let mut connection =
        PgConnection::establish(database_url).context("failed to connect to the database")?;
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

/// Imports one file through the real import path, with a progress bar;
/// prints the first rejections and returns how many there were.
pub fn import_file(
    connection: &mut PgConnection,
    path: &Path,
    kind: RecordKind,
    label: &str,
) -> anyhow::Result<usize> {
    let (records, mut rejected) = read_records(path)?;
    let bar = progress_bar(label);
    let report = import_records(connection, kind, records, &|done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })?;
    bar.finish_and_clear();
    rejected.extend(report.rejected.iter().cloned());
    for rejection in rejected.iter().take(5) {
        eprintln!(
            "{}:{}: rejected: {}",
            path.display(),
            rejection.line,
            rejection.reason
        );
    }
    Ok(rejected.len())
}

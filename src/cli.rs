//! The work behind the one-shot subcommands (`import`, `reindex`, `eval`),
//! with their progress bars and reports; `main.rs` only parses arguments.

use std::path::Path;

use anyhow::Context;
use diesel::{Connection, PgConnection};

use crate::eval::{import_file, progress_bar};
use crate::import::RecordKind;
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

/// `defmatch eval`: prints the metrics, as text or one JSON object.
pub fn eval(database_url: &str, data: &Path, run_out: &Path, json: bool) -> anyhow::Result<()> {
    let report = crate::eval::run(database_url, data, run_out)?;
    if json {
        println!("{}", serde_json::to_string(&report)?);
        return Ok(());
    }
    println!(
        "imported {} challenges and {} start-ups ({} rejected) in {:.1}s; ranked in {:.1}s",
        report.challenges,
        report.startups,
        report.rejected_records,
        report.import_seconds,
        report.rank_seconds
    );
    for (task, metrics) in [("task_a", report.task_a), ("task_b", report.task_b)] {
        if let Some(metrics) = metrics {
            println!(
                "{task}: nDCG@10 {:.3}  Recall@10 {:.3}  MRR@10 {:.3}  ({} queries)",
                metrics.ndcg, metrics.recall, metrics.mrr, metrics.queries
            );
        }
    }
    println!("run written to {}", run_out.display());
    Ok(())
}

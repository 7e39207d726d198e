//! Keeps the index in step with PostgreSQL: a full rebuild when the index
//! is missing or stale in shape, and a follower that applies the search
//! outbox in batches. Each commit stores the outbox position it reflects, so
//! a crash between the database commit and the index commit only means the
//! same changes are applied again on the next start.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use diesel::PgConnection;
use uuid::Uuid;

use super::document::{ChallengeDocument, StartupDocument};
use super::index::SearchIndex;
use crate::db::outbox::SearchEntity;
use crate::db::{challenges, outbox, search_replicas, startups, DbPool};

/// Rows read per database round trip.
const BATCH_ROWS: i64 = 500;
/// How often an idle follower looks for new changes.
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_millis(100);

/// Progress of a rebuild: documents done and documents in all.
pub type Progress<'a> = &'a dyn Fn(u64, u64);

/// How often a replica records that it is alive while it rebuilds or idles.
const HEARTBEAT_EVERY: Duration = Duration::from_secs(10);

/// Records this replica's position (and that it is alive) in PostgreSQL.
pub fn record_position(
    index: &SearchIndex,
    connection: &mut PgConnection,
    position: i64,
) -> anyhow::Result<()> {
    search_replicas::record_position(
        connection,
        index.replica_id(),
        &index.directory().display().to_string(),
        position,
    )
    .context("failed to record the search replica's position")
}

/// A page of rows read for a rebuild.
enum RebuildPage {
    /// Start-ups, without the unlisted ones, and how many rows were read.
    Startups(Vec<startups::StartupRow>, u64),
    Challenges(Vec<challenges::ChallengeRow>),
}

/// Pages read ahead of the document building: enough to keep the builders
/// busy while the next page is read, few enough to bound the memory.
const PAGES_READ_AHEAD: usize = 4;

/// Rebuilds the whole index from the database; returns the number of
/// documents. The outbox position is read first, so changes made during
/// the rebuild are applied again by the follower, never lost; the replica
/// records it (and keeps saying it is alive) meanwhile, so that retention
/// keeps those changes.
///
/// One thread reads the tables page by page while the others turn the rows
/// into documents (language detection and term vectors, the costly part) on
/// every core, and the index writer's thread indexes them; the whole build
/// is one commit.
pub fn rebuild(
    index: &SearchIndex,
    connection: &mut PgConnection,
    progress: Progress<'_>,
) -> anyhow::Result<u64> {
    let position =
        outbox::settled_position(connection).context("failed to read the outbox position")?;
    record_position(index, connection, position)?;
    let total = (startups::count(connection)? + challenges::count(connection)?) as u64;
    index.clear()?;
    let fields = index.fields().clone();
    let builders = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let (pages, received) = std::sync::mpsc::sync_channel::<RebuildPage>(PAGES_READ_AHEAD);
    let done = std::thread::scope(|scope| -> anyhow::Result<u64> {
        let reader = scope.spawn(|| read_pages(index, connection, position, pages));
        let mut done = 0_u64;
        for page in received {
            let (documents, rows) = match page {
                RebuildPage::Startups(rows, read) => (
                    build_in_parallel(&rows, builders, |row| {
                        StartupDocument::from_row(row).to_tantivy(&fields)
                    }),
                    read,
                ),
                RebuildPage::Challenges(rows) => (
                    build_in_parallel(&rows, builders, |row| {
                        ChallengeDocument::from_row(row).to_tantivy(&fields)
                    }),
                    rows.len() as u64,
                ),
            };
            for document in documents {
                index.add(document)?;
            }
            done += rows;
            progress(done, total);
        }
        reader.join().map_err(|_| {
            anyhow::anyhow!("the thread reading the tables for the rebuild panicked")
        })??;
        Ok(done)
    })?;
    index.commit(position)?;
    record_position(index, connection, position)?;
    Ok(done)
}

/// Reads every start-up, then every challenge, by id, and sends them page by
/// page; records the replica's position now and then, since the rebuild may
/// take a while. Stops early when the builder stopped listening.
fn read_pages(
    index: &SearchIndex,
    connection: &mut PgConnection,
    position: i64,
    pages: std::sync::mpsc::SyncSender<RebuildPage>,
) -> anyhow::Result<()> {
    let mut heartbeat = std::time::Instant::now();
    let mut after = Uuid::nil();
    loop {
        let rows = startups::page_after(connection, after, BATCH_ROWS)?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        let read = rows.len() as u64;
        let unlisted = startups::unlisted_among(connection, &ids_of(&rows))?;
        let listed = rows
            .into_iter()
            .filter(|row| !unlisted.contains(&row.id))
            .collect();
        if pages.send(RebuildPage::Startups(listed, read)).is_err() {
            return Ok(());
        }
        if heartbeat.elapsed() >= HEARTBEAT_EVERY {
            record_position(index, connection, position)?;
            heartbeat = std::time::Instant::now();
        }
    }
    let mut after = Uuid::nil();
    loop {
        let rows = challenges::page_after(connection, after, BATCH_ROWS)?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        if pages.send(RebuildPage::Challenges(rows)).is_err() {
            return Ok(());
        }
        if heartbeat.elapsed() >= HEARTBEAT_EVERY {
            record_position(index, connection, position)?;
            heartbeat = std::time::Instant::now();
        }
    }
    Ok(())
}

/// `build` applied to every row, on up to `threads` threads, in row order.
fn build_in_parallel<Row: Sync, Document: Send>(
    rows: &[Row],
    threads: usize,
    build: impl Fn(&Row) -> Document + Sync,
) -> Vec<Document> {
    if threads <= 1 || rows.len() < 2 {
        return rows.iter().map(&build).collect();
    }
    let chunk = rows.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let parts: Vec<_> = rows
            .chunks(chunk)
            .map(|part| scope.spawn(|| part.iter().map(&build).collect::<Vec<_>>()))
            .collect();
        parts
            .into_iter()
            .flat_map(|part| {
                part.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

fn ids_of(rows: &[crate::db::startups::StartupRow]) -> Vec<Uuid> {
    rows.iter().map(|row| row.id).collect()
}

/// A rebuild with its progress in the log, every tenth.
pub fn rebuild_logged(index: &SearchIndex, connection: &mut PgConnection) -> anyhow::Result<u64> {
    let last_logged = std::cell::Cell::new(0_u64);
    let documents = rebuild(index, connection, &|done, total| {
        let percent = (done * 100).checked_div(total).unwrap_or(100);
        if percent >= last_logged.get() + 10 || done == total {
            last_logged.set(percent);
            tracing::info!(done, total, percent, "rebuilding the search index");
        }
    })?;
    tracing::info!(documents, "search index rebuilt");
    Ok(documents)
}

/// What the next batch of the outbox holds for this index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Staged {
    /// Nothing new below the horizon.
    UpToDate,
    /// Changes written into the index, not committed, up to this position.
    Batch(i64),
    /// Retention deleted changes after this index's position: only a
    /// rebuild can make it whole.
    BehindRetention { position: i64, deleted_through: i64 },
}

/// Writes the next batch of outbox changes into the index without
/// committing. The retention mark and the changes are read in one snapshot,
/// so a gap that retention made is always noticed.
pub fn stage_next_batch(
    index: &SearchIndex,
    connection: &mut PgConnection,
) -> anyhow::Result<Staged> {
    let position = index.committed_position().unwrap_or(0);
    let (deleted_through, changes) = connection
        .build_transaction()
        .repeatable_read()
        .read_only()
        .run(|connection| {
            Ok::<_, diesel::result::Error>((
                search_replicas::deleted_through(connection)?,
                outbox::changes_after(connection, position, BATCH_ROWS)?,
            ))
        })?;
    if deleted_through > position {
        return Ok(Staged::BehindRetention {
            position,
            deleted_through,
        });
    }
    let Some(last_position) = changes.last().map(|change| change.position) else {
        return Ok(Staged::UpToDate);
    };
    let mut startup_ids = HashSet::new();
    let mut challenge_ids = HashSet::new();
    for change in &changes {
        match change.entity {
            SearchEntity::Startup => startup_ids.insert(change.entity_id),
            SearchEntity::Challenge => challenge_ids.insert(change.entity_id),
        };
    }
    let fields = index.fields().clone();
    let startup_ids: Vec<Uuid> = startup_ids.into_iter().collect();
    let challenge_ids: Vec<Uuid> = challenge_ids.into_iter().collect();
    // An unlisted profile leaves the index like a deleted one.
    let unlisted = startups::unlisted_among(connection, &startup_ids)?;
    let startup_rows: HashMap<Uuid, _> = startups::find_many(connection, &startup_ids)?
        .into_iter()
        .filter(|row| !unlisted.contains(&row.id))
        .map(|row| (row.id, row))
        .collect();
    let challenge_rows: HashMap<Uuid, _> = challenges::find_many(connection, &challenge_ids)?
        .into_iter()
        .map(|row| (row.id, row))
        .collect();
    // A row that is gone (a deleted draft) leaves only the delete.
    for id in startup_ids {
        let document = startup_rows
            .get(&id)
            .map(|row| StartupDocument::from_row(row).to_tantivy(&fields));
        index.replace(id, document)?;
    }
    for id in challenge_ids {
        let document = challenge_rows
            .get(&id)
            .map(|row| ChallengeDocument::from_row(row).to_tantivy(&fields));
        index.replace(id, document)?;
    }
    Ok(Staged::Batch(last_position))
}

/// Applies and commits outbox changes until the index is up to date, and
/// records the position reached; an index that retention left behind is
/// rebuilt from the tables instead (progress in the log). Returns how many
/// batches it committed.
pub fn catch_up(index: &SearchIndex, connection: &mut PgConnection) -> anyhow::Result<usize> {
    catch_up_while(index, connection, |_| true)
}

/// Like [`catch_up`], but only until the index reaches `target`. A starting
/// server catches up to the position it read at start and leaves what other
/// replicas write meanwhile to its follower: chasing their writes, it could
/// take as long as they go on.
///
/// A transaction the horizon cannot place (one that ended unseen, or a
/// vacuum of this database) can hold the horizon below `target` for a
/// moment; the catch-up waits for it up to [`HORIZON_WAIT`] before it leaves
/// the rest to the follower, so that a server serves what was written
/// before it started.
pub fn catch_up_to(
    index: &SearchIndex,
    connection: &mut PgConnection,
    target: i64,
) -> anyhow::Result<usize> {
    let below_target = |index: &SearchIndex| index.committed_position().unwrap_or(0) < target;
    let deadline = std::time::Instant::now() + HORIZON_WAIT;
    let mut batches = 0;
    loop {
        batches += catch_up_while(index, connection, below_target)?;
        if !below_target(index) || std::time::Instant::now() >= deadline {
            return Ok(batches);
        }
        std::thread::sleep(HORIZON_RETRY);
    }
}

/// How long [`catch_up_to`] waits for a held horizon, and how often it looks.
const HORIZON_WAIT: Duration = Duration::from_secs(5);
const HORIZON_RETRY: Duration = Duration::from_millis(20);

/// Like [`catch_up`], but ends after the batch in hand once `stop` is
/// asked for: while other replicas keep writing, the index may never be
/// quite up to date, and a stopping server must not wait for that.
pub fn catch_up_unless_stopped(
    index: &SearchIndex,
    connection: &mut PgConnection,
    stop: &StopSignal,
) -> anyhow::Result<usize> {
    catch_up_while(index, connection, |_| !stop.is_stopped())
}

fn catch_up_while(
    index: &SearchIndex,
    connection: &mut PgConnection,
    go_on: impl Fn(&SearchIndex) -> bool,
) -> anyhow::Result<usize> {
    let mut batches = 0;
    while go_on(index) {
        match stage_next_batch(index, connection)? {
            Staged::UpToDate => break,
            Staged::Batch(position) => {
                index.commit(position)?;
                batches += 1;
            }
            Staged::BehindRetention {
                position,
                deleted_through,
            } => {
                index.rollback()?;
                tracing::warn!(
                    position,
                    deleted_through,
                    "the search index is behind the retained outbox; rebuilding it from the database"
                );
                rebuild_logged(index, connection)?;
                batches += 1;
            }
        }
    }
    if batches > 0 {
        record_position(index, connection, index.committed_position().unwrap_or(0))?;
    }
    Ok(batches)
}

/// Stops the follower thread when dropped or asked.
#[derive(Clone, Default)]
pub struct StopSignal(Arc<AtomicBool>);

impl StopSignal {
    /// Asks the follower to stop after its current batch.
    pub fn stop(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_stopped(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    /// Sleeps for `duration`, or less once a stop is asked for, so that a
    /// stopping server does not wait out a retry pause.
    pub fn sleep(&self, duration: Duration) {
        const STEP: Duration = Duration::from_millis(20);
        let deadline = std::time::Instant::now() + duration;
        while !self.is_stopped() {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                break;
            }
            std::thread::sleep(left.min(STEP));
        }
    }
}

/// How often a follower runs the outbox retention pass.
const RETENTION_PASS_EVERY: Duration = Duration::from_secs(60);

/// The default retention period of the outbox (`SEARCH_OUTBOX_RETENTION`).
pub const DEFAULT_OUTBOX_RETENTION: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// Runs one retention pass and logs what it did.
fn retain_and_log(connection: &mut PgConnection, retention: Duration) -> anyhow::Result<()> {
    let pass = search_replicas::apply_retention(connection, retention)
        .context("the outbox retention pass failed")?;
    if pass.deleted > 0 {
        tracing::info!(
            deleted = pass.deleted,
            remaining = pass.remaining,
            deleted_through = pass.deleted_through,
            "search outbox retention pass"
        );
    }
    Ok(())
}

/// Starts the outbox follower on a thread of its own (index writes are CPU
/// and disk work that must not run on the async workers). Besides applying
/// the outbox it records this replica's position, says it is alive while
/// idle, and runs the retention pass with `retention` now and then.
pub fn spawn_follower(
    index: Arc<SearchIndex>,
    pool: DbPool,
    poll_interval: Duration,
    retention: Duration,
    stop: StopSignal,
) -> std::thread::JoinHandle<()> {
    std::thread::Builder::new()
        .name("search-indexer".to_owned())
        .spawn(move || {
            let mut last_heartbeat = std::time::Instant::now();
            let mut last_retention: Option<std::time::Instant> = None;
            while !stop.is_stopped() {
                let applied = pool.get().map_err(anyhow::Error::from).and_then(|mut connection| {
                    let batches = catch_up_unless_stopped(&index, &mut connection, &stop)?;
                    if batches > 0 {
                        last_heartbeat = std::time::Instant::now();
                    } else if last_heartbeat.elapsed() >= HEARTBEAT_EVERY {
                        let position = index.committed_position().unwrap_or(0);
                        record_position(&index, &mut connection, position)?;
                        last_heartbeat = std::time::Instant::now();
                    }
                    if last_retention.is_none_or(|last| last.elapsed() >= RETENTION_PASS_EVERY) {
                        last_retention = Some(std::time::Instant::now());
                        retain_and_log(&mut connection, retention)?;
                    }
                    Ok(batches)
                });
                // Cheap unless the corpus changed enough to retrain, which
                // then happens on a thread of its own.
                index.refresh_semantic_model();
                match applied {
                    Ok(0) => stop.sleep(poll_interval),
                    Ok(batches) => tracing::debug!(batches, "search index caught up"),
                    Err(error) => {
                        // The database may be down: the position is safe in
                        // the last commit, so try again a little later.
                        let _ = index.rollback();
                        tracing::warn!(error = %format!("{error:#}"), "search indexing failed; retrying");
                        stop.sleep(Duration::from_secs(1));
                    }
                }
            }
        })
        .expect("failed to start the search-indexer thread")
}

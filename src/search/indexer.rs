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
use crate::db::{challenges, outbox, startups, DbPool};

/// Rows read per database round trip.
const BATCH_ROWS: i64 = 500;
/// How often an idle follower looks for new changes.
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_millis(100);

/// Progress of a rebuild: documents done and documents in all.
pub type Progress<'a> = &'a dyn Fn(u64, u64);

/// Rebuilds the whole index from the database; returns the number of
/// documents. The outbox position is read first, so changes made during
/// the rebuild are applied again by the follower, never lost.
pub fn rebuild(
    index: &SearchIndex,
    connection: &mut PgConnection,
    progress: Progress<'_>,
) -> anyhow::Result<u64> {
    let position =
        outbox::last_position(connection).context("failed to read the outbox position")?;
    let total = (startups::count(connection)? + challenges::count(connection)?) as u64;
    index.clear()?;
    let fields = index.fields().clone();
    let mut done = 0_u64;
    let mut after = Uuid::nil();
    loop {
        let rows = startups::page_after(connection, after, BATCH_ROWS)?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        for row in &rows {
            index.replace(
                row.id,
                Some(StartupDocument::from_row(row).to_tantivy(&fields)),
            )?;
        }
        done += rows.len() as u64;
        progress(done, total);
    }
    let mut after = Uuid::nil();
    loop {
        let rows = challenges::page_after(connection, after, BATCH_ROWS)?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        for row in &rows {
            index.replace(
                row.id,
                Some(ChallengeDocument::from_row(row).to_tantivy(&fields)),
            )?;
        }
        done += rows.len() as u64;
        progress(done, total);
    }
    index.commit(position)?;
    Ok(done)
}

/// Writes the next batch of outbox changes into the index without
/// committing; returns the outbox position they reach, or `None` when the
/// index is up to date.
pub fn stage_next_batch(
    index: &SearchIndex,
    connection: &mut PgConnection,
) -> anyhow::Result<Option<i64>> {
    let position = index.committed_position().unwrap_or(0);
    let changes = outbox::changes_after(connection, position, BATCH_ROWS)?;
    let Some(last_position) = changes.last().map(|change| change.position) else {
        return Ok(None);
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
    let startup_rows: HashMap<Uuid, _> = startups::find_many(connection, &startup_ids)?
        .into_iter()
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
    Ok(Some(last_position))
}

/// Applies and commits outbox changes until the index is up to date;
/// returns how many batches it committed.
pub fn catch_up(index: &SearchIndex, connection: &mut PgConnection) -> anyhow::Result<usize> {
    catch_up_unless_stopped(index, connection, &StopSignal::default())
}

/// Applies and commits outbox changes until the index reaches `target`
/// (or the end of the outbox); returns how many batches it committed. A
/// starting server catches up to the position it read at start and leaves
/// what other replicas write meanwhile to its follower: chasing their
/// writes, it could take as long as they go on.
pub fn catch_up_to(
    index: &SearchIndex,
    connection: &mut PgConnection,
    target: i64,
) -> anyhow::Result<usize> {
    let mut batches = 0;
    while index.committed_position().unwrap_or(0) < target {
        let Some(position) = stage_next_batch(index, connection)? else {
            break;
        };
        index.commit(position)?;
        batches += 1;
    }
    Ok(batches)
}

/// Like [`catch_up`], but ends after the batch in hand once `stop` is
/// asked for: while other replicas keep writing, the index may never be
/// quite up to date, and a stopping server must not wait for that.
pub fn catch_up_unless_stopped(
    index: &SearchIndex,
    connection: &mut PgConnection,
    stop: &StopSignal,
) -> anyhow::Result<usize> {
    let mut batches = 0;
    while !stop.is_stopped() {
        let Some(position) = stage_next_batch(index, connection)? else {
            break;
        };
        index.commit(position)?;
        batches += 1;
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

/// Starts the outbox follower on a thread of its own (index writes are CPU
/// and disk work that must not run on the async workers).
pub fn spawn_follower(
    index: Arc<SearchIndex>,
    pool: DbPool,
    poll_interval: Duration,
    stop: StopSignal,
) -> std::thread::JoinHandle<()> {
    std::thread::Builder::new()
        .name("search-indexer".to_owned())
        .spawn(move || {
            while !stop.is_stopped() {
                let applied = pool
                    .get()
                    .map_err(anyhow::Error::from)
                    .and_then(|mut connection| {
                        catch_up_unless_stopped(&index, &mut connection, &stop)
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

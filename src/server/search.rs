//! The search index of a running server: opened or rebuilt from
//! PostgreSQL at start-up, then kept current by the outbox follower.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

use crate::db::DbPool;
use crate::search::engine::SearchEngine;
use crate::search::index::{RebuildReason, SearchIndex};
use crate::search::indexer::{
    catch_up_to, rebuild_logged, record_position, spawn_follower, StopSignal,
    DEFAULT_OUTBOX_RETENTION, DEFAULT_POLL_INTERVAL,
};

/// The search engine of a running server and the indexer thread behind it.
pub struct RunningSearch {
    pub engine: SearchEngine,
    stop: StopSignal,
    follower: Option<std::thread::JoinHandle<()>>,
}

impl RunningSearch {
    /// Stops the indexer and waits for its thread, so that no database work
    /// outlives the server (libpq must not be mid-connection while the
    /// process exits and its TLS library is torn down).
    pub fn stop(&mut self) {
        self.stop.stop();
        if let Some(follower) = self.follower.take() {
            let _ = follower.join();
        }
    }
}

/// Opens the index in `index_dir`, rebuilds it from the database when it is
/// missing, corrupt, of another schema version or behind the retained
/// outbox (progress in the log), catches up with the outbox, and starts the
/// follower with the default outbox retention.
pub fn start_search(index_dir: &Path, pool: &DbPool) -> anyhow::Result<RunningSearch> {
    start_search_with(index_dir, pool, DEFAULT_OUTBOX_RETENTION)
}

/// [`start_search`] with the outbox retention period `retention`.
pub fn start_search_with(
    index_dir: &Path,
    pool: &DbPool,
    retention: Duration,
) -> anyhow::Result<RunningSearch> {
    let (index, rebuild_reason) = SearchIndex::open(index_dir)?;
    let index = Arc::new(index);
    let mut connection = pool
        .get()
        .context("failed to get a database connection for the index")?;
    let database_id = crate::db::outbox::database_identity(&mut connection)
        .context("failed to read the database identity")?;
    let next_transaction = crate::db::outbox::next_transaction(&mut connection)?;
    // What the outbox holds now: the start-up catch-up goes this far only.
    let last_position = crate::db::outbox::last_position(&mut connection)?;
    let deleted_through = crate::db::search_replicas::deleted_through(&mut connection)?;
    let rebuild_reason = rebuild_reason.or_else(|| {
        let committed = index.committed_position().unwrap_or(0);
        if index.committed_database().as_deref() != Some(database_id.as_str())
            || committed >= next_transaction
        {
            Some(RebuildReason::OtherDatabase)
        } else if committed < deleted_through {
            Some(RebuildReason::BehindRetainedOutbox)
        } else {
            None
        }
    });
    index.follow_database(database_id);
    if let Some(reason) = rebuild_reason {
        tracing::info!(%reason, directory = %index_dir.display(), "rebuilding the search index from the database");
        rebuild_logged(&index, &mut connection)?;
    }
    // A rebuild stops at the settled position, which a moment's held
    // horizon can put below what the outbox held at start.
    let batches = catch_up_to(&index, &mut connection, last_position)?;
    record_position(
        &index,
        &mut connection,
        index.committed_position().unwrap_or(0),
    )?;
    tracing::info!(
        batches,
        position = index.committed_position().unwrap_or(0),
        "search index caught up with the outbox"
    );
    let stop = StopSignal::default();
    let follower = spawn_follower(
        index.clone(),
        pool.clone(),
        DEFAULT_POLL_INTERVAL,
        retention,
        stop.clone(),
    );
    Ok(RunningSearch {
        engine: SearchEngine::new(index),
        stop,
        follower: Some(follower),
    })
}

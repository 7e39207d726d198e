//! The search index of a running server: opened or rebuilt from
//! PostgreSQL at start-up, then kept current by the outbox follower.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;

use crate::db::DbPool;
use crate::search::engine::SearchEngine;
use crate::search::index::SearchIndex;
use crate::search::indexer::{
    catch_up_to, rebuild, spawn_follower, StopSignal, DEFAULT_POLL_INTERVAL,
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
/// missing, corrupt or of another schema version (progress in the log),
/// catches up with the outbox as it stood, and starts the follower.
pub fn start_search(index_dir: &Path, pool: &DbPool) -> anyhow::Result<RunningSearch> {
    let (index, rebuild_reason) = SearchIndex::open(index_dir)?;
    let index = Arc::new(index);
    let mut connection = pool
        .get()
        .context("failed to get a database connection for the index")?;
    let database_id = crate::db::outbox::database_identity(&mut connection)
        .context("failed to read the database identity")?;
    let last_position = crate::db::outbox::last_position(&mut connection)?;
    let rebuild_reason = rebuild_reason.or_else(|| {
        let other_database = index.committed_database().as_deref() != Some(database_id.as_str())
            || index.committed_position().unwrap_or(0) > last_position;
        other_database.then_some(crate::search::index::RebuildReason::OtherDatabase)
    });
    index.follow_database(database_id);
    match rebuild_reason {
        Some(reason) => {
            tracing::info!(%reason, directory = %index_dir.display(), "rebuilding the search index from the database");
            let last_logged = std::cell::Cell::new(0_u64);
            let documents = rebuild(&index, &mut connection, &|done, total| {
                let percent = (done * 100).checked_div(total).unwrap_or(100);
                if percent >= last_logged.get() + 10 || done == total {
                    last_logged.set(percent);
                    tracing::info!(done, total, percent, "rebuilding the search index");
                }
            })?;
            tracing::info!(documents, "search index rebuilt");
        }
        None => {
            let batches = catch_up_to(&index, &mut connection, last_position)?;
            tracing::info!(
                batches,
                position = index.committed_position().unwrap_or(0),
                "search index caught up with the outbox"
            );
        }
    }
    let stop = StopSignal::default();
    let follower = spawn_follower(
        index.clone(),
        pool.clone(),
        DEFAULT_POLL_INTERVAL,
        stop.clone(),
    );
    Ok(RunningSearch {
        engine: SearchEngine::new(index),
        stop,
        follower: Some(follower),
    })
}

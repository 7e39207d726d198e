//! What operators ask of the service itself.

use diesel::RunQueryDsl;

use super::{AppError, AppState};
use crate::db;

/// Whether the service can serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Readiness {
    /// The database answers and has every migration this binary knows.
    Ready,
    /// The database answers but lacks migrations (`defmatch migrate`).
    MigrationsPending,
}

/// Asks the database whether it answers and is fully migrated; a database
/// that does not answer is [`AppError::Unavailable`].
pub async fn readiness(state: &AppState) -> Result<Readiness, AppError> {
    state
        .with_connection_within(db::READINESS_CHECKOUT_TIMEOUT, |connection| {
            diesel::sql_query("SELECT 1").execute(connection)?;
            let pending = db::has_pending_migrations(connection).map_err(|error| {
                tracing::warn!(%error, "could not read the migration state");
                AppError::Unavailable
            })?;
            Ok(if pending {
                Readiness::MigrationsPending
            } else {
                Readiness::Ready
            })
        })
        .await
}

/// The queues an operator watches, as this replica sees them.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Backlogs {
    /// Search outbox entries written but not yet in this replica's index.
    pub search_outbox_lag: i64,
    /// Seconds the oldest queued e-mail has waited; 0 when none waits.
    pub email_outbox_oldest_seconds: f64,
}

/// Reads how far this replica's index is behind the search outbox and how
/// long the oldest queued e-mail has waited.
pub async fn backlogs(state: &AppState) -> Result<Backlogs, AppError> {
    let index = state.search.index().clone();
    state
        .with_connection(move |connection| {
            let indexed = index.committed_position().unwrap_or(0);
            let search_outbox_lag = db::outbox::rows_after(connection, indexed)?;
            let oldest_email = db::notifications::oldest_queued_email(connection)?;
            Ok(Backlogs {
                search_outbox_lag,
                email_outbox_oldest_seconds: oldest_email.map_or(0.0, |queued_at| {
                    (chrono::Utc::now() - queued_at).num_milliseconds().max(0) as f64 / 1000.0
                }),
            })
        })
        .await
}

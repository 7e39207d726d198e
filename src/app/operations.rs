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

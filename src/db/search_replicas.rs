//! Search replicas and outbox retention: every replica (one index
//! directory of one server) records how far it has applied the search
//! outbox; a retention pass deletes the rows that every live replica has
//! passed and that are older than the retention period, and remembers how
//! far it deleted, so that a replica that was away longer finds out it has
//! to rebuild instead of silently missing changes.

use std::time::Duration;

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double};
use uuid::Uuid;

use super::schema::{search_outbox_retention, search_replicas};

/// Records that replica `id` (whose index lives in `index_dir`) has applied
/// the outbox up to `position`, and that it is alive now.
pub fn record_position(
    connection: &mut PgConnection,
    id: Uuid,
    index_dir: &str,
    position: i64,
) -> QueryResult<()> {
    diesel::insert_into(search_replicas::table)
        .values((
            search_replicas::id.eq(id),
            search_replicas::position.eq(position),
            search_replicas::index_dir.eq(index_dir),
        ))
        .on_conflict(search_replicas::id)
        .do_update()
        .set((
            search_replicas::position.eq(position),
            search_replicas::index_dir.eq(index_dir),
            search_replicas::last_seen.eq(diesel::dsl::now),
        ))
        .execute(connection)?;
    Ok(())
}

/// The highest outbox position retention has deleted: a replica below it
/// may have missed changes.
pub fn deleted_through(connection: &mut PgConnection) -> QueryResult<i64> {
    search_outbox_retention::table
        .select(search_outbox_retention::deleted_through)
        .first(connection)
}

/// What a retention pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RetentionPass {
    /// Rows deleted.
    pub deleted: u64,
    /// The highest position deleted so far (by this pass or an earlier one).
    pub deleted_through: i64,
    /// Rows left in the outbox.
    pub remaining: i64,
}

#[derive(QueryableByName)]
struct Chunk {
    #[diesel(sql_type = BigInt)]
    deleted: i64,
    #[diesel(sql_type = BigInt)]
    deleted_through: i64,
}

/// Rows deleted per statement, so that a pass after a long pause does not
/// become one huge transaction.
const CHUNK_ROWS: i64 = 10_000;

/// Deletes the outbox rows older than `retention` that every live replica
/// (one seen within `retention`) has passed. With no live replica nothing
/// is deleted. The rows and the retention mark change in one statement, so
/// a follower reading both in one snapshot sees either the rows or the mark.
pub fn apply_retention(
    connection: &mut PgConnection,
    retention: Duration,
) -> QueryResult<RetentionPass> {
    let mut pass = RetentionPass::default();
    loop {
        let chunk: Chunk = diesel::sql_query(
            "WITH live AS (
                  SELECT min(position) AS position FROM search_replicas
                   WHERE last_seen > now() - make_interval(secs => $1)),
              doomed AS (
                  SELECT id FROM search_outbox
                   WHERE created_at < now() - make_interval(secs => $1)
                     AND transaction_id <= (SELECT position FROM live)
                   ORDER BY id
                   LIMIT $2),
              deleted AS (
                  DELETE FROM search_outbox
                   WHERE id IN (SELECT id FROM doomed)
               RETURNING transaction_id),
              marked AS (
                  UPDATE search_outbox_retention
                     SET deleted_through = GREATEST(deleted_through,
                         COALESCE((SELECT max(transaction_id) FROM deleted), 0))
               RETURNING deleted_through)
             SELECT (SELECT count(*) FROM deleted) AS deleted,
                    (SELECT deleted_through FROM marked) AS deleted_through",
        )
        .bind::<Double, _>(retention.as_secs_f64())
        .bind::<BigInt, _>(CHUNK_ROWS)
        .get_result(connection)?;
        pass.deleted += chunk.deleted as u64;
        pass.deleted_through = chunk.deleted_through;
        if chunk.deleted < CHUNK_ROWS {
            break;
        }
    }
    pass.remaining = super::outbox::row_count(connection)?;
    Ok(pass)
}

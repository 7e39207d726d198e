//! The search outbox: one row per write that changes a searchable document.

use diesel::prelude::*;
use uuid::Uuid;

use super::schema::search_outbox;

crate::text_enum! {
    /// The kind of document a change concerns. Reading a row of another
    /// kind fails, so an unknown kind stops the follower with an error
    /// rather than being indexed as something it is not.
    pub enum SearchEntity {
        Startup => "startup",
        Challenge => "challenge",
    }
}

/// One change of the outbox: a document of `entity` kind changed in the
/// transaction `position` (outbox positions are transaction ids).
#[derive(Debug, Clone, Copy, PartialEq, Eq, QueryableByName)]
pub struct OutboxChange {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub position: i64,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub entity: SearchEntity,
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub entity_id: Uuid,
}

/// Records that `entity_id` changed; call it inside the writing transaction.
///
/// The row takes its transaction's id (the column's default). Followers
/// read in transaction-id order and never past a transaction of this
/// database that may still commit ([`HORIZON_SQL`]), so a change that
/// commits after a later one is never passed over, without any lock that
/// would make writers wait for each other.
pub fn record_change(
    connection: &mut PgConnection,
    entity: SearchEntity,
    entity_id: Uuid,
) -> QueryResult<()> {
    diesel::insert_into(search_outbox::table)
        .values((
            search_outbox::entity.eq(entity),
            search_outbox::entity_id.eq(entity_id),
        ))
        .execute(connection)?;
    Ok(())
}

/// Records that each of `entity_ids` changed, in one statement: the bulk
/// form of [`record_change`] for imports, with the same guarantees.
pub fn record_changes(
    connection: &mut PgConnection,
    entity: SearchEntity,
    entity_ids: &[Uuid],
) -> QueryResult<()> {
    if entity_ids.is_empty() {
        return Ok(());
    }
    let rows: Vec<_> = entity_ids
        .iter()
        .map(|entity_id| {
            (
                search_outbox::entity.eq(entity),
                search_outbox::entity_id.eq(*entity_id),
            )
        })
        .collect();
    diesel::insert_into(search_outbox::table)
        .values(&rows)
        .execute(connection)?;
    Ok(())
}

/// The horizon of the statement's snapshot: the lowest transaction id that
/// may still add outbox rows. That is the oldest transaction running when
/// the snapshot was taken, unless `pg_stat_activity` (read after the
/// snapshot) shows it belongs to another database, whose writes never reach
/// this outbox; with none, the next id to be given out. Every transaction
/// below the horizon has ended, so its rows are all visible or never will
/// be. (A transaction of unknown database, e.g. one that ended meanwhile,
/// counts as possibly ours: waiting a moment is safe, skipping is not.)
pub const HORIZON_SQL: &str = "(SELECT COALESCE(
        (SELECT min(running::text::bigint) FROM pg_snapshot_xip(current.snapshot) AS running
          WHERE xid(running) NOT IN (
                SELECT backend_xid FROM pg_stat_activity
                 WHERE backend_xid IS NOT NULL
                   AND datname IS DISTINCT FROM current_database())),
        pg_snapshot_xmax(current.snapshot)::text::bigint)
   FROM (SELECT pg_current_snapshot() AS snapshot) AS current)";

/// The identity of this database: the id made by migration
/// `database_identity` and the database's name (a database cloned from a
/// template keeps the id but not the name).
pub fn database_identity(connection: &mut PgConnection) -> QueryResult<String> {
    use diesel::dsl::sql;
    use diesel::sql_types::Text;
    super::schema::database_identity::table
        .select(sql::<Text>("id::text || '@' || current_database()"))
        .first(connection)
}

/// The newest outbox position (transaction id), 0 when the outbox is empty.
pub fn last_position(connection: &mut PgConnection) -> QueryResult<i64> {
    search_outbox::table
        .select(diesel::dsl::max(search_outbox::transaction_id))
        .first::<Option<i64>>(connection)
        .map(|position| position.unwrap_or(0))
}

#[derive(QueryableByName)]
struct Position {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    position: i64,
}

/// The position an index built from the tables now reflects: that of the
/// newest change below the horizon (every change up to it is in the tables
/// any later read sees), and never below what retention deleted. Read it
/// before reading the tables; changes after it are applied again.
pub fn settled_position(connection: &mut PgConnection) -> QueryResult<i64> {
    diesel::sql_query(format!(
        "SELECT GREATEST(
                (SELECT max(transaction_id) FROM search_outbox WHERE transaction_id < {HORIZON_SQL}),
                (SELECT deleted_through FROM search_outbox_retention),
                0) AS position"
    ))
    .get_result::<Position>(connection)
    .map(|row| row.position)
}

/// The next transaction id PostgreSQL will give out: no index of this
/// database can be at or past it.
pub fn next_transaction(connection: &mut PgConnection) -> QueryResult<i64> {
    diesel::sql_query("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS position")
        .get_result::<Position>(connection)
        .map(|row| row.position)
}

/// Rows in the outbox.
pub fn row_count(connection: &mut PgConnection) -> QueryResult<i64> {
    search_outbox::table.count().get_result(connection)
}

/// Changes after position `position`: what an index at that position has
/// yet to take in. Positions are transaction ids, so their difference is
/// no count of changes.
pub fn rows_after(connection: &mut PgConnection, position: i64) -> QueryResult<i64> {
    search_outbox::table
        .filter(search_outbox::transaction_id.gt(position))
        .count()
        .get_result(connection)
}

/// The changes of the transactions after position `after` and below the
/// horizon, oldest transaction first; whole transactions, as few as make
/// `rows` rows (at least one), so that a batch never ends inside one.
pub fn changes_after(
    connection: &mut PgConnection,
    after: i64,
    rows: i64,
) -> QueryResult<Vec<OutboxChange>> {
    diesel::sql_query(format!(
        "WITH pending AS (
              SELECT transaction_id, count(*) AS changes
                FROM search_outbox
               WHERE transaction_id > $1 AND transaction_id < {HORIZON_SQL}
               GROUP BY transaction_id
               ORDER BY transaction_id
               LIMIT $2),
          batch AS (
              SELECT transaction_id FROM (
                  SELECT transaction_id,
                         sum(changes) OVER (ORDER BY transaction_id) - changes AS before
                    FROM pending) AS counted
               WHERE before < $2)
         SELECT transaction_id AS position, entity, entity_id
           FROM search_outbox
          WHERE transaction_id IN (SELECT transaction_id FROM batch)
          ORDER BY transaction_id, id"
    ))
    .bind::<diesel::sql_types::BigInt, _>(after)
    .bind::<diesel::sql_types::BigInt, _>(rows)
    .load(connection)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_outbox_kind_that_is_neither_start_up_nor_challenge_is_refused() {
        assert_eq!("startup".parse::<SearchEntity>(), Ok(SearchEntity::Startup));
        assert_eq!(
            "challenge".parse::<SearchEntity>(),
            Ok(SearchEntity::Challenge)
        );
        assert!("organisation".parse::<SearchEntity>().is_err());
    }
}

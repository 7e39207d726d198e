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

/// One change of the outbox: a document of `entity` kind changed at `position`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Queryable)]
pub struct OutboxChange {
    pub position: i64,
    pub entity: SearchEntity,
    pub entity_id: Uuid,
}

/// Key of the advisory lock that orders outbox writers.
const OUTBOX_LOCK_KEY: i64 = 0x6465_666d_6f62; // "defmob"

/// Records that `entity_id` changed; call it inside the writing transaction.
///
/// The transaction-scoped advisory lock makes writers take outbox ids in
/// commit order: without it a transaction could commit id 10 after a
/// follower already moved past id 11, and change 10 would never be indexed.
pub fn record_change(
    connection: &mut PgConnection,
    entity: SearchEntity,
    entity_id: Uuid,
) -> QueryResult<()> {
    diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
        .bind::<diesel::sql_types::BigInt, _>(OUTBOX_LOCK_KEY)
        .execute(connection)?;
    diesel::insert_into(search_outbox::table)
        .values((
            search_outbox::entity.eq(entity),
            search_outbox::entity_id.eq(entity_id),
        ))
        .execute(connection)?;
    Ok(())
}

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

/// The newest outbox position, 0 when the outbox is empty.
pub fn last_position(connection: &mut PgConnection) -> QueryResult<i64> {
    search_outbox::table
        .select(diesel::dsl::max(search_outbox::id))
        .first::<Option<i64>>(connection)
        .map(|position| position.unwrap_or(0))
}

/// Rows in the outbox.
pub fn row_count(connection: &mut PgConnection) -> QueryResult<i64> {
    search_outbox::table.count().get_result(connection)
}

/// The changes after outbox position `after`, oldest first.
pub fn changes_after(
    connection: &mut PgConnection,
    after: i64,
    limit: i64,
) -> QueryResult<Vec<OutboxChange>> {
    search_outbox::table
        .filter(search_outbox::id.gt(after))
        .order(search_outbox::id.asc())
        .limit(limit)
        .select((
            search_outbox::id,
            search_outbox::entity,
            search_outbox::entity_id,
        ))
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

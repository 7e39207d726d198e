//! The search outbox: one row per write that changes a searchable document.

use diesel::prelude::*;
use uuid::Uuid;

use super::schema::search_outbox;

/// The kind of document a change concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchEntity {
    Startup,
    Challenge,
}

impl SearchEntity {
    fn as_str(self) -> &'static str {
        match self {
            SearchEntity::Startup => "startup",
            SearchEntity::Challenge => "challenge",
        }
    }
}

/// Records that `entity_id` changed; call it inside the writing transaction.
pub fn record_change(
    connection: &mut PgConnection,
    entity: SearchEntity,
    entity_id: Uuid,
) -> QueryResult<()> {
    diesel::insert_into(search_outbox::table)
        .values((
            search_outbox::entity.eq(entity.as_str()),
            search_outbox::entity_id.eq(entity_id),
        ))
        .execute(connection)?;
    Ok(())
}

/// The ids of the documents changed after outbox position `after`, oldest first.
pub fn changes_after(
    connection: &mut PgConnection,
    after: i64,
    limit: i64,
) -> QueryResult<Vec<(i64, String, Uuid)>> {
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

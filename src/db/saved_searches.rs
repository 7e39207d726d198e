//! Saved searches, each a user's own.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::schema::{saved_searches, users};
use crate::domain::notification::{DigestFrequency, SearchTarget};

/// A stored saved search.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = saved_searches)]
pub struct SavedSearchRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub target: SearchTarget,
    pub name: String,
    pub query: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
    pub notify: DigestFrequency,
}

/// Inserts a saved search unless `user_id` already has `max`; `None` then.
/// The user's row is locked for the count and the insert, so that
/// concurrent requests cannot together pass the limit.
pub fn insert_within_limit(
    connection: &mut PgConnection,
    user_id: Uuid,
    max: i64,
    target: SearchTarget,
    name: &str,
    query: &str,
    notify: DigestFrequency,
) -> QueryResult<Option<SavedSearchRow>> {
    connection.transaction(|connection| {
        users::table
            .find(user_id)
            .select(users::id)
            .for_update()
            .first::<Uuid>(connection)?;
        let count: i64 = saved_searches::table
            .filter(saved_searches::user_id.eq(user_id))
            .count()
            .get_result(connection)?;
        if count >= max {
            return Ok(None);
        }
        insert(connection, user_id, target, name, query, notify).map(Some)
    })
}

/// Inserts a saved search (no limit: see [`insert_within_limit`]).
pub fn insert(
    connection: &mut PgConnection,
    user_id: Uuid,
    target: SearchTarget,
    name: &str,
    query: &str,
    notify: DigestFrequency,
) -> QueryResult<SavedSearchRow> {
    diesel::insert_into(saved_searches::table)
        .values((
            saved_searches::user_id.eq(user_id),
            saved_searches::target.eq(target),
            saved_searches::name.eq(name),
            saved_searches::query.eq(query),
            saved_searches::notify.eq(notify),
        ))
        .returning(SavedSearchRow::as_returning())
        .get_result(connection)
}

/// A user's saved searches, oldest first.
pub fn list(connection: &mut PgConnection, user_id: Uuid) -> QueryResult<Vec<SavedSearchRow>> {
    saved_searches::table
        .filter(saved_searches::user_id.eq(user_id))
        .order((saved_searches::created_at, saved_searches::id))
        .select(SavedSearchRow::as_select())
        .load(connection)
}

/// One of a user's saved searches.
pub fn find(
    connection: &mut PgConnection,
    user_id: Uuid,
    id: Uuid,
) -> QueryResult<Option<SavedSearchRow>> {
    saved_searches::table
        .filter(saved_searches::id.eq(id))
        .filter(saved_searches::user_id.eq(user_id))
        .select(SavedSearchRow::as_select())
        .first(connection)
        .optional()
}

/// Deletes one of a user's saved searches; returns whether it existed.
pub fn delete(connection: &mut PgConnection, user_id: Uuid, id: Uuid) -> QueryResult<bool> {
    Ok(diesel::delete(
        saved_searches::table
            .filter(saved_searches::id.eq(id))
            .filter(saved_searches::user_id.eq(user_id)),
    )
    .execute(connection)?
        == 1)
}

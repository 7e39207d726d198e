//! Saved searches, each a user's own.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::schema::saved_searches;
use crate::domain::notification::SearchTarget;

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
}

/// Saves a search.
pub fn insert(
    connection: &mut PgConnection,
    user_id: Uuid,
    target: SearchTarget,
    name: &str,
    query: &str,
) -> QueryResult<SavedSearchRow> {
    diesel::insert_into(saved_searches::table)
        .values((
            saved_searches::user_id.eq(user_id),
            saved_searches::target.eq(target),
            saved_searches::name.eq(name),
            saved_searches::query.eq(query),
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

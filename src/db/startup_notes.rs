//! A ROM's own notes on the start-ups of its region.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::schema::{startup_notes, users};
use crate::domain::region::Rom;

/// A stored note with its author's name (`None` once the author's account
/// is gone).
#[derive(Debug, Clone, Queryable)]
pub struct StartupNoteRow {
    pub id: Uuid,
    pub startup_id: Uuid,
    pub rom: Rom,
    pub author_id: Option<Uuid>,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub author_name: Option<String>,
}

/// Adds `body` as `rom`'s note on `startup_id`, by `author_id`.
pub fn insert(
    connection: &mut PgConnection,
    startup_id: Uuid,
    rom: Rom,
    author_id: Uuid,
    body: &str,
) -> QueryResult<Uuid> {
    diesel::insert_into(startup_notes::table)
        .values((
            startup_notes::startup_id.eq(startup_id),
            startup_notes::rom.eq(rom),
            startup_notes::author_id.eq(author_id),
            startup_notes::body.eq(body),
        ))
        .returning(startup_notes::id)
        .get_result(connection)
}

/// The notes on `startup_id`, newest first: those of `rom` only, or of
/// every ROM when `rom` is `None`.
pub fn list(
    connection: &mut PgConnection,
    startup_id: Uuid,
    rom: Option<Rom>,
) -> QueryResult<Vec<StartupNoteRow>> {
    let mut query = startup_notes::table
        .left_join(users::table.on(users::id.nullable().eq(startup_notes::author_id)))
        .filter(startup_notes::startup_id.eq(startup_id))
        .into_boxed();
    if let Some(rom) = rom {
        query = query.filter(startup_notes::rom.eq(rom));
    }
    query
        .order((startup_notes::created_at.desc(), startup_notes::id.desc()))
        .select((
            startup_notes::id,
            startup_notes::startup_id,
            startup_notes::rom,
            startup_notes::author_id,
            startup_notes::body,
            startup_notes::created_at,
            users::display_name.nullable(),
        ))
        .load(connection)
}

//! Marks on matches, one per (organisation, direction, query, item): the
//! latest mark wins, except that a mark implied by an introduction move
//! never replaces one the user set.

use diesel::prelude::*;
use diesel::upsert::on_constraint;
use uuid::Uuid;

use super::schema::match_marks;
use crate::domain::mark::{Mark, MarkDirection};

/// Which matches a mark is on, and whose it is.
#[derive(Debug, Clone, Copy)]
pub struct MarkKey {
    pub organisation_id: Uuid,
    pub direction: MarkDirection,
    /// The start-up profile or challenge the matches are for.
    pub query_id: Uuid,
}

/// Sets the mark of `item_id` among the matches of `key`, by `user_id`;
/// it replaces any mark, implied or not.
pub fn set(
    connection: &mut PgConnection,
    key: MarkKey,
    item_id: Uuid,
    user_id: Uuid,
    mark: Mark,
) -> QueryResult<()> {
    diesel::insert_into(match_marks::table)
        .values((
            match_marks::organisation_id.eq(key.organisation_id),
            match_marks::user_id.eq(user_id),
            match_marks::direction.eq(key.direction),
            match_marks::query_id.eq(key.query_id),
            match_marks::item_id.eq(item_id),
            match_marks::mark.eq(mark),
        ))
        .on_conflict(on_constraint("match_marks_one_per_item"))
        .do_update()
        .set((
            match_marks::user_id.eq(user_id),
            match_marks::mark.eq(mark),
            match_marks::implied.eq(false),
            match_marks::created_at.eq(diesel::dsl::now),
        ))
        .execute(connection)?;
    Ok(())
}

/// Sets the mark an introduction move by `user_id` implies on `item_id`
/// among the matches of `key`, unless the user set one there themselves;
/// whether a mark was written (false when the user's own mark stays, or
/// the same implied mark was there already).
pub fn imply(
    connection: &mut PgConnection,
    key: MarkKey,
    item_id: Uuid,
    user_id: Uuid,
    mark: Mark,
) -> QueryResult<bool> {
    let upsert = diesel::insert_into(match_marks::table)
        .values((
            match_marks::organisation_id.eq(key.organisation_id),
            match_marks::user_id.eq(user_id),
            match_marks::direction.eq(key.direction),
            match_marks::query_id.eq(key.query_id),
            match_marks::item_id.eq(item_id),
            match_marks::mark.eq(mark),
            match_marks::implied.eq(true),
        ))
        .on_conflict(on_constraint("match_marks_one_per_item"))
        .do_update()
        .set((
            match_marks::user_id.eq(user_id),
            match_marks::mark.eq(mark),
            match_marks::created_at.eq(diesel::dsl::now),
        ));
    // ON CONFLICT … DO UPDATE … WHERE: only an implied mark that differs is replaced.
    let written = diesel::query_dsl::methods::FilterDsl::filter(
        upsert,
        match_marks::implied
            .eq(true)
            .and(match_marks::mark.ne(mark)),
    )
    .execute(connection)?;
    Ok(written > 0)
}

/// Removes the mark of `item_id` among the matches of `key`; whether there was one.
pub fn remove(connection: &mut PgConnection, key: MarkKey, item_id: Uuid) -> QueryResult<bool> {
    let removed = diesel::delete(
        match_marks::table
            .filter(match_marks::organisation_id.eq(key.organisation_id))
            .filter(match_marks::direction.eq(key.direction))
            .filter(match_marks::query_id.eq(key.query_id))
            .filter(match_marks::item_id.eq(item_id)),
    )
    .execute(connection)?;
    Ok(removed > 0)
}

/// Every mark among the matches of `key`, oldest first: (item, mark).
pub fn list(connection: &mut PgConnection, key: MarkKey) -> QueryResult<Vec<(Uuid, Mark)>> {
    match_marks::table
        .filter(match_marks::organisation_id.eq(key.organisation_id))
        .filter(match_marks::direction.eq(key.direction))
        .filter(match_marks::query_id.eq(key.query_id))
        .order((match_marks::created_at.asc(), match_marks::item_id.asc()))
        .select((match_marks::item_id, match_marks::mark))
        .load(connection)
}

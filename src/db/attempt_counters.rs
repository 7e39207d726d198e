//! Counters behind the login and request limits, shared by every replica.
//! Each counter counts within a fixed window that starts with its first
//! event; an event after the window starts a new one.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text, Timestamptz};

use super::schema::attempt_counters;

/// A counter as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = attempt_counters)]
pub struct CounterRow {
    pub count: i32,
    pub window_started_at: DateTime<Utc>,
    pub blocked_until: Option<DateTime<Utc>>,
}

#[derive(QueryableByName)]
struct Counted {
    #[diesel(sql_type = Integer)]
    count: i32,
    #[diesel(sql_type = Timestamptz)]
    window_started_at: DateTime<Utc>,
}

/// Counts one event on `(scope, key)` at `now`, starting a new window when
/// the current one began at or before `window_start_cutoff`; answers the
/// count and the start of its window. One statement, so that replicas
/// counting at the same moment never lose an event.
pub fn bump(
    connection: &mut PgConnection,
    scope: &str,
    key: &str,
    now: DateTime<Utc>,
    window_start_cutoff: DateTime<Utc>,
) -> QueryResult<(i32, DateTime<Utc>)> {
    let counted: Counted = diesel::sql_query(
        "INSERT INTO attempt_counters AS c (scope, key, count, window_started_at) \
         VALUES ($1, $2, 1, $3) \
         ON CONFLICT (scope, key) DO UPDATE SET \
           count = CASE WHEN c.window_started_at <= $4 THEN 1 ELSE c.count + 1 END, \
           blocked_until = CASE WHEN c.window_started_at <= $4 THEN NULL ELSE c.blocked_until END, \
           window_started_at = CASE WHEN c.window_started_at <= $4 THEN $3 ELSE c.window_started_at END \
         RETURNING count, window_started_at",
    )
    .bind::<Text, _>(scope)
    .bind::<Text, _>(key)
    .bind::<Timestamptz, _>(now)
    .bind::<Timestamptz, _>(window_start_cutoff)
    .get_result(connection)?;
    Ok((counted.count, counted.window_started_at))
}

/// Refuses `(scope, key)` until `until`.
pub fn block_until(
    connection: &mut PgConnection,
    scope: &str,
    key: &str,
    until: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(attempt_counters::table.find((scope, key)))
        .set(attempt_counters::blocked_until.eq(until))
        .execute(connection)?;
    Ok(())
}

/// The counter of `(scope, key)`, if any.
pub fn find(
    connection: &mut PgConnection,
    scope: &str,
    key: &str,
) -> QueryResult<Option<CounterRow>> {
    attempt_counters::table
        .find((scope, key))
        .select(CounterRow::as_select())
        .first(connection)
        .optional()
}

/// Forgets the counter of `(scope, key)`.
pub fn forget(connection: &mut PgConnection, scope: &str, key: &str) -> QueryResult<()> {
    diesel::delete(attempt_counters::table.find((scope, key))).execute(connection)?;
    Ok(())
}

/// Forgets counters whose window began before `cutoff` and that block nothing any more.
pub fn delete_stale(connection: &mut PgConnection, cutoff: DateTime<Utc>) -> QueryResult<usize> {
    diesel::delete(
        attempt_counters::table
            .filter(attempt_counters::window_started_at.lt(cutoff))
            .filter(
                attempt_counters::blocked_until
                    .is_null()
                    .or(attempt_counters::blocked_until.lt(cutoff)),
            ),
    )
    .execute(connection)
}

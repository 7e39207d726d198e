//! The daily digests of saved searches: which searches are due, and which
//! challenges each has already seen (so that each is mailed once).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::upsert::on_constraint;
use uuid::Uuid;

use super::saved_searches::SavedSearchRow;
use super::schema::{saved_search_digest_runs, saved_search_seen, saved_searches};
use crate::domain::notification::{DigestFrequency, SearchTarget};

/// How long at least lies between two digests of one search.
pub const DIGEST_PERIOD: chrono::Duration = chrono::Duration::days(1);

/// Searches of challenges with a daily digest that is due at `now` (never
/// run, or last run a day or more ago), oldest run first.
pub fn due(
    connection: &mut PgConnection,
    now: DateTime<Utc>,
    limit: i64,
) -> QueryResult<Vec<(SavedSearchRow, Option<DateTime<Utc>>)>> {
    saved_searches::table
        .left_join(saved_search_digest_runs::table)
        .filter(saved_searches::notify.eq(DigestFrequency::Daily))
        .filter(saved_searches::target.eq(SearchTarget::Challenges))
        .filter(
            saved_search_digest_runs::ran_at
                .is_null()
                .or(saved_search_digest_runs::ran_at.le(now - DIGEST_PERIOD)),
        )
        .order((
            saved_search_digest_runs::ran_at.asc().nulls_first(),
            saved_searches::id,
        ))
        .limit(limit)
        .select((
            SavedSearchRow::as_select(),
            saved_search_digest_runs::ran_at.nullable(),
        ))
        .load(connection)
}

/// Those of `challenge_ids` that search `saved_search_id` has seen.
pub fn seen_among(
    connection: &mut PgConnection,
    saved_search_id: Uuid,
    challenge_ids: &[Uuid],
) -> QueryResult<Vec<Uuid>> {
    saved_search_seen::table
        .filter(saved_search_seen::saved_search_id.eq(saved_search_id))
        .filter(saved_search_seen::challenge_id.eq_any(challenge_ids))
        .select(saved_search_seen::challenge_id)
        .load(connection)
}

/// Records that the search has seen `challenge_ids` and ran at `now`.
pub fn record_run(
    connection: &mut PgConnection,
    saved_search_id: Uuid,
    challenge_ids: &[Uuid],
    now: DateTime<Utc>,
) -> QueryResult<()> {
    let rows: Vec<_> = challenge_ids
        .iter()
        .map(|challenge_id| {
            (
                saved_search_seen::saved_search_id.eq(saved_search_id),
                saved_search_seen::challenge_id.eq(*challenge_id),
            )
        })
        .collect();
    if !rows.is_empty() {
        diesel::insert_into(saved_search_seen::table)
            .values(rows)
            .on_conflict(on_constraint("saved_search_seen_pkey"))
            .do_nothing()
            .execute(connection)?;
    }
    diesel::insert_into(saved_search_digest_runs::table)
        .values((
            saved_search_digest_runs::saved_search_id.eq(saved_search_id),
            saved_search_digest_runs::ran_at.eq(now),
        ))
        .on_conflict(saved_search_digest_runs::saved_search_id)
        .do_update()
        .set(saved_search_digest_runs::ran_at.eq(now))
        .execute(connection)?;
    Ok(())
}

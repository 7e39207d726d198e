//! The calendar feed's secret and the challenges a start-up follows.

use diesel::prelude::*;
use uuid::Uuid;

use super::challenges::ChallengeRow;
use super::schema::{challenges, introductions, startups, users};

/// Stores the hash of a new feed secret for `user_id`, replacing the old
/// one (whose URL stops working).
pub fn set_token_hash(
    connection: &mut PgConnection,
    user_id: Uuid,
    token_hash: &[u8],
) -> QueryResult<()> {
    diesel::update(users::table.find(user_id))
        .set(users::calendar_token_hash.eq(Some(token_hash.to_vec())))
        .execute(connection)?;
    Ok(())
}

/// The enabled account whose feed secret hashes to `token_hash`.
pub fn user_with_token_hash(
    connection: &mut PgConnection,
    token_hash: &[u8],
) -> QueryResult<Option<Uuid>> {
    users::table
        .filter(users::calendar_token_hash.eq(token_hash.to_vec()))
        .filter(users::disabled_at.is_null())
        .select(users::id)
        .first(connection)
        .optional()
}

/// The challenges with a deadline that the start-up company
/// `organisation_id` follows: those it has an introduction on, in any
/// state (a declined one still had a deadline the company cared about).
pub fn followed_challenges(
    connection: &mut PgConnection,
    organisation_id: Uuid,
) -> QueryResult<Vec<ChallengeRow>> {
    challenges::table
        .filter(challenges::closes_at.is_not_null())
        .filter(
            challenges::id.eq_any(
                introductions::table
                    .inner_join(startups::table)
                    .filter(startups::organisation_id.eq(organisation_id))
                    .select(introductions::challenge_id),
            ),
        )
        .order((challenges::closes_at, challenges::id))
        .select(ChallengeRow::as_select())
        .load(connection)
}

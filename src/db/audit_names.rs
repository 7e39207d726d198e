//! The names behind the ids of audit events, for the admin's audit page:
//! people, challenges, introductions and invitations.

use diesel::prelude::*;
use uuid::Uuid;

use super::schema::{challenges, introductions, invitations, startups, users};

/// How many people an actor search may stand for; a search broader than
/// that is narrowed to the first ones by name.
const MAX_ACTORS_FOUND: i64 = 500;

/// (id, name, e-mail address) of the users `ids`.
pub fn people(
    connection: &mut PgConnection,
    ids: &[Uuid],
) -> QueryResult<Vec<(Uuid, String, String)>> {
    users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::display_name, users::email))
        .load(connection)
}

/// (id, title) of the challenges `ids`.
pub fn challenge_titles(
    connection: &mut PgConnection,
    ids: &[Uuid],
) -> QueryResult<Vec<(Uuid, String)>> {
    challenges::table
        .filter(challenges::id.eq_any(ids))
        .select((challenges::id, challenges::title))
        .load(connection)
}

/// (id, start-up name, challenge title) of the introductions `ids`.
pub fn introduction_pairs(
    connection: &mut PgConnection,
    ids: &[Uuid],
) -> QueryResult<Vec<(Uuid, String, String)>> {
    introductions::table
        .inner_join(startups::table)
        .inner_join(challenges::table)
        .filter(introductions::id.eq_any(ids))
        .select((introductions::id, startups::name, challenges::title))
        .load(connection)
}

/// (id, e-mail address, role) of the invitations `ids`.
pub fn invitation_addresses(
    connection: &mut PgConnection,
    ids: &[Uuid],
) -> QueryResult<Vec<(Uuid, String, String)>> {
    invitations::table
        .filter(invitations::id.eq_any(ids))
        .select((invitations::id, invitations::email, invitations::role))
        .load(connection)
}

/// The users `search` names: the one whose address it is exactly, else
/// those whose name or address holds it (any case).
pub fn actors_named(connection: &mut PgConnection, search: &str) -> QueryResult<Vec<Uuid>> {
    let exact: Vec<Uuid> = users::table
        .filter(users::email.eq(search.trim().to_lowercase()))
        .select(users::id)
        .load(connection)?;
    if !exact.is_empty() {
        return Ok(exact);
    }
    let pattern = super::like_pattern(search.trim());
    users::table
        .filter(
            users::display_name
                .ilike(pattern.clone())
                .or(users::email.ilike(pattern)),
        )
        .order(users::display_name)
        .limit(MAX_ACTORS_FOUND)
        .select(users::id)
        .load(connection)
}

//! User accounts.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::schema::{organisations, sessions, users};
use super::{Page, Paged};
use crate::domain::account::{EmailAddress, Role};
use crate::domain::language::Language;
use crate::domain::region::Rom;

/// A stored user.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: Uuid,
    pub email: EmailAddress,
    pub password_hash: String,
    pub display_name: String,
    pub role: Role,
    pub organisation_id: Option<Uuid>,
    pub vetted_at: Option<DateTime<Utc>>,
    pub vetted_by: Option<Uuid>,
    pub disabled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
    /// When the person proved the address by the mailed link; accounts made
    /// by an admin, the seeder or an import count as verified on creation.
    pub email_verified_at: Option<DateTime<Utc>>,
}

/// A new user.
#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub email: &'a EmailAddress,
    pub password_hash: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub organisation_id: Option<Uuid>,
    pub vetted_at: Option<DateTime<Utc>>,
    pub email_verified_at: Option<DateTime<Utc>>,
}

/// Changes to a user; `None` leaves a column as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = users)]
pub struct UserChanges {
    pub display_name: Option<String>,
    pub role: Option<Role>,
    pub vetted_at: Option<Option<DateTime<Utc>>>,
    pub vetted_by: Option<Option<Uuid>>,
    pub disabled_at: Option<Option<DateTime<Utc>>>,
}

impl UserChanges {
    /// Whether nothing would change (diesel refuses an empty update).
    pub fn is_empty(&self) -> bool {
        self.display_name.is_none()
            && self.role.is_none()
            && self.vetted_at.is_none()
            && self.vetted_by.is_none()
            && self.disabled_at.is_none()
    }
}

/// Inserts a user.
/// A start-up's card is redacted again: the new user's name is one of its people.
pub fn insert(connection: &mut PgConnection, new: &NewUser<'_>) -> QueryResult<UserRow> {
    connection.transaction(|connection| {
        let row: UserRow = diesel::insert_into(users::table)
            .values(new)
            .returning(UserRow::as_returning())
            .get_result(connection)?;
        if let Some(organisation_id) = row.organisation_id {
            super::startups::refresh_redaction_of_organisation(connection, organisation_id)?;
        }
        Ok(row)
    })
}

/// One user by id.
pub fn find(connection: &mut PgConnection, id: Uuid) -> QueryResult<UserRow> {
    users::table
        .find(id)
        .select(UserRow::as_select())
        .first(connection)
}

/// One user by e-mail address.
pub fn find_by_email(
    connection: &mut PgConnection,
    email: &EmailAddress,
) -> QueryResult<Option<UserRow>> {
    users::table
        .filter(users::email.eq(email))
        .select(UserRow::as_select())
        .first(connection)
        .optional()
}

/// The user behind a live session, with the ROM of their organisation;
/// `None` when the session was revoked or expired, or the user is disabled.
pub fn find_active_in_session(
    connection: &mut PgConnection,
    user_id: Uuid,
    session_id: Uuid,
    now: DateTime<Utc>,
) -> QueryResult<Option<ActiveUser>> {
    let found = users::table
        .inner_join(sessions::table)
        .left_join(organisations::table)
        .filter(users::id.eq(user_id))
        .filter(users::disabled_at.is_null())
        .filter(sessions::id.eq(session_id))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::expires_at.gt(now))
        .select((
            UserRow::as_select(),
            organisations::rom.nullable(),
            users::language,
            users::language_chosen_at.is_not_null(),
            sessions::expires_at,
        ))
        .first::<(UserRow, Option<Rom>, Language, bool, DateTime<Utc>)>(connection)
        .optional()?;
    Ok(found.map(
        |(user, rom, language, chosen, session_expires_at)| ActiveUser {
            user,
            rom,
            chosen_language: chosen.then_some(language),
            session_expires_at,
        },
    ))
}

/// The user of a live session, with what every request needs of it.
#[derive(Debug, Clone)]
pub struct ActiveUser {
    pub user: UserRow,
    /// The ROM of the user's organisation, for a ROM officer.
    pub rom: Option<Rom>,
    /// The account's language, once the person chose one.
    pub chosen_language: Option<Language>,
    /// When the session ends, unless it is revoked before.
    pub session_expires_at: DateTime<Utc>,
}

/// Filters for listing users.
#[derive(Debug, Default, Clone)]
pub struct UserFilter {
    pub role: Option<Role>,
    pub organisation_id: Option<Uuid>,
    /// Text that the name or the e-mail address contains (any case).
    pub text: Option<String>,
}

/// Users matching `filter`, by e-mail address.
pub fn list(
    connection: &mut PgConnection,
    filter: &UserFilter,
    page: Page,
) -> QueryResult<Paged<UserRow>> {
    let filtered = || {
        let mut query = users::table.into_boxed();
        if let Some(role) = filter.role {
            query = query.filter(users::role.eq(role));
        }
        if let Some(organisation_id) = filter.organisation_id {
            query = query.filter(users::organisation_id.eq(organisation_id));
        }
        if let Some(text) = &filter.text {
            let pattern = super::like_pattern(text);
            query = query.filter(
                users::display_name
                    .ilike(pattern.clone())
                    .or(users::email.ilike(pattern)),
            );
        }
        query
    };
    let total = filtered().count().get_result(connection)?;
    let rows = filtered()
        .order(users::email.asc())
        .limit(page.size)
        .offset(page.offset())
        .select(UserRow::as_select())
        .load(connection)?;
    Ok(Paged { rows, total })
}

/// Applies `changes` if the user is still at `expected_version`; `None` when
/// the version is stale. The touch trigger bumps the version.
pub fn update_if_version(
    connection: &mut PgConnection,
    id: Uuid,
    expected_version: i32,
    changes: &UserChanges,
) -> QueryResult<Option<UserRow>> {
    connection.transaction(|connection| {
        let updated: Option<UserRow> = diesel::update(users::table)
            .filter(users::id.eq(id))
            .filter(users::version.eq(expected_version))
            .set(changes)
            .returning(UserRow::as_returning())
            .get_result(connection)
            .optional()?;
        // A new display name is one of the start-up's people now.
        if let (Some(row), Some(_)) = (&updated, &changes.display_name) {
            if let Some(organisation_id) = row.organisation_id {
                super::startups::refresh_redaction_of_organisation(connection, organisation_id)?;
            }
        }
        Ok(updated)
    })
}

/// Sets a new password hash.
pub fn set_password_hash(
    connection: &mut PgConnection,
    id: Uuid,
    password_hash: &str,
) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set(users::password_hash.eq(password_hash))
        .execute(connection)?;
    Ok(())
}

/// Marks the address of `id` as verified at `now` (once: a later
/// verification keeps the first time).
pub fn mark_email_verified(
    connection: &mut PgConnection,
    id: Uuid,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .filter(users::email_verified_at.is_null())
        .set(users::email_verified_at.eq(now))
        .execute(connection)?;
    Ok(())
}

/// The enabled accounts of `organisation_id`.
pub fn active_of_organisation(
    connection: &mut PgConnection,
    organisation_id: Uuid,
) -> QueryResult<Vec<UserRow>> {
    users::table
        .filter(users::organisation_id.eq(organisation_id))
        .filter(users::disabled_at.is_null())
        .order(users::created_at.asc())
        .select(UserRow::as_select())
        .load(connection)
}

/// The enabled admins.
pub fn active_admins(connection: &mut PgConnection) -> QueryResult<Vec<UserRow>> {
    users::table
        .filter(users::role.eq(Role::Admin))
        .filter(users::disabled_at.is_null())
        .order(users::created_at.asc())
        .select(UserRow::as_select())
        .load(connection)
}

/// The enabled ROM officers of `rom`.
pub fn active_rom_officers(connection: &mut PgConnection, rom: Rom) -> QueryResult<Vec<UserRow>> {
    users::table
        .inner_join(organisations::table)
        .filter(organisations::rom.eq(rom))
        .filter(users::role.eq(Role::RomOfficer))
        .filter(users::disabled_at.is_null())
        .order(users::created_at.asc())
        .select(UserRow::as_select())
        .load(connection)
}

/// Number of users; the demo seeder uses it to tell an empty database.
pub fn count(connection: &mut PgConnection) -> QueryResult<i64> {
    users::table.count().get_result(connection)
}

/// How the access rules see an enabled user, for work done on their
/// behalf outside a request (notifications); `None` when disabled or gone.
pub fn as_viewer(
    connection: &mut PgConnection,
    user_id: Uuid,
) -> QueryResult<Option<crate::domain::policy::Viewer>> {
    use crate::domain::policy::{Member, Viewer};
    let Some(user) = users::table
        .find(user_id)
        .filter(users::disabled_at.is_null())
        .select(UserRow::as_select())
        .first(connection)
        .optional()?
    else {
        return Ok(None);
    };
    let rom = match user.organisation_id {
        Some(organisation_id) => organisations::table
            .find(organisation_id)
            .select(organisations::rom)
            .first::<Option<Rom>>(connection)?,
        None => None,
    };
    Ok(Some(Viewer::Member(Member {
        user_id: user.id,
        role: user.role,
        organisation_id: user.organisation_id,
        vetted: user.vetted_at.is_some(),
        email_verified: user.email_verified_at.is_some(),
        rom,
    })))
}

/// Whether `user_id` may see `challenge` now (their own vetting counts, not
/// their company's).
pub fn may_see_challenge(
    connection: &mut PgConnection,
    user_id: Uuid,
    challenge: &super::challenges::ChallengeRow,
) -> QueryResult<bool> {
    Ok(as_viewer(connection, user_id)?
        .is_some_and(|viewer| viewer.can_see_challenge(challenge.exposure())))
}

//! Organisations: start-up companies, defence organisations and ROMs.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::schema::organisations;
use super::{Page, Paged};
use crate::domain::account::OrganisationKind;
use crate::domain::region::Rom;

/// A stored organisation.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = organisations)]
pub struct OrganisationRow {
    pub id: Uuid,
    pub kind: OrganisationKind,
    pub name: String,
    pub rom: Option<Rom>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
    /// The e-mail domain whose verified addresses may sign in by single sign-on.
    pub sso_email_domain: Option<String>,
}

/// A new organisation.
#[derive(Debug, Insertable)]
#[diesel(table_name = organisations)]
pub struct NewOrganisation<'a> {
    pub kind: OrganisationKind,
    pub name: &'a str,
    pub rom: Option<Rom>,
}

/// Inserts an organisation.
pub fn insert(
    connection: &mut PgConnection,
    new: &NewOrganisation<'_>,
) -> QueryResult<OrganisationRow> {
    diesel::insert_into(organisations::table)
        .values(new)
        .returning(OrganisationRow::as_returning())
        .get_result(connection)
}

/// Inserts organisations of `kind` with the given ids and names, in one
/// statement (imports: a company per new start-up).
pub fn insert_many(
    connection: &mut PgConnection,
    kind: OrganisationKind,
    organisations_to_add: &[(Uuid, &str)],
) -> QueryResult<()> {
    if organisations_to_add.is_empty() {
        return Ok(());
    }
    let rows: Vec<_> = organisations_to_add
        .iter()
        .map(|(id, name)| {
            (
                organisations::id.eq(*id),
                organisations::kind.eq(kind),
                organisations::name.eq(*name),
            )
        })
        .collect();
    diesel::insert_into(organisations::table)
        .values(&rows)
        .execute(connection)?;
    Ok(())
}

#[derive(QueryableByName)]
struct NameKey {
    #[diesel(sql_type = diesel::sql_types::Text)]
    key: String,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    taken: bool,
}

/// For each of `names`, in order: the key the uniqueness of names compares
/// (PostgreSQL's `lower(name)`, which [`find_by_name`] matches) and whether an
/// organisation of `kind` already has it.
///
/// Each name is one lookup in the `(kind, lower(name))` index, written as a
/// lateral join with `LIMIT 1` so that the planner cannot turn it into a hash
/// of every organisation of the kind. An `EXISTS` let it do that whenever the
/// table's statistics were older than a bulk import, which made each batch
/// of an import scan the whole table.
pub fn name_keys(
    connection: &mut PgConnection,
    kind: OrganisationKind,
    names: &[&str],
) -> QueryResult<Vec<(String, bool)>> {
    let keys: Vec<NameKey> = diesel::sql_query(
        "SELECT lower(candidate.name) AS key, holder.found IS NOT NULL AS taken
           FROM unnest($1::text[]) WITH ORDINALITY AS candidate(name, position)
           LEFT JOIN LATERAL (SELECT true AS found FROM organisations
                               WHERE kind = $2 AND lower(organisations.name) = lower(candidate.name)
                               LIMIT 1) AS holder ON true
          ORDER BY candidate.position",
    )
    .bind::<diesel::sql_types::Array<diesel::sql_types::Text>, _>(names)
    .bind::<diesel::sql_types::Text, _>(kind.as_str())
    .load(connection)?;
    Ok(keys.into_iter().map(|key| (key.key, key.taken)).collect())
}

/// Sets the single sign-on domain of `id` if it is still at
/// `expected_version` (`None` when stale); the touch trigger bumps the version.
pub fn set_sso_email_domain(
    connection: &mut PgConnection,
    id: Uuid,
    expected_version: Option<i32>,
    domain: Option<&str>,
) -> QueryResult<Option<OrganisationRow>> {
    let mut query = diesel::update(organisations::table)
        .filter(organisations::id.eq(id))
        .into_boxed();
    if let Some(version) = expected_version {
        query = query.filter(organisations::version.eq(version));
    }
    query
        .set(organisations::sso_email_domain.eq(domain))
        .returning(OrganisationRow::as_returning())
        .get_result(connection)
        .optional()
}

/// One organisation by id.
pub fn find(connection: &mut PgConnection, id: Uuid) -> QueryResult<OrganisationRow> {
    organisations::table
        .find(id)
        .select(OrganisationRow::as_select())
        .first(connection)
}

/// The organisation of a ROM, if it exists.
pub fn find_rom(connection: &mut PgConnection, rom: Rom) -> QueryResult<Option<OrganisationRow>> {
    organisations::table
        .filter(organisations::rom.eq(rom))
        .select(OrganisationRow::as_select())
        .first(connection)
        .optional()
}

/// An organisation of `kind` by name, compared case-insensitively.
pub fn find_by_name(
    connection: &mut PgConnection,
    kind: OrganisationKind,
    name: &str,
) -> QueryResult<Option<OrganisationRow>> {
    organisations::table
        .filter(organisations::kind.eq(kind))
        .filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>("lower(name) = lower(")
                .bind::<diesel::sql_types::Text, _>(name)
                .sql(")"),
        )
        .select(OrganisationRow::as_select())
        .first(connection)
        .optional()
}

/// Organisations, optionally of one kind, by name.
pub fn list(
    connection: &mut PgConnection,
    kind: Option<OrganisationKind>,
    page: Page,
) -> QueryResult<Paged<OrganisationRow>> {
    list_matching(connection, kind, None, page)
}

/// Organisations, optionally of one kind and with `name_part` in their
/// name (any case), by name.
pub fn list_matching(
    connection: &mut PgConnection,
    kind: Option<OrganisationKind>,
    name_part: Option<&str>,
    page: Page,
) -> QueryResult<Paged<OrganisationRow>> {
    let filtered = || {
        let mut query = organisations::table.into_boxed();
        if let Some(kind) = kind {
            query = query.filter(organisations::kind.eq(kind));
        }
        if let Some(name_part) = name_part {
            query = query.filter(organisations::name.ilike(super::like_pattern(name_part)));
        }
        query
    };
    let total = filtered().count().get_result(connection)?;
    let rows = filtered()
        .order((organisations::name.asc(), organisations::id.asc()))
        .limit(page.size)
        .offset(page.offset())
        .select(OrganisationRow::as_select())
        .load(connection)?;
    Ok(Paged { rows, total })
}

/// Names of the organisations with these ids.
pub fn names_by_id(
    connection: &mut PgConnection,
    ids: &[Uuid],
) -> QueryResult<std::collections::HashMap<Uuid, String>> {
    let pairs: Vec<(Uuid, String)> = organisations::table
        .filter(organisations::id.eq_any(ids))
        .select((organisations::id, organisations::name))
        .load(connection)?;
    Ok(pairs.into_iter().collect())
}

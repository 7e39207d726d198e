//! Start-up profiles.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::outbox::{record_change, record_changes, SearchEntity};
use super::schema::{startups, users};
use super::{like_pattern, Page, Paged};
use crate::domain::account::EmailAddress;
use crate::domain::policy::StartupScope;
use crate::domain::readiness::Trl;
use crate::domain::redaction::Redactor;
use crate::domain::region::{CountryCode, Province};
use crate::domain::security::{AbdoLevel, ExportControlCategory};
use crate::domain::startup::{AnonymousTexts, Contact, KvkNumber, StartupProfile};
use crate::domain::taxonomy::Technology;

/// A stored start-up profile.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = startups)]
pub struct StartupRow {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub external_id: Option<String>,
    pub name: String,
    pub kvk_number: Option<KvkNumber>,
    pub website: Option<String>,
    pub description: String,
    /// The description redacted (`domain::redaction`): what the anonymous
    /// card shows and anonymous search finds.
    pub description_anonymised: String,
    pub technologies: Vec<Technology>,
    pub keywords: Vec<String>,
    pub province: Option<Province>,
    pub country: CountryCode,
    pub city: Option<String>,
    pub trl: Option<Trl>,
    pub employees: Option<i32>,
    pub founded_year: Option<i16>,
    pub dual_use: bool,
    pub abdo_clearance: Option<AbdoLevel>,
    pub export_control_categories: Vec<ExportControlCategory>,
    pub contact_name: Option<String>,
    pub contact_email: Option<EmailAddress>,
    pub contact_phone: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
    /// The keywords redacted, like the description.
    pub keywords_redacted: Vec<String>,
}

/// Version of the redaction; cards, and start-ups' questions on challenges,
/// written by an older one are redacted again when the service starts
/// (`refresh_stale_redactions` here and in `db::questions`). Bump it
/// whenever `domain::redaction` or its municipality list changes.
pub const REDACTION_VERSION: i32 = 2;

impl StartupRow {
    /// The profile as the domain knows it.
    pub fn profile(&self) -> StartupProfile {
        StartupProfile {
            name: self.name.clone(),
            kvk_number: self.kvk_number.clone(),
            website: self.website.clone(),
            description: self.description.clone(),
            technologies: self.technologies.clone(),
            keywords: self.keywords.clone(),
            province: self.province,
            country: self.country.clone(),
            city: self.city.clone(),
            trl: self.trl,
            employees: self.employees,
            founded_year: self.founded_year,
            dual_use: self.dual_use,
            abdo_clearance: self.abdo_clearance,
            export_control_categories: self.export_control_categories.clone(),
            contact: Contact {
                name: self.contact_name.clone(),
                email: self.contact_email.clone(),
                phone: self.contact_phone.clone(),
            },
        }
    }
}

/// The columns a profile writes; `None` is written as NULL.
#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = startups, treat_none_as_null = true)]
struct ProfileColumns<'a> {
    name: &'a str,
    kvk_number: Option<&'a KvkNumber>,
    website: Option<&'a str>,
    description: &'a str,
    description_anonymised: &'a str,
    keywords_redacted: &'a [String],
    redaction_version: i32,
    technologies: &'a [Technology],
    keywords: &'a [String],
    province: Option<Province>,
    country: &'a CountryCode,
    city: Option<&'a str>,
    trl: Option<Trl>,
    employees: Option<i32>,
    founded_year: Option<i16>,
    dual_use: bool,
    abdo_clearance: Option<AbdoLevel>,
    export_control_categories: &'a [ExportControlCategory],
    contact_name: Option<&'a str>,
    contact_email: Option<&'a EmailAddress>,
    contact_phone: Option<&'a str>,
}

impl<'a> ProfileColumns<'a> {
    /// The columns of `profile`, with its texts as the anonymous card shows them.
    fn new(profile: &'a StartupProfile, anonymous: &'a AnonymousTexts) -> Self {
        ProfileColumns {
            name: &profile.name,
            kvk_number: profile.kvk_number.as_ref(),
            website: profile.website.as_deref(),
            description: &profile.description,
            description_anonymised: &anonymous.description,
            keywords_redacted: &anonymous.keywords,
            redaction_version: REDACTION_VERSION,
            technologies: &profile.technologies,
            keywords: &profile.keywords,
            province: profile.province,
            country: &profile.country,
            city: profile.city.as_deref(),
            trl: profile.trl,
            employees: profile.employees,
            founded_year: profile.founded_year,
            dual_use: profile.dual_use,
            abdo_clearance: profile.abdo_clearance,
            export_control_categories: &profile.export_control_categories,
            contact_name: profile.contact.name.as_deref(),
            contact_email: profile.contact.email.as_ref(),
            contact_phone: profile.contact.phone.as_deref(),
        }
    }
}

/// The names of `organisation_id`'s people (its users), whom redaction hides.
pub fn people_of(connection: &mut PgConnection, organisation_id: Uuid) -> QueryResult<Vec<String>> {
    users::table
        .filter(users::organisation_id.eq(organisation_id))
        .select(users::display_name)
        .load(connection)
}

/// The redactor of `profile`, which belongs to `organisation_id`: its
/// people are the organisation's users.
fn redactor(
    connection: &mut PgConnection,
    organisation_id: Uuid,
    profile: &StartupProfile,
) -> QueryResult<Redactor> {
    Ok(profile.redactor(people_of(connection, organisation_id)?))
}

/// The redactor of the start-up `row`, for texts written about it.
pub fn redactor_of(connection: &mut PgConnection, row: &StartupRow) -> QueryResult<Redactor> {
    redactor(connection, row.organisation_id, &row.profile())
}

/// The organisation a profile belongs to.
fn organisation_of(connection: &mut PgConnection, id: Uuid) -> QueryResult<Uuid> {
    startups::table
        .find(id)
        .select(startups::organisation_id)
        .first(connection)
}

/// Redacts the card of profile `id` again (its organisation's people
/// changed, or the redaction did) and records it for the search index.
pub fn refresh_redaction(connection: &mut PgConnection, id: Uuid) -> QueryResult<()> {
    connection.transaction(|connection| {
        let row = find(connection, id)?;
        let profile = row.profile();
        let anonymous =
            profile.anonymous_texts(&redactor(connection, row.organisation_id, &profile)?);
        diesel::update(startups::table.find(id))
            .set((
                startups::description_anonymised.eq(anonymous.description),
                startups::keywords_redacted.eq(anonymous.keywords),
                startups::redaction_version.eq(REDACTION_VERSION),
            ))
            .execute(connection)?;
        record_change(connection, SearchEntity::Startup, id)
    })
}

/// Redacts the card of `organisation_id`'s profile again, if it has one.
pub fn refresh_redaction_of_organisation(
    connection: &mut PgConnection,
    organisation_id: Uuid,
) -> QueryResult<()> {
    match find_id_by_organisation(connection, organisation_id)? {
        Some(id) => refresh_redaction(connection, id),
        None => Ok(()),
    }
}

/// Redacts again every card written by an older redaction; the number redone.
pub fn refresh_stale_redactions(connection: &mut PgConnection) -> QueryResult<usize> {
    let stale: Vec<Uuid> = startups::table
        .filter(startups::redaction_version.lt(REDACTION_VERSION))
        .select(startups::id)
        .load(connection)?;
    for id in &stale {
        refresh_redaction(connection, *id)?;
    }
    Ok(stale.len())
}

/// Inserts the profile of `organisation_id` and records it for the search index.
pub fn insert(
    connection: &mut PgConnection,
    organisation_id: Uuid,
    external_id: Option<&str>,
    profile: &StartupProfile,
) -> QueryResult<StartupRow> {
    connection.transaction(|connection| {
        let anonymous = profile.anonymous_texts(&redactor(connection, organisation_id, profile)?);
        let row = diesel::insert_into(startups::table)
            .values((
                startups::organisation_id.eq(organisation_id),
                startups::external_id.eq(external_id),
                ProfileColumns::new(profile, &anonymous),
            ))
            .returning(StartupRow::as_returning())
            .get_result(connection)?;
        record_change(connection, SearchEntity::Startup, row.id)?;
        Ok(row)
    })
}

/// Replaces the profile if it is still at `expected_version`; `None` when stale.
pub fn update_if_version(
    connection: &mut PgConnection,
    id: Uuid,
    expected_version: i32,
    profile: &StartupProfile,
) -> QueryResult<Option<StartupRow>> {
    connection.transaction(|connection| {
        let organisation_id = organisation_of(connection, id)?;
        let anonymous = profile.anonymous_texts(&redactor(connection, organisation_id, profile)?);
        let updated = diesel::update(startups::table)
            .filter(startups::id.eq(id))
            .filter(startups::version.eq(expected_version))
            .set(ProfileColumns::new(profile, &anonymous))
            .returning(StartupRow::as_returning())
            .get_result(connection)
            .optional()?;
        if updated.is_some() {
            record_change(connection, SearchEntity::Startup, id)?;
        }
        Ok(updated)
    })
}

/// One profile by id.
pub fn find(connection: &mut PgConnection, id: Uuid) -> QueryResult<StartupRow> {
    startups::table
        .find(id)
        .select(StartupRow::as_select())
        .first(connection)
}

/// The profile imported under `external_id`, if any.
pub fn find_by_external_id(
    connection: &mut PgConnection,
    external_id: &str,
) -> QueryResult<Option<StartupRow>> {
    startups::table
        .filter(startups::external_id.eq(external_id))
        .select(StartupRow::as_select())
        .first(connection)
        .optional()
}

/// Replaces a profile whatever its version (imports: the file is the truth).
pub fn replace_profile(
    connection: &mut PgConnection,
    id: Uuid,
    profile: &StartupProfile,
) -> QueryResult<StartupRow> {
    connection.transaction(|connection| {
        let organisation_id = organisation_of(connection, id)?;
        let anonymous = profile.anonymous_texts(&redactor(connection, organisation_id, profile)?);
        let row = diesel::update(startups::table.find(id))
            .set(ProfileColumns::new(profile, &anonymous))
            .returning(StartupRow::as_returning())
            .get_result(connection)?;
        record_change(connection, SearchEntity::Startup, id)?;
        Ok(row)
    })
}

/// The profiles imported under any of `external_ids`.
pub fn find_by_external_ids(
    connection: &mut PgConnection,
    external_ids: &[&str],
) -> QueryResult<Vec<StartupRow>> {
    startups::table
        .filter(startups::external_id.eq_any(external_ids))
        .select(StartupRow::as_select())
        .load(connection)
}

/// A profile to insert in bulk; its organisation exists already.
#[derive(Debug, Clone, Copy)]
pub struct NewImportedStartup<'a> {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub external_id: &'a str,
    pub profile: &'a StartupProfile,
    /// Redacted with no people's names: the import creates the company in
    /// the same transaction, so it has no users yet.
    pub anonymous: &'a AnonymousTexts,
}

/// A redactor per `(organisation, profile)`, in order; the organisations'
/// people are read in one query.
fn redactors(
    connection: &mut PgConnection,
    profiles: &[(Uuid, &StartupProfile)],
) -> QueryResult<Vec<Redactor>> {
    let organisation_ids: Vec<Uuid> = profiles.iter().map(|(id, _)| *id).collect();
    let members: Vec<(Uuid, String)> = users::table
        .filter(users::organisation_id.eq_any(&organisation_ids))
        .select((
            users::organisation_id.assume_not_null(),
            users::display_name,
        ))
        .load(connection)?;
    let mut people_of: std::collections::HashMap<Uuid, Vec<String>> =
        std::collections::HashMap::new();
    for (organisation_id, display_name) in members {
        people_of
            .entry(organisation_id)
            .or_default()
            .push(display_name);
    }
    Ok(profiles
        .iter()
        .map(|(organisation_id, profile)| {
            profile.redactor(people_of.get(organisation_id).cloned().unwrap_or_default())
        })
        .collect())
}

/// Inserts profiles in one statement and records them for the search index:
/// the bulk form of [`insert`] for imports.
pub fn insert_many(
    connection: &mut PgConnection,
    new_startups: &[NewImportedStartup<'_>],
) -> QueryResult<()> {
    if new_startups.is_empty() {
        return Ok(());
    }
    let rows: Vec<_> = new_startups
        .iter()
        .map(|new| {
            (
                startups::id.eq(new.id),
                startups::organisation_id.eq(new.organisation_id),
                startups::external_id.eq(new.external_id),
                ProfileColumns::new(new.profile, new.anonymous),
            )
        })
        .collect();
    diesel::insert_into(startups::table)
        .values(&rows)
        .execute(connection)?;
    let ids: Vec<Uuid> = new_startups.iter().map(|new| new.id).collect();
    record_changes(connection, SearchEntity::Startup, &ids)
}

/// Replaces the profiles of the stored `rows` whatever their versions, and
/// records them for the search index: the bulk form of [`replace_profile`].
/// Fails with `NotFound` when one of them is gone.
pub fn replace_profiles(
    connection: &mut PgConnection,
    replacements: &[(&StartupRow, &StartupProfile)],
) -> QueryResult<()> {
    if replacements.is_empty() {
        return Ok(());
    }
    let owners: Vec<(Uuid, &StartupProfile)> = replacements
        .iter()
        .map(|(row, profile)| (row.organisation_id, *profile))
        .collect();
    let redactors = redactors(connection, &owners)?;
    for ((row, profile), redactor) in replacements.iter().zip(&redactors) {
        let anonymous = profile.anonymous_texts(redactor);
        let updated = diesel::update(startups::table.find(row.id))
            .set(ProfileColumns::new(profile, &anonymous))
            .execute(connection)?;
        if updated == 0 {
            return Err(diesel::result::Error::NotFound);
        }
    }
    let ids: Vec<Uuid> = replacements.iter().map(|(row, _)| row.id).collect();
    record_changes(connection, SearchEntity::Startup, &ids)
}

/// The profiles with these ids (missing ids are skipped).
pub fn find_many(connection: &mut PgConnection, ids: &[Uuid]) -> QueryResult<Vec<StartupRow>> {
    startups::table
        .filter(startups::id.eq_any(ids))
        .select(StartupRow::as_select())
        .load(connection)
}

/// The ids among `ids` of profiles taken out of lists, search and matches
/// (their company's last member erased the account).
pub fn unlisted_among(connection: &mut PgConnection, ids: &[Uuid]) -> QueryResult<Vec<Uuid>> {
    startups::table
        .filter(startups::id.eq_any(ids))
        .filter(startups::unlisted_at.is_not_null())
        .select(startups::id)
        .load(connection)
}

/// Up to `limit` profiles with ids after `after`, by id: for walking all of them.
pub fn page_after(
    connection: &mut PgConnection,
    after: Uuid,
    limit: i64,
) -> QueryResult<Vec<StartupRow>> {
    startups::table
        .filter(startups::id.gt(after))
        .order(startups::id.asc())
        .limit(limit)
        .select(StartupRow::as_select())
        .load(connection)
}

/// Number of profiles.
pub fn count(connection: &mut PgConnection) -> QueryResult<i64> {
    startups::table.count().get_result(connection)
}

/// The profile id of a start-up company, if it has one.
pub fn find_id_by_organisation(
    connection: &mut PgConnection,
    organisation_id: Uuid,
) -> QueryResult<Option<Uuid>> {
    startups::table
        .filter(startups::organisation_id.eq(organisation_id))
        .select(startups::id)
        .first(connection)
        .optional()
}

/// The company and province of the profile with KvK number `kvk_number`.
pub fn find_company_by_kvk(
    connection: &mut PgConnection,
    kvk_number: &KvkNumber,
) -> QueryResult<Option<(Uuid, Option<Province>)>> {
    startups::table
        .filter(startups::kvk_number.eq(kvk_number))
        .select((startups::organisation_id, startups::province))
        .first(connection)
        .optional()
}

/// The province of the profile of `organisation_id`; `None` without a
/// profile or a province.
pub fn province_of_organisation(
    connection: &mut PgConnection,
    organisation_id: Uuid,
) -> QueryResult<Option<Province>> {
    Ok(startups::table
        .filter(startups::organisation_id.eq(organisation_id))
        .select(startups::province)
        .first::<Option<Province>>(connection)
        .optional()?
        .flatten())
}

/// Filters for listing profiles.
#[derive(Debug, Default, Clone)]
pub struct StartupFilter {
    pub technology: Option<Technology>,
    pub province: Option<Province>,
    pub country: Option<CountryCode>,
    /// Solutions at this TRL or above.
    pub trl_min: Option<Trl>,
    /// Solutions at this TRL or below.
    pub trl_max: Option<Trl>,
    pub dual_use: Option<bool>,
    pub organisation_id: Option<Uuid>,
    /// Words that must occur in the description or keywords (and the name,
    /// unless anonymised).
    pub text: Option<String>,
    /// The caller sees anonymous cards: search only what they show, and do
    /// not order by the hidden name.
    pub anonymised: bool,
}

/// Profiles in `scope` that match `filter`, by name.
pub fn list(
    connection: &mut PgConnection,
    scope: &StartupScope,
    filter: &StartupFilter,
    page: Page,
) -> QueryResult<Paged<StartupRow>> {
    let filtered = || {
        let mut query = startups::table
            .filter(startups::unlisted_at.is_null())
            .into_boxed();
        query = match scope {
            StartupScope::All => query,
            StartupScope::Organisation(organisation_id) => {
                query.filter(startups::organisation_id.eq(*organisation_id))
            }
            StartupScope::Provinces(provinces) => {
                query.filter(startups::province.eq_any(provinces.clone()))
            }
        };
        if let Some(technology) = filter.technology {
            query = query.filter(startups::technologies.contains(vec![technology]));
        }
        if let Some(province) = filter.province {
            query = query.filter(startups::province.eq(province));
        }
        if let Some(country) = &filter.country {
            query = query.filter(startups::country.eq(country.clone()));
        }
        if let Some(trl_min) = filter.trl_min {
            query = query.filter(startups::trl.ge(trl_min));
        }
        if let Some(trl_max) = filter.trl_max {
            query = query.filter(startups::trl.le(trl_max));
        }
        if let Some(dual_use) = filter.dual_use {
            query = query.filter(startups::dual_use.eq(dual_use));
        }
        if let Some(organisation_id) = filter.organisation_id {
            query = query.filter(startups::organisation_id.eq(organisation_id));
        }
        if let Some(text) = &filter.text {
            let pattern = like_pattern(text);
            let keywords_text = diesel::dsl::sql::<diesel::sql_types::Text>(
                "array_to_string(startups.keywords, ' ')",
            );
            if filter.anonymised {
                // Only what the anonymous card shows may be searched, or a
                // search for a company's name or city would point at its card.
                let redacted_keywords = diesel::dsl::sql::<diesel::sql_types::Text>(
                    "array_to_string(startups.keywords_redacted, ' ')",
                );
                query = query.filter(
                    startups::description_anonymised
                        .ilike(pattern.clone())
                        .or(redacted_keywords.ilike(pattern)),
                );
            } else {
                query = query.filter(
                    startups::description
                        .ilike(pattern.clone())
                        .or(keywords_text.ilike(pattern.clone()))
                        .or(startups::name.ilike(pattern)),
                );
            }
        }
        query
    };
    let total = filtered().count().get_result(connection)?;
    let ordered = if filter.anonymised {
        filtered().order((startups::created_at.asc(), startups::id.asc()))
    } else {
        filtered().order((startups::name.asc(), startups::id.asc()))
    };
    let rows = ordered
        .limit(page.size)
        .offset(page.offset())
        .select(StartupRow::as_select())
        .load(connection)?;
    Ok(Paged { rows, total })
}

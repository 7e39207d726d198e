//! Challenges posted by defence organisations.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::audit::{self, NewAuditEvent};
use super::outbox::{record_change, record_changes, SearchEntity};
use super::schema::{challenges, organisations};
use super::{like_pattern, Page, Paged};
use crate::domain::audit::{AuditAction, AuditSubject};
use crate::domain::challenge::{BudgetRange, ChallengeContent, ChallengeStatus, Schedule};
use crate::domain::policy::{ChallengeExposure, ChallengeScope};
use crate::domain::readiness::{Trl, TrlRange};
use crate::domain::region::Province;
use crate::domain::security::Visibility;
use crate::domain::taxonomy::Technology;

/// A stored challenge.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = challenges)]
pub struct ChallengeRow {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub created_by: Option<Uuid>,
    pub external_id: Option<String>,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub desired_outcome: String,
    pub technologies: Vec<Technology>,
    pub keywords: Vec<String>,
    pub preferred_provinces: Vec<Province>,
    pub trl_min: Trl,
    pub trl_max: Trl,
    pub budget_min_eur: Option<i64>,
    pub budget_max_eur: Option<i64>,
    pub pre_release_at: Option<DateTime<Utc>>,
    pub opens_at: Option<DateTime<Utc>>,
    pub closes_at: Option<DateTime<Utc>>,
    pub visibility: Visibility,
    pub abdo_required: bool,
    pub status: ChallengeStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl ChallengeRow {
    /// The content as the domain knows it. The CHECK constraints guarantee
    /// the invariants, so an inverted TRL range cannot come back from storage;
    /// should it ever, the range collapses to the minimum rather than fail.
    pub fn content(&self) -> ChallengeContent {
        let trl_range = TrlRange::new(self.trl_min, self.trl_max).unwrap_or_else(|_| {
            debug_assert!(false, "challenge {} has an inverted TRL range", self.id);
            TrlRange::new(self.trl_min, self.trl_min).unwrap_or_else(|_| unreachable!())
        });
        let budget = match (self.budget_min_eur, self.budget_max_eur) {
            (Some(min_eur), Some(max_eur)) => Some(BudgetRange { min_eur, max_eur }),
            _ => None,
        };
        ChallengeContent {
            title: self.title.clone(),
            summary: self.summary.clone(),
            description: self.description.clone(),
            desired_outcome: self.desired_outcome.clone(),
            technologies: self.technologies.clone(),
            keywords: self.keywords.clone(),
            preferred_provinces: self.preferred_provinces.clone(),
            trl_range,
            budget,
            schedule: Schedule {
                pre_release_at: self.pre_release_at,
                opens_at: self.opens_at,
                closes_at: self.closes_at,
            },
            visibility: self.visibility,
            abdo_required: self.abdo_required,
        }
    }

    /// The facts that decide who may see it.
    pub fn exposure(&self) -> ChallengeExposure {
        ChallengeExposure {
            organisation_id: self.organisation_id,
            status: self.status,
            visibility: self.visibility,
        }
    }
}

/// The columns the content writes; `None` is written as NULL.
#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = challenges, treat_none_as_null = true)]
struct ContentColumns<'a> {
    title: &'a str,
    summary: &'a str,
    description: &'a str,
    desired_outcome: &'a str,
    technologies: &'a [Technology],
    keywords: &'a [String],
    preferred_provinces: &'a [Province],
    trl_min: Trl,
    trl_max: Trl,
    budget_min_eur: Option<i64>,
    budget_max_eur: Option<i64>,
    pre_release_at: Option<DateTime<Utc>>,
    opens_at: Option<DateTime<Utc>>,
    closes_at: Option<DateTime<Utc>>,
    visibility: Visibility,
    abdo_required: bool,
}

impl<'a> From<&'a ChallengeContent> for ContentColumns<'a> {
    fn from(content: &'a ChallengeContent) -> Self {
        ContentColumns {
            title: &content.title,
            summary: &content.summary,
            description: &content.description,
            desired_outcome: &content.desired_outcome,
            technologies: &content.technologies,
            keywords: &content.keywords,
            preferred_provinces: &content.preferred_provinces,
            trl_min: content.trl_range.min(),
            trl_max: content.trl_range.max(),
            budget_min_eur: content.budget.map(|budget| budget.min_eur),
            budget_max_eur: content.budget.map(|budget| budget.max_eur),
            pre_release_at: content.schedule.pre_release_at,
            opens_at: content.schedule.opens_at,
            closes_at: content.schedule.closes_at,
            visibility: content.visibility,
            abdo_required: content.abdo_required,
        }
    }
}

/// Who and where a new challenge comes from.
#[derive(Debug, Clone)]
pub struct ChallengeOrigin<'a> {
    pub organisation_id: Uuid,
    pub created_by: Option<Uuid>,
    pub external_id: Option<&'a str>,
    pub status: ChallengeStatus,
}

/// Inserts a challenge and records it for the search index.
pub fn insert(
    connection: &mut PgConnection,
    origin: &ChallengeOrigin<'_>,
    content: &ChallengeContent,
) -> QueryResult<ChallengeRow> {
    connection.transaction(|connection| {
        let row = diesel::insert_into(challenges::table)
            .values((
                challenges::organisation_id.eq(origin.organisation_id),
                challenges::created_by.eq(origin.created_by),
                challenges::external_id.eq(origin.external_id),
                challenges::status.eq(origin.status),
                ContentColumns::from(content),
            ))
            .returning(ChallengeRow::as_returning())
            .get_result(connection)?;
        record_change(connection, SearchEntity::Challenge, row.id)?;
        Ok(row)
    })
}

/// One challenge by id.
pub fn find(connection: &mut PgConnection, id: Uuid) -> QueryResult<ChallengeRow> {
    challenges::table
        .find(id)
        .select(ChallengeRow::as_select())
        .first(connection)
}

/// The challenge imported under `external_id`, if any.
pub fn find_by_external_id(
    connection: &mut PgConnection,
    external_id: &str,
) -> QueryResult<Option<ChallengeRow>> {
    challenges::table
        .filter(challenges::external_id.eq(external_id))
        .select(ChallengeRow::as_select())
        .first(connection)
        .optional()
}

/// Replaces content and status whatever the version (imports: the file is the truth).
pub fn replace_imported(
    connection: &mut PgConnection,
    id: Uuid,
    status: ChallengeStatus,
    content: &ChallengeContent,
) -> QueryResult<ChallengeRow> {
    connection.transaction(|connection| {
        let row = diesel::update(challenges::table.find(id))
            .set((ContentColumns::from(content), challenges::status.eq(status)))
            .returning(ChallengeRow::as_returning())
            .get_result(connection)?;
        record_change(connection, SearchEntity::Challenge, id)?;
        Ok(row)
    })
}

/// The challenges imported under any of `external_ids`.
pub fn find_by_external_ids(
    connection: &mut PgConnection,
    external_ids: &[&str],
) -> QueryResult<Vec<ChallengeRow>> {
    challenges::table
        .filter(challenges::external_id.eq_any(external_ids))
        .select(ChallengeRow::as_select())
        .load(connection)
}

/// Inserts challenges with the given ids in one statement and records them
/// for the search index: the bulk form of [`insert`] for imports.
pub fn insert_many(
    connection: &mut PgConnection,
    new_challenges: &[(Uuid, ChallengeOrigin<'_>, &ChallengeContent)],
) -> QueryResult<()> {
    if new_challenges.is_empty() {
        return Ok(());
    }
    let rows: Vec<_> = new_challenges
        .iter()
        .map(|(id, origin, content)| {
            (
                challenges::id.eq(*id),
                challenges::organisation_id.eq(origin.organisation_id),
                challenges::created_by.eq(origin.created_by),
                challenges::external_id.eq(origin.external_id),
                challenges::status.eq(origin.status),
                ContentColumns::from(*content),
            )
        })
        .collect();
    diesel::insert_into(challenges::table)
        .values(&rows)
        .execute(connection)?;
    let ids: Vec<Uuid> = new_challenges.iter().map(|(id, _, _)| *id).collect();
    record_changes(connection, SearchEntity::Challenge, &ids)
}

/// Replaces content and status of challenges whatever their versions, and
/// records them for the search index: the bulk form of [`replace_imported`].
/// Fails with `NotFound` when one of them is gone.
pub fn replace_imported_many(
    connection: &mut PgConnection,
    replacements: &[(Uuid, ChallengeStatus, &ChallengeContent)],
) -> QueryResult<()> {
    for (id, status, content) in replacements {
        let updated = diesel::update(challenges::table.find(*id))
            .set((
                ContentColumns::from(*content),
                challenges::status.eq(*status),
            ))
            .execute(connection)?;
        if updated == 0 {
            return Err(diesel::result::Error::NotFound);
        }
    }
    let ids: Vec<Uuid> = replacements.iter().map(|(id, _, _)| *id).collect();
    record_changes(connection, SearchEntity::Challenge, &ids)
}

/// The challenges with these ids (missing ids are skipped).
pub fn find_many(connection: &mut PgConnection, ids: &[Uuid]) -> QueryResult<Vec<ChallengeRow>> {
    challenges::table
        .filter(challenges::id.eq_any(ids))
        .select(ChallengeRow::as_select())
        .load(connection)
}

/// The challenges `ids` that exist, each with its organisation's name, in
/// one statement (ranked results are shown with the issuer's name).
pub fn find_many_with_organisation_names(
    connection: &mut PgConnection,
    ids: &[Uuid],
) -> QueryResult<Vec<(ChallengeRow, String)>> {
    challenges::table
        .inner_join(organisations::table)
        .filter(challenges::id.eq_any(ids))
        .select((ChallengeRow::as_select(), organisations::name))
        .load(connection)
}

/// Up to `limit` challenges with ids after `after`, by id: for walking all of them.
pub fn page_after(
    connection: &mut PgConnection,
    after: Uuid,
    limit: i64,
) -> QueryResult<Vec<ChallengeRow>> {
    challenges::table
        .filter(challenges::id.gt(after))
        .order(challenges::id.asc())
        .limit(limit)
        .select(ChallengeRow::as_select())
        .load(connection)
}

/// Number of challenges.
pub fn count(connection: &mut PgConnection) -> QueryResult<i64> {
    challenges::table.count().get_result(connection)
}

/// Replaces the content if the challenge is still at `expected_version`.
pub fn update_content_if_version(
    connection: &mut PgConnection,
    id: Uuid,
    expected_version: i32,
    content: &ChallengeContent,
) -> QueryResult<Option<ChallengeRow>> {
    connection.transaction(|connection| {
        let updated = diesel::update(challenges::table)
            .filter(challenges::id.eq(id))
            .filter(challenges::version.eq(expected_version))
            .set(ContentColumns::from(content))
            .returning(ChallengeRow::as_returning())
            .get_result(connection)
            .optional()?;
        if updated.is_some() {
            record_change(connection, SearchEntity::Challenge, id)?;
        }
        Ok(updated)
    })
}

/// A status move of one challenge, by whom, for the audit trail.
#[derive(Debug, Clone, Copy)]
pub struct StatusMove {
    pub from: ChallengeStatus,
    pub to: ChallengeStatus,
    pub moved_by: Uuid,
}

/// Makes `status_move` on the challenge if it is still at `expected_version`,
/// audited in the same transaction.
pub fn set_status_if_version(
    connection: &mut PgConnection,
    id: Uuid,
    expected_version: i32,
    status_move: StatusMove,
) -> QueryResult<Option<ChallengeRow>> {
    connection.transaction(|connection| {
        let updated = diesel::update(challenges::table)
            .filter(challenges::id.eq(id))
            .filter(challenges::version.eq(expected_version))
            .set(challenges::status.eq(status_move.to))
            .returning(ChallengeRow::as_returning())
            .get_result(connection)
            .optional()?;
        if updated.is_some() {
            record_change(connection, SearchEntity::Challenge, id)?;
            audit::record(
                connection,
                &NewAuditEvent::new(
                    Some(status_move.moved_by),
                    AuditAction::ChallengeStatusChanged,
                    AuditSubject::Challenge,
                    Some(id),
                )
                .with_detail(serde_json::json!({
                    "from": status_move.from,
                    "to": status_move.to,
                })),
            )?;
        }
        Ok(updated)
    })
}

/// Deletes a draft if it is still at `expected_version`; returns whether it did.
pub fn delete_draft_if_version(
    connection: &mut PgConnection,
    id: Uuid,
    expected_version: i32,
) -> QueryResult<bool> {
    connection.transaction(|connection| {
        let deleted = diesel::delete(challenges::table)
            .filter(challenges::id.eq(id))
            .filter(challenges::version.eq(expected_version))
            .filter(challenges::status.eq(ChallengeStatus::Draft))
            .execute(connection)?;
        if deleted > 0 {
            record_change(connection, SearchEntity::Challenge, id)?;
        }
        Ok(deleted > 0)
    })
}

/// Moves open challenges whose deadline passed to closed, and announced ones
/// whose opening date came to open. Returns how many moved.
pub fn advance_by_schedule(
    connection: &mut PgConnection,
    now: DateTime<Utc>,
) -> QueryResult<usize> {
    connection.transaction(|connection| {
        let closed: Vec<Uuid> = diesel::update(challenges::table)
            .filter(challenges::status.eq(ChallengeStatus::Open))
            .filter(challenges::closes_at.le(now))
            .set(challenges::status.eq(ChallengeStatus::Closed))
            .returning(challenges::id)
            .get_results(connection)?;
        let opened: Vec<Uuid> = diesel::update(challenges::table)
            .filter(challenges::status.eq(ChallengeStatus::Published))
            .filter(challenges::opens_at.le(now))
            .filter(
                challenges::closes_at
                    .is_null()
                    .or(challenges::closes_at.gt(now)),
            )
            .set(challenges::status.eq(ChallengeStatus::Open))
            .returning(challenges::id)
            .get_results(connection)?;
        for id in closed.iter().chain(&opened) {
            record_change(connection, SearchEntity::Challenge, *id)?;
        }
        Ok(closed.len() + opened.len())
    })
}

/// Order of a challenge list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ChallengeOrder {
    /// Most recently created first.
    #[default]
    Newest,
    /// Nearest deadline first; rolling calls last.
    Deadline,
}

/// Filters for listing challenges.
#[derive(Debug, Default, Clone)]
pub struct ChallengeFilter {
    pub technology: Option<Technology>,
    /// Challenges that prefer this province, or have no preference.
    pub province: Option<Province>,
    /// Any of these statuses; empty means any.
    pub statuses: Vec<ChallengeStatus>,
    /// Challenges whose wanted TRL range holds this level.
    pub trl: Option<Trl>,
    pub closes_before: Option<DateTime<Utc>>,
    pub closes_after: Option<DateTime<Utc>>,
    pub organisation_id: Option<Uuid>,
    pub visibility: Option<Visibility>,
    /// Words that must occur in the title, summary, description or keywords.
    pub text: Option<String>,
    pub order: ChallengeOrder,
}

type BoxedChallenges<'a> = challenges::BoxedQuery<'a, diesel::pg::Pg>;

/// Restricts a query to the challenges of `scope`, the rule behind
/// `Viewer::can_see_challenge`.
fn within_scope<'a>(query: BoxedChallenges<'a>, scope: &ChallengeScope) -> BoxedChallenges<'a> {
    let ChallengeScope::Restricted {
        own_organisation,
        statuses,
        visibilities,
    } = scope
    else {
        return query;
    };
    let visible_outside = challenges::status
        .eq_any(statuses.clone())
        .and(challenges::visibility.eq_any(visibilities.clone()));
    match own_organisation {
        Some(organisation_id) => query.filter(
            challenges::organisation_id
                .eq(*organisation_id)
                .or(visible_outside),
        ),
        None => query.filter(visible_outside),
    }
}

/// The challenges of `scope` that match `filter`.
pub fn list(
    connection: &mut PgConnection,
    scope: &ChallengeScope,
    filter: &ChallengeFilter,
    page: Page,
) -> QueryResult<Paged<ChallengeRow>> {
    let filtered = || {
        let mut query = within_scope(challenges::table.into_boxed(), scope);
        if let Some(technology) = filter.technology {
            query = query.filter(challenges::technologies.contains(vec![technology]));
        }
        if let Some(province) = filter.province {
            query = query.filter(
                challenges::preferred_provinces
                    .contains(vec![province])
                    .or(challenges::preferred_provinces.eq(Vec::<Province>::new())),
            );
        }
        if !filter.statuses.is_empty() {
            query = query.filter(challenges::status.eq_any(filter.statuses.clone()));
        }
        if let Some(trl) = filter.trl {
            query = query
                .filter(challenges::trl_min.le(trl))
                .filter(challenges::trl_max.ge(trl));
        }
        if let Some(before) = filter.closes_before {
            query = query.filter(challenges::closes_at.lt(before));
        }
        if let Some(after) = filter.closes_after {
            query = query.filter(challenges::closes_at.gt(after));
        }
        if let Some(organisation_id) = filter.organisation_id {
            query = query.filter(challenges::organisation_id.eq(organisation_id));
        }
        if let Some(visibility) = filter.visibility {
            query = query.filter(challenges::visibility.eq(visibility));
        }
        if let Some(text) = &filter.text {
            // The expression of the trigram index `challenges_text_trigram`
            // (migration 2026-12-02-141500), written the same way so that
            // the planner uses it.
            let indexed_text = diesel::dsl::sql::<diesel::sql_types::Text>(
                "challenge_text(challenges.title, challenges.summary, challenges.description, challenges.keywords)",
            );
            query = query.filter(indexed_text.ilike(like_pattern(text)));
        }
        query
    };
    let total = filtered().count().get_result(connection)?;
    let ordered = match filter.order {
        ChallengeOrder::Newest => {
            filtered().order((challenges::created_at.desc(), challenges::id.asc()))
        }
        ChallengeOrder::Deadline => filtered().order((
            challenges::closes_at.asc().nulls_last(),
            challenges::id.asc(),
        )),
    };
    let rows = ordered
        .limit(page.size)
        .offset(page.offset())
        .select(ChallengeRow::as_select())
        .load(connection)?;
    Ok(Paged { rows, total })
}

//! Introductions and their notes. The state machine is in
//! `domain::introduction`; these functions store its decisions, each state
//! change guarded by the row version and audited in the same transaction.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::audit::{self, NewAuditEvent};
use super::challenges::ChallengeRow;
use super::schema::{challenges, introduction_notes, introductions, startups, users};
use super::startups::StartupRow;
use super::{Page, Paged};
use crate::domain::audit::{AuditAction, AuditSubject};
use crate::domain::introduction::{IntroductionOrigin, IntroductionState, Side};
use crate::domain::policy::{
    may_take_part_in_introductions, CompanyAddresses, IntroductionBar, IntroductionScope, Member,
};
use crate::domain::region::Rom;
use crate::domain::security::Visibility;

/// A stored introduction.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = introductions)]
pub struct IntroductionRow {
    pub id: Uuid,
    pub startup_id: Uuid,
    pub challenge_id: Uuid,
    pub origin: IntroductionOrigin,
    pub initiated_by: Option<Uuid>,
    pub broker_rom: Option<Rom>,
    pub state: IntroductionState,
    pub message: Option<String>,
    pub startup_accepted_at: Option<DateTime<Utc>>,
    pub procurement_accepted_at: Option<DateTime<Utc>>,
    pub introduced_at: Option<DateTime<Utc>>,
    pub meeting_held_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub declined_by: Option<Side>,
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

/// A new introduction, in the state its origin starts in.
#[derive(Debug, Clone)]
pub struct NewIntroduction {
    pub startup_id: Uuid,
    pub challenge_id: Uuid,
    pub origin: IntroductionOrigin,
    pub initiated_by: Uuid,
    pub broker_rom: Option<Rom>,
    pub message: Option<String>,
}

/// Inserts an introduction and audits its first state. Fails with
/// `RollbackTransaction` when the challenge is no longer published or open:
/// its row is share-locked first, so that a challenge closing at this very
/// moment either expires the new introduction or refuses it.
pub fn insert(
    connection: &mut PgConnection,
    new: &NewIntroduction,
) -> QueryResult<IntroductionRow> {
    use crate::domain::challenge::ChallengeStatus;
    connection.transaction(|connection| {
        let status: ChallengeStatus = challenges::table
            .find(new.challenge_id)
            .select(challenges::status)
            .for_share()
            .first(connection)?;
        if !matches!(status, ChallengeStatus::Published | ChallengeStatus::Open) {
            return Err(diesel::result::Error::RollbackTransaction);
        }
        let state = new.origin.initial_state();
        let now = Utc::now();
        let row = diesel::insert_into(introductions::table)
            .values((
                introductions::startup_id.eq(new.startup_id),
                introductions::challenge_id.eq(new.challenge_id),
                introductions::origin.eq(new.origin),
                introductions::initiated_by.eq(new.initiated_by),
                introductions::broker_rom.eq(new.broker_rom),
                introductions::state.eq(state),
                introductions::message.eq(&new.message),
                introductions::startup_accepted_at
                    .eq(state.accepted_by(Side::Startup).then_some(now)),
                introductions::procurement_accepted_at
                    .eq(state.accepted_by(Side::Procurement).then_some(now)),
            ))
            .returning(IntroductionRow::as_returning())
            .get_result(connection)?;
        audit::record(
            connection,
            &NewAuditEvent::new(
                Some(new.initiated_by),
                AuditAction::IntroductionStateChanged,
                AuditSubject::Introduction,
                Some(row.id),
            )
            .with_detail(serde_json::json!({ "to": state, "origin": new.origin })),
        )?;
        Ok(row)
    })
}

/// The live introductions between any of `startup_ids` and any of
/// `challenge_ids`, as (start-up, challenge, introduction): at most one
/// per pair.
pub fn live_between(
    connection: &mut PgConnection,
    startup_ids: &[Uuid],
    challenge_ids: &[Uuid],
) -> QueryResult<Vec<(Uuid, Uuid, Uuid)>> {
    let live: Vec<IntroductionState> = IntroductionState::ALL
        .iter()
        .copied()
        .filter(|state| state.is_live())
        .collect();
    introductions::table
        .filter(introductions::challenge_id.eq_any(challenge_ids))
        .filter(introductions::startup_id.eq_any(startup_ids))
        .filter(introductions::state.eq_any(live))
        .select((
            introductions::startup_id,
            introductions::challenge_id,
            introductions::id,
        ))
        .load(connection)
}

/// One introduction.
pub fn find(connection: &mut PgConnection, id: Uuid) -> QueryResult<IntroductionRow> {
    introductions::table
        .find(id)
        .select(IntroductionRow::as_select())
        .first(connection)
}

/// A state change to store.
#[derive(Debug, Clone)]
pub struct StateChange {
    pub actor_id: Uuid,
    pub side: Side,
    pub to: IntroductionState,
    pub reason: Option<String>,
}

/// Applies `change` if the introduction is still at `expected_version`;
/// `None` when it moved meanwhile. Records the acceptance, introduction,
/// meeting and end times the new state implies, audits the change and,
/// when the pair has just been introduced, the reveal of contacts.
pub fn change_state_if_version(
    connection: &mut PgConnection,
    id: Uuid,
    expected_version: i32,
    change: &StateChange,
) -> QueryResult<Option<IntroductionRow>> {
    use IntroductionState::*;
    connection.transaction(|connection| {
        let Some(current) = introductions::table
            .find(id)
            .filter(introductions::version.eq(expected_version))
            .select(IntroductionRow::as_select())
            .for_update()
            .first(connection)
            .optional()?
        else {
            return Ok(None);
        };
        let now = Utc::now();
        let accepted = matches!(
            change.to,
            AcceptedByStartup | AcceptedByProcurement | Introduced
        );
        let startup_accepted_at = current
            .startup_accepted_at
            .or((accepted && change.side == Side::Startup).then_some(now));
        let procurement_accepted_at = current
            .procurement_accepted_at
            .or((accepted && change.side == Side::Procurement).then_some(now));
        let introduced_at = current
            .introduced_at
            .or((change.to == Introduced).then_some(now));
        let meeting_held_at = current
            .meeting_held_at
            .or((change.to == MeetingHeld).then_some(now));
        let ended_at = (!change.to.is_live()).then_some(now);
        let declined_by = (change.to == Declined).then_some(change.side);
        let updated = diesel::update(introductions::table.find(id))
            .set((
                introductions::state.eq(change.to),
                introductions::startup_accepted_at.eq(startup_accepted_at),
                introductions::procurement_accepted_at.eq(procurement_accepted_at),
                introductions::introduced_at.eq(introduced_at),
                introductions::meeting_held_at.eq(meeting_held_at),
                introductions::ended_at.eq(ended_at),
                introductions::declined_by.eq(declined_by),
                introductions::reason.eq(change.reason.as_ref().or(current.reason.as_ref())),
            ))
            .returning(IntroductionRow::as_returning())
            .get_result(connection)?;
        audit::record(
            connection,
            &NewAuditEvent::new(
                Some(change.actor_id),
                AuditAction::IntroductionStateChanged,
                AuditSubject::Introduction,
                Some(id),
            )
            .with_detail(serde_json::json!({
                "from": current.state,
                "to": change.to,
                "side": change.side,
            })),
        )?;
        if change.to == Introduced {
            audit::record(
                connection,
                &NewAuditEvent::new(
                    Some(change.actor_id),
                    AuditAction::ContactRevealed,
                    AuditSubject::Introduction,
                    Some(id),
                )
                .with_detail(serde_json::json!({
                    "startup_id": updated.startup_id,
                    "challenge_id": updated.challenge_id,
                    "revealed_to": ["startup", "procurement", "broker"],
                })),
            )?;
        }
        Ok(Some(updated))
    })
}

/// Filters of the introduction list.
#[derive(Debug, Clone, Default)]
pub struct IntroductionFilter {
    pub states: Vec<IntroductionState>,
    pub challenge_id: Option<Uuid>,
    pub startup_id: Option<Uuid>,
}

/// One page of the introductions in `scope` that match `filter`, newest first.
pub fn list(
    connection: &mut PgConnection,
    scope: &IntroductionScope,
    filter: &IntroductionFilter,
    page: Page,
) -> QueryResult<Paged<IntroductionRow>> {
    let build = || {
        let mut query = introductions::table
            .inner_join(startups::table)
            .inner_join(challenges::table)
            .into_boxed();
        query = match scope {
            IntroductionScope::All => query,
            IntroductionScope::StartupOrganisation(organisation) => {
                query.filter(startups::organisation_id.eq(*organisation))
            }
            IntroductionScope::ChallengeOrganisation(organisation) => {
                query.filter(challenges::organisation_id.eq(*organisation))
            }
            IntroductionScope::Provinces(provinces) => {
                query.filter(startups::province.eq_any(provinces.clone()))
            }
        };
        if !filter.states.is_empty() {
            query = query.filter(introductions::state.eq_any(filter.states.clone()));
        }
        if let Some(challenge_id) = filter.challenge_id {
            query = query.filter(introductions::challenge_id.eq(challenge_id));
        }
        if let Some(startup_id) = filter.startup_id {
            query = query.filter(introductions::startup_id.eq(startup_id));
        }
        query
    };
    let total = build().count().get_result(connection)?;
    let rows = build()
        .order((introductions::created_at.desc(), introductions::id.desc()))
        .offset(page.offset())
        .limit(page.size)
        .select(IntroductionRow::as_select())
        .load(connection)?;
    Ok(Paged { rows, total })
}

/// Whether any user of `organisation_id` has been vetted (a start-up
/// company may then be introduced to `vetted` challenges).
pub fn organisation_has_vetted_user(
    connection: &mut PgConnection,
    organisation_id: Uuid,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        users::table
            .filter(users::organisation_id.eq(organisation_id))
            .filter(users::vetted_at.is_not_null())
            .filter(users::disabled_at.is_null()),
    ))
    .get_result(connection)
}

/// How far the addresses of the enabled accounts of `organisation_id` are
/// confirmed (the facts of `may_take_part_in_introductions`).
pub fn company_addresses(
    connection: &mut PgConnection,
    organisation_id: Uuid,
) -> QueryResult<CompanyAddresses> {
    Ok(companies_addresses(connection, &[organisation_id])?
        .remove(&organisation_id)
        .unwrap_or(CompanyAddresses::NoAccounts))
}

/// [`company_addresses`] of several companies in one query, by company; a
/// company without live accounts is `NoAccounts`.
pub fn companies_addresses(
    connection: &mut PgConnection,
    organisation_ids: &[Uuid],
) -> QueryResult<HashMap<Uuid, CompanyAddresses>> {
    let accounts: Vec<(Option<Uuid>, bool)> = users::table
        .filter(users::organisation_id.eq_any(organisation_ids))
        .filter(users::disabled_at.is_null())
        .select((
            users::organisation_id,
            users::email_verified_at.is_not_null(),
        ))
        .load(connection)?;
    let mut addresses: HashMap<Uuid, CompanyAddresses> = organisation_ids
        .iter()
        .map(|id| (*id, CompanyAddresses::NoAccounts))
        .collect();
    for (organisation_id, verified) in accounts {
        let Some(company) = organisation_id.and_then(|id| addresses.get_mut(&id)) else {
            continue;
        };
        *company = match (*company, verified) {
            (_, true) | (CompanyAddresses::SomeVerified, _) => CompanyAddresses::SomeVerified,
            _ => CompanyAddresses::NoneVerified,
        };
    }
    Ok(addresses)
}

/// Whether the start-up company may be introduced to `challenge` (its
/// visibility, and ABDO clearance when the challenge requires it); the
/// rule is `Member::may_be_introduced`, this supplies its facts.
pub fn startup_may_see(
    connection: &mut PgConnection,
    startup: &StartupRow,
    challenge: &ChallengeRow,
) -> QueryResult<Result<(), IntroductionBar>> {
    let addresses = company_addresses(connection, startup.organisation_id)?;
    if let Err(bar) = may_take_part_in_introductions(addresses) {
        return Ok(Err(bar));
    }
    // Only a `vetted` challenge asks whether anyone of the company is vetted.
    let vetted = challenge.visibility == Visibility::Vetted
        && organisation_has_vetted_user(connection, startup.organisation_id)?;
    Ok(
        Member::startup_company(startup.organisation_id, vetted).may_be_introduced(
            challenge.visibility,
            challenge.abdo_required,
            startup.abdo_clearance.is_some(),
        ),
    )
}

/// A stored note.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = introduction_notes)]
pub struct NoteRow {
    pub id: Uuid,
    pub introduction_id: Uuid,
    pub author_id: Option<Uuid>,
    pub side: Side,
    pub body: String,
    pub shared: bool,
    pub created_at: DateTime<Utc>,
}

/// Adds a note.
pub fn insert_note(
    connection: &mut PgConnection,
    introduction_id: Uuid,
    author_id: Uuid,
    side: Side,
    body: &str,
    shared: bool,
) -> QueryResult<NoteRow> {
    diesel::insert_into(introduction_notes::table)
        .values((
            introduction_notes::introduction_id.eq(introduction_id),
            introduction_notes::author_id.eq(author_id),
            introduction_notes::side.eq(side),
            introduction_notes::body.eq(body),
            introduction_notes::shared.eq(shared),
        ))
        .returning(NoteRow::as_returning())
        .get_result(connection)
}

/// The notes `side` may read: its own side's, and the shared ones of the others.
pub fn notes_visible_to(
    connection: &mut PgConnection,
    introduction_id: Uuid,
    side: Option<Side>,
) -> QueryResult<Vec<NoteRow>> {
    let mut query = introduction_notes::table
        .filter(introduction_notes::introduction_id.eq(introduction_id))
        .into_boxed();
    if let Some(side) = side {
        query = query.filter(
            introduction_notes::side
                .eq(side)
                .or(introduction_notes::shared.eq(true)),
        );
    }
    query
        .order((introduction_notes::created_at, introduction_notes::id))
        .select(NoteRow::as_select())
        .load(connection)
}

/// Whether organisations `first` and `second` are the two sides (start-up
/// and challenge owner, either way round) of an introduction that was
/// revealed: both accepted, so each may know the other's people.
pub fn revealed_between(
    connection: &mut PgConnection,
    first: Uuid,
    second: Uuid,
) -> QueryResult<bool> {
    let revealed = introductions::table
        .inner_join(startups::table)
        .inner_join(challenges::table)
        .filter(introductions::introduced_at.is_not_null())
        .filter(
            startups::organisation_id
                .eq(first)
                .and(challenges::organisation_id.eq(second))
                .or(startups::organisation_id
                    .eq(second)
                    .and(challenges::organisation_id.eq(first))),
        );
    diesel::select(diesel::dsl::exists(revealed)).get_result(connection)
}

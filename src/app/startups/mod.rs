//! Start-up profiles: a start-up keeps the one of its company; ROM officers
//! read those of their provinces; procurement officers see anonymous
//! cards; admins everything. A profile the caller may not see is "not
//! found", exactly like a missing one.

mod cards;
pub mod notes;
mod view;

use std::collections::HashMap;

use diesel::{OptionalExtension, PgConnection};
use uuid::Uuid;

pub(crate) use self::cards::CardIssuer;
pub use self::view::StartupView;
use super::page::{checked_page, Paginated};
use super::text_filter::checked_text_filter;
use super::{AppError, AppState, Subject};
use crate::auth::card_handles::CardHandleKeys;
use crate::db::startups::{self, StartupFilter, StartupRow};
use crate::domain::policy::{Member, StartupAccess, Viewer};
use crate::domain::readiness::Trl;
use crate::domain::region::{CountryCode, Province};
use crate::domain::startup::{StartupInput, StartupPatch, StartupRef};
use crate::domain::taxonomy::Technology;

/// What a list of profiles asks for.
#[derive(Debug, Clone, Default)]
pub struct StartupListFilter {
    pub technology: Option<Technology>,
    pub province: Option<Province>,
    pub country: Option<CountryCode>,
    /// Solutions at this TRL or higher.
    pub trl_min: Option<Trl>,
    /// Solutions at this TRL or lower.
    pub trl_max: Option<Trl>,
    pub dual_use: Option<bool>,
    /// The start-up company (owner) organisation.
    pub organisation_id: Option<Uuid>,
    /// Text that must occur as typed in the description or keywords (or,
    /// for callers who see names, the name).
    pub text: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// `member`'s company creates its profile from `input` (one per company).
pub async fn create(
    state: &AppState,
    member: &Member,
    input: StartupInput,
) -> Result<StartupView, AppError> {
    let organisation_id = member.may_create_profile()?;
    let profile = input.validate_now()?;
    let row = state
        .with_connection(move |connection| {
            Ok(startups::insert(
                connection,
                organisation_id,
                None,
                &profile,
            )?)
        })
        .await?;
    Ok(StartupView::full(row))
}

/// One page of the profiles `member` may see that pass `filter`: admins
/// all, ROM officers those of their provinces, procurement officers
/// anonymous cards, a start-up its own.
pub async fn list(
    state: &AppState,
    member: &Member,
    filter: StartupListFilter,
) -> Result<Paginated<StartupView>, AppError> {
    let page = checked_page(filter.page, filter.per_page)?;
    let text = checked_text_filter(filter.text.as_deref())?;
    let (scope, anonymised) = member.startup_listing();
    if filter.organisation_id.is_some() {
        member.may_filter_startups_by_organisation()?;
    }
    let query = StartupFilter {
        technology: filter.technology,
        province: filter.province,
        country: filter.country,
        trl_min: filter.trl_min,
        trl_max: filter.trl_max,
        dual_use: filter.dual_use,
        organisation_id: filter.organisation_id,
        text,
        anonymised,
    };
    let paged = state
        .with_connection(move |connection| Ok(startups::list(connection, &scope, &query, page)?))
        .await?;
    let cards = CardIssuer::for_answer(&state.card_handles, &Viewer::Member(member.clone()));
    let items = paged
        .rows
        .into_iter()
        .map(|row| {
            if anonymised {
                let handle = cards.handle(row.id);
                StartupView::anonymised(row, handle)
            } else {
                StartupView::full(row)
            }
        })
        .collect();
    Ok(Paginated::new(items, page, paged.total))
}

/// The profile `reference` names, as `viewer` may see it: in full, as an
/// anonymous card (under the handle it was asked by), or "not found".
pub async fn get(
    state: &AppState,
    viewer: &Viewer,
    reference: StartupRef,
) -> Result<StartupView, AppError> {
    let startup_id = resolve(&state.card_handles, viewer, &reference)?;
    let reader = viewer.clone();
    let (row, access) = state
        .with_connection(move |connection| find_visible(connection, &reader, startup_id))
        .await?;
    match (access, reference) {
        (StartupAccess::Anonymised, StartupRef::Handle(handle)) => {
            Ok(StartupView::anonymised(row, handle))
        }
        (StartupAccess::Anonymised, StartupRef::Id(_)) | (StartupAccess::Hidden, _) => {
            Err(AppError::not_found(Subject::Startup))
        }
        (StartupAccess::Full, _) => Ok(StartupView::full(row)),
    }
}

/// The start-up id `reference` stands for, as `viewer` may name it. A card
/// handle opens only for the organisation it was issued to; anything else
/// is "not found". Whether an id is visible is checked where the profile is
/// read ([`find_visible`], or the use case's own rule).
pub(crate) fn resolve(
    keys: &CardHandleKeys,
    viewer: &Viewer,
    reference: &StartupRef,
) -> Result<Uuid, AppError> {
    match reference {
        StartupRef::Id(id) => Ok(*id),
        StartupRef::Handle(handle) => {
            cards::open(keys, viewer, handle).ok_or(AppError::not_found(Subject::Startup))
        }
    }
}

/// Like [`resolve`], for readers who see the start-up only as a card: they
/// must name it by a handle of theirs, never by an id they should not know.
pub(crate) fn resolve_for_card_reader(
    keys: &CardHandleKeys,
    viewer: &Viewer,
    reference: &StartupRef,
) -> Result<Uuid, AppError> {
    match reference {
        StartupRef::Id(_) if viewer.sees_startups_as_cards_only() => {
            Err(AppError::not_found(Subject::Startup))
        }
        _ => resolve(keys, viewer, reference),
    }
}

/// The profile of `member`'s own company, in full; `None` while it has none yet.
pub async fn get_own(state: &AppState, member: &Member) -> Result<Option<StartupView>, AppError> {
    let Some(organisation_id) = member.organisation_id else {
        return Ok(None);
    };
    let viewer = Viewer::Member(member.clone());
    let found = state
        .with_connection(move |connection| {
            let Some(startup_id) = startups::find_id_by_organisation(connection, organisation_id)?
            else {
                return Ok(None);
            };
            find_visible(connection, &viewer, startup_id).map(Some)
        })
        .await?;
    let cards = CardIssuer::for_answer(&state.card_handles, &Viewer::Member(member.clone()));
    Ok(found.and_then(|(row, access)| StartupView::for_access(row, access, &cards)))
}

/// Applies `patch` to profile `startup_id` as `member` (the start-up itself
/// or an admin), from version `expected_version`; a profile that does not
/// change keeps its version.
pub async fn update(
    state: &AppState,
    member: &Member,
    startup_id: Uuid,
    expected_version: i32,
    patch: StartupPatch,
) -> Result<StartupView, AppError> {
    let viewer = Viewer::Member(member.clone());
    let (current, _) = state
        .with_connection(move |connection| find_visible(connection, &viewer, startup_id))
        .await?;
    member.may_edit_profile(current.organisation_id)?;
    if current.version != expected_version {
        return Err(AppError::Stale {
            current_version: current.version,
        });
    }
    let current_profile = current.profile();
    let profile = patch.apply(&current_profile).validate_now()?;
    if profile == current_profile {
        // Nothing changes, so nothing is written and the version stays.
        return Ok(StartupView::full(current));
    }
    let updated = state
        .with_connection(move |connection| {
            match startups::update_if_version(connection, startup_id, expected_version, &profile)? {
                Some(row) => Ok(row),
                None => Err(AppError::Stale {
                    current_version: startups::find(connection, startup_id)?.version,
                }),
            }
        })
        .await?;
    Ok(StartupView::full(updated))
}

/// A profile and how much of it `viewer` sees, or "not found" when it does
/// not exist or is hidden from them.
pub(crate) fn find_visible(
    connection: &mut PgConnection,
    viewer: &Viewer,
    startup_id: Uuid,
) -> Result<(StartupRow, StartupAccess), AppError> {
    let row = startups::find(connection, startup_id)
        .optional()?
        .ok_or(AppError::not_found(Subject::Startup))?;
    match viewer.startup_access(row.organisation_id, row.province) {
        StartupAccess::Hidden => Err(AppError::not_found(Subject::Startup)),
        access => Ok((row, access)),
    }
}

/// Views of the start-ups `ids` as `viewer` sees them among ranked results
/// (search hits, candidates), by id, anonymous cards with handles from
/// `cards`; those hidden from them are left out.
pub(crate) fn views_by_id(
    connection: &mut PgConnection,
    viewer: &Viewer,
    cards: &CardIssuer,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, StartupView>, AppError> {
    let rows = startups::find_many(connection, ids)?;
    Ok(views_of(viewer, cards, rows))
}

/// [`views_by_id`] of `rows` read already.
pub(crate) fn views_of(
    viewer: &Viewer,
    cards: &CardIssuer,
    rows: Vec<StartupRow>,
) -> HashMap<Uuid, StartupView> {
    rows.into_iter()
        .filter_map(|row| {
            let access = viewer.startup_access_in_results(row.organisation_id, row.province);
            let id = row.id;
            StartupView::for_access(row, access, cards).map(|view| (id, view))
        })
        .collect()
}

//! Challenges: procurement officers post and manage those of their
//! organisation; everyone reads what the visibility rules allow. A
//! challenge the caller may not see is "not found", exactly like a missing
//! one.

mod view;

use chrono::{DateTime, Utc};
use diesel::{OptionalExtension, PgConnection};
use serde::Deserialize;
use uuid::Uuid;

pub use self::view::ChallengeView;
use super::page::{checked_page, Paginated};
use super::text_filter::{check_indexable, checked_text_filter};
use super::{AppError, AppState, InvalidTransition, NotEditable, Subject};
use crate::db::audit::{self, NewAuditEvent};
use crate::db::challenges::{
    self, ChallengeFilter, ChallengeOrder, ChallengeOrigin, ChallengeRow, StatusMove,
};
use crate::db::organisations;
use crate::domain::audit::{is_audited_challenge_read, AuditAction, AuditSubject};
use crate::domain::challenge::{ChallengeInput, ChallengePatch, ChallengeStatus};
use crate::domain::policy::{Member, Viewer};
use crate::domain::readiness::Trl;
use crate::domain::region::Province;
use crate::domain::security::Visibility;
use crate::domain::taxonomy::Technology;
use crate::domain::{Rule, ValidationError};

/// Sort orders of the challenge list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChallengeSort {
    /// Most recently posted first.
    #[default]
    Newest,
    /// Nearest deadline first; rolling calls last.
    Deadline,
}

/// What a list of challenges asks for.
#[derive(Debug, Clone, Default)]
pub struct ChallengeListFilter {
    pub technology: Option<Technology>,
    /// Challenges that prefer this province or are national.
    pub province: Option<Province>,
    /// Any of these statuses; empty means any.
    pub statuses: Vec<ChallengeStatus>,
    /// Challenges whose wanted TRL range holds this level.
    pub trl: Option<Trl>,
    pub closes_before: Option<DateTime<Utc>>,
    pub closes_after: Option<DateTime<Utc>>,
    pub organisation_id: Option<Uuid>,
    pub visibility: Option<Visibility>,
    /// Text that must occur as typed in the title, summary, description or keywords.
    pub text: Option<String>,
    pub sort: ChallengeSort,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// `member`'s organisation posts `input` as a draft challenge.
pub async fn create(
    state: &AppState,
    member: &Member,
    input: ChallengeInput,
) -> Result<ChallengeView, AppError> {
    let organisation_id = member.may_post_challenges()?;
    let content = input.validate()?;
    content.check_deadline_ahead(Utc::now())?;
    let created_by = member.user_id;
    let (row, organisation_name) = state
        .with_connection(move |connection| {
            let origin = ChallengeOrigin {
                organisation_id,
                created_by: Some(created_by),
                external_id: None,
                status: ChallengeStatus::Draft,
            };
            let row = challenges::insert(connection, &origin, &content)?;
            let organisation = organisations::find(connection, organisation_id)?;
            Ok((row, organisation.name))
        })
        .await?;
    Ok(view_for(
        &Viewer::Member(member.clone()),
        row,
        organisation_name,
    ))
}

/// One page of the challenges `viewer` may see that pass `filter`.
pub async fn list(
    state: &AppState,
    viewer: &Viewer,
    filter: ChallengeListFilter,
) -> Result<Paginated<ChallengeView>, AppError> {
    let page = checked_page(filter.page, filter.per_page)?;
    let text = checked_text_filter(filter.text.as_deref())?;
    if let Some(text) = &text {
        check_indexable(text)?;
    }
    if let (Some(before), Some(after)) = (filter.closes_before, filter.closes_after) {
        if before <= after {
            return Err(ValidationError::new(
                "closes_before",
                Rule::EndBeforeStart {
                    start_field: "closes_after",
                },
            )
            .into());
        }
    }
    let query = ChallengeFilter {
        technology: filter.technology,
        province: filter.province,
        statuses: filter.statuses,
        trl: filter.trl,
        closes_before: filter.closes_before,
        closes_after: filter.closes_after,
        organisation_id: filter.organisation_id,
        visibility: filter.visibility,
        text,
        order: match filter.sort {
            ChallengeSort::Newest => ChallengeOrder::Newest,
            ChallengeSort::Deadline => ChallengeOrder::Deadline,
        },
    };
    let scope = viewer.challenge_scope();
    // Anonymous lists queue for a few connections of their own, so that
    // a crowd of them cannot starve signed-in users.
    let _slot = match viewer {
        Viewer::Anonymous => Some(state.anonymous_list_slot().await?),
        Viewer::Member(_) => None,
    };
    let (paged, names) = state
        .with_connection(move |connection| {
            let paged = challenges::list(connection, &scope, &query, page)?;
            let organisation_ids: Vec<Uuid> =
                paged.rows.iter().map(|row| row.organisation_id).collect();
            let names = organisations::names_by_id(connection, &organisation_ids)?;
            Ok((paged, names))
        })
        .await?;
    let items = paged
        .rows
        .into_iter()
        .map(|row| {
            let name = names.get(&row.organisation_id).cloned().unwrap_or_default();
            view_for(viewer, row, name)
        })
        .collect();
    Ok(Paginated::new(items, page, paged.total))
}

/// Challenge `challenge_id` as `viewer` may see it. Reading a `vetted`
/// challenge from outside its organisation is recorded in the audit trail
/// before it is shown: a confidential read that cannot be audited is not served.
pub async fn get(
    state: &AppState,
    viewer: &Viewer,
    challenge_id: Uuid,
) -> Result<ChallengeView, AppError> {
    let reader = viewer.clone();
    let (row, organisation_name) = state
        .with_connection(move |connection| {
            let (row, organisation_name) = find_visible(connection, &reader, challenge_id)?;
            if is_audited_challenge_read(&reader, row.exposure()) {
                audit::record(connection, &vetted_read_event(&reader, row.id))?;
            }
            Ok((row, organisation_name))
        })
        .await?;
    Ok(view_for(viewer, row, organisation_name))
}

/// Applies `patch` to challenge `challenge_id` as `member`, from version
/// `expected_version`; content that does not change keeps its version.
pub async fn update(
    state: &AppState,
    member: &Member,
    challenge_id: Uuid,
    expected_version: i32,
    patch: ChallengePatch,
) -> Result<ChallengeView, AppError> {
    let (current, organisation_name) =
        load_manageable(state, member, challenge_id, expected_version).await?;
    if !current.status.content_is_editable() {
        return Err(NotEditable::ChallengeContent(current.status).into());
    }
    let viewer = Viewer::Member(member.clone());
    let current_content = current.content();
    let content = patch.apply(&current_content).validate()?;
    if content == current_content {
        return Ok(view_for(&viewer, current, organisation_name));
    }
    if content.schedule.closes_at != current.closes_at {
        content.check_deadline_ahead(Utc::now())?;
    }
    if current.status == ChallengeStatus::Published && content.schedule.opens_at.is_none() {
        return Err(AppError::invalid("opens_at", Rule::PublishedKeepsOpening));
    }
    let updated = state
        .with_connection(move |connection| {
            challenges::update_content_if_version(
                connection,
                challenge_id,
                expected_version,
                &content,
            )?
            .ok_or_else(|| stale(connection, challenge_id))
        })
        .await?;
    Ok(view_for(&viewer, updated, organisation_name))
}

/// Moves challenge `challenge_id` to status `next` as `member`, from
/// version `expected_version`; a move the lifecycle forbids is refused.
pub async fn change_status(
    state: &AppState,
    member: &Member,
    challenge_id: Uuid,
    expected_version: i32,
    next: ChallengeStatus,
) -> Result<ChallengeView, AppError> {
    let (current, organisation_name) =
        load_manageable(state, member, challenge_id, expected_version).await?;
    if !current.status.can_move_to(next) {
        return Err(InvalidTransition::Challenge {
            from: current.status,
            to: next,
            allowed: current.status.allowed_next().to_vec(),
        }
        .into());
    }
    current.content().check_schedule_allows(next, Utc::now())?;
    let status_move = StatusMove {
        from: current.status,
        to: next,
        moved_by: member.user_id,
    };
    let updated = state
        .with_connection(move |connection| {
            challenges::set_status_if_version(
                connection,
                challenge_id,
                expected_version,
                status_move,
            )?
            .ok_or_else(|| stale(connection, challenge_id))
        })
        .await?;
    tracing::info!(%challenge_id, from = %current.status, to = %next, "challenge status changed");
    Ok(view_for(
        &Viewer::Member(member.clone()),
        updated,
        organisation_name,
    ))
}

/// Deletes the draft `challenge_id` as `member`, from version
/// `expected_version`. Anything past draft stays on record; withdraw it instead.
pub async fn delete(
    state: &AppState,
    member: &Member,
    challenge_id: Uuid,
    expected_version: i32,
) -> Result<(), AppError> {
    let (current, _) = load_manageable(state, member, challenge_id, expected_version).await?;
    if current.status != ChallengeStatus::Draft {
        return Err(NotEditable::OnlyDraftsDeleted.into());
    }
    let deleted = state
        .with_connection(move |connection| {
            Ok(challenges::delete_draft_if_version(
                connection,
                challenge_id,
                expected_version,
            )?)
        })
        .await?;
    if !deleted {
        return Err(AppError::Stale {
            current_version: current.version,
        });
    }
    Ok(())
}

/// The view of `row` for `viewer`, with the moves they may make when they
/// manage it.
fn view_for(viewer: &Viewer, row: ChallengeRow, organisation_name: String) -> ChallengeView {
    let may_manage = viewer.can_manage_challenge(row.organisation_id);
    ChallengeView::new(row, organisation_name, may_manage)
}

/// The 412 of a conditional write that found another version.
fn stale(connection: &mut PgConnection, challenge_id: Uuid) -> AppError {
    match challenges::find(connection, challenge_id) {
        Ok(row) => AppError::Stale {
            current_version: row.version,
        },
        Err(error) => error.into(),
    }
}

/// A challenge with its organisation's name, or "not found" when it does
/// not exist or `viewer` may not see it.
pub(crate) fn find_visible(
    connection: &mut PgConnection,
    viewer: &Viewer,
    challenge_id: Uuid,
) -> Result<(ChallengeRow, String), AppError> {
    let row = challenges::find(connection, challenge_id)
        .optional()?
        .filter(|row| viewer.can_see_challenge(row.exposure()))
        .ok_or(AppError::not_found(Subject::Challenge))?;
    let organisation = organisations::find(connection, row.organisation_id)?;
    Ok((row, organisation.name))
}

/// Views of the challenges `ids` that `viewer` may see, by id.
pub(crate) fn views_by_id(
    connection: &mut PgConnection,
    viewer: &Viewer,
    ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, ChallengeView>, AppError> {
    let rows = challenges::find_many_with_organisation_names(connection, ids)?;
    Ok(rows
        .into_iter()
        .filter(|(row, _)| viewer.can_see_challenge(row.exposure()))
        .map(|(row, name)| (row.id, view_for(viewer, row, name)))
        .collect())
}

/// A challenge `member` may manage at `expected_version`: "not found" if
/// they may not see it, refused if they only see it, stale if it moved on.
async fn load_manageable(
    state: &AppState,
    member: &Member,
    challenge_id: Uuid,
    expected_version: i32,
) -> Result<(ChallengeRow, String), AppError> {
    let viewer = Viewer::Member(member.clone());
    let (row, organisation_name) = state
        .with_connection(move |connection| find_visible(connection, &viewer, challenge_id))
        .await?;
    member.may_manage_challenge(row.organisation_id)?;
    if row.version != expected_version {
        return Err(AppError::Stale {
            current_version: row.version,
        });
    }
    Ok((row, organisation_name))
}

/// The audit event of `reader` reading the vetted challenge `challenge_id`,
/// with the reader's role and organisation as they were at the time.
fn vetted_read_event(reader: &Viewer, challenge_id: Uuid) -> NewAuditEvent {
    let member = reader.member();
    NewAuditEvent::new(
        member.map(|member| member.user_id),
        AuditAction::VettedChallengeViewed,
        AuditSubject::Challenge,
        Some(challenge_id),
    )
    .with_detail(serde_json::json!({
        "reader_role": member.map(|member| member.role),
        "reader_organisation_id": member.and_then(|member| member.organisation_id),
    }))
}

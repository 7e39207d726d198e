//! Challenges: procurement officers post and manage those of their
//! organisation; everyone reads what their visibility allows. A challenge
//! the caller may not see answers 404, exactly like a missing one.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use diesel::{OptionalExtension, PgConnection};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::db::audit::{self, NewAuditEvent};
use crate::db::challenges::{self, ChallengeFilter, ChallengeOrder, ChallengeOrigin, ChallengeRow};
use crate::db::organisations;
use crate::domain::access::{Member, Viewer};
use crate::domain::account::Role;
use crate::domain::audit::{is_audited_challenge_read, AuditAction, AuditSubject};
use crate::domain::challenge::{ChallengeInput, ChallengePatch, ChallengeStatus};
use crate::domain::readiness::Trl;
use crate::domain::region::Province;
use crate::domain::security::Visibility;
use crate::domain::taxonomy::Technology;
use crate::api::auth::{AuthUser, MaybeUser};
use crate::api::dto::challenge::{ChallengeView, StatusChangeRequest};
use crate::api::dto::{PageQuery, Paginated};
use crate::api::error::{ApiError, ErrorBody, ErrorCode};
use crate::api::extract::{etag, substring_filter, IfMatch, JsonBody, QueryParams};
use crate::api::state::AppState;

/// The view of `row` for `member`, with the transitions when they manage it.
fn manager_view(member: &Member, row: ChallengeRow, organisation_name: String) -> ChallengeView {
    let may_manage = Viewer::Member(member.clone()).can_edit_challenge(row.organisation_id);
    ChallengeView::new(row, organisation_name, may_manage)
}

/// The response of one challenge, with its version as the ETag.
fn view_response(status: actix_web::http::StatusCode, view: ChallengeView) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header(("ETag", etag(view.version)))
        .json(view)
}

/// A procurement officer posts a challenge for their organisation. It starts
/// as a draft; publish or open it with the status endpoint.
#[utoipa::path(
    tag = "challenges",
    security(("bearer" = [])),
    request_body = ChallengeInput,
    responses(
        (status = 201, description = "Created as a draft", body = ChallengeView,
            headers(("ETag" = String, description = "Version, for If-Match"))),
        (status = 403, description = "Only procurement officers post challenges", body = ErrorBody),
    )
)]
#[post("/challenges")]
pub async fn create_challenge(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: JsonBody<ChallengeInput>,
) -> Result<HttpResponse, ApiError> {
    let view = post_challenge(&state, &caller.member, body.0).await?;
    Ok(view_response(actix_web::http::StatusCode::CREATED, view))
}

/// Posts `input` as a draft challenge of `member`'s organisation (the API
/// and the web pages both come here); only procurement officers may.
pub async fn post_challenge(
    state: &AppState,
    member: &Member,
    input: ChallengeInput,
) -> Result<ChallengeView, ApiError> {
    let (Role::Procurement, Some(organisation_id)) = (member.role, member.organisation_id) else {
        return Err(ApiError::forbidden(
            "only procurement officers post challenges, for their own organisation",
        ));
    };
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
    Ok(manager_view(member, row, organisation_name))
}

/// Sort orders of the challenge list.
#[derive(Debug, Clone, Copy, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChallengeSort {
    /// Most recently posted first.
    #[default]
    Newest,
    /// Nearest deadline first; rolling calls last.
    Deadline,
}

/// Filters for the challenge list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChallengeListQuery {
    pub technology: Option<Technology>,
    /// Challenges that prefer this province or are national.
    pub province: Option<Province>,
    /// One status or several, comma-separated (`open,published`).
    #[param(
        example = "open,published",
        pattern = r"^(draft|published|open|closed|awarded|withdrawn)(,(draft|published|open|closed|awarded|withdrawn))*$"
    )]
    pub status: Option<String>,
    /// Challenges whose wanted TRL range holds this level.
    pub trl: Option<Trl>,
    /// Deadline before this instant (RFC 3339).
    pub closes_before: Option<DateTime<Utc>>,
    /// Deadline after this instant (RFC 3339).
    pub closes_after: Option<DateTime<Utc>>,
    /// The owning organisation.
    pub organisation_id: Option<Uuid>,
    pub visibility: Option<Visibility>,
    /// Plain text that must occur in the title, summary, description or keywords.
    #[param(max_length = 200)]
    pub q: Option<String>,
    pub sort: Option<ChallengeSort>,
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

/// Parses a comma-separated list of statuses (`open,published`); absent
/// means any status.
pub fn parse_statuses(raw: Option<&str>) -> Result<Vec<ChallengeStatus>, ApiError> {
    let Some(raw) = raw else {
        return Ok(Vec::new());
    };
    raw.split(',')
        .map(|part| {
            part.trim()
                .parse::<ChallengeStatus>()
                .map_err(|error| ApiError::invalid("status", error.to_string()))
        })
        .collect()
}

/// Lists the challenges the caller may see, filtered and paginated.
#[utoipa::path(
    tag = "challenges",
    security((), ("bearer" = [])),
    params(ChallengeListQuery),
    responses((status = 200, description = "A page of challenges", body = Paginated<ChallengeView>))
)]
#[get("/challenges")]
pub async fn list_challenges(
    state: web::Data<AppState>,
    caller: MaybeUser,
    query: QueryParams<ChallengeListQuery>,
) -> Result<HttpResponse, ApiError> {
    let listed = challenge_list(&state, caller.0, query.0).await?;
    Ok(HttpResponse::Ok().json(listed))
}

/// The challenges `viewer` may see that pass `query`, one page of them
/// (the API and the web pages both come here).
pub async fn challenge_list(
    state: &AppState,
    viewer: Viewer,
    query: ChallengeListQuery,
) -> Result<Paginated<ChallengeView>, ApiError> {
    let page = PageQuery::checked(query.page, query.per_page)?;
    let text = substring_filter(query.q.as_deref())?;
    if let (Some(before), Some(after)) = (query.closes_before, query.closes_after) {
        if before <= after {
            return Err(ApiError::invalid(
                "closes_before",
                "closes_before must be later than closes_after",
            ));
        }
    }
    let filter = ChallengeFilter {
        technology: query.technology,
        province: query.province,
        statuses: parse_statuses(query.status.as_deref())?,
        trl: query.trl,
        closes_before: query.closes_before,
        closes_after: query.closes_after,
        organisation_id: query.organisation_id,
        visibility: query.visibility,
        text,
        order: match query.sort.unwrap_or_default() {
            ChallengeSort::Newest => ChallengeOrder::Newest,
            ChallengeSort::Deadline => ChallengeOrder::Deadline,
        },
    };
    let viewer_for_query = viewer.clone();
    let (paged, names) = state
        .with_connection(move |connection| {
            let paged = challenges::list(connection, &viewer_for_query, &filter, page)?;
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
            let may_manage = viewer.can_edit_challenge(row.organisation_id);
            ChallengeView::new(row, name, may_manage)
        })
        .collect();
    Ok(Paginated::new(items, page, paged.total))
}

/// Loads a challenge with its organisation's name, or 404 when it does not
/// exist or `viewer` may not see it.
async fn load_visible(
    state: &AppState,
    viewer: &Viewer,
    challenge_id: Uuid,
) -> Result<(ChallengeRow, String), ApiError> {
    let viewer = viewer.clone();
    state
        .with_connection(move |connection| find_visible(connection, &viewer, challenge_id))
        .await
}

/// [`load_visible`] on a connection the caller already holds.
fn find_visible(
    connection: &mut PgConnection,
    viewer: &Viewer,
    challenge_id: Uuid,
) -> Result<(ChallengeRow, String), ApiError> {
    let row = challenges::find(connection, challenge_id)
        .optional()?
        .ok_or_else(|| ApiError::not_found("challenge"))?;
    if !viewer.can_see_challenge(row.exposure()) {
        return Err(ApiError::not_found("challenge"));
    }
    let organisation = organisations::find(connection, row.organisation_id)?;
    Ok((row, organisation.name))
}

/// A challenge the caller may manage, and the version `If-Match` allows to change.
struct Manageable {
    row: ChallengeRow,
    organisation_name: String,
    expected_version: i32,
}

/// Loads a challenge the caller may manage: 404 if invisible, 403 if only
/// visible, 412 if `If-Match` is stale.
async fn load_manageable(
    state: &AppState,
    member: &Member,
    challenge_id: Uuid,
    if_match: IfMatch,
) -> Result<Manageable, ApiError> {
    let viewer = Viewer::Member(member.clone());
    let (row, organisation_name) = load_visible(state, &viewer, challenge_id).await?;
    if !viewer.can_edit_challenge(row.organisation_id) {
        return Err(ApiError::forbidden(
            "only procurement officers of the owning organisation may change this challenge",
        ));
    }
    let expected_version = if_match.check(row.version)?;
    Ok(Manageable {
        row,
        organisation_name,
        expected_version,
    })
}

/// One challenge. Reading a `vetted` challenge from outside its
/// organisation is recorded in the audit trail.
#[utoipa::path(
    tag = "challenges",
    security((), ("bearer" = [])),
    params(("id" = Uuid, Path, description = "Challenge id")),
    responses(
        (status = 200, description = "The challenge", body = ChallengeView,
            headers(("ETag" = String, description = "Version, for If-Match"))),
        (status = 404, description = "No such challenge visible to the caller", body = ErrorBody),
    )
)]
#[get("/challenges/{id}")]
pub async fn get_challenge(
    state: web::Data<AppState>,
    caller: MaybeUser,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let view = read_challenge(&state, caller.0, path.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("ETag", etag(view.version)))
        .json(view))
}

/// Challenge `challenge_id` as `reader` may see it, its read audited when
/// it is vetted (the API and the web pages both come here).
pub async fn read_challenge(
    state: &AppState,
    reader: Viewer,
    challenge_id: Uuid,
) -> Result<ChallengeView, ApiError> {
    let may_manage_reader = reader.clone();
    let (row, organisation_name) = state
        .with_connection(move |connection| {
            let (row, organisation_name) = find_visible(connection, &reader, challenge_id)?;
            if is_audited_challenge_read(&reader, row.exposure()) {
                // Recorded before the challenge is sent: a confidential read
                // that cannot be audited is not served.
                audit::record(connection, &vetted_read_event(&reader, row.id))?;
            }
            Ok((row, organisation_name))
        })
        .await?;
    let may_manage = may_manage_reader.can_edit_challenge(row.organisation_id);
    Ok(ChallengeView::new(row, organisation_name, may_manage))
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

/// Changes a challenge's content. Absent fields stay; `null` clears a field
/// that may be empty. Closed, awarded and withdrawn challenges cannot be edited.
#[utoipa::path(
    tag = "challenges",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Challenge id"),
        ("If-Match" = String, Header, description = "The challenge's ETag, quoted (\"3\"), or *", pattern = r#"^(\*|(W/)?"[0-9]+")$"#),
    ),
    request_body = ChallengePatch,
    responses(
        (status = 200, description = "Updated", body = ChallengeView,
            headers(("ETag" = String, description = "New version"))),
        (status = 403, description = "The caller may see but not change it", body = ErrorBody),
        (status = 404, description = "No such challenge visible to the caller", body = ErrorBody),
        (status = 409, description = "The challenge is closed and can no longer be edited", body = ErrorBody),
        (status = 412, description = "Stale If-Match", body = ErrorBody),
        (status = 428, description = "If-Match missing", body = ErrorBody),
    )
)]
#[patch("/challenges/{id}")]
pub async fn update_challenge(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<ChallengePatch>,
) -> Result<HttpResponse, ApiError> {
    let view = edit_challenge(&state, &caller.member, path.into_inner(), if_match, body.0).await?;
    Ok(view_response(actix_web::http::StatusCode::OK, view))
}

/// Applies `patch` to challenge `challenge_id` as `member` (the API and the
/// web pages both come here); unchanged content keeps its version.
pub async fn edit_challenge(
    state: &AppState,
    member: &Member,
    challenge_id: Uuid,
    if_match: IfMatch,
    patch: ChallengePatch,
) -> Result<ChallengeView, ApiError> {
    let Manageable {
        row: current,
        organisation_name,
        expected_version,
    } = load_manageable(state, member, challenge_id, if_match).await?;
    if !current.status.content_is_editable() {
        return Err(ApiError::new(
            ErrorCode::NotEditable,
            format!(
                "a challenge that is {} can no longer be edited; it can only be awarded or withdrawn",
                current.status
            ),
        ));
    }
    let current_content = current.content();
    let content = patch.apply(&current_content).validate()?;
    if content == current_content {
        // Nothing changes, so nothing is written and the version stays.
        return Ok(manager_view(member, current, organisation_name));
    }
    if content.schedule.closes_at != current.closes_at {
        content.check_deadline_ahead(Utc::now())?;
    }
    if current.status == ChallengeStatus::Published && content.schedule.opens_at.is_none() {
        return Err(ApiError::invalid(
            "opens_at",
            "a published challenge (pre-release) keeps its opening date",
        ));
    }
    let updated = state
        .with_connection(move |connection| {
            match challenges::update_content_if_version(
                connection,
                challenge_id,
                expected_version,
                &content,
            )? {
                Some(row) => Ok(row),
                None => Err(ApiError::stale(
                    challenges::find(connection, challenge_id)?.version,
                )),
            }
        })
        .await?;
    Ok(manager_view(member, updated, organisation_name))
}

/// Moves a challenge along its lifecycle: draft → published (pre-release)
/// or open; published → open or withdrawn; open → closed or withdrawn;
/// closed → awarded or withdrawn. Anything else is 409.
#[utoipa::path(
    tag = "challenges",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Challenge id"),
        ("If-Match" = String, Header, description = "The challenge's ETag, quoted (\"3\"), or *", pattern = r#"^(\*|(W/)?"[0-9]+")$"#),
    ),
    request_body = StatusChangeRequest,
    responses(
        (status = 200, description = "Moved", body = ChallengeView,
            headers(("ETag" = String, description = "New version"))),
        (status = 403, description = "The caller may see but not change it", body = ErrorBody),
        (status = 404, description = "No such challenge visible to the caller", body = ErrorBody),
        (status = 409, description = "That move is not allowed from the current status", body = ErrorBody),
        (status = 412, description = "Stale If-Match", body = ErrorBody),
        (status = 428, description = "If-Match missing", body = ErrorBody),
    )
)]
#[post("/challenges/{id}/status")]
pub async fn change_challenge_status(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<StatusChangeRequest>,
) -> Result<HttpResponse, ApiError> {
    let challenge_id = path.into_inner();
    let view = move_challenge(
        &state,
        &caller.member,
        challenge_id,
        if_match,
        body.0.status,
    )
    .await?;
    Ok(view_response(actix_web::http::StatusCode::OK, view))
}

/// Moves challenge `challenge_id` to status `next` as `member` (the API and
/// the web pages both come here); a move the lifecycle forbids is 409.
pub async fn move_challenge(
    state: &AppState,
    member: &Member,
    challenge_id: Uuid,
    if_match: IfMatch,
    next: ChallengeStatus,
) -> Result<ChallengeView, ApiError> {
    let Manageable {
        row: current,
        organisation_name,
        expected_version,
    } = load_manageable(state, member, challenge_id, if_match).await?;
    if !current.status.can_move_to(next) {
        let allowed: Vec<&str> = current
            .status
            .allowed_next()
            .iter()
            .map(|status| status.as_str())
            .collect();
        return Err(ApiError::new(
            ErrorCode::InvalidTransition,
            format!(
                "a challenge that is {} cannot become {next}; allowed: {}",
                current.status,
                if allowed.is_empty() {
                    "none".to_owned()
                } else {
                    allowed.join(", ")
                }
            ),
        )
        .with_field("status"));
    }
    current.content().check_schedule_allows(next, Utc::now())?;
    let updated = state
        .with_connection(move |connection| {
            match challenges::set_status_if_version(
                connection,
                challenge_id,
                expected_version,
                next,
            )? {
                Some(row) => Ok(row),
                None => Err(ApiError::stale(
                    challenges::find(connection, challenge_id)?.version,
                )),
            }
        })
        .await?;
    tracing::info!(%challenge_id, from = %current.status, to = %next, "challenge status changed");
    Ok(manager_view(member, updated, organisation_name))
}

/// Deletes a draft. Anything past draft stays on record; withdraw it instead.
#[utoipa::path(
    tag = "challenges",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Challenge id"),
        ("If-Match" = String, Header, description = "The challenge's ETag, quoted (\"3\"), or *", pattern = r#"^(\*|(W/)?"[0-9]+")$"#),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "The caller may see but not change it", body = ErrorBody),
        (status = 404, description = "No such challenge visible to the caller", body = ErrorBody),
        (status = 409, description = "Only drafts can be deleted", body = ErrorBody),
        (status = 412, description = "Stale If-Match", body = ErrorBody),
        (status = 428, description = "If-Match missing", body = ErrorBody),
    )
)]
#[delete("/challenges/{id}")]
pub async fn delete_challenge(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<Uuid>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let challenge_id = path.into_inner();
    let Manageable {
        row: current,
        expected_version,
        ..
    } = load_manageable(&state, &caller.member, challenge_id, if_match).await?;
    if current.status != ChallengeStatus::Draft {
        return Err(ApiError::new(
            ErrorCode::NotEditable,
            "only drafts can be deleted; withdraw the challenge instead",
        ));
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
        return Err(ApiError::stale(current.version));
    }
    Ok(HttpResponse::NoContent().finish())
}

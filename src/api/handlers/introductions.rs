//! Introductions: a ROM officer proposes one, a start-up expresses
//! interest, or procurement invites a start-up; both sides accept before
//! anyone is named. Only the parties (the start-up company, the challenge's
//! organisation, the ROM officers of the start-up's province) and admins
//! see an introduction; to anyone else it answers 404, like a missing one.

use actix_web::{get, post, web, HttpResponse};
use diesel::{OptionalExtension, PgConnection};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::api::auth::AuthUser;
use crate::api::dto::introduction::{
    ContactView, IntroducedChallenge, IntroductionView, NewIntroductionRequest, NewNoteRequest,
    NoteView, TransitionRequest,
};
use crate::api::dto::startup::StartupView;
use crate::api::dto::PageQuery;
use crate::api::error::{ApiError, ErrorBody, ErrorCode};
use crate::api::extract::{etag, IfMatch, JsonBody, QueryParams};
use crate::api::legacy::LegacyBlocking;
use crate::app::AppState;
use crate::app::Paginated;
use crate::db::challenges::{self, ChallengeRow};
use crate::db::introductions::{
    self, IntroductionFilter, IntroductionRow, NewIntroduction, StateChange,
};
use crate::db::startups::{self, StartupRow};
use crate::db::{organisations, users};
use crate::domain::account::Role;
use crate::domain::challenge::ChallengeStatus;
use crate::domain::introduction::{
    IntroductionOrigin, IntroductionState, Side, Transition, MAX_MESSAGE_CHARS,
};
use crate::domain::policy::{IntroductionScope, Member, Viewer};
use crate::domain::text::bounded_text;

/// The side `member` acts for in an introduction of `startup` to
/// `challenge`; `None` when they are not a party (the introduction is then
/// invisible to them).
fn side_of(member: &Member, startup: &StartupRow, challenge: &ChallengeRow) -> Option<Side> {
    match member.role {
        Role::Admin => Some(Side::Broker),
        Role::Startup => member
            .belongs_to(startup.organisation_id)
            .then_some(Side::Startup),
        Role::Procurement => member
            .belongs_to(challenge.organisation_id)
            .then_some(Side::Procurement),
        Role::RomOfficer => startup
            .province
            .is_some_and(|province| member.rom_provinces().contains(&province))
            .then_some(Side::Broker),
    }
}

/// Everything a view of one introduction is built from.
struct Loaded {
    row: IntroductionRow,
    startup: StartupRow,
    challenge: ChallengeRow,
    organisation_name: String,
    side: Side,
}

/// Loads an introduction the caller is a party to, or 404.
fn load_involved(
    connection: &mut PgConnection,
    member: &Member,
    row: IntroductionRow,
) -> Result<Loaded, ApiError> {
    let startup = startups::find(connection, row.startup_id)?;
    let challenge = challenges::find(connection, row.challenge_id)?;
    let side =
        side_of(member, &startup, &challenge).ok_or_else(|| ApiError::not_found("introduction"))?;
    let organisation_name = organisations::find(connection, challenge.organisation_id)?.name;
    Ok(Loaded {
        row,
        startup,
        challenge,
        organisation_name,
        side,
    })
}

fn load_by_id(
    connection: &mut PgConnection,
    member: &Member,
    id: Uuid,
) -> Result<Loaded, ApiError> {
    let row = introductions::find(connection, id)
        .optional()?
        .ok_or_else(|| ApiError::not_found("introduction"))?;
    load_involved(connection, member, row)
}

/// The view of `loaded` for `member`: the start-up anonymised for
/// procurement and the officer's contact hidden from the start-up and the
/// broker until both sides accepted. Admins see everything.
fn view_of(
    connection: &mut PgConnection,
    member: &Member,
    loaded: Loaded,
) -> Result<IntroductionView, ApiError> {
    let Loaded {
        row,
        startup,
        challenge,
        organisation_name,
        side,
    } = loaded;
    let revealed = row.introduced_at.is_some();
    let startup_view = if side == Side::Procurement && !revealed {
        StartupView::anonymised(startup)
    } else {
        StartupView::full(startup)
    };
    let contact_visible = revealed || side == Side::Procurement || member.is_admin();
    let procurement_contact = match (contact_visible, challenge.created_by) {
        (true, Some(creator)) => {
            users::find(connection, creator)
                .optional()?
                .map(|user| ContactView {
                    name: user.display_name,
                    email: user.email.as_str().to_owned(),
                })
        }
        _ => None,
    };
    let notes =
        introductions::notes_visible_to(connection, row.id, (!member.is_admin()).then_some(side))?
            .into_iter()
            .map(|note| NoteView::new(note, member.user_id))
            .collect();
    let visible = Viewer::Member(member.clone()).can_see_challenge(challenge.exposure());
    let challenge_view = IntroducedChallenge {
        id: challenge.id,
        visible,
        title: visible.then_some(challenge.title),
        organisation_name: visible.then_some(organisation_name),
        status: visible.then_some(challenge.status),
        closes_at: challenge.closes_at.filter(|_| visible),
    };
    Ok(IntroductionView::new(
        row,
        challenge_view,
        startup_view,
        procurement_contact,
        Some(side),
        notes,
    ))
}

fn introduction_response(
    status: actix_web::http::StatusCode,
    view: IntroductionView,
) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header(("ETag", etag(view.version)))
        .json(view)
}

/// Starts an introduction. The caller's role decides its origin: a ROM
/// officer proposes it (for a start-up in their provinces), a start-up
/// expresses interest, a procurement officer invites a start-up to a
/// challenge of their organisation, an admin proposes it like a broker.
/// Whoever starts it has accepted it.
#[utoipa::path(
    tag = "introductions",
    security(("bearer" = [])),
    request_body = NewIntroductionRequest,
    responses(
        (status = 201, description = "Started", body = IntroductionView,
            headers(("ETag" = String, description = "Version, for If-Match"))),
        (status = 403, description = "The caller may not start this introduction", body = ErrorBody),
        (status = 404, description = "No such challenge or start-up visible to the caller", body = ErrorBody),
        (status = 409, description = "The challenge is not published or open, the start-up may not see it, or a live introduction of this pair exists", body = ErrorBody),
    )
)]
#[post("/introductions")]
pub async fn create_introduction(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: JsonBody<NewIntroductionRequest>,
) -> Result<HttpResponse, ApiError> {
    let view = start_introduction(&state, caller.member, body.0).await?;
    Ok(introduction_response(
        actix_web::http::StatusCode::CREATED,
        view,
    ))
}

/// Starts an introduction as `member` (the API and the web pages both come
/// here): who asks decides how it starts.
pub async fn start_introduction(
    state: &AppState,
    member: Member,
    request: NewIntroductionRequest,
) -> Result<IntroductionView, ApiError> {
    // A blank message is no message.
    let message = request
        .message
        .as_deref()
        .filter(|message| {
            !crate::domain::text::without_control_characters(message)
                .trim()
                .is_empty()
        })
        .map(|message| bounded_text("message", message, 1, MAX_MESSAGE_CHARS))
        .transpose()?;
    let view = state
        .with_connection_api(move |connection| {
            let viewer = Viewer::Member(member.clone());
            let challenge = challenges::find(connection, request.challenge_id)
                .optional()?
                .filter(|challenge| viewer.can_see_challenge(challenge.exposure()))
                .ok_or_else(|| ApiError::not_found("challenge").with_field("challenge_id"))?;
            let startup_id = match (member.role, request.startup_id) {
                (Role::Startup, asked) => {
                    let own = member
                        .organisation_id
                        .map(|organisation| {
                            startups::find_id_by_organisation(connection, organisation)
                        })
                        .transpose()?
                        .flatten()
                        .ok_or_else(|| {
                            ApiError::new(
                                ErrorCode::Conflict,
                                "create your start-up profile before expressing interest",
                            )
                        })?;
                    if asked.is_some_and(|asked| asked != own) {
                        return Err(ApiError::not_found("start-up").with_field("startup_id"));
                    }
                    own
                }
                (_, Some(asked)) => asked,
                (_, None) => {
                    return Err(ApiError::invalid(
                        "startup_id",
                        "name the start-up to introduce",
                    ))
                }
            };
            let startup = startups::find(connection, startup_id)
                .optional()?
                .ok_or_else(|| ApiError::not_found("start-up").with_field("startup_id"))?;
            let (origin, broker_rom) = match member.role {
                Role::RomOfficer => {
                    if side_of(&member, &startup, &challenge).is_none() {
                        return Err(ApiError::not_found("start-up").with_field("startup_id"));
                    }
                    (IntroductionOrigin::Brokered, member.rom)
                }
                Role::Admin => (
                    IntroductionOrigin::Brokered,
                    startup.province.map(|province| province.rom()),
                ),
                Role::Startup => (IntroductionOrigin::StartupRequest, None),
                Role::Procurement => {
                    if !member.belongs_to(challenge.organisation_id) {
                        return Err(ApiError::forbidden(
                            "procurement officers invite start-ups to challenges of their own organisation",
                        ));
                    }
                    (IntroductionOrigin::ProcurementInvitation, None)
                }
            };
            if !matches!(
                challenge.status,
                ChallengeStatus::Published | ChallengeStatus::Open
            ) {
                return Err(ApiError::new(
                    ErrorCode::Conflict,
                    format!(
                        "introductions are made to published or open challenges; this one is {}",
                        challenge.status
                    ),
                )
                .with_field("challenge_id"));
            }
            if let Err(why) = introductions::startup_may_see(connection, &startup, &challenge)? {
                return Err(ApiError::new(ErrorCode::Conflict, why).with_field("challenge_id"));
            }
            let new = NewIntroduction {
                startup_id: startup.id,
                challenge_id: challenge.id,
                origin,
                initiated_by: member.user_id,
                broker_rom,
                message,
            };
            let row = match introductions::insert(connection, &new) {
                Err(diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _,
                )) => {
                    return Err(ApiError::new(
                        ErrorCode::Conflict,
                        "this start-up and this challenge already have a live introduction",
                    ))
                }
                Err(diesel::result::Error::RollbackTransaction) => {
                    return Err(ApiError::new(
                        ErrorCode::Conflict,
                        "the challenge closed while the introduction was being made",
                    )
                    .with_field("challenge_id"))
                }
                other => other?,
            };
            let loaded = load_involved(connection, &member, row)?;
            view_of(connection, &member, loaded)
        })
        .await?;
    tracing::info!(introduction_id = %view.id, origin = %view.origin, "introduction started");
    Ok(view)
}

/// Filters for the introduction list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct IntroductionListQuery {
    /// One state or several, comma-separated (`proposed,requested`).
    #[param(
        pattern = r"^(proposed|requested|accepted_by_startup|accepted_by_procurement|introduced|meeting_held|pilot|contract|no_fit|declined|withdrawn|expired)(,(proposed|requested|accepted_by_startup|accepted_by_procurement|introduced|meeting_held|pilot|contract|no_fit|declined|withdrawn|expired))*$"
    )]
    pub state: Option<String>,
    pub challenge_id: Option<Uuid>,
    pub startup_id: Option<Uuid>,
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

/// Parses a comma-separated list of states (`proposed,requested`); absent
/// means any state.
pub fn parse_states(raw: Option<&str>) -> Result<Vec<IntroductionState>, ApiError> {
    let Some(raw) = raw else {
        return Ok(Vec::new());
    };
    raw.split(',')
        .map(|part| {
            part.trim()
                .parse::<IntroductionState>()
                .map_err(|error| ApiError::invalid("state", error.to_string()))
        })
        .collect()
}

/// The introductions the caller is a party to, newest first: a start-up
/// its own, procurement those on its organisation's challenges, a ROM
/// officer those of start-ups in their provinces, admins all.
#[utoipa::path(
    tag = "introductions",
    security(("bearer" = [])),
    params(IntroductionListQuery),
    responses((status = 200, description = "A page of introductions", body = Paginated<IntroductionView>))
)]
#[get("/introductions")]
pub async fn list_introductions(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: QueryParams<IntroductionListQuery>,
) -> Result<HttpResponse, ApiError> {
    let listed = introductions_of(&state, caller.member, query.0).await?;
    Ok(HttpResponse::Ok().json(listed))
}

/// The introductions `member` is a party to, filtered and paginated.
pub async fn introductions_of(
    state: &AppState,
    member: Member,
    query: IntroductionListQuery,
) -> Result<Paginated<IntroductionView>, ApiError> {
    let page = PageQuery::checked(query.page, query.per_page)?;
    let filter = IntroductionFilter {
        states: parse_states(query.state.as_deref())?,
        challenge_id: query.challenge_id,
        startup_id: query.startup_id,
    };
    // Accounts without an organisation see nothing rather than everything.
    let nobody = Uuid::nil();
    let scope = match member.role {
        Role::Admin => IntroductionScope::All,
        Role::Startup => {
            IntroductionScope::StartupOrganisation(member.organisation_id.unwrap_or(nobody))
        }
        Role::Procurement => {
            IntroductionScope::ChallengeOrganisation(member.organisation_id.unwrap_or(nobody))
        }
        Role::RomOfficer => IntroductionScope::Provinces(member.rom_provinces()),
    };
    let (items, total) = state
        .with_connection_api(move |connection| {
            let paged = introductions::list(connection, &scope, &filter, page)?;
            let mut items = Vec::with_capacity(paged.rows.len());
            for row in paged.rows {
                let loaded = load_involved(connection, &member, row)?;
                items.push(view_of(connection, &member, loaded)?);
            }
            Ok((items, paged.total))
        })
        .await?;
    Ok(Paginated::new(items, page, total))
}

/// One introduction, as the caller's side may see it.
#[utoipa::path(
    tag = "introductions",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Introduction id")),
    responses(
        (status = 200, description = "The introduction", body = IntroductionView,
            headers(("ETag" = String, description = "Version, for If-Match"))),
        (status = 404, description = "No such introduction the caller is a party to", body = ErrorBody),
    )
)]
#[get("/introductions/{id}")]
pub async fn get_introduction(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let view = read_introduction(&state, caller.member, path.into_inner()).await?;
    Ok(introduction_response(actix_web::http::StatusCode::OK, view))
}

/// Introduction `id` as `member`'s side may see it, or 404 when they are
/// not a party (the API and the web pages both come here).
pub async fn read_introduction(
    state: &AppState,
    member: Member,
    id: Uuid,
) -> Result<IntroductionView, ApiError> {
    state
        .with_connection_api(move |connection| {
            let loaded = load_by_id(connection, &member, id)?;
            view_of(connection, &member, loaded)
        })
        .await
}

/// Moves an introduction on: `accept`, `decline` (with optional feedback),
/// `withdraw` (the side that started it), `record_meeting`, and
/// `record_outcome` (`pilot`, `contract`, or `no_fit` with a reason). The
/// second acceptance introduces the pair and reveals the contacts. A move
/// the current state does not allow is 409.
#[utoipa::path(
    tag = "introductions",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Introduction id"),
        ("If-Match" = String, Header, description = "The introduction's ETag, quoted (\"3\")", pattern = r#"^(W/)?"[0-9]+"$"#),
    ),
    request_body = TransitionRequest,
    responses(
        (status = 200, description = "Moved", body = IntroductionView,
            headers(("ETag" = String, description = "New version"))),
        (status = 404, description = "No such introduction the caller is a party to", body = ErrorBody),
        (status = 409, description = "That move is not allowed for the caller's side in the current state", body = ErrorBody),
        (status = 412, description = "Stale If-Match", body = ErrorBody),
        (status = 428, description = "If-Match missing", body = ErrorBody),
    )
)]
#[post("/introductions/{id}/transitions")]
pub async fn transition_introduction(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<TransitionRequest>,
) -> Result<HttpResponse, ApiError> {
    let view =
        move_introduction(&state, caller.member, path.into_inner(), if_match, body.0).await?;
    Ok(introduction_response(actix_web::http::StatusCode::OK, view))
}

/// Moves introduction `id` on as `member`, from the version `if_match` names.
pub async fn move_introduction(
    state: &AppState,
    member: Member,
    id: Uuid,
    if_match: IfMatch,
    request: TransitionRequest,
) -> Result<IntroductionView, ApiError> {
    let transition = Transition::new(request.action, request.outcome, request.reason)?;
    let view = state
        .with_connection_api(move |connection| {
            let loaded = load_by_id(connection, &member, id)?;
            let expected_version = if_match.check(loaded.row.version)?;
            let next = loaded
                .row
                .state
                .after(&transition, loaded.side, loaded.row.origin)
                .map_err(|refused| {
                    ApiError::new(ErrorCode::InvalidTransition, refused.to_string())
                        .with_field("action")
                })?;
            let reason = match &transition {
                Transition::Decline { reason }
                | Transition::Withdraw { reason }
                | Transition::RecordOutcome { reason, .. } => reason.clone(),
                Transition::Accept | Transition::RecordMeeting => None,
            };
            let change = StateChange {
                actor_id: member.user_id,
                side: loaded.side,
                to: next,
                reason,
            };
            let row =
                introductions::change_state_if_version(connection, id, expected_version, &change)?
                    .ok_or_else(|| {
                        ApiError::stale(
                            introductions::find(connection, id)
                                .map(|row| row.version)
                                .unwrap_or(expected_version),
                        )
                    })?;
            let loaded = Loaded { row, ..loaded };
            view_of(connection, &member, loaded)
        })
        .await?;
    tracing::info!(introduction_id = %id, state = %view.state, "introduction moved");
    Ok(view)
}

/// Adds a note. It is private to the author's side unless `shared`.
#[utoipa::path(
    tag = "introductions",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Introduction id")),
    request_body = NewNoteRequest,
    responses(
        (status = 201, description = "Added", body = NoteView),
        (status = 404, description = "No such introduction the caller is a party to", body = ErrorBody),
    )
)]
#[post("/introductions/{id}/notes")]
pub async fn add_note(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<Uuid>,
    body: JsonBody<NewNoteRequest>,
) -> Result<HttpResponse, ApiError> {
    let note = add_introduction_note(&state, caller.member, path.into_inner(), body.0).await?;
    Ok(HttpResponse::Created().json(note))
}

/// Adds a note to introduction `id` as `member` (the API and the web pages
/// both come here).
pub async fn add_introduction_note(
    state: &AppState,
    member: Member,
    id: Uuid,
    request: NewNoteRequest,
) -> Result<NoteView, ApiError> {
    let text = bounded_text("body", &request.body, 1, MAX_MESSAGE_CHARS)?;
    state
        .with_connection_api(move |connection| {
            let loaded = load_by_id(connection, &member, id)?;
            let note = introductions::insert_note(
                connection,
                id,
                member.user_id,
                loaded.side,
                &text,
                request.shared,
            )?;
            Ok(NoteView::new(note, member.user_id))
        })
        .await
}

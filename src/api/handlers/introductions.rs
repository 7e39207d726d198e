//! Introductions: a ROM officer proposes one, a start-up expresses
//! interest, or procurement invites a start-up; both sides accept before
//! anyone is named. Only the parties (the start-up company, the challenge's
//! organisation, the ROM officers of the start-up's province) and admins
//! see an introduction; to anyone else it answers 404, like a missing one
//! (`app::introductions`).

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::api::auth::AuthUser;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::{etag, IfMatch, JsonBody, QueryParams};
use crate::app::introductions::{
    self, IntroductionListFilter, IntroductionView, NewIntroductionRequest, NewNoteRequest,
    NoteView, TransitionRequest,
};
use crate::app::{AppState, Paginated};
use crate::domain::introduction::IntroductionState;

/// The response of one introduction, with its version as the ETag.
fn introduction_response(status: StatusCode, view: IntroductionView) -> HttpResponse {
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
    let view = introductions::start(&state, &caller.member, body.0).await?;
    Ok(introduction_response(StatusCode::CREATED, view))
}

/// Filters for the introduction list.
#[derive(Debug, Deserialize, IntoParams)]
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
    let query = query.0;
    let filter = IntroductionListFilter {
        states: parse_states(query.state.as_deref())?,
        challenge_id: query.challenge_id,
        startup_id: query.startup_id,
        page: query.page,
        per_page: query.per_page,
    };
    let listed: Paginated<IntroductionView> =
        introductions::list(&state, &caller.member, filter).await?;
    Ok(HttpResponse::Ok().json(listed))
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
    let view = introductions::get(&state, &caller.member, path.into_inner()).await?;
    Ok(introduction_response(StatusCode::OK, view))
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
    let view = introductions::transition(
        &state,
        &caller.member,
        path.into_inner(),
        if_match.0,
        body.0,
    )
    .await?;
    Ok(introduction_response(StatusCode::OK, view))
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
    let note: NoteView =
        introductions::add_note(&state, &caller.member, path.into_inner(), body.0).await?;
    Ok(HttpResponse::Created().json(note))
}

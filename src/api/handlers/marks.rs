//! Marks on matches (`app::matching::marks`): a party marks one of its
//! matches interesting or not relevant, or takes the mark back. Marks are
//! private to the caller's organisation and re-rank its matches at once.

use actix_web::{delete, put, web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::api::auth::AuthUser;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::JsonBody;
use crate::api::handlers::startups::startup_reference;
use crate::app::matching;
use crate::app::AppState;
use crate::domain::mark::Mark;

/// The mark to put on a match.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkRequest {
    pub mark: Mark,
}

/// Marks a challenge among a start-up's matches: by the start-up itself.
#[utoipa::path(
    tag = "matching",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Start-up id"),
        ("challenge_id" = Uuid, Path, description = "Challenge id"),
    ),
    request_body = MarkRequest,
    responses(
        (status = 204, description = "Marked; the start-up's matches are re-ranked"),
        (status = 403, description = "The caller may see the pair but does not mark its matches", body = ErrorBody),
        (status = 404, description = "No such start-up or challenge visible to the caller", body = ErrorBody),
    )
)]
#[put("/startups/{id}/matches/{challenge_id}/mark")]
pub async fn mark_challenge_match(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<(String, Uuid)>,
    body: JsonBody<MarkRequest>,
) -> Result<HttpResponse, ApiError> {
    let (startup, challenge_id) = path.into_inner();
    let startup = startup_reference(&startup)?;
    matching::mark_challenge_for_startup(
        &state,
        &caller.member,
        &startup,
        challenge_id,
        Some(body.0.mark),
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Takes back the mark on a challenge among a start-up's matches.
#[utoipa::path(
    tag = "matching",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Start-up id"),
        ("challenge_id" = Uuid, Path, description = "Challenge id"),
    ),
    responses(
        (status = 204, description = "Unmarked (or was not marked)"),
        (status = 403, description = "The caller may see the pair but does not mark its matches", body = ErrorBody),
        (status = 404, description = "No such start-up or challenge visible to the caller", body = ErrorBody),
    )
)]
#[delete("/startups/{id}/matches/{challenge_id}/mark")]
pub async fn unmark_challenge_match(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (startup, challenge_id) = path.into_inner();
    let startup = startup_reference(&startup)?;
    matching::mark_challenge_for_startup(&state, &caller.member, &startup, challenge_id, None)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Marks a start-up among a challenge's candidates: by the challenge's
/// procurement organisation (naming the start-up by its card's handle) or
/// a ROM officer of the start-up's province.
#[utoipa::path(
    tag = "matching",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Challenge id"),
        ("startup_id" = String, Path, description = "The handle of the start-up's card (procurement), or its id"),
    ),
    request_body = MarkRequest,
    responses(
        (status = 204, description = "Marked; the challenge's candidates are re-ranked for the caller's organisation"),
        (status = 403, description = "The caller may see the pair but does not mark its matches", body = ErrorBody),
        (status = 404, description = "No such challenge or start-up visible to the caller", body = ErrorBody),
    )
)]
#[put("/challenges/{id}/matches/{startup_id}/mark")]
pub async fn mark_startup_match(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<(Uuid, String)>,
    body: JsonBody<MarkRequest>,
) -> Result<HttpResponse, ApiError> {
    let (challenge_id, startup) = path.into_inner();
    let startup = startup_reference(&startup)?;
    matching::mark_startup_for_challenge(
        &state,
        &caller.member,
        challenge_id,
        &startup,
        Some(body.0.mark),
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Takes back the mark on a start-up among a challenge's candidates.
#[utoipa::path(
    tag = "matching",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Challenge id"),
        ("startup_id" = String, Path, description = "The handle of the start-up's card (procurement), or its id"),
    ),
    responses(
        (status = 204, description = "Unmarked (or was not marked)"),
        (status = 403, description = "The caller may see the pair but does not mark its matches", body = ErrorBody),
        (status = 404, description = "No such challenge or start-up visible to the caller", body = ErrorBody),
    )
)]
#[delete("/challenges/{id}/matches/{startup_id}/mark")]
pub async fn unmark_startup_match(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<(Uuid, String)>,
) -> Result<HttpResponse, ApiError> {
    let (challenge_id, startup) = path.into_inner();
    let startup = startup_reference(&startup)?;
    matching::mark_startup_for_challenge(&state, &caller.member, challenge_id, &startup, None)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

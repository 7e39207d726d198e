//! Saved searches: a start-up keeps its searches over challenges, a
//! procurement or ROM officer also over start-ups. A saved search is the
//! query string of a search endpoint, checked by that endpoint's parser
//! when saved, and run by calling the endpoint (`results_url`), so that a
//! saved search can never find more than the caller may see.

use actix_web::{delete, get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::search::{ChallengeSearchQuery, StartupSearchQuery};
use crate::api::auth::AuthUser;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::{parse_query, JsonBody};
use crate::api::legacy::LegacyBlocking;
use crate::api::openapi::API_PREFIX;
use crate::app::AppState;
use crate::db::saved_searches::{self, SavedSearchRow};
use crate::domain::account::Role;
use crate::domain::notification::SearchTarget;
use crate::domain::policy::Member;
use crate::domain::text::bounded_text;

/// Saved searches per user at most.
const MAX_SAVED_SEARCHES: usize = 50;

/// A search to save.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSavedSearch {
    #[schema(min_length = 1, max_length = 200, pattern = r"[^\s\x00-\x1f\x7f-\x9f]")]
    pub name: String,
    pub target: SearchTarget,
    /// The query string of `GET /api/v1/search/{target}`, without `?`:
    /// `q=radar&technology=autonomy-drones&sort=deadline`.
    #[schema(max_length = 2000, example = "q=radar&technology=autonomy-drones")]
    pub query: String,
}

/// A saved search.
#[derive(Debug, Serialize, ToSchema)]
pub struct SavedSearchView {
    pub id: Uuid,
    pub name: String,
    pub target: SearchTarget,
    pub query: String,
    /// Where to run it (with the caller's token).
    pub results_url: String,
    pub created_at: DateTime<Utc>,
}

impl From<SavedSearchRow> for SavedSearchView {
    fn from(row: SavedSearchRow) -> Self {
        let separator = if row.query.is_empty() { "" } else { "?" };
        SavedSearchView {
            results_url: format!("{API_PREFIX}/search/{}{separator}{}", row.target, row.query),
            id: row.id,
            name: row.name,
            target: row.target,
            query: row.query,
            created_at: row.created_at,
        }
    }
}

/// The saved searches of the caller.
#[derive(Debug, Serialize, ToSchema)]
pub struct SavedSearchList {
    pub items: Vec<SavedSearchView>,
}

/// Checks `query` with the parser of the target's search endpoint; an
/// error names `query` and the parameter at fault.
fn check_query(target: SearchTarget, query: &str) -> Result<(), ApiError> {
    let in_query = |error: ApiError| {
        ApiError::invalid(
            "query",
            match error.field {
                Some(field) => format!("{field}: {}", error.message),
                None => error.message,
            },
        )
    };
    // The same checks the endpoint runs, so that a saved search never
    // answers 400 when it is run.
    match target {
        SearchTarget::Challenges => {
            let parsed: ChallengeSearchQuery = parse_query(query).map_err(in_query)?;
            parsed.checked().map_err(in_query)?;
        }
        SearchTarget::Startups => {
            let parsed: StartupSearchQuery = parse_query(query).map_err(in_query)?;
            parsed.checked(None).map_err(in_query)?;
        }
    }
    Ok(())
}

/// Saves a search. Start-ups search challenges only.
#[utoipa::path(
    tag = "search",
    security(("bearer" = [])),
    request_body = NewSavedSearch,
    responses(
        (status = 201, description = "Saved", body = SavedSearchView),
        (status = 403, description = "Start-ups do not search start-ups", body = ErrorBody),
        (status = 409, description = "Too many saved searches", body = ErrorBody),
    )
)]
#[post("/saved-searches")]
pub async fn create_saved_search(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: JsonBody<NewSavedSearch>,
) -> Result<HttpResponse, ApiError> {
    let view = save_search(&state, &caller.member, body.0).await?;
    Ok(HttpResponse::Created().json(view))
}

/// Saves `request` as `member`'s search after the checks its endpoint runs
/// (the API and the web pages both come here).
pub async fn save_search(
    state: &AppState,
    member: &Member,
    request: NewSavedSearch,
) -> Result<SavedSearchView, ApiError> {
    let name = bounded_text("name", &request.name, 1, 200)?;
    let query = request.query.trim().trim_start_matches('?').to_owned();
    if query.chars().count() > 2000 {
        return Err(ApiError::invalid("query", "at most 2000 characters"));
    }
    if request.target == SearchTarget::Startups && member.role == Role::Startup {
        return Err(ApiError::forbidden(
            "start-ups search challenges, not other start-ups",
        ));
    }
    check_query(request.target, &query)?;
    let user_id = member.user_id;
    let row = state
        .with_connection_api(move |connection| {
            if saved_searches::list(connection, user_id)?.len() >= MAX_SAVED_SEARCHES {
                return Err(ApiError::new(
                    crate::api::error::ErrorCode::Conflict,
                    format!("at most {MAX_SAVED_SEARCHES} saved searches; delete one first"),
                ));
            }
            Ok(saved_searches::insert(
                connection,
                user_id,
                request.target,
                &name,
                &query,
            )?)
        })
        .await?;
    Ok(SavedSearchView::from(row))
}

/// The caller's saved searches.
#[utoipa::path(
    tag = "search",
    security(("bearer" = [])),
    responses((status = 200, description = "The saved searches", body = SavedSearchList))
)]
#[get("/saved-searches")]
pub async fn list_saved_searches(
    state: web::Data<AppState>,
    caller: AuthUser,
) -> Result<HttpResponse, ApiError> {
    let list = saved_searches_of(&state, &caller.member).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// `member`'s saved searches.
pub async fn saved_searches_of(
    state: &AppState,
    member: &Member,
) -> Result<SavedSearchList, ApiError> {
    let user_id = member.user_id;
    let rows = state
        .with_connection_api(move |connection| Ok(saved_searches::list(connection, user_id)?))
        .await?;
    Ok(SavedSearchList {
        items: rows.into_iter().map(SavedSearchView::from).collect(),
    })
}

/// One of the caller's saved searches.
#[utoipa::path(
    tag = "search",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Saved search id")),
    responses(
        (status = 200, description = "The saved search", body = SavedSearchView),
        (status = 404, description = "No such saved search of the caller", body = ErrorBody),
    )
)]
#[get("/saved-searches/{id}")]
pub async fn get_saved_search(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (user_id, id) = (caller.member.user_id, path.into_inner());
    let row = state
        .with_connection_api(move |connection| {
            saved_searches::find(connection, user_id, id)?
                .ok_or_else(|| ApiError::not_found("saved search"))
        })
        .await?;
    Ok(HttpResponse::Ok().json(SavedSearchView::from(row)))
}

/// Deletes one of the caller's saved searches.
#[utoipa::path(
    tag = "search",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Saved search id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such saved search of the caller", body = ErrorBody),
    )
)]
#[delete("/saved-searches/{id}")]
pub async fn delete_saved_search(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    delete_search(&state, &caller.member, path.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Deletes `member`'s saved search `id`; 404 when it is not theirs.
pub async fn delete_search(state: &AppState, member: &Member, id: Uuid) -> Result<(), ApiError> {
    let user_id = member.user_id;
    let deleted = state
        .with_connection_api(move |connection| Ok(saved_searches::delete(connection, user_id, id)?))
        .await?;
    if !deleted {
        return Err(ApiError::not_found("saved search"));
    }
    Ok(())
}

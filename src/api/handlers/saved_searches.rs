//! Saved searches: a start-up keeps its searches over challenges, a
//! procurement or ROM officer also over start-ups; each is run by calling
//! its search endpoint (`app::saved_searches`).

use actix_web::{delete, get, post, web, HttpResponse};
use uuid::Uuid;

use crate::api::auth::AuthUser;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::JsonBody;
use crate::app::saved_searches::{self, NewSavedSearch, SavedSearchList, SavedSearchView};
use crate::app::AppState;

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
    let view = saved_searches::create(&state, &caller.member, body.0).await?;
    Ok(HttpResponse::Created().json(view))
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
    let list = saved_searches::list(&state, &caller.member).await?;
    Ok(HttpResponse::Ok().json(list))
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
    let view = saved_searches::get(&state, &caller.member, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(view))
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
    saved_searches::delete(&state, &caller.member, path.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[cfg(test)]
mod tests {
    use crate::api::openapi::API_PREFIX;
    use crate::app::saved_searches::SEARCH_ENDPOINTS;

    /// A saved search's `results_url` points at the search endpoints.
    #[test]
    fn saved_searches_run_on_the_search_endpoints() {
        assert_eq!(SEARCH_ENDPOINTS, format!("{API_PREFIX}/search"));
    }
}

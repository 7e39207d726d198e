//! Saved searches: a start-up keeps its searches over challenges, a
//! procurement or ROM officer also over start-ups. A saved search is the
//! query string of a search endpoint ([`search::query_string`]), checked
//! as that endpoint checks it when saved, and run by calling the endpoint
//! (`results_url`), so that a saved search never finds more than the
//! caller may see.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::search::query_string;
use super::{AppError, AppState, Conflict, Subject};
use crate::db::saved_searches::{self, SavedSearchRow};
use crate::domain::notification::{DigestFrequency, SearchTarget};
use crate::domain::policy::Member;
use crate::domain::text::bounded_text;
use crate::domain::{Rule, ValidationError};

/// Where the API serves the searches (`api::openapi::API_PREFIX` and
/// `/search`; `api::handlers::saved_searches` checks that they agree).
pub const SEARCH_ENDPOINTS: &str = "/api/v1/search";
/// Saved searches per user at most.
pub const MAX_SAVED_SEARCHES: usize = 50;
/// Longest name of a saved search, in characters.
const MAX_NAME_CHARS: usize = 200;
/// Longest query string, in characters.
const MAX_QUERY_CHARS: usize = 2000;

/// A search to save.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSavedSearch {
    #[schema(min_length = 1, max_length = 200, pattern = r"[^\s\x00-\x1f\x7f-\x9f]")]
    pub name: String,
    pub target: SearchTarget,
    /// The query string of `GET /api/v1/search/{target}`, without `?`:
    /// `q=radar&technology=autonomy-drones&sort=deadline`.
    #[schema(max_length = 2000, example = "q=radar&technology=autonomy-drones")]
    pub query: String,
    /// `daily`: mail the challenges the search newly finds, at most once a
    /// day (searches of challenges only); `never` (the default) otherwise.
    #[serde(default)]
    pub notify: DigestFrequency,
}

/// A saved search.
#[derive(Debug, Serialize, ToSchema)]
pub struct SavedSearchView {
    pub id: Uuid,
    pub name: String,
    pub target: SearchTarget,
    pub query: String,
    /// Whether it mails a daily digest of new challenges.
    pub notify: DigestFrequency,
    /// Where to run it (with the caller's token).
    pub results_url: String,
    pub created_at: DateTime<Utc>,
}

impl From<SavedSearchRow> for SavedSearchView {
    fn from(row: SavedSearchRow) -> Self {
        let separator = if row.query.is_empty() { "" } else { "?" };
        SavedSearchView {
            results_url: format!("{SEARCH_ENDPOINTS}/{}{separator}{}", row.target, row.query),
            id: row.id,
            name: row.name,
            target: row.target,
            query: row.query,
            notify: row.notify,
            created_at: row.created_at,
        }
    }
}

/// The saved searches of the caller.
#[derive(Debug, Serialize, ToSchema)]
pub struct SavedSearchList {
    pub items: Vec<SavedSearchView>,
}

/// `member` saves `request`, after the checks its search endpoint runs.
pub async fn create(
    state: &AppState,
    member: &Member,
    request: NewSavedSearch,
) -> Result<SavedSearchView, AppError> {
    let name = bounded_text("name", &request.name, 1, MAX_NAME_CHARS)?;
    let query = request.query.trim().trim_start_matches('?').to_owned();
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(AppError::invalid(
            "query",
            Rule::TooLong {
                max: MAX_QUERY_CHARS,
            },
        ));
    }
    if request.target == SearchTarget::Startups {
        member.may_search_startups()?;
    }
    check_query(request.target, &query)?;
    if request.notify == DigestFrequency::Daily && request.target != SearchTarget::Challenges {
        return Err(AppError::invalid("notify", Rule::DigestOfChallengesOnly));
    }
    let user_id = member.user_id;
    let target = request.target;
    let notify = request.notify;
    let row = state
        .with_connection(move |connection| {
            let max = MAX_SAVED_SEARCHES as i64;
            saved_searches::insert_within_limit(
                connection, user_id, max, target, &name, &query, notify,
            )?
            .ok_or_else(|| Conflict::TooManySavedSearches { max }.into())
        })
        .await?;
    Ok(SavedSearchView::from(row))
}

/// `member`'s saved searches, oldest first.
pub async fn list(state: &AppState, member: &Member) -> Result<SavedSearchList, AppError> {
    let user_id = member.user_id;
    let rows = state
        .with_connection(move |connection| Ok(saved_searches::list(connection, user_id)?))
        .await?;
    Ok(SavedSearchList {
        items: rows.into_iter().map(SavedSearchView::from).collect(),
    })
}

/// `member`'s saved search `id`; anyone else's reads as missing.
pub async fn get(state: &AppState, member: &Member, id: Uuid) -> Result<SavedSearchView, AppError> {
    let user_id = member.user_id;
    let row = state
        .with_connection(move |connection| {
            saved_searches::find(connection, user_id, id)?
                .ok_or(AppError::not_found(Subject::SavedSearch))
        })
        .await?;
    Ok(SavedSearchView::from(row))
}

/// Deletes `member`'s saved search `id`; anyone else's reads as missing.
pub async fn delete(state: &AppState, member: &Member, id: Uuid) -> Result<(), AppError> {
    let user_id = member.user_id;
    let deleted = state
        .with_connection(move |connection| Ok(saved_searches::delete(connection, user_id, id)?))
        .await?;
    if !deleted {
        return Err(AppError::not_found(Subject::SavedSearch));
    }
    Ok(())
}

/// Reads `query` with the parameters and checks of the target's search
/// endpoint, so that a saved search never fails when it is run. An error
/// names `query`, and the parameter at fault in its rule.
fn check_query(target: SearchTarget, query: &str) -> Result<(), AppError> {
    let checked = match target {
        SearchTarget::Challenges => {
            query_string::challenge_search(query).and_then(|filter| filter.checked().map(drop))
        }
        SearchTarget::Startups => {
            query_string::startup_search(query).and_then(|filter| filter.checked(None).map(drop))
        }
    };
    checked.map_err(in_query)
}

/// `error` of a parameter, as an error of the whole query string.
fn in_query(error: AppError) -> AppError {
    let AppError::Invalid(problems) = error else {
        return error;
    };
    let problems = problems
        .into_iter()
        .map(|problem| {
            if problem.field == "query" {
                return problem;
            }
            let detail = format!("{}: {}", problem.field, problem.rule);
            ValidationError::new("query", Rule::Malformed { detail })
        })
        .collect();
    AppError::Invalid(problems)
}

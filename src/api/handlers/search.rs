//! Free-text search over challenges and start-ups, with filters, facet
//! counts and sorting (`app::search`).

use actix_web::{get, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::challenges::parse_statuses;
use crate::api::auth::{AuthUser, MaybeUser};
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::QueryParams;
use crate::app::search::{
    self, ChallengeSearchFilter, ChallengeSearchResults, SearchOrder, StartupSearchFilter,
    StartupSearchResults,
};
use crate::app::AppState;
use crate::domain::readiness::Trl;
use crate::domain::region::Province;
use crate::domain::taxonomy::Technology;

/// Search parameters for challenges.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChallengeSearchQuery {
    /// Words (all must match; synonyms and acronyms count; typos are
    /// forgiven in short queries), "quoted phrases", -excluded words, and
    /// technology:, province:, status:, trl: filters.
    #[param(max_length = 500)]
    pub q: Option<String>,
    pub technology: Option<Technology>,
    /// Challenges preferring this province, or national ones.
    pub province: Option<Province>,
    /// One status or several, comma-separated.
    #[param(
        example = "open,published",
        pattern = r"^(draft|published|open|closed|awarded|withdrawn)(,(draft|published|open|closed|awarded|withdrawn))*$"
    )]
    pub status: Option<String>,
    /// Challenges whose TRL range holds this level.
    pub trl: Option<Trl>,
    #[param(pattern = r"^(19[0-9]{2}|[2-9][0-9]{3})-")]
    #[serde(
        default,
        deserialize_with = "crate::domain::instant::optional_in_range"
    )]
    pub closes_before: Option<DateTime<Utc>>,
    #[param(pattern = r"^(19[0-9]{2}|[2-9][0-9]{3})-")]
    #[serde(
        default,
        deserialize_with = "crate::domain::instant::optional_in_range"
    )]
    pub closes_after: Option<DateTime<Utc>>,
    pub organisation_id: Option<Uuid>,
    pub sort: Option<SearchOrder>,
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

impl ChallengeSearchQuery {
    /// The filter of `app::search::challenges`.
    fn filter(self) -> Result<ChallengeSearchFilter, ApiError> {
        Ok(ChallengeSearchFilter {
            statuses: parse_statuses(self.status.as_deref())?,
            text: self.q,
            technology: self.technology,
            province: self.province,
            trl: self.trl,
            closes_before: self.closes_before,
            closes_after: self.closes_after,
            organisation_id: self.organisation_id,
            sort: self.sort.unwrap_or_default(),
            page: self.page,
            per_page: self.per_page,
        })
    }
}

/// Searches the challenges the caller may see.
#[utoipa::path(
    tag = "search",
    security((), ("bearer" = [])),
    params(ChallengeSearchQuery),
    responses(
        (status = 200, description = "A page of hits with facet counts", body = ChallengeSearchResults),
    )
)]
#[get("/search/challenges")]
pub async fn search_challenges(
    state: web::Data<AppState>,
    caller: MaybeUser,
    query: QueryParams<ChallengeSearchQuery>,
) -> Result<HttpResponse, ApiError> {
    let results = search::challenges(&state, &caller.0, query.0.filter()?).await?;
    Ok(HttpResponse::Ok().json(results))
}

/// Search parameters for start-ups.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StartupSearchQuery {
    /// Words, "phrases", -excluded words, and technology:, province:, trl: filters.
    #[param(max_length = 500)]
    pub q: Option<String>,
    pub technology: Option<Technology>,
    pub province: Option<Province>,
    /// Solutions at this TRL or higher.
    pub trl_min: Option<Trl>,
    /// Solutions at this TRL or lower.
    pub trl_max: Option<Trl>,
    /// `relevance` (default) or `newest`.
    pub sort: Option<SearchOrder>,
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

impl From<StartupSearchQuery> for StartupSearchFilter {
    fn from(query: StartupSearchQuery) -> Self {
        StartupSearchFilter {
            text: query.q,
            technology: query.technology,
            province: query.province,
            trl_min: query.trl_min,
            trl_max: query.trl_max,
            sort: query.sort.unwrap_or_default(),
            page: query.page,
            per_page: query.per_page,
        }
    }
}

/// Searches start-ups: admins all, ROM officers those of their provinces,
/// procurement officers anonymous cards (names are not searched for them).
#[utoipa::path(
    tag = "search",
    security(("bearer" = [])),
    params(StartupSearchQuery),
    responses(
        (status = 200, description = "A page of hits with facet counts", body = StartupSearchResults),
        (status = 403, description = "Start-ups search challenges, not other start-ups", body = ErrorBody),
    )
)]
#[get("/search/startups")]
pub async fn search_startups(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: QueryParams<StartupSearchQuery>,
) -> Result<HttpResponse, ApiError> {
    let results = search::startups(&state, &caller.member, query.0.into()).await?;
    Ok(HttpResponse::Ok().json(results))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::extract::parse_query;
    use crate::app::search::query_string;

    /// A saved search is checked by `app::search::query_string`; it must
    /// read every query string as these endpoints do.
    #[test]
    fn saved_searches_read_a_query_string_as_the_endpoints_do() {
        let challenge_queries = [
            "",
            "q=radar&technology=ai-data&province=NL-ZH&status=open,published&trl=5",
            "closes_before=2030-01-01T00:00:00Z&closes_after=2029-01-01T00:00:00Z",
            "organisation_id=00000000-0000-4000-8000-000000000000&sort=deadline&page=2&per_page=5",
        ];
        for query in challenge_queries {
            let endpoint = parse_query::<ChallengeSearchQuery>(query)
                .and_then(ChallengeSearchQuery::filter)
                .expect(query);
            let saved = query_string::challenge_search(query).expect(query);
            assert_eq!(endpoint, saved, "{query}");
        }
        let startup_queries = [
            "",
            "q=radar&technology=ai-data&province=NL-ZH&trl_min=3&trl_max=7",
            "sort=newest&page=3&per_page=10",
        ];
        for query in startup_queries {
            let endpoint = parse_query::<StartupSearchQuery>(query)
                .map(StartupSearchFilter::from)
                .expect(query);
            let saved = query_string::startup_search(query).expect(query);
            assert_eq!(endpoint, saved, "{query}");
        }
        for refused in ["colour=red", "technology=warp-drive", "status=dreaming"] {
            assert!(parse_query::<ChallengeSearchQuery>(refused)
                .and_then(ChallengeSearchQuery::filter)
                .is_err());
            assert!(
                query_string::challenge_search(refused).is_err(),
                "{refused}"
            );
        }
    }
}

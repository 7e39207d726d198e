//! Free-text search over challenges and start-ups, with filters, facet
//! counts and sorting. The index finds and ranks; PostgreSQL, the truth,
//! supplies what is shown.

use std::collections::HashMap;

use actix_web::{get, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::challenges::parse_statuses;
use crate::api::auth::{AuthUser, MaybeUser};
use crate::api::dto::startup::StartupView;
use crate::api::dto::PageQuery;
use crate::api::error::{ApiError, ErrorBody, ErrorCode};
use crate::api::extract::QueryParams;
use crate::api::legacy::LegacyBlocking;
use crate::app::challenges::ChallengeView;
use crate::app::AppState;
use crate::db::Page;
use crate::db::{challenges, organisations, startups};
use crate::domain::account::Role;
use crate::domain::policy::{StartupAccess, Viewer};
use crate::domain::readiness::Trl;
use crate::domain::region::Province;
use crate::domain::taxonomy::Technology;
use crate::search::filters::{ChallengeFilters, StartupFilters};
use crate::search::query::{parse_query, ParsedQuery};
use crate::search::text_search::{FacetCounts, HitPage, SearchError, SearchSort};

impl From<SearchError> for ApiError {
    fn from(error: SearchError) -> Self {
        match error {
            SearchError::BadQuery(message) => ApiError::invalid("q", message),
            SearchError::Internal(error) => ApiError::internal(format!("search failed: {error:#}")),
        }
    }
}

/// How search results are ordered.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SearchOrder {
    /// Best match first.
    #[default]
    Relevance,
    /// Nearest deadline first; rolling calls last (challenges only).
    Deadline,
    /// Most recently posted first.
    Newest,
}

impl From<SearchOrder> for SearchSort {
    fn from(order: SearchOrder) -> Self {
        match order {
            SearchOrder::Relevance => SearchSort::Relevance,
            SearchOrder::Deadline => SearchSort::Deadline,
            SearchOrder::Newest => SearchSort::Newest,
        }
    }
}

/// Parses `q`, folding its `field:value` filters into the other filters.
pub fn parse_search_text(q: Option<&str>) -> Result<ParsedQuery, ApiError> {
    let text = crate::domain::text::without_control_characters(q.unwrap_or_default());
    parse_query(&text).map_err(|error| ApiError::invalid("q", error.to_string()))
}

fn filter_value<T: std::str::FromStr>(field: &str, value: &str) -> Result<T, ApiError>
where
    T::Err: std::fmt::Display,
{
    value
        .parse::<T>()
        .map_err(|error| ApiError::invalid("q", format!("{field}:{value}: {error}")))
}

fn trl_value(value: &str) -> Result<Trl, ApiError> {
    let level: i64 = filter_value("trl", value)?;
    Trl::try_from(level).map_err(|error| ApiError::invalid("q", error))
}

impl ChallengeSearchQuery {
    /// The page, the parsed `q` and the filters, with `q`'s `field:value`
    /// filters folded in; every value checked (saved searches use it too).
    pub fn checked(&self) -> Result<(Page, ParsedQuery, ChallengeFilters), ApiError> {
        let page = PageQuery::checked(self.page, self.per_page)?;
        let parsed = parse_search_text(self.q.as_deref())?;
        let mut filters = ChallengeFilters {
            technology: self.technology,
            province: self.province,
            statuses: parse_statuses(self.status.as_deref())?,
            trl: self.trl,
            closes_before: self.closes_before,
            closes_after: self.closes_after,
            organisation_id: self.organisation_id,
        };
        for (field, value) in &parsed.filters {
            match field.as_str() {
                "technology" => filters.technology = Some(filter_value(field, value)?),
                "province" => filters.province = Some(filter_value(field, value)?),
                "status" => filters.statuses.push(filter_value(field, value)?),
                "trl" => filters.trl = Some(trl_value(value)?),
                _ => {}
            }
        }
        Ok((page, parsed, filters))
    }
}

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
    pub closes_before: Option<DateTime<Utc>>,
    pub closes_after: Option<DateTime<Utc>>,
    pub organisation_id: Option<Uuid>,
    pub sort: Option<SearchOrder>,
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

/// A challenge found, with its relevance score (0 unless sorted by relevance).
#[derive(Debug, Serialize, ToSchema)]
pub struct ChallengeHit {
    pub challenge: ChallengeView,
    pub score: f32,
}

/// A page of challenges found.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChallengeSearchResults {
    pub items: Vec<ChallengeHit>,
    pub page: i64,
    pub per_page: i64,
    /// Hits on all pages together.
    pub total: i64,
    /// Counts per technology, province and status of all hits.
    pub facets: FacetCounts,
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
    let results = find_challenges(&state, caller.0, &query.0).await?;
    Ok(HttpResponse::Ok().json(results))
}

/// A page of the challenges `viewer` may see that `query` finds, with facet
/// counts (the API and the web pages both come here).
pub async fn find_challenges(
    state: &AppState,
    viewer: Viewer,
    query: &ChallengeSearchQuery,
) -> Result<ChallengeSearchResults, ApiError> {
    let (page, parsed, filters) = query.checked()?;
    let sort = SearchSort::from(query.sort.unwrap_or_default());
    let search_viewer = viewer.clone();
    let hits = state
        .with_search_api(move |engine| {
            Ok(engine.search_challenges(
                &search_viewer.challenge_scope(),
                &filters,
                &parsed,
                HitPage {
                    sort,
                    offset: page.offset() as usize,
                    limit: page.size as usize,
                },
            )?)
        })
        .await?;
    let ids: Vec<Uuid> = hits.hits.iter().map(|(id, _)| *id).collect();
    let views = load_challenge_views(state, &viewer, ids).await?;
    let items = in_hit_order(hits.hits, views, |challenge, score| ChallengeHit {
        challenge,
        score,
    });
    Ok(ChallengeSearchResults {
        items,
        page: page.number,
        per_page: page.size,
        total: hits.total as i64,
        facets: hits.facets,
    })
}

/// Pairs each hit, in the index's order, with its view; a hit whose view
/// the database withheld is dropped.
pub fn in_hit_order<P, V, R>(
    hits: impl IntoIterator<Item = (Uuid, P)>,
    mut views: HashMap<Uuid, V>,
    make: impl Fn(V, P) -> R,
) -> Vec<R> {
    hits.into_iter()
        .filter_map(|(id, payload)| views.remove(&id).map(|view| make(view, payload)))
        .collect()
}

/// Loads challenges by id for `viewer`, skipping any the database says they
/// may not see (the index is never the last word on access).
pub async fn load_challenge_views(
    state: &AppState,
    viewer: &Viewer,
    ids: Vec<Uuid>,
) -> Result<HashMap<Uuid, ChallengeView>, ApiError> {
    let (rows, names) = state
        .with_connection_api(move |connection| {
            let rows = challenges::find_many(connection, &ids)?;
            let organisation_ids: Vec<Uuid> = rows.iter().map(|row| row.organisation_id).collect();
            let names = organisations::names_by_id(connection, &organisation_ids)?;
            Ok((rows, names))
        })
        .await?;
    Ok(rows
        .into_iter()
        .filter(|row| viewer.can_see_challenge(row.exposure()))
        .map(|row| {
            let name = names.get(&row.organisation_id).cloned().unwrap_or_default();
            let may_manage = viewer.can_manage_challenge(row.organisation_id);
            (row.id, ChallengeView::new(row, name, may_manage))
        })
        .collect())
}

/// Search parameters for start-ups.
#[derive(Debug, Deserialize, IntoParams)]
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

impl StartupSearchQuery {
    /// The page, the parsed `q` and the filters (within `within_provinces`
    /// when given), with `q`'s `field:value` filters folded in.
    pub fn checked(
        &self,
        within_provinces: Option<Vec<Province>>,
    ) -> Result<(Page, ParsedQuery, StartupFilters), ApiError> {
        let page = PageQuery::checked(self.page, self.per_page)?;
        let parsed = parse_search_text(self.q.as_deref())?;
        let mut filters = StartupFilters {
            technology: self.technology,
            province: self.province,
            within_provinces,
            trl_min: self.trl_min,
            trl_max: self.trl_max,
        };
        for (field, value) in &parsed.filters {
            match field.as_str() {
                "technology" => filters.technology = Some(filter_value(field, value)?),
                "province" => filters.province = Some(filter_value(field, value)?),
                "trl" => {
                    let level = trl_value(value)?;
                    filters.trl_min = Some(level);
                    filters.trl_max = Some(level);
                }
                _ => {
                    return Err(ApiError::invalid(
                        "q",
                        format!("start-ups cannot be filtered by {field}"),
                    ))
                }
            }
        }
        Ok((page, parsed, filters))
    }
}

/// A start-up found.
#[derive(Debug, Serialize, ToSchema)]
pub struct StartupHit {
    pub startup: StartupView,
    pub score: f32,
}

/// A page of start-ups found.
#[derive(Debug, Serialize, ToSchema)]
pub struct StartupSearchResults {
    pub items: Vec<StartupHit>,
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
    /// Counts per technology and province of all hits (no status for start-ups).
    pub facets: FacetCounts,
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
    let query = query.0;
    let member = &caller.member;
    let (within_provinces, names_visible) = match member.role {
        Role::Admin => (None, true),
        Role::Procurement => (None, false),
        Role::RomOfficer => (Some(member.rom_provinces()), true),
        Role::Startup => {
            return Err(ApiError::new(
                ErrorCode::Forbidden,
                "start-ups search challenges, not other start-ups",
            ))
        }
    };
    let (page, parsed, filters) = query.checked(within_provinces)?;
    let sort = SearchSort::from(query.sort.unwrap_or_default());
    let hits = state
        .with_search_api(move |engine| {
            Ok(engine.search_startups(
                &filters,
                &parsed,
                names_visible,
                HitPage {
                    sort,
                    offset: page.offset() as usize,
                    limit: page.size as usize,
                },
            )?)
        })
        .await?;
    let ids: Vec<Uuid> = hits.hits.iter().map(|(id, _)| *id).collect();
    let views = load_startup_views(&state, &caller.viewer(), ids).await?;
    let items = in_hit_order(hits.hits, views, |startup, score| StartupHit {
        startup,
        score,
    });
    Ok(HttpResponse::Ok().json(StartupSearchResults {
        items,
        page: page.number,
        per_page: page.size,
        total: hits.total as i64,
        facets: hits.facets,
    }))
}

/// Loads start-ups by id as `viewer` may see them: in full, as anonymous
/// cards, or (for a ROM officer outside their provinces) as cards too.
pub async fn load_startup_views(
    state: &AppState,
    viewer: &Viewer,
    ids: Vec<Uuid>,
) -> Result<HashMap<Uuid, StartupView>, ApiError> {
    let rows = state
        .with_connection_api(move |connection| Ok(startups::find_many(connection, &ids)?))
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let access = match viewer.startup_access(row.organisation_id, row.province) {
                // A ROM officer who looks beyond their provinces sees cards.
                StartupAccess::Hidden
                    if viewer.member().is_some_and(|m| m.role == Role::RomOfficer) =>
                {
                    StartupAccess::Anonymised
                }
                access => access,
            };
            let id = row.id;
            StartupView::for_access(row, access).map(|view| (id, view))
        })
        .collect())
}

//! Free-text search over challenges and start-ups, with filters, facet
//! counts and sorting. The index finds and ranks; PostgreSQL, the truth,
//! supplies what is shown, so a hit the caller may not see is dropped
//! even when the index still has it.

pub mod query_string;
mod view;

use std::collections::HashMap;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

pub use self::view::{ChallengeHit, ChallengeSearchResults, StartupHit, StartupSearchResults};
use super::page::{checked_page, Page};
use super::startups::CardIssuer;
use super::{challenges, startups, AppError, AppState};
use crate::domain::challenge::ChallengeStatus;
use crate::domain::policy::{Member, Viewer};
use crate::domain::readiness::Trl;
use crate::domain::region::Province;
use crate::domain::taxonomy::Technology;
use crate::domain::text::without_control_characters;
use crate::domain::text_enum::UnknownValue;
use crate::domain::{Rule, ValidationError};
use crate::search::filters::{ChallengeFilters, StartupFilters};
use crate::search::query::{parse_query, ParsedQuery};
use crate::search::text_search::{HitPage, SearchError, SearchHits, SearchSort};

/// How search results are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
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

/// What a search of challenges asks for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChallengeSearchFilter {
    /// Words (all must match), "quoted phrases", -excluded words, and
    /// `technology:`, `province:`, `status:`, `trl:` filters.
    pub text: Option<String>,
    pub technology: Option<Technology>,
    /// Challenges preferring this province, or national ones.
    pub province: Option<Province>,
    /// Any of these statuses; empty means any.
    pub statuses: Vec<ChallengeStatus>,
    /// Challenges whose TRL range holds this level.
    pub trl: Option<Trl>,
    pub closes_before: Option<DateTime<Utc>>,
    pub closes_after: Option<DateTime<Utc>>,
    pub organisation_id: Option<Uuid>,
    pub sort: SearchOrder,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// What a search of start-ups asks for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StartupSearchFilter {
    /// Words, "phrases", -excluded words, and `technology:`, `province:`,
    /// `trl:` filters.
    pub text: Option<String>,
    pub technology: Option<Technology>,
    pub province: Option<Province>,
    /// Solutions at this TRL or higher.
    pub trl_min: Option<Trl>,
    /// Solutions at this TRL or lower.
    pub trl_max: Option<Trl>,
    /// Relevance or newest; start-ups have no deadline.
    pub sort: SearchOrder,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// A page of the challenges `viewer` may see that `filter` finds, with facet counts.
pub async fn challenges(
    state: &AppState,
    viewer: &Viewer,
    filter: ChallengeSearchFilter,
) -> Result<ChallengeSearchResults, AppError> {
    let (page, parsed, filters) = filter.checked()?;
    let hit_page = hit_page(filter.sort, page);
    let scope = viewer.challenge_scope();
    let reader = viewer.clone();
    let (hits, views) = state
        .in_one_hop(move |work| {
            let hits = work
                .search
                .search_challenges(&scope, &filters, &parsed, hit_page)
                .map_err(search_failed)?;
            let ids: Vec<Uuid> = hits.hits.iter().map(|(id, _)| *id).collect();
            let views = challenges::views_by_id(&mut *work.connection()?, &reader, &ids)?;
            Ok((hits, views))
        })
        .await?;
    let SearchHits {
        hits,
        total,
        facets,
    } = hits;
    let items = in_hit_order(hits, views, |challenge, score| ChallengeHit {
        challenge,
        score,
    });
    Ok(ChallengeSearchResults {
        items,
        page: page.number,
        per_page: page.size,
        total: i64::try_from(total).unwrap_or(i64::MAX),
        facets,
    })
}

/// A page of the start-ups `filter` finds, as `member` may search them:
/// admins all, ROM officers those of their provinces, procurement officers
/// anonymous cards (names are not searched for them). Start-ups search
/// challenges, not each other.
pub async fn startups(
    state: &AppState,
    member: &Member,
    filter: StartupSearchFilter,
) -> Result<StartupSearchResults, AppError> {
    let scope = member.may_search_startups()?;
    let (page, parsed, filters) = filter.checked(scope.within_provinces)?;
    let hit_page = hit_page(filter.sort, page);
    let names_visible = scope.names_visible;
    let viewer = Viewer::Member(member.clone());
    let cards = CardIssuer::for_answer(&state.card_handles, &viewer);
    let (hits, views) = state
        .in_one_hop(move |work| {
            let hits = work
                .search
                .search_startups(&filters, &parsed, names_visible, hit_page)
                .map_err(search_failed)?;
            let ids: Vec<Uuid> = hits.hits.iter().map(|(id, _)| *id).collect();
            let views = startups::views_by_id(&mut *work.connection()?, &viewer, &cards, &ids)?;
            Ok((hits, views))
        })
        .await?;
    let SearchHits {
        hits,
        total,
        facets,
    } = hits;
    let items = in_hit_order(hits, views, |startup, score| StartupHit { startup, score });
    Ok(StartupSearchResults {
        items,
        page: page.number,
        per_page: page.size,
        total: i64::try_from(total).unwrap_or(i64::MAX),
        facets,
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

impl ChallengeSearchFilter {
    /// The page, the parsed text and the index filters, with the text's
    /// `field:value` filters folded in; every value checked.
    pub fn checked(&self) -> Result<(Page, ParsedQuery, ChallengeFilters), AppError> {
        let page = checked_page(self.page, self.per_page)?;
        let parsed = parsed_text(self.text.as_deref())?;
        let mut filters = ChallengeFilters {
            technology: self.technology,
            province: self.province,
            statuses: self.statuses.clone(),
            trl: self.trl,
            closes_before: self.closes_before,
            closes_after: self.closes_after,
            organisation_id: self.organisation_id,
        };
        for (field, value) in &parsed.filters {
            match field.as_str() {
                "technology" => filters.technology = Some(choice_in_text(field, value)?),
                "province" => filters.province = Some(choice_in_text(field, value)?),
                "status" => filters.statuses.push(choice_in_text(field, value)?),
                "trl" => filters.trl = Some(trl_in_text(value)?),
                _ => {}
            }
        }
        Ok((page, parsed, filters))
    }
}

impl StartupSearchFilter {
    /// The page, the parsed text and the index filters (within
    /// `within_provinces` when given), with the text's `field:value`
    /// filters folded in; every value checked.
    pub fn checked(
        &self,
        within_provinces: Option<Vec<Province>>,
    ) -> Result<(Page, ParsedQuery, StartupFilters), AppError> {
        let page = checked_page(self.page, self.per_page)?;
        let parsed = parsed_text(self.text.as_deref())?;
        let mut filters = StartupFilters {
            technology: self.technology,
            province: self.province,
            within_provinces,
            trl_min: self.trl_min,
            trl_max: self.trl_max,
        };
        for (field, value) in &parsed.filters {
            match field.as_str() {
                "technology" => filters.technology = Some(choice_in_text(field, value)?),
                "province" => filters.province = Some(choice_in_text(field, value)?),
                "trl" => {
                    let level = trl_in_text(value)?;
                    filters.trl_min = Some(level);
                    filters.trl_max = Some(level);
                }
                _ => return Err(AppError::invalid("q", Rule::FilterNotAllowed)),
            }
        }
        Ok((page, parsed, filters))
    }
}

/// The search text, parsed; control characters count as spaces.
fn parsed_text(text: Option<&str>) -> Result<ParsedQuery, AppError> {
    let cleaned = without_control_characters(text.unwrap_or_default());
    parse_query(&cleaned).map_err(|error| {
        AppError::invalid(
            "q",
            Rule::Malformed {
                detail: error.to_string(),
            },
        )
    })
}

/// A `field:value` filter in the search text that names a member of a closed set.
fn choice_in_text<T: FromStr<Err = UnknownValue>>(field: &str, value: &str) -> Result<T, AppError> {
    value.parse::<T>().map_err(|error| {
        ValidationError::new(
            "q",
            Rule::Malformed {
                detail: format!("{field}: must be one of: {}", error.expected),
            },
        )
        .into()
    })
}

/// A `trl:` filter in the search text.
fn trl_in_text(value: &str) -> Result<Trl, AppError> {
    value
        .parse::<i64>()
        .ok()
        .and_then(|level| Trl::try_from(level).ok())
        .ok_or_else(|| {
            AppError::invalid(
                "q",
                Rule::Malformed {
                    detail: "trl: must be a whole number between 1 and 9".to_owned(),
                },
            )
        })
}

fn hit_page(order: SearchOrder, page: Page) -> HitPage {
    HitPage {
        sort: match order {
            SearchOrder::Relevance => SearchSort::Relevance,
            SearchOrder::Deadline => SearchSort::Deadline,
            SearchOrder::Newest => SearchSort::Newest,
        },
        offset: usize::try_from(page.offset()).unwrap_or(usize::MAX),
        limit: usize::try_from(page.size).unwrap_or(0),
    }
}

fn search_failed(error: SearchError) -> AppError {
    match error {
        SearchError::BadQuery(detail) => AppError::invalid("q", Rule::Malformed { detail }),
        SearchError::Internal(error) => AppError::internal(format!("search failed: {error:#}")),
    }
}

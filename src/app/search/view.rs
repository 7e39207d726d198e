//! Search results as a reader sees them: hits in the index's order, with
//! the facet counts of all hits.

use serde::Serialize;
use utoipa::ToSchema;

use crate::app::challenges::ChallengeView;
use crate::app::startups::StartupView;
use crate::search::text_search::FacetCounts;

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

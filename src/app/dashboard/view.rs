//! The region dashboard as a broker reads it.

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::region::{Province, Rom};
use crate::domain::taxonomy::Technology;

/// How far introductions got.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConversionView {
    /// Introductions started (proposed, requested or invited).
    pub started: i64,
    pub introduced: i64,
    pub meeting_held: i64,
    pub pilot_or_contract: i64,
    /// Shares of `started`; null when nothing started.
    pub introduced_rate: Option<f64>,
    pub meeting_rate: Option<f64>,
    pub pilot_or_contract_rate: Option<f64>,
}

/// Median days between the steps, among the introductions that took them.
#[derive(Debug, Serialize, ToSchema)]
pub struct MedianDays {
    pub start_to_introduction: Option<f64>,
    pub introduction_to_meeting: Option<f64>,
    pub meeting_to_outcome: Option<f64>,
}

/// Introductions of one technology.
#[derive(Debug, Serialize, ToSchema)]
pub struct TechnologyCount {
    pub technology: String,
    pub introductions: i64,
}

/// The best open challenge for a start-up.
#[derive(Debug, Serialize, ToSchema)]
pub struct BestMatch {
    pub challenge_id: Uuid,
    pub title: String,
    /// The match's fit, 0 to 100 (docs/matching.md, "The fit").
    pub fit: u8,
    /// The raw score the best match was chosen by.
    pub score: f32,
    /// Whether the caller may propose the pair now (the rule of
    /// `POST /introductions`: e.g. not while the start-up's address is
    /// unconfirmed).
    pub may_propose: bool,
}

/// A start-up of the region that never had an introduction.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnintroducedStartup {
    pub startup_id: Uuid,
    pub name: String,
    pub province: Option<Province>,
    pub technologies: Vec<Technology>,
    /// Null when no open challenge it may see matches it.
    pub best_match: Option<BestMatch>,
}

/// The ROM dashboard.
#[derive(Debug, Serialize, ToSchema)]
pub struct DashboardView {
    /// The ROM whose provinces are covered; null for the whole country.
    pub rom: Option<Rom>,
    pub provinces: Vec<Province>,
    /// Introductions per state; every state is listed.
    pub by_state: BTreeMap<String, i64>,
    pub by_technology: Vec<TechnologyCount>,
    pub conversion: ConversionView,
    pub median_days: MedianDays,
    /// Start-ups without any introduction, best match first.
    pub startups_without_introduction: Vec<UnintroducedStartup>,
    /// How many start-ups of the region have no introduction at all.
    pub startups_without_introduction_total: i64,
}

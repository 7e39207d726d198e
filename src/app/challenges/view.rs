//! A challenge as a reader sees it.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::challenges::ChallengeRow;
use crate::domain::challenge::ChallengeStatus;
use crate::domain::readiness::Trl;
use crate::domain::region::Province;
use crate::domain::security::Visibility;
use crate::domain::taxonomy::Technology;

/// A challenge.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChallengeView {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub desired_outcome: String,
    pub technologies: Vec<Technology>,
    pub keywords: Vec<String>,
    /// Empty means national.
    pub preferred_provinces: Vec<Province>,
    pub trl_min: Trl,
    pub trl_max: Trl,
    pub budget_min_eur: Option<i64>,
    pub budget_max_eur: Option<i64>,
    pub pre_release_at: Option<DateTime<Utc>>,
    pub opens_at: Option<DateTime<Utc>>,
    /// The deadline; null for a rolling call.
    pub closes_at: Option<DateTime<Utc>>,
    pub visibility: Visibility,
    pub abdo_required: bool,
    pub status: ChallengeStatus,
    /// Statuses the caller may move it to now (empty unless they manage it).
    pub allowed_transitions: Vec<ChallengeStatus>,
    /// Technology codes suggested from the text, when the challenge has none yet.
    pub suggested_technologies: Vec<Technology>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl ChallengeView {
    /// The view of `row`; `may_manage` says whether to list the transitions.
    pub fn new(row: ChallengeRow, organisation_name: String, may_manage: bool) -> Self {
        let allowed_transitions = if may_manage {
            row.status.allowed_next().to_vec()
        } else {
            Vec::new()
        };
        let suggested_technologies = if row.technologies.is_empty() {
            crate::search::analysis::suggest_technologies(&format!(
                "{} {} {} {}",
                row.title,
                row.summary,
                row.description,
                row.keywords.join(" ")
            ))
        } else {
            Vec::new()
        };
        ChallengeView {
            id: row.id,
            suggested_technologies,
            organisation_id: row.organisation_id,
            organisation_name,
            title: row.title,
            summary: row.summary,
            description: row.description,
            desired_outcome: row.desired_outcome,
            technologies: row.technologies,
            keywords: row.keywords,
            preferred_provinces: row.preferred_provinces,
            trl_min: row.trl_min,
            trl_max: row.trl_max,
            budget_min_eur: row.budget_min_eur,
            budget_max_eur: row.budget_max_eur,
            pre_release_at: row.pre_release_at,
            opens_at: row.opens_at,
            closes_at: row.closes_at,
            visibility: row.visibility,
            abdo_required: row.abdo_required,
            status: row.status,
            allowed_transitions,
            created_at: row.created_at,
            updated_at: row.updated_at,
            version: row.version,
        }
    }
}

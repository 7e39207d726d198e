//! A challenge: a defence need posted by a defence organisation, and the
//! lifecycle it follows from draft to award.
//!
//! The rules of its dates live in `schedule`, the partial update (merge
//! PATCH) and its helpers in `patch`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::number;
use super::readiness::{Trl, TrlRange};
use super::region::Province;
use super::security::Visibility;
use super::taxonomy::Technology;
use super::text::{bounded_text, keywords, unique};
use super::{Rule, ValidationError};
use crate::text_enum;

mod patch;
mod schedule;

pub use patch::{not_null, present_or_null, replace, ChallengePatch};
use schedule::validate_schedule;
pub use schedule::Schedule;

text_enum! {
    /// Where a challenge is in its life.
    pub enum ChallengeStatus {
        /// Being written; only its own organisation sees it.
        Draft => "draft",
        /// Announced (pre-release): readable, not yet accepting interest.
        Published => "published",
        /// Accepting interest until the deadline.
        Open => "open",
        /// Past the deadline; can only be awarded or withdrawn.
        Closed => "closed",
        /// Awarded to one or more start-ups. Final.
        Awarded => "awarded",
        /// Withdrawn by its organisation. Final.
        Withdrawn => "withdrawn",
    }
}

impl ChallengeStatus {
    /// The statuses a challenge may move to from this one.
    pub fn allowed_next(self) -> &'static [ChallengeStatus] {
        use ChallengeStatus::*;
        match self {
            Draft => &[Published, Open],
            Published => &[Open, Withdrawn],
            Open => &[Closed, Withdrawn],
            Closed => &[Awarded, Withdrawn],
            Awarded | Withdrawn => &[],
        }
    }

    /// Whether the move from this status to `next` is allowed.
    pub fn can_move_to(self, next: ChallengeStatus) -> bool {
        self.allowed_next().contains(&next)
    }

    /// Whether the content (title, text, dates…) may still be edited.
    pub fn content_is_editable(self) -> bool {
        matches!(
            self,
            ChallengeStatus::Draft | ChallengeStatus::Published | ChallengeStatus::Open
        )
    }

    /// Whether people outside the owning organisation may see it at all.
    pub fn is_visible_outside_owner(self) -> bool {
        self != ChallengeStatus::Draft
    }
}

/// A budget range in whole euros.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BudgetRange {
    pub min_eur: i64,
    pub max_eur: i64,
}

/// Everything a procurement officer writes about a challenge, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct ChallengeContent {
    pub title: String,
    pub summary: String,
    pub description: String,
    pub desired_outcome: String,
    pub technologies: Vec<Technology>,
    pub keywords: Vec<String>,
    /// Empty means national: no preference.
    pub preferred_provinces: Vec<Province>,
    pub trl_range: TrlRange,
    pub budget: Option<BudgetRange>,
    pub schedule: Schedule,
    pub visibility: Visibility,
    pub abdo_required: bool,
}

/// Most technology codes one challenge or profile may carry.
pub const MAX_TECHNOLOGIES: usize = 15;

/// Largest budget that is accepted (10 billion euro), to catch typos.
pub const MAX_BUDGET_EUR: i64 = 10_000_000_000;

/// A challenge as a client sends it, before validation.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChallengeInput {
    /// Short title, 3 to 300 characters.
    #[schema(pattern = r"[^\s\x00-\x1f\x7f-\x9f]", min_length = 3, max_length = 300)]
    pub title: String,
    /// One or two paragraphs, up to 2,000 characters.
    #[schema(
        pattern = r"[^\s\x00-\x1f\x7f-\x9f]",
        min_length = 1,
        max_length = 2000
    )]
    pub summary: String,
    /// The full problem description, up to 100,000 characters.
    #[schema(
        pattern = r"[^\s\x00-\x1f\x7f-\x9f]",
        min_length = 1,
        max_length = 100000
    )]
    pub description: String,
    /// What a successful solution delivers.
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub desired_outcome: String,
    #[serde(default)]
    #[schema(max_items = 15)]
    pub technologies: Vec<Technology>,
    #[serde(default)]
    #[schema(max_items = 200)]
    pub keywords: Vec<String>,
    /// Provinces the challenge prefers solutions from; empty means national.
    #[serde(default)]
    pub preferred_provinces: Vec<Province>,
    pub trl_min: Trl,
    pub trl_max: Trl,
    #[serde(default, deserialize_with = "number::optional")]
    #[schema(minimum = 0, maximum = 10_000_000_000_i64)]
    pub budget_min_eur: Option<i64>,
    #[serde(default, deserialize_with = "number::optional")]
    #[schema(minimum = 0, maximum = 10_000_000_000_i64)]
    pub budget_max_eur: Option<i64>,
    /// When the challenge is announced (pre-release), RFC 3339 with offset.
    #[serde(default)]
    pub pre_release_at: Option<DateTime<Utc>>,
    /// When it starts accepting interest.
    #[serde(default)]
    pub opens_at: Option<DateTime<Utc>>,
    /// The closing deadline; absent for a rolling call.
    #[serde(default)]
    pub closes_at: Option<DateTime<Utc>>,
    pub visibility: Visibility,
    #[serde(default)]
    pub abdo_required: bool,
}

impl ChallengeInput {
    /// The name of every field, as the wire and an import file write them.
    pub const FIELDS: [&'static str; 16] = [
        "title",
        "summary",
        "description",
        "desired_outcome",
        "technologies",
        "keywords",
        "preferred_provinces",
        "trl_min",
        "trl_max",
        "budget_min_eur",
        "budget_max_eur",
        "pre_release_at",
        "opens_at",
        "closes_at",
        "visibility",
        "abdo_required",
    ];

    /// Checks every rule and builds the validated content.
    pub fn validate(&self) -> Result<ChallengeContent, ValidationError> {
        let title = bounded_text("title", &self.title, 3, 300)?;
        let summary = bounded_text("summary", &self.summary, 1, 2000)?;
        let description = bounded_text("description", &self.description, 1, 100_000)?;
        let desired_outcome = bounded_text("desired_outcome", &self.desired_outcome, 0, 5000)?;
        if self.technologies.len() > MAX_TECHNOLOGIES {
            return Err(ValidationError::new(
                "technologies",
                Rule::TooManyTechnologies {
                    max: MAX_TECHNOLOGIES,
                },
            ));
        }
        let technologies = unique(&self.technologies);
        let keywords = keywords("keywords", &self.keywords)?;
        let preferred_provinces = unique(&self.preferred_provinces);
        let trl_range = TrlRange::new(self.trl_min, self.trl_max)
            .map_err(|rule| ValidationError::new("trl_min", rule))?;
        let budget = validate_budget(self.budget_min_eur, self.budget_max_eur)?;
        let schedule = Schedule {
            pre_release_at: self.pre_release_at,
            opens_at: self.opens_at,
            closes_at: self.closes_at,
        };
        validate_schedule(&schedule)?;
        Ok(ChallengeContent {
            title,
            summary,
            description,
            desired_outcome,
            technologies,
            keywords,
            preferred_provinces,
            trl_range,
            budget,
            schedule,
            visibility: self.visibility,
            abdo_required: self.abdo_required,
        })
    }
}

fn validate_budget(
    min_eur: Option<i64>,
    max_eur: Option<i64>,
) -> Result<Option<BudgetRange>, ValidationError> {
    let (min_eur, max_eur) = match (min_eur, max_eur) {
        (None, None) => return Ok(None),
        (Some(min), Some(max)) => (min, max),
        (Some(_), None) => {
            return Err(ValidationError::new(
                "budget_max_eur",
                Rule::BudgetIncomplete,
            ))
        }
        (None, Some(_)) => {
            return Err(ValidationError::new(
                "budget_min_eur",
                Rule::BudgetIncomplete,
            ))
        }
    };
    for (field, amount) in [("budget_min_eur", min_eur), ("budget_max_eur", max_eur)] {
        if !(0..=MAX_BUDGET_EUR).contains(&amount) {
            return Err(ValidationError::new(
                field,
                Rule::BudgetOutOfRange {
                    max: MAX_BUDGET_EUR,
                },
            ));
        }
    }
    if min_eur > max_eur {
        return Err(ValidationError::new("budget_min_eur", Rule::BudgetInverted));
    }
    Ok(Some(BudgetRange { min_eur, max_eur }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_names_every_field_of_the_input() {
        let written = serde_json::to_value(input()).unwrap();
        let mut names: Vec<&str> = written
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut fields = ChallengeInput::FIELDS.to_vec();
        names.sort_unstable();
        fields.sort_unstable();
        assert_eq!(names, fields);
    }

    pub(super) fn input() -> ChallengeInput {
        serde_json::from_value(serde_json::json!({
            "title": "Counter-drone detection",
            "summary": "Detect small drones near airbases.",
            "description": "Long text",
            "trl_min": 4,
            "trl_max": 7,
            "visibility": "public",
        }))
        .unwrap()
    }

    #[test]
    fn the_lifecycle_only_moves_forward() {
        use ChallengeStatus::*;
        assert!(Draft.can_move_to(Open));
        assert!(Open.can_move_to(Closed));
        assert!(Closed.can_move_to(Awarded));
        assert!(!Closed.can_move_to(Open));
        assert!(!Awarded.can_move_to(Withdrawn));
        assert!(!Draft.can_move_to(Awarded));
        assert!(!Closed.content_is_editable());
        assert!(Open.content_is_editable());
    }

    #[test]
    fn an_inverted_trl_range_is_refused() {
        let mut bad = input();
        bad.trl_min = Trl::try_from(8).unwrap();
        assert_eq!(bad.validate().unwrap_err().field, "trl_min");
    }

    #[test]
    fn a_half_budget_is_refused() {
        let mut bad = input();
        bad.budget_min_eur = Some(10);
        assert_eq!(bad.validate().unwrap_err().field, "budget_max_eur");
    }
}

//! A challenge: a defence need posted by a defence organisation, and the
//! lifecycle it follows from draft to award.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

use super::number;
use super::readiness::{Trl, TrlRange};
use super::region::Province;
use super::security::Visibility;
use super::taxonomy::Technology;
use super::text::{bounded_text, keywords, unique};
use super::{Rule, ValidationError};
use crate::text_enum;

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

/// The dates of a challenge. Without a closing date the call is rolling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub pre_release_at: Option<DateTime<Utc>>,
    pub opens_at: Option<DateTime<Utc>>,
    pub closes_at: Option<DateTime<Utc>>,
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

fn validate_schedule(schedule: &Schedule) -> Result<(), ValidationError> {
    if let (Some(pre_release), Some(opens)) = (schedule.pre_release_at, schedule.opens_at) {
        if pre_release > opens {
            return Err(ValidationError::new(
                "pre_release_at",
                Rule::PreReleaseAfterOpening,
            ));
        }
    }
    if let (Some(opens), Some(closes)) = (schedule.opens_at, schedule.closes_at) {
        if closes <= opens {
            return Err(ValidationError::new(
                "closes_at",
                Rule::DeadlineNotAfterOpening,
            ));
        }
    }
    if let (Some(pre_release), Some(closes)) = (schedule.pre_release_at, schedule.closes_at) {
        if closes <= pre_release {
            return Err(ValidationError::new(
                "closes_at",
                Rule::DeadlineNotAfterPreRelease,
            ));
        }
    }
    Ok(())
}

impl ChallengeContent {
    /// Refuses a deadline that has already passed; used when a person writes
    /// the challenge, not when history is imported.
    pub fn check_deadline_ahead(&self, now: DateTime<Utc>) -> Result<(), ValidationError> {
        match self.schedule.closes_at {
            Some(closes) if closes <= now => {
                Err(ValidationError::new("closes_at", Rule::DeadlinePassed))
            }
            _ => Ok(()),
        }
    }

    /// Checks that the schedule allows a move to `next` at `now`.
    pub fn check_schedule_allows(
        &self,
        next: ChallengeStatus,
        now: DateTime<Utc>,
    ) -> Result<(), ValidationError> {
        match next {
            ChallengeStatus::Published if self.schedule.opens_at.is_none() => Err(
                ValidationError::new("opens_at", Rule::PreReleaseNeedsOpening),
            ),
            ChallengeStatus::Open if self.schedule.opens_at.is_some_and(|opens| opens > now) => {
                Err(ValidationError::new("opens_at", Rule::OpeningStillAhead))
            }
            ChallengeStatus::Published | ChallengeStatus::Open => self.check_deadline_ahead(now),
            _ => Ok(()),
        }
    }
}

impl From<&ChallengeContent> for ChallengeInput {
    fn from(content: &ChallengeContent) -> Self {
        ChallengeInput {
            title: content.title.clone(),
            summary: content.summary.clone(),
            description: content.description.clone(),
            desired_outcome: content.desired_outcome.clone(),
            technologies: content.technologies.clone(),
            keywords: content.keywords.clone(),
            preferred_provinces: content.preferred_provinces.clone(),
            trl_min: content.trl_range.min(),
            trl_max: content.trl_range.max(),
            budget_min_eur: content.budget.map(|budget| budget.min_eur),
            budget_max_eur: content.budget.map(|budget| budget.max_eur),
            pre_release_at: content.schedule.pre_release_at,
            opens_at: content.schedule.opens_at,
            closes_at: content.schedule.closes_at,
            visibility: content.visibility,
            abdo_required: content.abdo_required,
        }
    }
}

/// A partial update: absent fields stay as they are; `null` clears a field
/// that may be empty.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChallengePatch {
    #[schema(min_length = 3, max_length = 300)]
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub title: Option<String>,
    #[schema(min_length = 1, max_length = 2000)]
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub summary: Option<String>,
    #[schema(min_length = 1, max_length = 100000)]
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub description: Option<String>,
    #[schema(max_length = 5000)]
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub desired_outcome: Option<String>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub technologies: Option<Vec<Technology>>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub keywords: Option<Vec<String>>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub preferred_provinces: Option<Vec<Province>>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub trl_min: Option<Trl>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub trl_max: Option<Trl>,
    #[serde(default, deserialize_with = "number::present_or_null")]
    #[schema(value_type = Option<i64>, minimum = 0, maximum = 10_000_000_000_i64)]
    pub budget_min_eur: Option<Option<i64>>,
    #[serde(default, deserialize_with = "number::present_or_null")]
    #[schema(value_type = Option<i64>, minimum = 0, maximum = 10_000_000_000_i64)]
    pub budget_max_eur: Option<Option<i64>>,
    #[serde(default, deserialize_with = "present_or_null")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub pre_release_at: Option<Option<DateTime<Utc>>>,
    #[serde(default, deserialize_with = "present_or_null")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub opens_at: Option<Option<DateTime<Utc>>>,
    #[serde(default, deserialize_with = "present_or_null")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub closes_at: Option<Option<DateTime<Utc>>>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub visibility: Option<Visibility>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub abdo_required: Option<bool>,
}

impl ChallengePatch {
    /// The input that results from applying this patch to `current`.
    pub fn apply(self, current: &ChallengeContent) -> ChallengeInput {
        let mut input = ChallengeInput::from(current);
        replace(&mut input.title, self.title);
        replace(&mut input.summary, self.summary);
        replace(&mut input.description, self.description);
        replace(&mut input.desired_outcome, self.desired_outcome);
        replace(&mut input.technologies, self.technologies);
        replace(&mut input.keywords, self.keywords);
        replace(&mut input.preferred_provinces, self.preferred_provinces);
        replace(&mut input.trl_min, self.trl_min);
        replace(&mut input.trl_max, self.trl_max);
        replace(&mut input.budget_min_eur, self.budget_min_eur);
        replace(&mut input.budget_max_eur, self.budget_max_eur);
        replace(&mut input.pre_release_at, self.pre_release_at);
        replace(&mut input.opens_at, self.opens_at);
        replace(&mut input.closes_at, self.closes_at);
        replace(&mut input.visibility, self.visibility);
        replace(&mut input.abdo_required, self.abdo_required);
        input
    }
}

/// Overwrites `slot` when the patch carried a value for it.
pub fn replace<T>(slot: &mut T, patched: Option<T>) {
    if let Some(value) = patched {
        *slot = value;
    }
}

/// For a field that may be absent but not `null`: `null` is refused with the
/// field's own type error instead of being read as "keep".
pub fn not_null<'de, T, D>(deserializer: D) -> Result<Option<T>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    T::deserialize(deserializer).map(Some)
}

/// Tells an explicit `null` (`Some(None)`) from an absent field (`None`).
pub fn present_or_null<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

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

    fn input() -> ChallengeInput {
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
    fn a_deadline_before_the_opening_is_refused() {
        let now = Utc::now();
        let mut bad = input();
        bad.opens_at = Some(now);
        bad.closes_at = Some(now - Duration::days(1));
        assert_eq!(bad.validate().unwrap_err().field, "closes_at");
    }

    #[test]
    fn a_half_budget_is_refused() {
        let mut bad = input();
        bad.budget_min_eur = Some(10);
        assert_eq!(bad.validate().unwrap_err().field, "budget_max_eur");
    }

    #[test]
    fn a_patch_keeps_what_it_does_not_name_and_clears_nulls() {
        let mut original = input();
        original.budget_min_eur = Some(1);
        original.budget_max_eur = Some(2);
        let content = original.validate().unwrap();
        let patch: ChallengePatch = serde_json::from_value(serde_json::json!({
            "title": "New title",
            "budget_min_eur": null,
            "budget_max_eur": null,
        }))
        .unwrap();
        let patched = patch.apply(&content).validate().unwrap();
        assert_eq!(patched.title, "New title");
        assert_eq!(patched.summary, content.summary);
        assert_eq!(patched.budget, None);
    }
}

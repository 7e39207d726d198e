//! A partial update of a challenge (merge PATCH), and the helpers that
//! read one.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};
use utoipa::ToSchema;

use super::{ChallengeContent, ChallengeInput};
use crate::domain::number;
use crate::domain::readiness::Trl;
use crate::domain::region::Province;
use crate::domain::security::Visibility;
use crate::domain::taxonomy::Technology;

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
    use super::super::tests::input;
    use super::*;

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

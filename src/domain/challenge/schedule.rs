//! The dates of a challenge, and what they allow.

use chrono::{DateTime, Utc};

use super::{ChallengeContent, ChallengeStatus};
use crate::domain::{instant, Rule, ValidationError};

/// The dates of a challenge. Without a closing date the call is rolling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub pre_release_at: Option<DateTime<Utc>>,
    pub opens_at: Option<DateTime<Utc>>,
    pub closes_at: Option<DateTime<Utc>>,
}

/// Refuses dates out of order: a pre-release after the opening, or a
/// deadline not after the opening or the pre-release.
pub(super) fn validate_schedule(schedule: &Schedule) -> Result<(), ValidationError> {
    for (field, at) in schedule.dated_fields() {
        instant::check_in_range(field, at)?;
    }
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

impl Schedule {
    /// Each date with the name of its field.
    fn dated_fields(&self) -> [(&'static str, Option<DateTime<Utc>>); 3] {
        [
            ("pre_release_at", self.pre_release_at),
            ("opens_at", self.opens_at),
            ("closes_at", self.closes_at),
        ]
    }
}

impl ChallengeContent {
    /// Refuses a deadline that has already passed, and any date more than
    /// `instant::MAX_YEARS_AHEAD` years ahead; used when a person writes
    /// the challenge, not when history is imported.
    pub fn check_deadline_ahead(&self, now: DateTime<Utc>) -> Result<(), ValidationError> {
        for (field, at) in self.schedule.dated_fields() {
            instant::check_not_too_far_ahead(field, at, now)?;
        }
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

#[cfg(test)]
mod tests {
    use super::super::tests::input;
    use super::*;
    use chrono::Duration;

    #[test]
    fn a_deadline_before_the_opening_is_refused() {
        let now = Utc::now();
        let mut bad = input();
        bad.opens_at = Some(now);
        bad.closes_at = Some(now - Duration::days(1));
        assert_eq!(bad.validate().unwrap_err().field, "closes_at");
    }
}

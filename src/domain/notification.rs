//! What users are notified of, and when a match is worth a notification.

use crate::text_enum;

text_enum! {
    /// A kind of notification; each can be switched off per user.
    pub enum NotificationKind {
        /// A published or opened challenge matches the user's start-up.
        ChallengeMatch => "challenge_match",
        /// A new or substantially changed start-up matches the user's challenge.
        StartupMatch => "startup_match",
        /// A published or opened challenge matches start-ups of the ROM officer's provinces.
        RegionMatch => "region_match",
        /// A challenge the start-up matches or has an introduction on closes in 7 days or 1 day.
        DeadlineReminder => "deadline_reminder",
        /// A question on a challenge was answered.
        QuestionAnswered => "question_answered",
        /// A saved search that sends a daily digest found new challenges.
        SavedSearchDigest => "saved_search_digest",
    }
}

text_enum! {
    /// What a notification is about.
    pub enum NotificationSubject {
        Challenge => "challenge",
        Startup => "startup",
    }
}

text_enum! {
    /// How often a saved search mails what it newly finds.
    #[derive(Default)]
    pub enum DigestFrequency {
        /// Never: the search is run by hand only.
        #[default]
        Never => "never",
        /// At most once a day, the challenges new since the last digest.
        Daily => "daily",
    }
}

text_enum! {
    /// What a saved search searches.
    pub enum SearchTarget {
        Challenges => "challenges",
        Startups => "startups",
    }
}

/// The smallest content part of a match (its text and technology parts,
/// 0 to 1.1) that alerts. Region and TRL order the alerts but do not
/// trigger them: a national challenge adds 0.2 for every Dutch start-up.
///
/// Calibrated on `sbir-dev` (docs/brokering.md, "The threshold"): 0.75
/// keeps three quarters of the relevant pairs of the top 10 in both
/// directions while halving the alerts.
pub const ALERT_MIN_CONTENT_SCORE: f32 = 0.75;

/// The same for start-ups matched to a challenge while the semantic view
/// is in use (`search::semantic`). Its share of the text part lifts the
/// scores of the whole top 10 (the meanings of the best candidates lie
/// close together), so 0.75 would alert nearly all of it. Calibrated the
/// same way (docs/brokering.md): 0.86 alerts about half of the top 10 and
/// keeps about three quarters of the relevant pairs.
pub const ALERT_MIN_CONTENT_SCORE_WITH_MEANING: f32 = 0.86;

/// At most this many start-ups are alerted per challenge (and challenges
/// per start-up), best first, so that a broad challenge does not flood.
pub const ALERT_MAX_MATCHES: usize = 25;

/// Days before the deadline at which reminders go out.
pub const REMINDER_DAYS: [i64; 2] = [7, 1];

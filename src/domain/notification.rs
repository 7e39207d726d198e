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
    /// What a saved search searches.
    pub enum SearchTarget {
        Challenges => "challenges",
        Startups => "startups",
    }
}

/// The smallest match score (0 to 1.4, see docs/matching.md) that alerts.
///
/// Text is divided by the best candidate's, so the best match of every
/// challenge has a text part of 1; the threshold therefore mainly asks for
/// text close to the best plus some technology, region or TRL fit.
/// Provisional: see docs/brokering.md, "Alerts", for how it was chosen.
pub const ALERT_MIN_SCORE: f32 = 0.9;

/// At most this many start-ups are alerted per challenge (and challenges
/// per start-up), best first, so that a broad challenge does not flood.
pub const ALERT_MAX_MATCHES: usize = 25;

/// Days before the deadline at which reminders go out.
pub const REMINDER_DAYS: [i64; 2] = [7, 1];

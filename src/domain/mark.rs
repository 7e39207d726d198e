//! Marks a party puts on its matches to steer their ranking.

use crate::text_enum;

text_enum! {
    /// What a party thinks of one of its matches.
    pub enum Mark {
        /// More like this: the ranking moves toward it.
        Interesting => "interesting",
        /// Never show it again: it leaves the list, and the ranking moves away from it.
        NotRelevant => "not_relevant",
    }
}

text_enum! {
    /// Which matches a mark is on: a start-up's challenges or a challenge's start-ups.
    pub enum MarkDirection {
        StartupToChallenge => "startup_to_challenge",
        ChallengeToStartup => "challenge_to_startup",
    }
}

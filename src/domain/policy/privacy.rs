//! Who may do what with personal data and feeds of their own account.

use super::{Member, Refusal};
use crate::domain::account::Role;

impl Member {
    /// A start-up account may keep a calendar feed of the deadlines of the
    /// challenges it follows; other roles follow no challenges.
    pub fn may_have_calendar_feed(&self) -> Result<(), Refusal> {
        match self.role {
            Role::Startup => Ok(()),
            _ => Err(Refusal::CalendarForStartups),
        }
    }

    /// Whether an export of this member's data may name the start-ups of
    /// notifications: procurement sees start-ups as anonymous cards, so the
    /// export keeps them as anonymous as the app does.
    pub fn may_learn_startup_ids_from_notifications(&self) -> bool {
        self.role != Role::Procurement
    }
}

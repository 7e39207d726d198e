//! Who holds an access token, remembered for a moment, so that a read does
//! not ask the database on every request.
//!
//! An entry is the answer of one database check of a session (live,
//! account enabled, role and vetting as they were). It is used only while
//! both hold:
//! - it is younger than the cache's time to live ([`PRINCIPAL_TTL`]);
//! - no write has finished on this server since the check began: every
//!   request that may change an account or a session (any request but an
//!   API read) moves the cache's generation on when it ends, and an entry
//!   of an older generation is never used.
//!
//! So a logout, a password reset, an erasure, a disabled account or a
//! changed role through this server takes effect for the very next
//! request. A change made elsewhere (another replica, the command line, the
//! database directly) takes effect here within [`PRINCIPAL_TTL`].

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rustc_hash::FxHashMap;
use uuid::Uuid;

/// How long a check of a session is trusted without asking again: the
/// longest a change made outside this server goes unseen here.
pub const PRINCIPAL_TTL: Duration = Duration::from_secs(1);

/// Sessions remembered at most; beyond it the cache starts afresh (a
/// flood of distinct tokens costs database reads, not memory).
const CAPACITY: usize = 4096;

/// The principals of recently checked sessions, by session id.
pub struct PrincipalCache<T> {
    generation: AtomicU64,
    entries: Mutex<FxHashMap<Uuid, Entry<T>>>,
    ttl: Duration,
}

struct Entry<T> {
    user_id: Uuid,
    generation: u64,
    checked_at: Instant,
    principal: T,
}

/// A database check about to begin; [`PrincipalCache::remember`] keeps its
/// answer only if no write ended meanwhile.
#[derive(Debug, Clone, Copy)]
pub struct CheckTicket {
    generation: u64,
    started: Instant,
}

impl<T: Clone> Default for PrincipalCache<T> {
    fn default() -> Self {
        PrincipalCache::with_ttl(PRINCIPAL_TTL)
    }
}

impl<T: Clone> PrincipalCache<T> {
    /// A cache that trusts a check for `ttl`.
    pub fn with_ttl(ttl: Duration) -> Self {
        PrincipalCache {
            generation: AtomicU64::new(0),
            entries: Mutex::new(FxHashMap::default()),
            ttl,
        }
    }

    /// The principal of session `session_id` of user `user_id`, if a check
    /// of it is recent and no write ended since.
    pub fn get(&self, session_id: Uuid, user_id: Uuid) -> Option<T> {
        let generation = self.generation.load(Ordering::Acquire);
        let entries = self
            .entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let entry = entries.get(&session_id)?;
        (entry.user_id == user_id
            && entry.generation == generation
            && entry.checked_at.elapsed() < self.ttl)
            .then(|| entry.principal.clone())
    }

    /// To be taken before the database is asked.
    pub fn ticket(&self) -> CheckTicket {
        CheckTicket {
            generation: self.generation.load(Ordering::Acquire),
            started: Instant::now(),
        }
    }

    /// Keeps the answer of the check that `ticket` began.
    pub fn remember(&self, ticket: CheckTicket, session_id: Uuid, user_id: Uuid, principal: T) {
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(
            session_id,
            Entry {
                user_id,
                generation: ticket.generation,
                // Aged from before the question, so that the time to live
                // bounds how old the answer's data can be.
                checked_at: ticket.started,
                principal,
            },
        );
    }

    /// A write that may change accounts or sessions has ended: every
    /// check made so far is stale.
    pub fn forget_all(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_check_counts_until_a_write_ends_or_it_grows_old() {
        let cache = PrincipalCache::with_ttl(Duration::from_millis(200));
        let (session, user) = (Uuid::new_v4(), Uuid::new_v4());
        assert_eq!(cache.get(session, user), None);

        let ticket = cache.ticket();
        cache.remember(ticket, session, user, "admin");
        assert_eq!(cache.get(session, user), Some("admin"));
        // Another user's token naming the same session is not this one.
        assert_eq!(cache.get(session, Uuid::new_v4()), None);

        cache.forget_all();
        assert_eq!(cache.get(session, user), None);

        // A check that a write overtook is not kept.
        let ticket = cache.ticket();
        cache.forget_all();
        cache.remember(ticket, session, user, "stale");
        assert_eq!(cache.get(session, user), None);

        let ticket = cache.ticket();
        cache.remember(ticket, session, user, "fresh");
        assert_eq!(cache.get(session, user), Some("fresh"));
        std::thread::sleep(Duration::from_millis(250));
        assert_eq!(cache.get(session, user), None);
    }
}

//! The sessions this server checked recently, so that a request need not
//! ask the database who holds its token.
//!
//! A cached check is only as good as the news of changes to it, so the
//! cache is used only while it hears PostgreSQL's announcements
//! (`db::session_changes`), on a connection of its own:
//! - before an answer is taken from the cache, every announcement that has
//!   arrived is applied (a read of the socket, without waiting);
//! - a write through this server empties the cache before its response goes
//!   out (`server::http`), so its own changes count at once, without
//!   waiting for their announcement;
//! - while the connection is down, every check goes to the database and
//!   nothing is remembered; a new connection starts with an empty cache.
//!
//! A change made elsewhere (another server, or straight in the database)
//! therefore counts once PostgreSQL has delivered its announcement, which it
//! sends when the change commits (docs/accounts.md, "Session checks").

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Once, RwLock, Weak};
use std::time::Duration;

use chrono::{DateTime, Utc};
use diesel::{Connection, PgConnection};
use uuid::Uuid;

use super::sessions::SignedIn;
use crate::db::session_changes::{self, SessionChange};
use crate::db::with_connection_defaults;

/// More sessions than this and the cache starts over: a bound on its
/// memory (a few hundred bytes a session) that no real region reaches.
const MOST_SESSIONS: usize = 20_000;

/// How often the listening thread reads announcements while no request
/// does, and how soon it tries again after losing its connection.
const LISTENER_PERIOD: Duration = Duration::from_secs(1);

/// Recently checked sessions, shared by every worker of a server.
#[derive(Clone)]
pub struct SessionCache {
    shared: Arc<Shared>,
}

struct Shared {
    /// By session id.
    sessions: RwLock<HashMap<Uuid, CheckedSession>>,
    /// Advanced, under the `sessions` lock, by everything that forgets: a
    /// check read from the database before a change is not remembered
    /// after it.
    generation: AtomicU64,
    /// The connection that hears the announcements; `None` while it is down.
    listener: Mutex<Option<PgConnection>>,
    /// Whether `listener` holds a connection (read without its lock).
    listening: AtomicBool,
    /// Where a new listening connection connects.
    database_url: String,
    started: Once,
    counts: Counts,
}

#[derive(Default)]
struct Counts {
    from_cache: AtomicU64,
    from_database: AtomicU64,
    changes_heard: AtomicU64,
}

/// How the session checks were answered since the server started, and how
/// many changes it heard of (for `/metrics`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SessionCheckCounts {
    pub from_cache: u64,
    pub from_database: u64,
    /// Announcements applied, and starts and losses of the listening
    /// connection (each of which empties the cache).
    pub changes_heard: u64,
}

struct CheckedSession {
    signed_in: SignedIn,
    expires_at: DateTime<Utc>,
}

impl SessionCache {
    /// An empty cache; its listening connection to `database_url` is made
    /// on first use, so that commands which check no session never open it.
    pub fn new(database_url: &str) -> Self {
        SessionCache {
            shared: Arc::new(Shared {
                sessions: RwLock::new(HashMap::new()),
                generation: AtomicU64::new(0),
                listener: Mutex::new(None),
                listening: AtomicBool::new(false),
                database_url: with_connection_defaults(database_url),
                started: Once::new(),
                counts: Counts::default(),
            }),
        }
    }

    /// The check of `session_id` of `user_id`, if it is cached, still live
    /// at `now` and no announcement since has changed it.
    pub fn lookup(&self, user_id: Uuid, session_id: Uuid, now: DateTime<Utc>) -> Option<SignedIn> {
        self.start_listening();
        if !self.shared.hear_announcements() {
            return None;
        }
        let sessions = self.shared.sessions.read().ok()?;
        let checked = sessions.get(&session_id)?;
        if checked.signed_in.member.user_id != user_id || checked.expires_at <= now {
            return None;
        }
        self.shared
            .counts
            .from_cache
            .fetch_add(1, Ordering::Relaxed);
        Some(checked.signed_in.clone())
    }

    /// Counts a check that goes to the database, and returns the generation
    /// to hand to [`SessionCache::remember`] with its answer (read before
    /// the database is).
    pub fn note_database_check(&self) -> u64 {
        self.shared
            .counts
            .from_database
            .fetch_add(1, Ordering::Relaxed);
        self.shared.generation.load(Ordering::SeqCst)
    }

    /// Keeps a check read from the database at `generation`, unless the
    /// cache forgot anything since (the answer may predate that change) or
    /// hears no announcements.
    pub fn remember(&self, generation: u64, signed_in: &SignedIn, expires_at: DateTime<Utc>) {
        let Ok(mut sessions) = self.shared.sessions.write() else {
            return;
        };
        if !self.shared.listening.load(Ordering::SeqCst)
            || self.shared.generation.load(Ordering::SeqCst) != generation
        {
            return;
        }
        if sessions.len() >= MOST_SESSIONS {
            sessions.clear();
        }
        sessions.insert(
            signed_in.session_id,
            CheckedSession {
                signed_in: signed_in.clone(),
                expires_at,
            },
        );
    }

    /// Forgets every session: after a write through this server, which may
    /// have changed any of them.
    pub fn forget_everything(&self) {
        self.shared.forget(SessionChange::Everything);
    }

    /// Forgets the sessions of `user_id`: after a change to the user that a
    /// `GET` made (following a mailed link), which the forgetting after
    /// writes does not see.
    pub fn forget_user(&self, user_id: Uuid) {
        self.shared.forget(SessionChange::User(user_id));
    }

    /// How checks were answered, and how many changes were heard.
    pub fn counts(&self) -> SessionCheckCounts {
        let counts = &self.shared.counts;
        SessionCheckCounts {
            from_cache: counts.from_cache.load(Ordering::Relaxed),
            from_database: counts.from_database.load(Ordering::Relaxed),
            changes_heard: counts.changes_heard.load(Ordering::SeqCst),
        }
    }

    /// Whether a session of `user_id` is cached, once what has been
    /// announced is applied: after a change to the user, whether the change
    /// has yet to reach this server.
    pub fn holds_user(&self, user_id: Uuid) -> bool {
        self.shared.hear_announcements();
        self.shared.sessions.read().is_ok_and(|sessions| {
            sessions
                .values()
                .any(|checked| checked.signed_in.member.user_id == user_id)
        })
    }

    /// Starts the thread that keeps the listening connection: it connects,
    /// reconnects after a loss, and reads announcements while no request
    /// does, so that PostgreSQL's queue of them never waits on this server.
    /// The thread ends with the cache.
    fn start_listening(&self) {
        self.shared.started.call_once(|| {
            let shared: Weak<Shared> = Arc::downgrade(&self.shared);
            let spawned = std::thread::Builder::new()
                .name("session-changes".to_owned())
                .spawn(move || keep_listening(shared));
            if let Err(error) = spawned {
                tracing::error!(%error, "the session cache cannot listen; every check reads the database");
            }
        });
    }
}

fn keep_listening(shared: Weak<Shared>) {
    while let Some(shared) = shared.upgrade() {
        if shared.listening.load(Ordering::SeqCst) {
            shared.hear_announcements();
        } else {
            shared.connect();
        }
        drop(shared);
        std::thread::sleep(LISTENER_PERIOD);
    }
}

impl Shared {
    /// Applies the announcements that have arrived; `false` when there is
    /// no listening connection, or it was just lost.
    fn hear_announcements(&self) -> bool {
        let Ok(mut listener) = self.listener.lock() else {
            return false;
        };
        let Some(connection) = listener.as_mut() else {
            return false;
        };
        match session_changes::announced(connection) {
            Ok(changes) => {
                for change in changes {
                    self.forget(change);
                    self.counts.changes_heard.fetch_add(1, Ordering::SeqCst);
                }
                true
            }
            Err(error) => {
                tracing::warn!(%error, "the session cache lost its listening connection; checks read the database");
                *listener = None;
                self.listening.store(false, Ordering::SeqCst);
                self.forget(SessionChange::Everything);
                self.counts.changes_heard.fetch_add(1, Ordering::SeqCst);
                false
            }
        }
    }

    /// Opens the listening connection. What changed while there was none
    /// was not heard, so the cache starts empty.
    fn connect(&self) {
        let mut connection = match PgConnection::establish(&self.database_url) {
            Ok(connection) => connection,
            Err(error) => {
                tracing::warn!(%error, "the session cache cannot connect to listen");
                return;
            }
        };
        if let Err(error) = session_changes::listen(&mut connection) {
            tracing::warn!(%error, "the session cache cannot listen");
            return;
        }
        let Ok(mut listener) = self.listener.lock() else {
            return;
        };
        self.forget(SessionChange::Everything);
        *listener = Some(connection);
        self.listening.store(true, Ordering::SeqCst);
        self.counts.changes_heard.fetch_add(1, Ordering::SeqCst);
    }

    fn forget(&self, change: SessionChange) {
        let Ok(mut sessions) = self.sessions.write() else {
            return;
        };
        self.generation.fetch_add(1, Ordering::SeqCst);
        match change {
            SessionChange::User(user_id) => {
                sessions.retain(|_, checked| checked.signed_in.member.user_id != user_id)
            }
            SessionChange::Organisation(organisation_id) => sessions.retain(|_, checked| {
                checked.signed_in.member.organisation_id != Some(organisation_id)
            }),
            SessionChange::Everything => sessions.clear(),
        }
    }
}

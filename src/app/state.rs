//! What every use case can reach: the database pool, the search engine,
//! the token and card-handle keys and the login limits.

use std::sync::Arc;

use diesel::PgConnection;

use super::accounts::session_cache::SessionCache;
use super::AppError;
use crate::auth::card_handles::CardHandleKeys;
use crate::auth::oidc::OidcClient;
use crate::auth::tokens::TokenKeys;
use crate::config::{AuthSettings, LoginLimits, OidcSettings};
use crate::db::{DbConnection, DbPool};
use crate::search::engine::SearchEngine;

/// Shared application state, one per server, cloned into every worker.
#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub token_keys: TokenKeys,
    /// Seal and open the handles of anonymous start-up cards.
    pub card_handles: CardHandleKeys,
    pub session_ttl: chrono::Duration,
    /// The login and request limits; their counters live in PostgreSQL.
    pub login_limits: LoginLimits,
    pub search: SearchEngine,
    /// Slots for anonymous list queries (`ANONYMOUS_LIST_SHARE` of the
    /// pool): anonymous callers may queue, but never take every database
    /// connection from signed-in users (docs/decisions.md, "Search").
    pub anonymous_lists: Arc<tokio::sync::Semaphore>,
    /// Where people reach the pages (`DEFMATCH_PUBLIC_URL`, no trailing
    /// slash): the links in mail start with it.
    pub public_url: Arc<str>,
    /// The OpenID Connect provider staff may sign in with; `None` when
    /// single sign-on is not configured (passwords only).
    pub single_sign_on: Option<Arc<OidcClient>>,
    /// The sessions this server checked recently.
    pub sessions: SessionCache,
}

/// The public address when none is configured: the demo's.
pub const DEFAULT_PUBLIC_URL: &str = "http://localhost:8080";

/// One in this many pool connections may serve anonymous lists at once.
pub const ANONYMOUS_LIST_SHARE: u32 = 4;

/// How long an anonymous list waits for a slot before it is answered 503.
pub const ANONYMOUS_LIST_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

impl AppState {
    /// State for a server on `pool` and `search`.
    /// `pool` connects to `database_url`, where the session cache also
    /// listens for changes.
    pub fn new(
        pool: DbPool,
        database_url: &str,
        auth: &AuthSettings,
        login_limits: LoginLimits,
        search: SearchEngine,
    ) -> Self {
        let anonymous_slots = (pool.max_size() / ANONYMOUS_LIST_SHARE).max(1) as usize;
        AppState {
            anonymous_lists: Arc::new(tokio::sync::Semaphore::new(anonymous_slots)),
            sessions: SessionCache::new(database_url),
            pool,
            token_keys: TokenKeys::new(auth),
            card_handles: CardHandleKeys::new(&auth.jwt_secret),
            session_ttl: chrono::Duration::from_std(auth.session_ttl)
                .unwrap_or_else(|_| chrono::Duration::days(30)),
            login_limits,
            search,
            public_url: Arc::from(DEFAULT_PUBLIC_URL),
            single_sign_on: None,
        }
    }

    /// The same state with links in mail starting with `public_url`.
    pub fn with_public_url(mut self, public_url: &str) -> Self {
        self.public_url = Arc::from(public_url.trim_end_matches('/'));
        self
    }

    /// The same state with single sign-on through the provider of
    /// `settings` (after [`AppState::with_public_url`]: the callback is on
    /// the public address).
    pub fn with_single_sign_on(mut self, settings: Option<OidcSettings>) -> Self {
        self.single_sign_on =
            settings.map(|settings| Arc::new(OidcClient::new(settings, &self.public_url)));
        self
    }

    /// A slot for an anonymous list query, waited for at most
    /// [`ANONYMOUS_LIST_WAIT`]; `AppError::Unavailable` when none frees up.
    pub async fn anonymous_list_slot(&self) -> Result<tokio::sync::OwnedSemaphorePermit, AppError> {
        let slot = self.anonymous_lists.clone().acquire_owned();
        match tokio::time::timeout(ANONYMOUS_LIST_WAIT, slot).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(AppError::Unavailable),
        }
    }

    /// Runs search work on the blocking thread pool: it is CPU work that
    /// would otherwise stall the async workers.
    pub async fn with_search<T, F>(&self, work: F) -> Result<T, AppError>
    where
        F: FnOnce(&SearchEngine) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let engine = self.search.clone();
        tokio::task::spawn_blocking(move || work(&engine)).await?
    }

    /// Runs a use case that reads, ranks and reads again as one task on the
    /// blocking thread pool, rather than one trip there for each step: every
    /// trip between an async worker and a blocking thread wakes two threads.
    pub async fn in_one_hop<T, F>(&self, work: F) -> Result<T, AppError>
    where
        F: FnOnce(&BlockingWork<'_>) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let engine = self.search.clone();
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            work(&BlockingWork {
                search: &engine,
                pool: &pool,
            })
        })
        .await?
    }

    /// Runs `work` with a pooled connection on the blocking thread pool, so
    /// that database calls never hold up an async worker.
    pub async fn with_connection<T, F>(&self, work: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut PgConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut connection = pool.get()?;
            work(&mut connection)
        })
        .await?
    }

    /// Like [`AppState::with_connection`], but waits at most `timeout` for
    /// a connection (the readiness probe answers sooner than requests).
    pub async fn with_connection_within<T, F>(
        &self,
        timeout: std::time::Duration,
        work: F,
    ) -> Result<T, AppError>
    where
        F: FnOnce(&mut PgConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut connection = pool.get_timeout(timeout)?;
            work(&mut connection)
        })
        .await?
    }
}

/// What a use case run by [`AppState::in_one_hop`] may use.
pub struct BlockingWork<'a> {
    pub search: &'a SearchEngine,
    pool: &'a DbPool,
}

impl BlockingWork<'_> {
    /// A pooled connection. Drop it before ranking, so that the pool's
    /// connections are not held through work that does not need them.
    pub fn connection(&self) -> Result<DbConnection, AppError> {
        Ok(self.pool.get()?)
    }
}

//! What every handler can reach: the pool, the token keys, the login limiter
//! and the metrics.

use std::sync::Arc;

use actix_web::web;
use diesel::PgConnection;

use super::error::ApiError;
use super::metrics::Metrics;
use crate::auth::rate_limit::LoginRateLimiter;
use crate::auth::tokens::TokenKeys;
use crate::config::{AuthSettings, LoginLimits};
use crate::db::DbPool;
use crate::search::engine::SearchEngine;

/// Shared application state.
#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub token_keys: TokenKeys,
    pub session_ttl: chrono::Duration,
    pub login_limiter: Arc<LoginRateLimiter>,
    pub metrics: Arc<Metrics>,
    pub search: SearchEngine,
    /// Whether the web pages' cookies carry `Secure`.
    pub secure_cookies: bool,
}

impl AppState {
    /// State for a server on `pool`.
    pub fn new(
        pool: DbPool,
        auth: &AuthSettings,
        login_limits: LoginLimits,
        search: SearchEngine,
    ) -> Self {
        AppState {
            pool,
            token_keys: TokenKeys::new(auth),
            session_ttl: chrono::Duration::from_std(auth.session_ttl)
                .unwrap_or_else(|_| chrono::Duration::days(30)),
            login_limiter: Arc::new(LoginRateLimiter::new(login_limits)),
            metrics: Arc::new(Metrics::default()),
            search,
            secure_cookies: true,
        }
    }

    /// Runs search work on the blocking thread pool: it is CPU work that
    /// would otherwise stall the async workers.
    pub async fn with_search<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&SearchEngine) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let engine = self.search.clone();
        web::block(move || work(&engine)).await?
    }

    /// Runs `work` with a pooled connection on the blocking thread pool, so
    /// that database calls never hold up an async worker.
    pub async fn with_connection<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut PgConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        web::block(move || {
            let mut connection = pool.get()?;
            work(&mut connection)
        })
        .await?
    }
}

//! TEMPORARY while the areas move into `app`: the old handlers' blocking
//! helpers, returning `ApiError`. Removed once every area is converted.

use diesel::PgConnection;

use super::error::ApiError;
use crate::app::AppState;
use crate::search::engine::SearchEngine;

/// The old `with_connection` / `with_search`, in `ApiError`.
#[allow(async_fn_in_trait)]
pub trait LegacyBlocking {
    async fn with_connection_api<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut PgConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static;

    async fn with_search_api<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&SearchEngine) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static;
}

impl LegacyBlocking for AppState {
    async fn with_connection_api<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut PgConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        actix_web::web::block(move || {
            let mut connection = pool
                .get()
                .map_err(|error| ApiError::from(crate::app::AppError::from(error)))?;
            work(&mut connection)
        })
        .await?
    }

    async fn with_search_api<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&SearchEngine) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let engine = self.search.clone();
        actix_web::web::block(move || work(&engine)).await?
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(error: diesel::result::Error) -> Self {
        crate::app::AppError::from(error).into()
    }
}

impl From<crate::domain::ValidationError> for ApiError {
    fn from(error: crate::domain::ValidationError) -> Self {
        crate::app::AppError::from(error).into()
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(error: actix_web::error::BlockingError) -> Self {
        ApiError::internal(format!("blocking task failed: {error}"))
    }
}

impl super::extract::IfMatch {
    /// The version to update from, or 412 when the client's is stale.
    pub fn check(self, current_version: i32) -> Result<i32, ApiError> {
        if self.0 == current_version {
            Ok(current_version)
        } else {
            Err(ApiError::stale(current_version))
        }
    }
}

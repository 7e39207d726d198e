//! Liveness, readiness and metrics for operators.

use actix_web::{get, web, HttpRequest, HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::error::{ApiError, ErrorBody, ErrorCode};
use crate::api::metrics::MetricsAccess;
use crate::app::operations::{self, Readiness};
use crate::app::AppState;

/// A health answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct HealthView {
    pub status: &'static str,
}

/// The process is up.
#[utoipa::path(tag = "operations", responses((status = 200, description = "Alive", body = HealthView)))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(HealthView { status: "ok" })
}

/// The database answers and has every migration this binary knows.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "Ready to serve", body = HealthView),
        (status = 503, description = "The database is down or not migrated", body = ErrorBody),
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    match operations::readiness(&state).await? {
        Readiness::Ready => Ok(HttpResponse::Ok().json(HealthView { status: "ready" })),
        Readiness::MigrationsPending => Err(ApiError::new(
            ErrorCode::ServiceUnavailable,
            "the database lacks migrations; run `defmatch migrate`",
        )),
    }
}

/// Prometheus metrics: requests and latencies by route and status, pool
/// usage, the search outbox lag and the age of the oldest queued e-mail.
/// Only with `Authorization: Bearer $METRICS_TOKEN`, or on the metrics
/// address (`DEFMATCH_METRICS_BIND`); a 404 for everyone else.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "Prometheus text format", body = String, content_type = "text/plain"),
        (status = 404, description = "Without the metrics token, or with METRICS_TOKEN unset", body = ErrorBody),
    )
)]
#[get("/metrics")]
pub async fn metrics(
    request: HttpRequest,
    state: web::Data<AppState>,
    metrics: web::Data<crate::api::metrics::Metrics>,
    access: Option<web::Data<MetricsAccess>>,
) -> HttpResponse {
    if !access.is_some_and(|access| access.allows(&request)) {
        // The same answer as a route that does not exist: nothing tells a
        // prober that there is something here.
        return ApiError::new(ErrorCode::NotFound, "no such route").error_response();
    }
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(metrics.render(
            &state.pool,
            operations::backlogs(&state).await.ok(),
            state.sessions.counts(),
        ))
}

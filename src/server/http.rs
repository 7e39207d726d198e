//! The HTTP application: the API and the pages mounted side by side, the
//! middleware every answer passes through, and the answer to a request no
//! route took.

use std::net::TcpListener;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Server, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::{from_fn, Next};
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer, ResponseError};
use secrecy::SecretString;
use utoipa_actix_web::AppExt;

use super::{headers, request_log};
use crate::api;
use crate::api::error::ApiError;
use crate::app::AppState;
use crate::config::TrustedProxies;
use crate::web::{self as pages, WebSettings};

/// Seconds a graceful shutdown waits for requests in flight.
pub const SHUTDOWN_GRACE_SECONDS: u64 = 30;

/// What the HTTP application is told besides the state.
#[derive(Debug, Clone, Default)]
pub struct HttpSettings {
    /// The pages' settings (`Secure` cookies, and with them HSTS).
    pub web: WebSettings,
    /// The reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: TrustedProxies,
    /// `METRICS_TOKEN`: the bearer token that opens `/metrics`.
    pub metrics_token: Option<SecretString>,
}

/// Builds the server on an already bound listener (port 0 in tests), with
/// the default settings.
pub fn build_server(state: AppState, listener: TcpListener) -> std::io::Result<Server> {
    build_server_with(state, HttpSettings::default(), listener, None)
}

/// Builds the server on an already bound listener, and, when given, a
/// second listener that serves `/metrics` to anyone and nothing else
/// (`DEFMATCH_METRICS_BIND`).
pub fn build_server_with(
    state: AppState,
    settings: HttpSettings,
    listener: TcpListener,
    metrics_listener: Option<TcpListener>,
) -> std::io::Result<Server> {
    let metrics_access = api::metrics::MetricsAccess {
        token: settings.metrics_token,
        address: match &metrics_listener {
            Some(listener) => Some(listener.local_addr()?),
            None => None,
        },
    };
    let state = web::Data::new(state);
    let web_settings = web::Data::new(settings.web);
    let trusted_proxies = web::Data::new(settings.trusted_proxies);
    let metrics_access = web::Data::new(metrics_access);
    let metrics = web::Data::new(api::metrics::Metrics::new().map_err(std::io::Error::other)?);
    let mut server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .app_data(web_settings.clone())
            .app_data(trusted_proxies.clone())
            .app_data(metrics.clone())
            .app_data(metrics_access.clone())
            .wrap(from_fn(forget_checked_sessions_after_writes))
            .wrap(from_fn(pages::error::frame_error_pages))
            .wrap(from_fn(pages::session::apply_queued_cookies))
            .wrap(from_fn(error_bodies))
            .wrap(from_fn(only_metrics_on_the_metrics_listener))
            .wrap(from_fn(headers::security_headers))
            .wrap(from_fn(api::metrics::record_request_metrics))
            .wrap(tracing_actix_web::TracingLogger::<
                request_log::BoundedRequestSpan,
            >::new())
            .service(api::docs_service())
            .into_utoipa_app()
            .configure(api::routes)
            .into_app()
            .configure(pages::routes)
            .default_service(web::to(unrouted))
    })
    .shutdown_timeout(SHUTDOWN_GRACE_SECONDS)
    .listen(listener)?;
    if let Some(metrics_listener) = metrics_listener {
        server = server.listen(metrics_listener)?;
    }
    Ok(server.run())
}

/// On the metrics listener, everything but `/metrics` is a bare 404: that
/// address is meant for a scraper, not for the site.
async fn only_metrics_on_the_metrics_listener(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let on_metrics_listener = request
        .app_data::<web::Data<api::metrics::MetricsAccess>>()
        .is_some_and(|access| access.is_metrics_listener(request.request()));
    if on_metrics_listener && request.path() != METRICS_PATH {
        let response =
            ApiError::new(api::error::ErrorCode::NotFound, "no such route").error_response();
        return Ok(request.into_response(response));
    }
    Ok(next.call(request).await?.map_into_boxed_body())
}

/// A write may have changed any session this server checked (a log-out,
/// a vetting, a role), so its cache of them is emptied before the response
/// goes out: the change counts at once here, without waiting for
/// PostgreSQL's announcement of it (`app::accounts::session_cache`).
async fn forget_checked_sessions_after_writes(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let sessions = (!request.method().is_safe())
        .then(|| request.app_data::<web::Data<AppState>>())
        .flatten()
        .map(|state| state.sessions.clone());
    let response = next.call(request).await;
    if let Some(sessions) = sessions {
        sessions.forget_everything();
    }
    response
}

/// Where the metrics are served.
const METRICS_PATH: &str = "/metrics";

/// A request no route took: the "not found" page for a browser, the API's
/// 404 or 405 for everyone else.
async fn unrouted(request: HttpRequest) -> HttpResponse {
    if pages::wants_page(&request) {
        pages::not_found_page(&request)
    } else {
        api::unrouted(&request)
    }
}

/// Gives every error response a body of ours, also those that actix itself
/// produces (405, a payload refused before a handler runs, …): a page for
/// a browser, the JSON error body for everyone else.
async fn error_bodies(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    // The request must not be cloned before routing (routing needs sole
    // ownership), so an inner `Err` is passed on as is: actix renders it
    // with the error's own `error_response`, which for ours is a body of ours.
    let response = next.call(request).await?.map_into_boxed_body();
    let status = response.status();
    let has_own_body = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| {
            let value = value.as_bytes();
            value.starts_with(b"application/json") || value.starts_with(b"text/html")
        });
    if !(status.is_client_error() || status.is_server_error()) || has_own_body {
        return Ok(response);
    }
    let (http_request, _) = response.into_parts();
    let replacement = if pages::wants_page(&http_request) {
        pages::error_page_for_status(&http_request, status)
    } else {
        ApiError::for_framework_status(status).error_response()
    };
    Ok(ServiceResponse::new(http_request, replacement))
}

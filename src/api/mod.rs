//! The HTTP edge: routes, extractors, DTOs and the one error type.

pub mod auth;
pub mod dto;
pub mod error;
pub mod extract;
pub mod handlers;
pub mod metrics;
pub mod openapi;
pub mod state;

use std::net::TcpListener;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Server, ServiceRequest, ServiceResponse};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::{from_fn, Next};
use actix_web::{web, App, HttpResponse, HttpServer, ResponseError};
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

use self::error::{ApiError, ErrorCode};
use self::handlers::{
    audit, auth as auth_routes, challenges, health, introductions, matches, notifications,
    organisations, pipeline, questions, saved_searches, search, startups, taxonomy, users,
};
use self::state::AppState;

/// Seconds a graceful shutdown waits for requests in flight.
pub const SHUTDOWN_GRACE_SECONDS: u64 = 30;

/// Registers every route and the extractor configuration.
pub fn configure(config: &mut web::ServiceConfig) {
    config
        .app_data(web::PayloadConfig::new(extract::MAX_BODY_BYTES))
        .app_data(
            web::JsonConfig::default()
                .limit(extract::MAX_BODY_BYTES)
                .error_handler(extract::json_config_error),
        )
        .app_data(web::QueryConfig::default().error_handler(extract::query_error))
        .app_data(web::PathConfig::default().error_handler(extract::path_error))
        .service(health::healthz)
        .service(health::readyz)
        .service(health::metrics)
        // Before the API scope, which would otherwise claim /api/v1/openapi.json.
        .service(
            SwaggerUi::new("/docs/{_:.*}").url("/api/v1/openapi.json", openapi::ApiDoc::openapi()),
        )
        .service(
            web::scope(openapi::API_PREFIX)
                .service(auth_routes::register)
                .service(auth_routes::login)
                .service(auth_routes::refresh)
                .service(auth_routes::logout)
                .service(auth_routes::me)
                .service(users::create_user)
                .service(users::list_users)
                .service(users::get_user)
                .service(users::update_user)
                .service(audit::list_audit_events)
                .service(organisations::create_organisation)
                .service(organisations::list_organisations)
                .service(organisations::get_organisation)
                .service(startups::create_startup)
                .service(startups::list_startups)
                .service(startups::get_startup)
                .service(startups::update_startup)
                .service(challenges::create_challenge)
                .service(challenges::list_challenges)
                .service(challenges::get_challenge)
                .service(challenges::update_challenge)
                .service(challenges::change_challenge_status)
                .service(challenges::delete_challenge)
                .service(questions::list_questions)
                .service(questions::ask_question)
                .service(questions::answer_question)
                .service(taxonomy::taxonomy)
                .service(taxonomy::technologies)
                .service(taxonomy::provinces)
                .service(taxonomy::roms)
                .service(taxonomy::trl_levels)
                .service(search::search_challenges)
                .service(search::search_startups)
                .service(saved_searches::create_saved_search)
                .service(saved_searches::list_saved_searches)
                .service(saved_searches::get_saved_search)
                .service(saved_searches::delete_saved_search)
                .service(matches::matches_for_startup)
                .service(matches::matches_for_challenge)
                .service(matches::preview_matches)
                .service(pipeline::region_dashboard)
                .service(notifications::list_notifications)
                .service(notifications::mark_all_notifications_read)
                .service(notifications::mark_notification_read)
                .service(notifications::get_notification_preferences)
                .service(notifications::set_notification_preferences)
                .service(notifications::list_email_outbox)
                .service(pipeline::export_introductions)
                .service(introductions::create_introduction)
                .service(introductions::list_introductions)
                .service(introductions::get_introduction)
                .service(introductions::transition_introduction)
                .service(introductions::add_note),
        )
        .route("/docs", web::get().to(redirect_to_docs))
        .configure(crate::web::configure);
}

async fn redirect_to_docs() -> HttpResponse {
    HttpResponse::Found()
        .insert_header((header::LOCATION, "/docs/"))
        .finish()
}

/// Answers a request no route took: 405 with `Allow` when the path exists
/// with other methods, 404 otherwise.
async fn route_not_found(request: actix_web::HttpRequest) -> Result<HttpResponse, ApiError> {
    if crate::web::wants_page(&request) {
        return Ok(crate::web::not_found_page());
    }
    let allowed = openapi::methods_for_path(request.path());
    if allowed.is_empty() {
        return Err(ApiError::new(ErrorCode::NotFound, "no such route"));
    }
    let allow = allowed.join(", ");
    let error = ApiError::new(
        ErrorCode::MethodNotAllowed,
        format!("{} is not allowed here; allowed: {allow}", request.method()),
    );
    let mut response = error.error_response();
    if let Ok(value) = header::HeaderValue::from_str(&allow) {
        response.headers_mut().insert(header::ALLOW, value);
    }
    Ok(response)
}

/// The error code for a status that a framework layer produced without a body of ours.
fn code_for_status(status: StatusCode) -> ErrorCode {
    match status {
        StatusCode::NOT_FOUND => ErrorCode::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => ErrorCode::MethodNotAllowed,
        StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::PayloadTooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorCode::UnsupportedMediaType,
        StatusCode::UNAUTHORIZED => ErrorCode::MissingToken,
        StatusCode::FORBIDDEN => ErrorCode::Forbidden,
        StatusCode::TOO_MANY_REQUESTS => ErrorCode::TooManyRequests,
        StatusCode::SERVICE_UNAVAILABLE => ErrorCode::ServiceUnavailable,
        status if status.is_server_error() => ErrorCode::Internal,
        _ => ErrorCode::InvalidInput,
    }
}

/// Gives every error response the JSON error body, also those that actix
/// itself produces (405, a payload error before a handler runs, …).
async fn json_error_bodies(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    // The request must not be cloned before routing (routing needs sole
    // ownership), so an inner `Err` is passed on as is: actix renders it
    // with the error's own `error_response`, which for ours is JSON.
    let response = next.call(request).await?.map_into_boxed_body();
    let status = response.status();
    // JSON bodies are ours already, and HTML ones are the web pages' own
    // error pages, written for people.
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
    let reason = status.canonical_reason().unwrap_or("error").to_lowercase();
    let error = ApiError::new(code_for_status(status), reason);
    let (http_request, _) = response.into_parts();
    // A browser that lands on a form's address with GET gets a page, not JSON.
    let replacement = if crate::web::wants_page(&http_request) {
        crate::web::error_page_for(error)
    } else {
        error.error_response()
    };
    Ok(ServiceResponse::new(http_request, replacement))
}

/// Builds the server on an already bound listener (port 0 in tests).
pub fn build_server(state: AppState, listener: TcpListener) -> std::io::Result<Server> {
    let state = web::Data::new(state);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .wrap(from_fn(crate::web::error::frame_error_pages))
            .wrap(from_fn(crate::web::session::apply_queued_cookies))
            .wrap(from_fn(json_error_bodies))
            .wrap(from_fn(metrics::record_request_metrics))
            .wrap(tracing_actix_web::TracingLogger::default())
            .configure(configure)
            .default_service(web::to(route_not_found))
    })
    .shutdown_timeout(SHUTDOWN_GRACE_SECONDS)
    .listen(listener)?
    .run();
    Ok(server)
}

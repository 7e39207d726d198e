//! The JSON API adapter: routes, extractors, DTOs, the error table, the
//! OpenAPI document and metrics. Handlers parse input into domain types,
//! call one operation of `crate::app`, and turn its answer or its
//! `AppError` into JSON. The server mounts [`routes`] beside the pages.

pub mod auth;
pub mod dto;
pub mod error;
pub mod extract;
pub mod handlers;
pub mod metrics;
pub mod openapi;

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use self::handlers::{
    audit, auth as auth_routes, challenges, email_verification, health, introductions, invitations,
    marks, matches, notifications, organisations, passwords, pipeline, privacy, questions,
    saved_searches, search, startups, taxonomy, users,
};

/// Registers every route of the API, once: actix routes them, and the
/// OpenAPI document (`openapi::document`) is collected from the same calls.
/// Order matters where paths overlap (`/introductions/export.csv` before
/// `/introductions/{id}`).
pub fn routes(config: &mut ServiceConfig) {
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
        .service(
            utoipa_actix_web::scope(openapi::API_PREFIX).configure(|api| {
                api.service(auth_routes::register)
                    .service(auth_routes::login)
                    .service(auth_routes::refresh)
                    .service(auth_routes::logout)
                    .service(auth_routes::me)
                    .service(passwords::request_password_reset)
                    .service(passwords::confirm_password_reset)
                    .service(passwords::change_password)
                    .service(email_verification::verify_email)
                    .service(email_verification::resend_verification_mail)
                    .service(privacy::get_language)
                    .service(privacy::set_language)
                    .service(privacy::export_my_data)
                    .service(privacy::erase_me)
                    .service(privacy::get_calendar)
                    .service(privacy::rotate_calendar)
                    .service(users::create_user)
                    .service(users::list_users)
                    .service(users::get_user)
                    .service(users::update_user)
                    .service(audit::list_audit_events)
                    .service(invitations::accept_invitation)
                    .service(invitations::create_invitation)
                    .service(invitations::list_invitations)
                    .service(invitations::resend_invitation)
                    .service(invitations::revoke_invitation)
                    .service(invitations::invite_to_claim)
                    .service(organisations::create_organisation)
                    .service(organisations::list_organisations)
                    .service(organisations::get_organisation)
                    .service(organisations::update_organisation)
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
                    .service(marks::mark_challenge_match)
                    .service(marks::unmark_challenge_match)
                    .service(marks::mark_startup_match)
                    .service(marks::unmark_startup_match)
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
                    .service(introductions::add_note);
            }),
        )
        .route("/docs", web::get().to(redirect_to_docs));
}

/// The interactive documentation at `/docs/`, serving the OpenAPI document
/// at `/api/v1/openapi.json`. Mounted before [`routes`], whose API scope
/// would otherwise claim that path.
pub fn docs_service() -> utoipa_swagger_ui::SwaggerUi {
    utoipa_swagger_ui::SwaggerUi::new("/docs/{_:.*}")
        .url("/api/v1/openapi.json", openapi::document())
}

async fn redirect_to_docs() -> HttpResponse {
    HttpResponse::Found()
        .insert_header((header::LOCATION, "/docs/"))
        .finish()
}

/// The API's answer to a request no route took: 405 with `Allow` when the
/// path exists with other methods, 404 otherwise.
pub fn unrouted(request: &actix_web::HttpRequest) -> HttpResponse {
    use actix_web::ResponseError;
    let allowed = openapi::methods_for_path(request.path());
    if allowed.is_empty() {
        return error::ApiError::new(error::ErrorCode::NotFound, "no such route").error_response();
    }
    let allow = allowed.join(", ");
    let error = error::ApiError::new(
        error::ErrorCode::MethodNotAllowed,
        format!("{} is not allowed here; allowed: {allow}", request.method()),
    );
    let mut response = error.error_response();
    if let Ok(value) = header::HeaderValue::from_str(&allow) {
        response.headers_mut().insert(header::ALLOW, value);
    }
    response
}

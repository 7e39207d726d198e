//! The OpenAPI 3 document, collected from the routes as `api::routes`
//! registers them, so that no list of paths is kept twice.
//!
//! Handlers list the answers particular to them; [`CommonErrors`] adds the
//! ones every route of a kind can give (bad input for routes that take a
//! body or query, 401 for authenticated routes, 503 for routes that touch
//! the database), so the spec names every status a route can return.

use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi as OpenApiDocument, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use utoipa_actix_web::AppExt;

/// The API description.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "defmatch API",
        description = "Matchmaking between dual-use start-ups and Dutch defence challenges. All bodies are JSON; every error has the body `{\"error\": {\"code\", \"message\", \"field\"}}`. Updates need `If-Match` with the ETag of the version being changed.",
        version = "1.0.0",
    ),
    servers((url = "/", description = "This server")),
    components(schemas(
        super::error::ErrorBody,
        super::error::ErrorCode,
        crate::app::challenges::ChallengeSort,
        crate::app::matching::MatchScope,
        crate::app::search::SearchOrder,
    )),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Registration, login, tokens"),
        (name = "users", description = "Accounts, vetting, disabling"),
        (name = "audit", description = "The audit trail, for admins"),
        (name = "invitations", description = "Inviting staff and start-ups by e-mail, claiming imported profiles"),
        (name = "organisations", description = "Start-up companies, defence organisations, ROMs"),
        (name = "startups", description = "Start-up profiles"),
        (name = "challenges", description = "Defence challenges and their lifecycle"),
        (name = "taxonomy", description = "Technologies, provinces, ROMs, TRLs"),
        (name = "search", description = "Free-text search with filters and facets"),
        (name = "matching", description = "Ranked matches in both directions, each with its explanation"),
        (name = "notifications", description = "Notifications, alerts, reminders and their preferences"),
        (name = "introductions", description = "Double opt-in introductions between a start-up and a challenge"),
        (name = "privacy", description = "The caller's mail language, data export, erasure and calendar feed"),
        (name = "operations", description = "Health and metrics"),
    )
)]
pub struct ApiDoc;

/// Where the API routes are mounted.
pub const API_PREFIX: &str = "/api/v1";

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut OpenApiDocument) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("Access token from /api/v1/auth/login"))
                    .build(),
            ),
        );
    }
}

struct CommonErrors;

fn error_response(description: &str) -> RefOr<utoipa::openapi::Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        )
        .into()
}

fn operations_mut(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        item.get.as_mut(),
        item.post.as_mut(),
        item.put.as_mut(),
        item.patch.as_mut(),
        item.delete.as_mut(),
    ]
    .into_iter()
    .flatten()
}

impl Modify for CommonErrors {
    fn modify(&self, openapi: &mut OpenApiDocument) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let touches_database = path.starts_with(API_PREFIX) && !path.contains("/taxonomy");
            for operation in operations_mut(item) {
                let responses = &mut operation.responses.responses;
                let mut add = |status: &str, description: &str| {
                    responses
                        .entry(status.to_owned())
                        .or_insert_with(|| error_response(description));
                };
                let has_body = operation.request_body.is_some();
                let has_query = operation.parameters.as_ref().is_some_and(|parameters| {
                    parameters.iter().any(|parameter| {
                        matches!(
                            parameter.parameter_in,
                            utoipa::openapi::path::ParameterIn::Query
                        )
                    })
                });
                let has_path_id = path.contains('{');
                let has_header = operation.parameters.as_ref().is_some_and(|parameters| {
                    parameters.iter().any(|parameter| {
                        matches!(
                            parameter.parameter_in,
                            utoipa::openapi::path::ParameterIn::Header
                        )
                    })
                });
                if has_header {
                    add("400", "A header (If-Match) is malformed");
                }
                let authenticated = operation
                    .security
                    .as_ref()
                    .is_some_and(|security| !security.is_empty());
                if has_body {
                    add("400", "Malformed JSON, or a field that is missing, unknown, of the wrong type or out of range");
                    add("413", "The body is larger than 1 MiB");
                    add("415", "The body is not application/json");
                }
                if has_query {
                    add("400", "A query parameter is unknown or malformed");
                }
                if has_path_id {
                    add("404", "No such resource visible to the caller");
                }
                if authenticated {
                    add(
                        "401",
                        "The bearer token is missing, malformed, tampered with, expired or revoked",
                    );
                }
                if touches_database {
                    add("503", "The database is unavailable; retry shortly");
                }
            }
        }
    }
}

/// The API description: the document's frame ([`ApiDoc`]) with every path
/// that [`super::routes`] registers, and the answers every route of a kind
/// can give.
pub fn document() -> OpenApiDocument {
    static DOCUMENT: std::sync::OnceLock<OpenApiDocument> = std::sync::OnceLock::new();
    DOCUMENT
        .get_or_init(|| {
            let (_, mut document) = actix_web::App::new()
                .into_utoipa_app()
                .openapi(ApiDoc::openapi())
                .configure(super::routes)
                .split_for_parts();
            CommonErrors.modify(&mut document);
            document
        })
        .clone()
}

/// The OpenAPI document as pretty JSON.
pub fn document_json() -> anyhow::Result<String> {
    Ok(document().to_pretty_json()?)
}

/// The methods the API document lists for a concrete request path, such as
/// `/api/v1/challenges/3f…`; empty when no documented route has that shape.
pub fn methods_for_path(request_path: &str) -> Vec<&'static str> {
    static ROUTES: std::sync::OnceLock<Vec<(Vec<String>, Vec<&'static str>)>> =
        std::sync::OnceLock::new();
    let routes = ROUTES.get_or_init(|| {
        document()
            .paths
            .paths
            .iter()
            .map(|(template, item)| {
                let segments = template.split('/').map(str::to_owned).collect();
                let methods = [
                    ("GET", item.get.is_some()),
                    ("POST", item.post.is_some()),
                    ("PUT", item.put.is_some()),
                    ("PATCH", item.patch.is_some()),
                    ("DELETE", item.delete.is_some()),
                ]
                .into_iter()
                .filter_map(|(method, present)| present.then_some(method))
                .collect();
                (segments, methods)
            })
            .collect()
    });
    let request_segments: Vec<&str> = request_path.trim_end_matches('/').split('/').collect();
    // The templates the path fits, with how many of their segments are
    // concrete: as in OpenAPI, a concrete path wins over a template that
    // also fits (`/invitations/accept` over `/invitations/{id}`).
    let fitting: Vec<(usize, &Vec<&'static str>)> = routes
        .iter()
        .filter(|(template, _)| {
            template.len() == request_segments.len()
                && template
                    .iter()
                    .zip(&request_segments)
                    .all(|(expected, actual)| {
                        (expected.starts_with('{') && !actual.is_empty()) || expected == actual
                    })
        })
        .map(|(template, methods)| {
            let concrete = template
                .iter()
                .filter(|segment| !segment.starts_with('{'))
                .count();
            (concrete, methods)
        })
        .collect();
    let most_concrete = fitting.iter().map(|(concrete, _)| *concrete).max();
    let mut allowed: Vec<&'static str> = Vec::new();
    for (_, methods) in fitting
        .iter()
        .filter(|(concrete, _)| Some(*concrete) == most_concrete)
    {
        for method in methods.iter() {
            if !allowed.contains(method) {
                allowed.push(method);
            }
        }
    }
    allowed
}

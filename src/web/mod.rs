//! The web front end: server-rendered pages (maud) for start-ups,
//! procurement officers, ROM officers and admins, served by the same binary
//! as the API. Pages call the use cases in `crate::app`, the same ones the
//! JSON handlers call, never the HTTP API itself.
//!
//! - `context`: who is signed in (session cookies) and the CSRF token;
//! - `session`: the cookies, holding the API's own access and refresh tokens;
//! - `layout`: the frame of every page and the form pieces;
//! - `text`: every user-facing string;
//! - `pages`: one file per area of the site.

pub mod assets;
pub mod context;
pub mod error;
pub mod explanation;
pub mod form;
pub mod layout;
pub mod marks;
pub mod multipart;
pub mod pages;
pub mod session;
pub mod text;

use actix_web::web;

/// Settings of the pages that the server passes in.
#[derive(Debug, Clone, Copy)]
pub struct WebSettings {
    /// Whether the session cookies carry `Secure` (off only for plain HTTP
    /// on a host other than localhost).
    pub secure_cookies: bool,
}

impl Default for WebSettings {
    fn default() -> Self {
        WebSettings {
            secure_cookies: true,
        }
    }
}

/// Registers every page and the assets.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(assets::stylesheet)
        .service(assets::script)
        .configure(pages::routes);
}

/// A 303 to `to`: the answer to every form that worked, and to a visitor
/// who must log in first.
pub fn see_other(to: impl Into<String>) -> actix_web::HttpResponse {
    actix_web::HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, to.into()))
        .finish()
}

/// Whether `request` is a browser asking for a page (not an API client), so
/// that a miss is answered with a page rather than JSON.
pub fn wants_page(request: &actix_web::HttpRequest) -> bool {
    let accepts_html = request
        .headers()
        .get(actix_web::http::header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    accepts_html && !request.path().starts_with(API_PATHS)
}

/// Where the JSON API lives; a browser there gets JSON too.
const API_PATHS: &str = "/api/";

/// The "page not found" page, in the visitor's language.
pub fn not_found_page(request: &actix_web::HttpRequest) -> actix_web::HttpResponse {
    error::framework_error_page(
        actix_web::http::StatusCode::NOT_FOUND,
        context::chosen_language(request),
    )
}

/// The page a browser gets for an error status that the framework raised
/// before any page handler ran (a 405 on a form's address, a body too
/// large), in the visitor's language.
pub fn error_page_for_status(
    request: &actix_web::HttpRequest,
    status: actix_web::http::StatusCode,
) -> actix_web::HttpResponse {
    error::framework_error_page(status, context::chosen_language(request))
}

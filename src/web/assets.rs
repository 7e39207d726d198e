//! The stylesheet and the script, compiled into the binary: no CDN, no
//! build step, and a page never waits on another host.

use actix_web::http::header;
use actix_web::{get, HttpResponse};

/// Where the stylesheet is served.
pub const STYLESHEET_PATH: &str = "/assets/app.css";
/// Where the script is served.
pub const SCRIPT_PATH: &str = "/assets/app.js";

const STYLESHEET: &str = include_str!("assets/app.css");
const SCRIPT: &str = include_str!("assets/app.js");

/// The one stylesheet.
#[get("/assets/app.css")]
pub async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(STYLESHEET)
}

/// The one script.
#[get("/assets/app.js")]
pub async fn script() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(SCRIPT)
}

//! The procurement pages.

use actix_web::web;

/// Registers the procurement pages.
pub fn routes(_config: &mut web::ServiceConfig) {}

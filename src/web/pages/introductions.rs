//! The introductions pages.

use actix_web::web;

/// Registers the introductions pages.
pub fn routes(_config: &mut web::ServiceConfig) {}

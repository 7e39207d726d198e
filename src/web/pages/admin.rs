//! The admin pages.

use actix_web::web;

/// Registers the admin pages.
pub fn routes(_config: &mut web::ServiceConfig) {}

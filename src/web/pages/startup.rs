//! The startup pages.

use actix_web::web;

/// Registers the startup pages.
pub fn routes(_config: &mut web::ServiceConfig) {}

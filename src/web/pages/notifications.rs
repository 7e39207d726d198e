//! The notifications pages.

use actix_web::web;

/// Registers the notifications pages.
pub fn routes(_config: &mut web::ServiceConfig) {}

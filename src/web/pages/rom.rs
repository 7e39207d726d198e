//! The rom pages.

use actix_web::web;

/// Registers the rom pages.
pub fn routes(_config: &mut web::ServiceConfig) {}

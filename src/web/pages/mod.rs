//! The pages, one file per area of the site.

pub mod account;
pub mod admin;
pub mod imports;
pub mod introductions;
pub mod invitation;
pub mod notifications;
pub mod password;
pub mod privacy;
pub mod procurement;
pub mod public;
pub mod rom;
pub mod single_sign_on;
pub mod startup;
pub mod verification;

use actix_web::web;

/// Registers the pages of every area. Order matters where paths overlap:
/// the ROM pages' `/introductions/propose` must come before the
/// introductions' `/introductions/{id}`, which would otherwise take it.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .configure(public::routes)
        .configure(account::routes)
        .configure(password::routes)
        .configure(verification::routes)
        .configure(single_sign_on::routes)
        .configure(invitation::routes)
        .configure(privacy::routes)
        .configure(startup::routes)
        .configure(procurement::routes)
        .configure(rom::routes)
        .configure(introductions::routes)
        .configure(notifications::routes)
        .configure(imports::routes)
        .configure(admin::routes);
}

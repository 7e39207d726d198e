//! The start-up's own pages: its profile (created or edited through
//! `app::startups`) with a live preview of its matches while it types
//! (`app::matching::preview`), its ranked matches, and saved searches (for
//! every member who searches challenges).

mod matches;
mod profile;
mod profile_draft;
mod profile_form;
mod saved_searches;

use actix_web::web;

/// The flash of a finished action; it lives in `web::layout` now, and is
/// named here too for the pages that still import it from this module.
pub use crate::web::layout::done_flash;

/// Registers the start-up pages.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(
            web::resource("/profile")
                .route(web::get().to(profile::profile_page))
                .route(web::post().to(profile::submit_profile)),
        )
        .service(web::resource("/profile/preview").route(web::post().to(profile::profile_preview)))
        .service(web::resource("/matches").route(web::get().to(matches::matches_page)))
        .service(
            web::resource("/matches/{challenge_id}/mark")
                .route(web::post().to(matches::submit_mark)),
        )
        .service(
            web::resource("/saved-searches")
                .route(web::get().to(saved_searches::saved_searches_page))
                .route(web::post().to(saved_searches::submit_saved_search)),
        )
        .service(
            web::resource("/saved-searches/{id}/delete")
                .route(web::post().to(saved_searches::submit_delete_search)),
        );
}

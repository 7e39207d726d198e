//! Introductions for every role: the list of those the user is a party to,
//! one introduction with its notes, and the moves the user's side may make
//! (the operations of `app::introductions`, like `/api/v1/introductions`).
//! What each side sees — the anonymous card, the contacts after both
//! accepted — is decided by the use case, not here.

mod actions;
mod detail;
mod list;
mod parts;

use actix_web::web;

/// Registers the introduction pages.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/introductions").route(web::get().to(list::introductions_page)))
        .service(
            web::resource("/introductions/{id}").route(web::get().to(detail::introduction_page)),
        )
        .service(
            web::resource("/introductions/{id}/move").route(web::post().to(actions::submit_move)),
        )
        .service(
            web::resource("/introductions/{id}/notes").route(web::post().to(actions::submit_note)),
        );
}

//! The pages everyone sees: the landing page, the challenge search with
//! filters and facets, and a challenge with its public Q&A and, for a
//! start-up, "express interest". A signed-in visitor sees what their
//! account may see, through the same operations as the API
//! (`app::search::challenges`, `app::challenges::get`, `app::questions`, …).

mod challenge;
mod interest;
mod landing;
mod questions;
mod search;

use actix_web::web;

pub use self::challenge::challenge_facts;

/// Registers the public pages.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/").route(web::get().to(landing::landing)))
        .service(web::resource("/challenges").route(web::get().to(search::challenge_search)))
        .service(web::resource("/challenges/{id}").route(web::get().to(challenge::challenge_page)))
        .service(
            web::resource("/challenges/{id}/questions")
                .route(web::post().to(questions::submit_question)),
        )
        .service(
            web::resource("/challenges/{id}/questions/{question_id}/answer")
                .route(web::post().to(questions::submit_answer)),
        )
        .service(
            web::resource("/challenges/{id}/interest")
                .route(web::post().to(interest::submit_interest)),
        );
}

//! The procurement pages: the organisation's challenges, posting and
//! editing a challenge (with a live check while typing), moving it along
//! its lifecycle, and the ranked candidate start-ups. Every action is an
//! operation of `app::challenges` or `app::matching`.

mod candidates;
mod challenge_form;
mod editing;
mod my_challenges;
mod posting;

use actix_web::web;
use uuid::Uuid;

use crate::app::AppError;
use crate::domain::account::Role;
use crate::web::context::PageContext;
use crate::web::error::WebError;

/// Registers the procurement pages.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(
            web::resource("/my/challenges").route(web::get().to(my_challenges::my_challenges_page)),
        )
        .service(
            web::resource("/my/challenges/new")
                .route(web::get().to(posting::new_challenge_page))
                .route(web::post().to(posting::submit_new_challenge)),
        )
        .service(
            web::resource("/my/challenges/check").route(web::post().to(posting::check_challenge)),
        )
        .service(
            web::resource("/my/challenges/{id}/edit")
                .route(web::get().to(editing::edit_challenge_page))
                .route(web::post().to(editing::submit_challenge_edit)),
        )
        .service(
            web::resource("/my/challenges/{id}/status")
                .route(web::post().to(editing::submit_status_change)),
        )
        .service(
            web::resource("/my/challenges/{id}/candidates")
                .route(web::get().to(candidates::candidates_page)),
        )
        .service(
            web::resource("/my/challenges/{id}/candidates/{startup}/mark")
                .route(web::post().to(candidates::submit_mark)),
        );
}

/// The organisation of a procurement officer; every officer has one.
fn own_organisation(context: &PageContext) -> Result<Uuid, WebError> {
    let member = context.member_in(&[Role::Procurement])?;
    member
        .may_post_challenges()
        .map_err(|refusal| AppError::from(refusal).into())
}

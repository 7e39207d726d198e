//! The ROM officer's pages (admins see them too): the region dashboard
//! with its charts drawn on the server, the start-ups of the region with
//! their best matches, one start-up's page (profile, introductions,
//! matches, the ROM's notes), the officer's own pending invitations, and
//! proposing an introduction in two clicks
//! (`app::dashboard`, `app::introductions`).

mod chart;
mod claim;
mod dashboard;
mod export;
mod invitations;
mod propose;
mod region_startups;
mod startup_page;

use actix_web::web;
use uuid::Uuid;

use crate::domain::account::Role;

/// Registers the ROM pages.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/dashboard").route(web::get().to(dashboard::dashboard_page)))
        .service(web::resource(export::EXPORT_PATH).route(web::get().to(export::export_csv)))
        .service(
            web::resource("/region/startups")
                .route(web::get().to(region_startups::region_startups)),
        )
        .service(
            web::resource("/region/startups/{id}").route(web::get().to(startup_page::startup_page)),
        )
        .service(
            web::resource("/region/startups/{id}/notes")
                .route(web::post().to(startup_page::submit_note)),
        )
        .service(
            web::resource("/region/startups/{id}/claim-invitation")
                .route(web::post().to(claim::submit_claim_invitation)),
        )
        .service(
            web::resource("/region/invitations")
                .route(web::get().to(invitations::invitations_page)),
        )
        .service(
            web::resource("/region/invitations/{id}/resend")
                .route(web::post().to(invitations::submit_resend)),
        )
        .service(
            web::resource("/region/invitations/{id}/revoke")
                .route(web::post().to(invitations::submit_revoke)),
        )
        .service(
            web::resource("/introductions/propose")
                .route(web::get().to(propose::propose_page))
                .route(web::post().to(propose::submit_proposal)),
        );
}

/// Who brokers: ROM officers and admins.
const BROKERS: [Role; 2] = [Role::RomOfficer, Role::Admin];

/// The page that proposes `startup_id` for `challenge_id`.
fn propose_url(startup_id: impl std::fmt::Display, challenge_id: Uuid) -> String {
    format!("/introductions/propose?startup={startup_id}&challenge={challenge_id}")
}

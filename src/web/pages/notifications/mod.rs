//! A user's notifications, marking them read, and how they are delivered
//! (the operations of `app::notifications`, like `/api/v1/notifications`
//! and `/api/v1/me/notification-preferences`).

mod list;
mod preferences;

use actix_web::web;

/// Registers the notification pages.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/notifications").route(web::get().to(list::notifications_page)))
        .service(
            web::resource("/notifications/read-all").route(web::post().to(list::submit_read_all)),
        )
        .service(
            web::resource("/notifications/preferences")
                .route(web::post().to(preferences::submit_preferences)),
        )
        .service(
            web::resource("/notifications/{id}/read").route(web::post().to(list::submit_read)),
        );
}

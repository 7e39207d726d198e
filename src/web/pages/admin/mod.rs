//! The admin pages: the users (search, vet, unvet, disable, enable), the
//! organisations (search, create), the invitations (invite, resend,
//! revoke) and the audit trail. Every action is an operation of
//! `app::accounts::users`, `app::accounts::organisations`,
//! `app::accounts::invitations` or `app::audit`.

mod audit;
mod audit_summary;
mod invitations;
mod organisations;
mod users;

use actix_web::web;

use crate::web::form::FormFields;

/// Registers the admin pages.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/admin/users").route(web::get().to(users::users_page)))
        .service(
            web::resource("/admin/users/{id}/vetting").route(web::post().to(users::submit_vetting)),
        )
        .service(
            web::resource("/admin/users/{id}/disable").route(web::post().to(users::submit_disable)),
        )
        .service(
            web::resource("/admin/users/{id}/enable").route(web::post().to(users::submit_enable)),
        )
        .service(
            web::resource("/admin/organisations")
                .route(web::get().to(organisations::organisations_page))
                .route(web::post().to(organisations::submit_organisation)),
        )
        .service(
            web::resource("/admin/invitations")
                .route(web::get().to(invitations::invitations_page))
                .route(web::post().to(invitations::submit_invitation)),
        )
        .service(
            web::resource("/admin/invitations/{id}/resend")
                .route(web::post().to(invitations::submit_resend)),
        )
        .service(
            web::resource("/admin/invitations/{id}/revoke")
                .route(web::post().to(invitations::submit_revoke)),
        )
        .service(web::resource("/admin/audit").route(web::get().to(audit::audit_page)));
}

/// Rows per page of both lists.
const PER_PAGE: i64 = 25;

/// The page of a list asked for in the query; anything but a number is the first.
fn page_number(fields: &FormFields) -> i64 {
    fields
        .get("page")
        .and_then(|page| page.parse().ok())
        .unwrap_or(1)
}

/// The name of `code` among `labels`, or the code itself, readable.
fn label_of(labels: &[(&str, &'static str)], code: &str) -> String {
    labels
        .iter()
        .find(|(known, _)| *known == code)
        .map(|(_, label)| (*label).to_owned())
        .unwrap_or_else(|| code.replace('_', " "))
}

//! The import page for ROM officers and admins: upload a file, see what
//! importing it would do to every row, confirm, and download the rejected
//! rows (`app::imports`, the same import as `defmatch import`).
//!
//! - `GET /import`: the upload form; `POST /import` stores the file and
//!   goes to its preview;
//! - `GET /import/{id}`: the preview (a dry run);
//! - `POST /import/{id}/confirm`: the import, and its report;
//! - `GET /import/{id}/report.csv`: the rejections and ignored columns.

mod report;
mod review;
mod upload;

use actix_web::web;
use uuid::Uuid;

use crate::domain::account::Role;
use crate::web::error::WebError;

/// Who imports: ROM officers (start-ups of their provinces) and admins.
const IMPORTERS: [Role; 2] = [Role::RomOfficer, Role::Admin];

/// Registers the import pages.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(
            web::resource("/import")
                .route(web::get().to(upload::upload_page))
                .route(web::post().to(upload::submit_upload)),
        )
        .service(web::resource("/import/{id}").route(web::get().to(review::preview_page)))
        .service(
            web::resource("/import/{id}/confirm").route(web::post().to(review::submit_confirm)),
        )
        .service(web::resource("/import/{id}/report.csv").route(web::get().to(review::report_csv)));
}

/// The upload named in the path; anything but an id is a missing page.
fn upload_id(path: &str) -> Result<Uuid, WebError> {
    path.parse().map_err(|_| WebError::not_found())
}

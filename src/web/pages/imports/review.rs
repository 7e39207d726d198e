//! The preview of an upload, its confirmation and the download of its
//! rejected rows (`app::imports::{preview, confirm, report_csv}`).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use maud::html;

use super::report::result_content;
use super::{upload_id, IMPORTERS};
use crate::app::imports;
use crate::web::context::PageContext;
use crate::web::error::{html_response, WebError};
use crate::web::layout::{csrf_field, page};

/// `GET /import/{id}`: what importing the upload would do, and the button
/// that does it.
pub(super) async fn preview_page(
    context: PageContext,
    path: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let member = context.member_in(&IMPORTERS)?.clone();
    let id = upload_id(&path)?;
    let result = imports::preview(&context.state, &member, id).await?;
    let text = &context.text.imports;
    let title = format!("{} {}", text.preview_heading, result.file_name);
    let content = html! {
        h1 { (title) }
        p { (text.preview_intro) }
        (result_content(&context, &result))
        section.card aria-labelledby="confirm-heading" {
            h2 id="confirm-heading" { (text.confirm_heading) }
            p { (text.confirm_intro) }
            form method="post" action=(format!("/import/{id}/confirm")) {
                (csrf_field(&context))
                button type="submit" { (text.confirm_button) }
            }
            p { a href="/import" { (text.start_over) } }
        }
    };
    Ok(html_response(
        StatusCode::OK,
        page(&context, &title, content),
    ))
}

/// `POST /import/{id}/confirm`: imports the upload, once, and shows what
/// the import did.
pub(super) async fn submit_confirm(
    context: PageContext,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    context.verified_form(&body)?;
    let member = context.member_in(&IMPORTERS)?.clone();
    let id = upload_id(&path)?;
    let result = imports::confirm(&context.state, &member, id).await?;
    let text = &context.text.imports;
    let title = format!("{} {}", text.done_heading, result.file_name);
    let content = html! {
        h1 { (title) }
        p role="status" { (text.done_intro) " " (text.indexing_note) }
        (result_content(&context, &result))
        p { a href="/import" { (text.import_another) } }
    };
    Ok(html_response(
        StatusCode::OK,
        page(&context, &title, content),
    ))
}

/// `GET /import/{id}/report.csv`: the rejected rows and ignored columns of
/// the last preview or the import, as `defmatch import --report` writes them.
pub(super) async fn report_csv(
    context: PageContext,
    path: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let member = context.member_in(&IMPORTERS)?.clone();
    let id = upload_id(&path)?;
    let (_, report) = imports::report_csv(&context.state, &member, id).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"defmatch-import-report.csv\"",
        ))
        .body(report))
}

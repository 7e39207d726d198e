//! The upload form of the import page, and the upload itself: a
//! `multipart/form-data` body of at most the file limit plus the form's
//! few fields, read here, parsed by `web::multipart`, and stored by
//! `app::imports::upload`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use maud::{html, Markup};

use super::IMPORTERS;
use crate::app::imports::{
    self, kind_code, kind_from_code, RecordKind, UploadRequest, MAX_FILE_BYTES,
};
use crate::app::AppError;
use crate::domain::account::Role;
use crate::domain::Rule;
use crate::web::context::{PageContext, CSRF_FIELD};
use crate::web::error::{html_response, status_of, WebError};
use crate::web::layout::{
    csrf_field, described_by, field, form_error_summary, page, text_input, FormErrors,
};
use crate::web::multipart::{self, boundary_of, Part};
use crate::web::see_other;

/// Room for the form's other fields and the part headers beside the file.
const FORM_OVERHEAD_BYTES: usize = 64 * 1024;

/// How much of a body over the limit is read (and dropped) so that the
/// browser, still sending, gets the error page instead of a reset
/// connection; beyond this the connection is given up.
const MAX_DRAINED_BYTES: usize = 64 * 1024 * 1024;

/// The fields of the form, all of them, in order.
const FIELDS: [&str; 4] = ["kind", "file", "sheet", "create_organisations"];

/// What the form held, to show it again after an error (a file input
/// cannot be filled in again).
struct UploadDraft {
    kind: RecordKind,
    sheet: String,
    create_organisations: bool,
}

impl Default for UploadDraft {
    fn default() -> Self {
        UploadDraft {
            kind: RecordKind::Startups,
            sheet: String::new(),
            create_organisations: false,
        }
    }
}

fn upload_form(
    context: &PageContext,
    role: Role,
    draft: &UploadDraft,
    errors: &FormErrors,
) -> Markup {
    let text = &context.text.imports;
    let kind_error = errors.for_field("kind");
    let file_invalid = errors.for_field("file").is_some();
    html! {
        (form_error_summary(errors, context.language))
        form method="post" action="/import" enctype="multipart/form-data" novalidate {
            (csrf_field(context))
            @if role == Role::Admin {
                fieldset.field.has-error[kind_error.is_some()] id="kind" {
                    legend { (text.kind_legend) }
                    @for (kind, label) in [(RecordKind::Startups, text.kind_startups), (RecordKind::Challenges, text.kind_challenges)] {
                        @let id = format!("kind-{}", kind_code(kind));
                        label for=(id) {
                            input type="radio" id=(id) name="kind" value=(kind_code(kind)) checked[draft.kind == kind];
                            " " (label)
                        }
                    }
                    p.field-error id="error-kind" data-error-for="kind" aria-live="polite" {
                        @if let Some(error) = kind_error { (error) }
                    }
                }
            } @else {
                input type="hidden" name="kind" value=(kind_code(RecordKind::Startups));
                p { (text.startups_of_your_provinces) }
            }
            (field("file", text.file, Some(text.file_hint), errors, html! {
                input type="file" id="file" name="file" accept=".csv,.xlsx,.txt,.jsonl"
                    aria-describedby=(described_by("file"))
                    aria-invalid=[file_invalid.then_some("true")];
            }))
            (text_input("sheet", text.sheet, &draft.sheet, Some(text.sheet_hint), errors, "text"))
            @if role == Role::Admin {
                div.field.checkbox-field {
                    p.hint id="hint-create_organisations" { (text.create_organisations_hint) }
                    label for="create_organisations" {
                        input type="checkbox" id="create_organisations" name="create_organisations"
                            value="yes" checked[draft.create_organisations]
                            aria-describedby=(described_by("create_organisations"));
                        " " (text.create_organisations)
                    }
                    p.field-error id="error-create_organisations" data-error-for="create_organisations" aria-live="polite" {
                        @if let Some(error) = errors.for_field("create_organisations") { (error) }
                    }
                }
            }
            button type="submit" { (text.preview_button) }
        }
    }
}

/// The page with `draft` in the form and `errors` beside its fields.
fn upload_page_with(
    context: &PageContext,
    status: StatusCode,
    draft: &UploadDraft,
    errors: &FormErrors,
) -> Result<HttpResponse, WebError> {
    let member = context.member_in(&IMPORTERS)?;
    let text = &context.text.imports;
    let content = html! {
        h1 { (text.heading) }
        p { (text.intro) }
        section.card aria-label=(text.heading) {
            (upload_form(context, member.role, draft, errors))
        }
    };
    Ok(html_response(status, page(context, text.heading, content)))
}

/// `GET /import`.
pub(super) async fn upload_page(context: PageContext) -> Result<HttpResponse, WebError> {
    upload_page_with(
        &context,
        StatusCode::OK,
        &UploadDraft::default(),
        &FormErrors::none(),
    )
}

/// A body that could not be taken.
enum UnreadBody {
    TooLarge,
    Broken,
}

/// The body, when it is at most `limit` bytes.
async fn bounded_body(mut payload: web::Payload, limit: usize) -> Result<Vec<u8>, UnreadBody> {
    let mut body = Vec::new();
    let mut dropped = 0_usize;
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| UnreadBody::Broken)?;
        if dropped > 0 || body.len() + chunk.len() > limit {
            dropped += body.len() + chunk.len();
            body = Vec::new();
            if dropped > MAX_DRAINED_BYTES {
                break;
            }
            continue;
        }
        body.extend_from_slice(&chunk);
    }
    if dropped > 0 {
        return Err(UnreadBody::TooLarge);
    }
    Ok(body)
}

/// The text of the part `name`, blank when missing.
fn text_part(parts: &[Part], name: &str) -> String {
    parts
        .iter()
        .find(|part| part.name == name)
        .map(|part| String::from_utf8_lossy(&part.content).into_owned())
        .unwrap_or_default()
}

/// `POST /import`: stores the file and shows its preview, or the form
/// again with the errors beside its fields.
pub(super) async fn submit_upload(
    context: PageContext,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, WebError> {
    let member = context.member_in(&IMPORTERS)?.clone();
    let unreadable = |status: StatusCode| {
        let errors = FormErrors::general_message(context.text.imports.form_unreadable);
        upload_page_with(&context, status, &UploadDraft::default(), &errors)
    };
    let Some(boundary) = request
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(boundary_of)
    else {
        return unreadable(StatusCode::BAD_REQUEST);
    };
    let body = match bounded_body(payload, MAX_FILE_BYTES + FORM_OVERHEAD_BYTES).await {
        Ok(body) => body,
        Err(UnreadBody::TooLarge) => {
            let error = AppError::invalid(
                "file",
                Rule::FileTooLarge {
                    max_megabytes: imports::MAX_FILE_MEGABYTES,
                },
            );
            let errors = FormErrors::from_app(&error, &FIELDS, context.language);
            return upload_page_with(
                &context,
                StatusCode::PAYLOAD_TOO_LARGE,
                &UploadDraft::default(),
                &errors,
            );
        }
        Err(UnreadBody::Broken) => return unreadable(StatusCode::BAD_REQUEST),
    };
    let Ok(parts) = multipart::parse(&body, &boundary) else {
        return unreadable(StatusCode::BAD_REQUEST);
    };
    context.verify_csrf(&text_part(&parts, CSRF_FIELD))?;
    let draft = UploadDraft {
        kind: kind_from_code(&text_part(&parts, "kind")).unwrap_or(RecordKind::Startups),
        sheet: text_part(&parts, "sheet"),
        create_organisations: !text_part(&parts, "create_organisations").is_empty(),
    };
    let Some(kind) = kind_from_code(&text_part(&parts, "kind")) else {
        let errors = FormErrors::from_app(
            &AppError::invalid("kind", Rule::UnknownChoice),
            &FIELDS,
            context.language,
        );
        return upload_page_with(&context, StatusCode::BAD_REQUEST, &draft, &errors);
    };
    let (file_name, content) = parts
        .into_iter()
        .find(|part| part.name == "file")
        .map(|part| (part.file_name.unwrap_or_default(), part.content))
        .unwrap_or_default();
    let upload = UploadRequest {
        kind,
        file_name,
        content,
        sheet: Some(draft.sheet.clone()),
        create_organisations: draft.create_organisations,
    };
    match imports::upload(&context.state, &member, upload).await {
        Ok(id) => Ok(see_other(format!("/import/{id}"))),
        Err(error) if status_of(&error).is_client_error() => {
            let errors = FormErrors::from_app(&error, &FIELDS, context.language);
            upload_page_with(&context, status_of(&error), &draft, &errors)
        }
        Err(error) => Err(error.into()),
    }
}

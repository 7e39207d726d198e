//! The organisations page: every organisation by name, a search by name,
//! and the form that creates one (`app::accounts::organisations`).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use maud::{html, Markup};

use super::{label_of, page_number, PER_PAGE};
use crate::app::accounts::organisations::{self, OrganisationListFilter};
use crate::app::accounts::CreateOrganisationRequest;
use crate::app::AppError;
use crate::domain::account::{OrganisationKind, Role};
use crate::domain::region::Rom;
use crate::domain::{Rule, ValidationError};
use crate::web::context::PageContext;
use crate::web::error::{html_response, status_of, WebError};
use crate::web::form::{optional_choice, FieldProblems};
use crate::web::layout::{
    csrf_field, done_flash, form_error_summary, list_url, page, pager, select_field, text_input,
    FormErrors,
};
use crate::web::see_other;

/// What the create form holds, to show it again after an error.
#[derive(Default)]
struct OrganisationDraft {
    name: String,
    kind: String,
    rom: String,
    sso_email_domain: String,
}

fn create_form(context: &PageContext, draft: &OrganisationDraft, errors: &FormErrors) -> Markup {
    let text = &context.text.onboarding;
    let kind_options = html! {
        @for kind in OrganisationKind::ALL {
            option value=(kind.as_str()) selected[draft.kind == kind.as_str()] { (label_of(text.kinds, kind.as_str())) }
        }
    };
    let rom_options = html! {
        option value="" selected[draft.rom.is_empty()] { (text.no_rom) }
        @for rom in Rom::ALL {
            option value=(rom.as_str()) selected[draft.rom == rom.as_str()] { (rom.name()) }
        }
    };
    html! {
        section.card aria-labelledby="create-heading" {
            h2 id="create-heading" { (text.create_heading) }
            (form_error_summary(errors, context.language))
            form method="post" action="/admin/organisations" novalidate {
                (csrf_field(context))
                (text_input("name", text.name, &draft.name, None, errors, "text"))
                (select_field("kind", text.kind, None, errors, kind_options))
                (select_field("rom", text.rom, Some(text.rom_hint), errors, rom_options))
                (text_input("sso_email_domain", text.sso_email_domain, &draft.sso_email_domain, Some(text.sso_email_domain_hint), errors, "text"))
                button type="submit" { (text.create_button) }
            }
        }
    }
}

/// The page with `draft` in the create form and `errors` beside it.
async fn organisations_page_with(
    context: &PageContext,
    status: StatusCode,
    draft: &OrganisationDraft,
    errors: &FormErrors,
) -> Result<HttpResponse, WebError> {
    let admin = context.member_in(&[Role::Admin])?.clone();
    let text = &context.text.onboarding;
    let query = context.query();
    let search = query.get("name").unwrap_or_default().trim().to_owned();
    let filter = OrganisationListFilter {
        name: Some(search.clone()),
        page: Some(page_number(&query)),
        per_page: Some(PER_PAGE),
        ..OrganisationListFilter::default()
    };
    let listed = organisations::list(&context.state, &admin, filter).await?;
    let url = |page: i64| {
        list_url(
            "/admin/organisations",
            &[("name", search.clone()), ("page", page.to_string())],
        )
    };
    let content = html! {
        (done_flash(context, &[("created", text.done_created)]))
        h1 { (text.organisations_heading) }
        p { (text.organisations_intro) }
        form.search-form method="get" action="/admin/organisations" role="search" {
            div.field {
                label for="search-name" { (text.search_name) }
                input type="search" id="search-name" name="name" value=(search);
            }
            button type="submit" { (text.search_button) }
        }
        p.meta { (listed.total) " " (text.organisations_found) }
        @if listed.items.is_empty() {
            p { (text.no_organisations) }
        } @else {
            div.table-scroll { table.officer-table {
                thead { tr {
                    th scope="col" { (text.column_name) }
                    th scope="col" { (text.column_kind) }
                    th scope="col" { (text.column_rom) }
                } }
                tbody {
                    @for organisation in &listed.items {
                        tr {
                            th scope="row" { (organisation.name) }
                            td { (label_of(text.kinds, organisation.kind.as_str())) }
                            td { (organisation.rom.map(|rom| rom.name()).unwrap_or(context.text.admin.none)) }
                        }
                    }
                }
            } }
        }
        (pager(context, listed.page, listed.page * listed.per_page < listed.total, url))
        (create_form(context, draft, errors))
    };
    Ok(html_response(
        status,
        page(context, text.organisations_heading, content),
    ))
}

/// `GET /admin/organisations`.
pub(super) async fn organisations_page(context: PageContext) -> Result<HttpResponse, WebError> {
    organisations_page_with(
        &context,
        StatusCode::OK,
        &OrganisationDraft::default(),
        &FormErrors::none(),
    )
    .await
}

/// The organisation a submitted form asks for, or the errors of its fields.
fn organisation_request(draft: &OrganisationDraft) -> Result<CreateOrganisationRequest, AppError> {
    let mut problems = FieldProblems::default();
    let kind = problems.check(
        optional_choice::<OrganisationKind>("kind", &draft.kind)
            .and_then(|kind| kind.ok_or_else(|| ValidationError::new("kind", Rule::Required))),
    );
    let rom = problems.check(optional_choice::<Rom>("rom", &draft.rom));
    let request = match (kind, rom) {
        (Some(kind), Some(rom)) => Some(CreateOrganisationRequest {
            kind,
            name: draft.name.clone(),
            rom,
            sso_email_domain: Some(draft.sso_email_domain.trim().to_owned())
                .filter(|domain| !domain.is_empty()),
        }),
        _ => None,
    };
    problems.into_result(request)
}

/// `POST /admin/organisations`: creates, or shows the form again with its errors.
pub(super) async fn submit_organisation(
    context: PageContext,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let form = context.verified_form(&body)?;
    let admin = context.member_in(&[Role::Admin])?.clone();
    let draft = OrganisationDraft {
        name: form.get("name").unwrap_or_default().to_owned(),
        kind: form.get("kind").unwrap_or_default().to_owned(),
        rom: form.get("rom").unwrap_or_default().to_owned(),
        sso_email_domain: form.get("sso_email_domain").unwrap_or_default().to_owned(),
    };
    let outcome = match organisation_request(&draft) {
        Ok(request) => organisations::create(&context.state, &admin, request).await,
        Err(error) => Err(error),
    };
    match outcome {
        Ok(_) => Ok(see_other("/admin/organisations?done=created")),
        Err(error) if status_of(&error).is_client_error() => {
            let errors = FormErrors::from_app(
                &error,
                &["name", "kind", "rom", "sso_email_domain"],
                context.language,
            );
            organisations_page_with(&context, status_of(&error), &draft, &errors).await
        }
        Err(error) => Err(error.into()),
    }
}

//! The invitations page: the form that invites someone by e-mail (role
//! and organisation), and the pending invitations with their resend and
//! revoke buttons (`app::accounts::invitations`).

use std::str::FromStr;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use maud::{html, Markup};

use super::{label_of, page_number, PER_PAGE};
use crate::app::accounts::invitations::{self, CreateInvitationRequest, InvitationView};
use crate::app::accounts::organisations::{self, OrganisationListFilter};
use crate::app::accounts::OrganisationView;
use crate::app::page::MAX_PER_PAGE;
use crate::app::AppError;
use crate::domain::account::{EmailAddress, OrganisationKind, Role};
use crate::domain::policy::Member;
use crate::domain::{Rule, ValidationError};
use crate::web::context::PageContext;
use crate::web::error::{html_response, status_of, WebError};
use crate::web::form::{optional_choice, parse_id, FieldProblems};
use crate::web::layout::{
    csrf_field, done_flash, form_error_summary, human_date_time, list_url, page, pager,
    select_field, text_input, FormErrors,
};
use crate::web::see_other;

/// What the invite form holds, to show it again after an error.
#[derive(Default)]
struct InviteDraft {
    email: String,
    role: String,
    organisation_id: String,
}

fn invite_form(
    context: &PageContext,
    organisations: &[OrganisationView],
    draft: &InviteDraft,
    errors: &FormErrors,
) -> Markup {
    let text = &context.text.onboarding;
    let roles = context.text.admin.roles;
    let kinds = [
        OrganisationKind::Defence,
        OrganisationKind::Rom,
        OrganisationKind::StartupCompany,
    ];
    let role_options = html! {
        @for role in Role::ALL {
            option value=(role.as_str()) selected[draft.role == role.as_str()] { (label_of(roles, role.as_str())) }
        }
    };
    let organisation_options = html! {
        option value="" selected[draft.organisation_id.is_empty()] { (text.no_organisation) }
        @for kind in kinds {
            optgroup label=(label_of(text.kinds, kind.as_str())) {
                @for organisation in organisations.iter().filter(|each| each.kind == kind) {
                    @let id = organisation.id.to_string();
                    option value=(id) selected[draft.organisation_id == id] { (organisation.name) }
                }
            }
        }
    };
    html! {
        section.card aria-labelledby="invite-heading" {
            h2 id="invite-heading" { (text.invite_heading) }
            (form_error_summary(errors, context.language))
            form method="post" action="/admin/invitations" novalidate {
                (csrf_field(context))
                (text_input("email", text.email, &draft.email, None, errors, "email"))
                (select_field("role", text.role, None, errors, role_options))
                (select_field("organisation_id", text.organisation, Some(text.organisation_hint), errors, organisation_options))
                button type="submit" { (text.invite_button) }
            }
        }
    }
}

/// A one-button form that resends or revokes `invitation`.
fn invitation_action(
    context: &PageContext,
    invitation: &InvitationView,
    action: &str,
    label: &str,
) -> Markup {
    html! {
        form.inline method="post" action=(format!("/admin/invitations/{}/{action}", invitation.id)) {
            (csrf_field(context))
            button.secondary type="submit" aria-label=(format!("{label}: {}", invitation.email.as_str())) { (label) }
        }
    }
}

fn pending_table(context: &PageContext, pending: &[InvitationView]) -> Markup {
    let text = &context.text.onboarding;
    let roles = context.text.admin.roles;
    html! {
        div.table-scroll { table.officer-table {
            thead { tr {
                th scope="col" { (text.column_email) }
                th scope="col" { (text.column_role) }
                th scope="col" { (text.column_organisation) }
                th scope="col" { (text.column_expires) }
                th scope="col" { (text.column_actions) }
            } }
            tbody {
                @for invitation in pending {
                    tr {
                        th scope="row" { (invitation.email.as_str()) }
                        td { (label_of(roles, invitation.role.as_str())) }
                        td { (invitation.organisation_name.as_deref().unwrap_or(context.text.admin.none)) }
                        td {
                            (human_date_time(invitation.expires_at, context.language))
                            @if invitation.expired { " (" (text.expired) ")" }
                        }
                        td.actions {
                            (invitation_action(context, invitation, "resend", text.resend))
                            (invitation_action(context, invitation, "revoke", text.revoke))
                        }
                    }
                }
            }
        } }
    }
}

/// The organisations the invite form offers, by name.
async fn offered_organisations(
    context: &PageContext,
    admin: &Member,
) -> Result<Vec<OrganisationView>, AppError> {
    let filter = OrganisationListFilter {
        per_page: Some(MAX_PER_PAGE),
        ..OrganisationListFilter::default()
    };
    Ok(organisations::list(&context.state, admin, filter)
        .await?
        .items)
}

/// The page with `draft` in the form and `errors` beside it.
async fn invitations_page_with(
    context: &PageContext,
    status: StatusCode,
    draft: &InviteDraft,
    errors: &FormErrors,
) -> Result<HttpResponse, WebError> {
    let admin = context.member_in(&[Role::Admin])?.clone();
    let text = &context.text.onboarding;
    let page_asked = page_number(&context.query());
    let listed =
        invitations::list(&context.state, &admin, Some(page_asked), Some(PER_PAGE)).await?;
    let organisations = offered_organisations(context, &admin).await?;
    let url = |page: i64| list_url("/admin/invitations", &[("page", page.to_string())]);
    let content = html! {
        (done_flash(context, &[
            ("invited", text.done_invited),
            ("resent", text.done_resent),
            ("revoked", text.done_revoked),
        ]))
        h1 { (text.invitations_heading) }
        p { (text.invitations_intro) }
        (invite_form(context, &organisations, draft, errors))
        h2 { (text.pending_heading) }
        @if listed.items.is_empty() {
            p { (text.no_pending) }
        } @else {
            (pending_table(context, &listed.items))
        }
        (pager(context, listed.page, listed.page * listed.per_page < listed.total, url))
    };
    Ok(html_response(
        status,
        page(context, text.invitations_heading, content),
    ))
}

/// `GET /admin/invitations`.
pub(super) async fn invitations_page(context: PageContext) -> Result<HttpResponse, WebError> {
    invitations_page_with(
        &context,
        StatusCode::OK,
        &InviteDraft::default(),
        &FormErrors::none(),
    )
    .await
}

/// The invitation a submitted form asks for, or the errors of its fields.
fn invitation_request(draft: &InviteDraft) -> Result<CreateInvitationRequest, AppError> {
    let mut checked = FieldProblems::default();
    let email = checked.check(
        EmailAddress::try_from(draft.email.trim().to_owned())
            .map_err(|rule| ValidationError::new("email", rule)),
    );
    let role = checked.check(
        Role::from_str(&draft.role).map_err(|_| ValidationError::new("role", Rule::UnknownChoice)),
    );
    let organisation_id = checked.check(optional_choice("organisation_id", &draft.organisation_id));
    let request = match (email, role, organisation_id) {
        (Some(email), Some(role), Some(organisation_id)) => Some(CreateInvitationRequest {
            email,
            role,
            organisation_id,
            startup_id: None,
        }),
        _ => None,
    };
    checked.into_result(request)
}

/// `POST /admin/invitations`: invites, or shows the form again with its errors.
pub(super) async fn submit_invitation(
    context: PageContext,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let form = context.verified_form(&body)?;
    let admin = context.member_in(&[Role::Admin])?.clone();
    let draft = InviteDraft {
        email: form.get("email").unwrap_or_default().to_owned(),
        role: form.get("role").unwrap_or_default().to_owned(),
        organisation_id: form.get("organisation_id").unwrap_or_default().to_owned(),
    };
    let outcome = match invitation_request(&draft) {
        Ok(request) => {
            invitations::invite(&context.state, &admin, context.client_address(), request).await
        }
        Err(error) => Err(error),
    };
    match outcome {
        Ok(_) => Ok(see_other("/admin/invitations?done=invited")),
        Err(error) if status_of(&error).is_client_error() => {
            let fields = ["email", "role", "organisation_id"];
            let errors = FormErrors::from_app(&error, &fields, context.language);
            invitations_page_with(&context, status_of(&error), &draft, &errors).await
        }
        Err(error) => Err(error.into()),
    }
}

/// `POST /admin/invitations/{id}/resend`.
pub(super) async fn submit_resend(
    context: PageContext,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let id = parse_id(&path)?;
    context.verified_form(&body)?;
    let admin = context.member_in(&[Role::Admin])?.clone();
    invitations::resend(&context.state, &admin, context.client_address(), id).await?;
    Ok(see_other("/admin/invitations?done=resent"))
}

/// `POST /admin/invitations/{id}/revoke`.
pub(super) async fn submit_revoke(
    context: PageContext,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let id = parse_id(&path)?;
    context.verified_form(&body)?;
    let admin = context.member_in(&[Role::Admin])?.clone();
    invitations::revoke(&context.state, &admin, id).await?;
    Ok(see_other("/admin/invitations?done=revoked"))
}

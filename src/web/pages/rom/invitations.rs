//! A ROM officer's own pending invitations (the claims they sent from the
//! region list), each with resend and revoke (`app::accounts::invitations`;
//! the list holds only the officer's own, as `Member::may_manage_invitation`
//! allows). Admins manage every invitation on `/admin/invitations`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use maud::{html, Markup};

use crate::app::accounts::invitations::{self, InvitationView};
use crate::domain::account::Role;
use crate::web::context::PageContext;
use crate::web::error::{html_response, WebError};
use crate::web::form::parse_id;
use crate::web::layout::{csrf_field, done_flash, human_date_time, list_url, page, pager};
use crate::web::see_other;

/// Invitations per page.
const PER_PAGE: i64 = 25;

/// A one-button form that resends or revokes `invitation`.
fn invitation_action(
    context: &PageContext,
    invitation: &InvitationView,
    action: &str,
    label: &str,
) -> Markup {
    html! {
        form.inline method="post" action=(format!("/region/invitations/{}/{action}", invitation.id)) {
            (csrf_field(context))
            button.secondary type="submit" aria-label=(format!("{label}: {}", invitation.email.as_str())) { (label) }
        }
    }
}

fn pending_table(context: &PageContext, pending: &[InvitationView]) -> Markup {
    let text = &context.text.onboarding;
    html! {
        div.table-scroll { table.officer-table {
            thead { tr {
                th scope="col" { (text.column_email) }
                th scope="col" { (context.text.rom.column_startup) }
                th scope="col" { (text.column_expires) }
                th scope="col" { (text.column_actions) }
            } }
            tbody {
                @for invitation in pending {
                    tr {
                        th scope="row" { (invitation.email.as_str()) }
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

/// `GET /region/invitations`.
pub(super) async fn invitations_page(context: PageContext) -> Result<HttpResponse, WebError> {
    let officer = context.member_in(&[Role::RomOfficer])?.clone();
    let text = &context.text.onboarding;
    let page_asked = context
        .query()
        .get("page")
        .and_then(|page| page.parse().ok())
        .unwrap_or(1);
    let listed =
        invitations::list(&context.state, &officer, Some(page_asked), Some(PER_PAGE)).await?;
    let url = |page: i64| list_url("/region/invitations", &[("page", page.to_string())]);
    let content = html! {
        (done_flash(&context, &[
            ("resent", text.done_resent),
            ("revoked", text.done_revoked),
        ]))
        h1 { (text.pending_heading) }
        p { (context.text.rom.invitations_intro) }
        @if listed.items.is_empty() {
            p { (text.no_pending) }
        } @else {
            (pending_table(&context, &listed.items))
        }
        (pager(&context, listed.page, listed.page * listed.per_page < listed.total, url))
    };
    Ok(html_response(
        StatusCode::OK,
        page(&context, text.pending_heading, content),
    ))
}

/// `POST /region/invitations/{id}/resend`: a new link, a new expiry.
pub(super) async fn submit_resend(
    context: PageContext,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let id = parse_id(&path)?;
    context.verified_form(&body)?;
    let officer = context.member_in(&[Role::RomOfficer])?.clone();
    invitations::resend(&context.state, &officer, context.client_address(), id).await?;
    Ok(see_other("/region/invitations?done=resent"))
}

/// `POST /region/invitations/{id}/revoke`: the link stops working.
pub(super) async fn submit_revoke(
    context: PageContext,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let id = parse_id(&path)?;
    context.verified_form(&body)?;
    let officer = context.member_in(&[Role::RomOfficer])?.clone();
    invitations::revoke(&context.state, &officer, id).await?;
    Ok(see_other("/region/invitations?done=revoked"))
}

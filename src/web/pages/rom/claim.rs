//! A ROM officer (or an admin) invites an imported start-up of the region
//! to claim its profile (`app::accounts::invitations::invite_to_claim`).

use actix_web::{web, HttpResponse};

use super::BROKERS;
use crate::app::accounts::invitations::{self, ClaimInvitationRequest};
use crate::app::AppError;
use crate::domain::account::EmailAddress;
use crate::domain::ValidationError;
use crate::web::context::PageContext;
use crate::web::error::WebError;
use crate::web::form::parse_id;
use crate::web::see_other;

/// `POST /region/startups/{id}/claim-invitation`: sends the invitation to
/// the address in the form (the contact e-mail it was filled with).
pub(super) async fn submit_claim_invitation(
    context: PageContext,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let startup_id = parse_id(&path)?;
    let form = context.verified_form(&body)?;
    let member = context.member_in(&BROKERS)?.clone();
    let email = match form.non_blank("email") {
        Some(raw) => Some(
            EmailAddress::try_from(raw.trim().to_owned())
                .map_err(|rule| AppError::from(ValidationError::new("email", rule)))?,
        ),
        None => None,
    };
    invitations::invite_to_claim(
        &context.state,
        &member,
        context.client_address(),
        startup_id,
        ClaimInvitationRequest { email },
    )
    .await?;
    Ok(see_other("/region/startups?done=claim_invited"))
}

//! Invitations: sending, listing, resending and revoking them (admins; ROM
//! officers for the start-ups of their provinces), inviting an imported
//! start-up to claim its profile, and accepting one with the mailed token
//! (`app::accounts::invitations`, docs/onboarding.md).

use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::api::auth::AuthUser;
use crate::api::dto::account::TokenResponse;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::{client_address, JsonBody, QueryParams};
use crate::app::accounts::invitations::{
    self, AcceptInvitationRequest, ClaimInvitationRequest, CreateInvitationRequest, InvitationView,
};
use crate::app::accounts::UserView;
use crate::app::{AppState, Paginated};

/// Invites someone by e-mail: a mail with a single-use link
/// (`{DEFMATCH_PUBLIC_URL}/invitation?token=…`, valid for 7 days) is queued.
#[utoipa::path(
    tag = "invitations",
    security(("bearer" = [])),
    request_body = CreateInvitationRequest,
    responses(
        (status = 201, description = "Invited; the mail is on its way", body = InvitationView),
        (status = 403, description = "The caller may not invite to this role, organisation or start-up", body = ErrorBody),
        (status = 404, description = "`startup_id` names no start-up", body = ErrorBody),
        (status = 409, description = "An account, or a pending invitation, has this address (`field`: `email`)", body = ErrorBody),
        (status = 429, description = "Too many invitations from this address; see Retry-After", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
#[post("/invitations")]
pub async fn create_invitation(
    state: web::Data<AppState>,
    user: AuthUser,
    http_request: HttpRequest,
    body: JsonBody<CreateInvitationRequest>,
) -> Result<HttpResponse, ApiError> {
    let view =
        invitations::invite(&state, &user.member, client_address(&http_request), body.0).await?;
    Ok(HttpResponse::Created().json(view))
}

/// Invites an imported start-up (a contact e-mail, no account yet) to
/// claim its profile; the mail goes to the contact e-mail unless `email`
/// is given. ROM officers of the start-up's province and admins.
#[utoipa::path(
    tag = "invitations",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Start-up profile id")),
    request_body = ClaimInvitationRequest,
    responses(
        (status = 201, description = "Invited to claim; the mail is on its way", body = InvitationView),
        (status = 403, description = "Not a ROM officer of its province or an admin, or the start-up has an account already", body = ErrorBody),
        (status = 409, description = "An account, or a pending invitation, has this address (`field`: `email`)", body = ErrorBody),
        (status = 429, description = "Too many invitations from this address; see Retry-After", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
#[post("/startups/{id}/claim-invitation")]
pub async fn invite_to_claim(
    state: web::Data<AppState>,
    user: AuthUser,
    http_request: HttpRequest,
    path: web::Path<Uuid>,
    body: JsonBody<ClaimInvitationRequest>,
) -> Result<HttpResponse, ApiError> {
    let view = invitations::invite_to_claim(
        &state,
        &user.member,
        client_address(&http_request),
        path.into_inner(),
        body.0,
    )
    .await?;
    Ok(HttpResponse::Created().json(view))
}

/// Paging of the invitation list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct InvitationListQuery {
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

/// Pending invitations, newest first (expired ones included, marked):
/// all for admins, their own for ROM officers.
#[utoipa::path(
    tag = "invitations",
    security(("bearer" = [])),
    params(InvitationListQuery),
    responses(
        (status = 200, description = "A page of pending invitations", body = Paginated<InvitationView>),
        (status = 403, description = "Neither an admin nor a ROM officer", body = ErrorBody),
    )
)]
#[get("/invitations")]
pub async fn list_invitations(
    state: web::Data<AppState>,
    user: AuthUser,
    query: QueryParams<InvitationListQuery>,
) -> Result<HttpResponse, ApiError> {
    let listed = invitations::list(&state, &user.member, query.0.page, query.0.per_page).await?;
    Ok(HttpResponse::Ok().json(listed))
}

/// Sends a pending invitation again with a new link and 7 new days; the
/// old link stops working.
#[utoipa::path(
    tag = "invitations",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Invitation id")),
    responses(
        (status = 200, description = "Resent", body = InvitationView),
        (status = 403, description = "Neither an admin nor a ROM officer", body = ErrorBody),
        (status = 409, description = "The invitation was accepted or revoked", body = ErrorBody),
        (status = 429, description = "Too many invitations from this address; see Retry-After", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
#[post("/invitations/{id}/resend")]
pub async fn resend_invitation(
    state: web::Data<AppState>,
    user: AuthUser,
    http_request: HttpRequest,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let view = invitations::resend(
        &state,
        &user.member,
        client_address(&http_request),
        path.into_inner(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Revokes a pending invitation: its link stops working.
#[utoipa::path(
    tag = "invitations",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Invitation id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 403, description = "Neither an admin nor a ROM officer", body = ErrorBody),
        (status = 409, description = "The invitation was accepted or revoked already", body = ErrorBody),
    )
)]
#[delete("/invitations/{id}")]
pub async fn revoke_invitation(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    invitations::revoke(&state, &user.member, path.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The account made from an invitation, with its first tokens.
#[derive(Debug, Serialize, ToSchema)]
pub struct AcceptedResponse {
    pub user: UserView,
    pub tokens: TokenResponse,
}

/// Accepts an invitation with the token of its link: the account is
/// created with the name and password given, in the invitation's role and
/// organisation, and signed in. The token works once.
#[utoipa::path(
    tag = "invitations",
    request_body = AcceptInvitationRequest,
    responses(
        (status = 201, description = "The account exists and is signed in", body = AcceptedResponse),
        (status = 400, description = "The token is unknown, accepted already, revoked or expired (`field`: `token`, a message for each), or the password or name breaks a rule", body = ErrorBody),
        (status = 409, description = "An account has the invited address already", body = ErrorBody),
    )
)]
#[post("/invitations/accept")]
pub async fn accept_invitation(
    state: web::Data<AppState>,
    http_request: HttpRequest,
    body: JsonBody<AcceptInvitationRequest>,
) -> Result<HttpResponse, ApiError> {
    let accepted = invitations::accept(&state, client_address(&http_request), body.0).await?;
    Ok(HttpResponse::Created().json(AcceptedResponse {
        user: accepted.user,
        tokens: accepted.tokens.into(),
    }))
}

//! The users page: every account with its role, organisation, vetting and
//! state, and the one-button forms that vet, unvet, disable and enable it.

use std::collections::HashMap;
use std::str::FromStr;

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use maud::{html, Markup};
use uuid::Uuid;

use super::{label_of, page_number, PER_PAGE};
use crate::app::accounts::users::{self, UserListFilter};
use crate::app::accounts::{organisations, UpdateUserRequest, UserView};
use crate::app::AppError;
use crate::domain::account::Role;
use crate::domain::Rule;
use crate::web::context::PageContext;
use crate::web::error::{html_response, WebError};
use crate::web::form::{parse_id, FormFields};
use crate::web::layout::{csrf_field, flash, list_url, page, pager};

/// The message of the change the admin just made, from the `done` query field.
fn done_message(context: &PageContext) -> Option<&'static str> {
    let text = &context.text.admin;
    match context.query().get("done") {
        Some("vetted") => Some(text.done_vetted),
        Some("unvetted") => Some(text.done_unvetted),
        Some("disabled") => Some(text.done_disabled),
        Some("enabled") => Some(text.done_enabled),
        _ => None,
    }
}

/// A one-button form that changes `user` and comes back to `back`.
fn user_action(
    context: &PageContext,
    user: &UserView,
    action: &str,
    value: Option<&str>,
    label: &str,
    back: &str,
) -> Markup {
    html! {
        form.inline method="post" action=(format!("/admin/users/{}/{action}", user.id)) {
            (csrf_field(context))
            input type="hidden" name="version" value=(user.version);
            input type="hidden" name="back" value=(back);
            @if let Some(value) = value { input type="hidden" name="vetted" value=(value); }
            button.secondary type="submit" aria-label=(format!("{label}: {}", user.display_name)) { (label) }
        }
    }
}

fn user_row(
    context: &PageContext,
    user: &UserView,
    organisation_names: &HashMap<Uuid, String>,
    back: &str,
) -> Markup {
    let text = &context.text.admin;
    let is_me = context
        .user
        .as_ref()
        .is_some_and(|me| me.member.user_id == user.id);
    let organisation = user
        .organisation_id
        .and_then(|id| organisation_names.get(&id).cloned())
        .unwrap_or_else(|| text.none.to_owned());
    html! {
        tr.disabled-user[user.disabled] {
            th scope="row" { (user.display_name) }
            td { (user.email.as_str()) }
            td { (label_of(text.roles, user.role.as_str())) }
            td { (organisation) }
            td { @if user.vetted { (text.yes) } @else { (text.no) } }
            td { @if user.disabled { (text.disabled) } @else { (text.active) } }
            td.actions {
                @if user.vetted {
                    (user_action(context, user, "vetting", Some("false"), text.unvet, back))
                } @else {
                    (user_action(context, user, "vetting", Some("true"), text.vet, back))
                }
                @if is_me {
                    span.meta { (text.yourself) }
                } @else if user.disabled {
                    (user_action(context, user, "enable", None, text.enable, back))
                } @else {
                    (user_action(context, user, "disable", None, text.disable, back))
                }
            }
        }
    }
}

/// `GET /admin/users`: one page of the users, optionally of one role.
pub(super) async fn users_page(context: PageContext) -> Result<HttpResponse, WebError> {
    let admin = context.member_in(&[Role::Admin])?.clone();
    let text = &context.text.admin;
    let fields = context.query();
    let role = fields
        .non_blank("role")
        .map(Role::from_str)
        .transpose()
        .map_err(|_| AppError::invalid("role", Rule::UnknownChoice))?;
    let search = fields.get("q").unwrap_or_default().trim().to_owned();
    let filter = UserListFilter {
        role,
        organisation_id: None,
        text: Some(search.clone()),
        page: Some(page_number(&fields)),
        per_page: Some(PER_PAGE),
    };
    let listed = users::list(&context.state, &admin, filter).await?;
    let organisation_ids = listed
        .items
        .iter()
        .filter_map(|user| user.organisation_id)
        .collect();
    let organisation_names = organisations::names(&context.state, &admin, organisation_ids).await?;
    let role_code = role
        .map(|role| role.as_str().to_owned())
        .unwrap_or_default();
    let url = |page: i64| {
        list_url(
            "/admin/users",
            &[
                ("role", role_code.clone()),
                ("q", search.clone()),
                ("page", page.to_string()),
            ],
        )
    };
    let back = url(listed.page);
    let content = html! {
        (flash(done_message(&context)))
        h1 { (text.users_heading) }
        p { (text.users_intro) }
        form.search-form method="get" action="/admin/users" role="search" {
            div.field {
                label for="q" { (context.text.onboarding.search_users) }
                p.hint id="hint-q" { (context.text.onboarding.search_users_hint) }
                input type="search" id="q" name="q" value=(search) aria-describedby="hint-q";
            }
            div.field {
                label for="role" { (text.filter_role) }
                select id="role" name="role" {
                    option value="" selected[role.is_none()] { (text.any_role) }
                    @for each in Role::ALL {
                        option value=(each.as_str()) selected[role == Some(*each)] { (label_of(text.roles, each.as_str())) }
                    }
                }
            }
            button type="submit" { (text.filter_button) }
        }
        p.meta { (listed.total) " " (text.users_found) }
        @if listed.items.is_empty() {
            p { (text.no_users) }
        } @else {
            div.table-scroll { table.officer-table {
                thead { tr {
                    th scope="col" { (text.column_name) }
                    th scope="col" { (text.column_email) }
                    th scope="col" { (text.column_role) }
                    th scope="col" { (text.column_organisation) }
                    th scope="col" { (text.column_vetted) }
                    th scope="col" { (text.column_account) }
                    th scope="col" { (text.column_actions) }
                } }
                tbody {
                    @for user in &listed.items { (user_row(&context, user, &organisation_names, &back)) }
                }
            } }
        }
        (pager(&context, listed.page, listed.page * listed.per_page < listed.total, url))
    };
    Ok(html_response(
        StatusCode::OK,
        page(&context, text.users_heading, content),
    ))
}

/// Where to return after a change: the list the admin came from, with the
/// outcome. Only a path of the users list is followed.
fn back_to_list(form: &FormFields, done: &str) -> HttpResponse {
    let back = form
        .get("back")
        .filter(|back| back.starts_with("/admin/users?") || *back == "/admin/users")
        .filter(|back| !back.contains(['\r', '\n']))
        .unwrap_or("/admin/users");
    let separator = if back.contains('?') { '&' } else { '?' };
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("{back}{separator}done={done}")))
        .finish()
}

/// Applies the change that `request` reads from the form to the user of
/// the path, from the version the form was drawn with.
async fn change_from_form(
    context: &PageContext,
    raw_id: &str,
    body: &[u8],
    request: impl FnOnce(&FormFields) -> (UpdateUserRequest, &'static str),
) -> Result<HttpResponse, WebError> {
    let user_id = parse_id(raw_id)?;
    let form = context.verified_form(body)?;
    let admin = context.member_in(&[Role::Admin])?.clone();
    let (request, done) = request(&form);
    users::update(&context.state, &admin, user_id, form.version(), request).await?;
    Ok(back_to_list(&form, done))
}

/// `POST /admin/users/{id}/vetting`: vets or unvets, as `vetted` says.
pub(super) async fn submit_vetting(
    context: PageContext,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    change_from_form(&context, &path, &body, |form| {
        let vetted = form.get("vetted") == Some("true");
        let request = UpdateUserRequest {
            vetted: Some(vetted),
            ..UpdateUserRequest::default()
        };
        (request, if vetted { "vetted" } else { "unvetted" })
    })
    .await
}

/// `POST /admin/users/{id}/disable`: disables the account and ends its sessions.
pub(super) async fn submit_disable(
    context: PageContext,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    change_from_form(&context, &path, &body, |_| {
        let request = UpdateUserRequest {
            disabled: Some(true),
            ..UpdateUserRequest::default()
        };
        (request, "disabled")
    })
    .await
}

/// `POST /admin/users/{id}/enable`: enables a disabled account.
pub(super) async fn submit_enable(
    context: PageContext,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    change_from_form(&context, &path, &body, |_| {
        let request = UpdateUserRequest {
            disabled: Some(false),
            ..UpdateUserRequest::default()
        };
        (request, "enabled")
    })
    .await
}

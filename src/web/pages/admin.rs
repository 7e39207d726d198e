//! The admin pages: the users (vet, unvet, disable, enable) and the audit
//! trail, through the API's own operations (`user_list`, `change_user`,
//! `audit_events`).

use std::collections::HashMap;
use std::str::FromStr;

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use maud::{html, Markup};
use uuid::Uuid;

use crate::api::dto::audit::AuditEventView;
use crate::api::error::ApiError;
use crate::api::handlers::audit::{audit_events, AuditListQuery};
use crate::api::handlers::users::{change_user, user_list, UserListQuery};
use crate::api::legacy::LegacyBlocking;
use crate::app::accounts::{UpdateUserRequest, UserView};
use crate::app::AppState;
use crate::domain::account::Role;
use crate::domain::audit::AuditAction;
use crate::web::context::PageContext;
use crate::web::error::{html_response, WebError};
use crate::web::form::parse_id;
use crate::web::form::FormFields;
use crate::web::layout::{csrf_field, described_by, flash, form_error_summary, page, FormErrors};
use crate::web::text::admin::AdminText;

/// Registers the admin pages.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/admin/users").route(web::get().to(users_page)))
        .service(web::resource("/admin/users/{id}/vetting").route(web::post().to(submit_vetting)))
        .service(web::resource("/admin/users/{id}/disable").route(web::post().to(submit_disable)))
        .service(web::resource("/admin/users/{id}/enable").route(web::post().to(submit_enable)))
        .service(web::resource("/admin/audit").route(web::get().to(audit_page)));
}

/// Rows per page of both lists.
const PER_PAGE: i64 = 25;

fn page_number(fields: &FormFields) -> i64 {
    fields
        .get("page")
        .and_then(|page| page.parse().ok())
        .unwrap_or(1)
}

fn label_of(labels: &[(&str, &'static str)], code: &str) -> String {
    labels
        .iter()
        .find(|(known, _)| *known == code)
        .map(|(_, label)| (*label).to_owned())
        .unwrap_or_else(|| code.replace('_', " "))
}

/// A link to the list with `pairs` as its query.
fn list_url(path: &str, pairs: &[(&str, String)]) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs.iter().filter(|(_, value)| !value.is_empty()) {
        query.append_pair(name, value);
    }
    format!("{path}?{}", query.finish())
}

fn pager(context: &PageContext, page: i64, has_next: bool, url: impl Fn(i64) -> String) -> Markup {
    let common = &context.text.common;
    html! {
        nav.pager aria-label=(common.pages) {
            @if page > 1 { a href=(url(page - 1)) { (common.previous_page) } }
            @if has_next { a href=(url(page + 1)) { (common.next_page) } }
        }
    }
}

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

/// The names of the organisations the listed users belong to.
async fn organisation_names(
    state: &AppState,
    users: &[UserView],
) -> Result<HashMap<Uuid, String>, ApiError> {
    let ids: Vec<Uuid> = users
        .iter()
        .filter_map(|user| user.organisation_id)
        .collect();
    state
        .with_connection_api(move |connection| {
            Ok(crate::db::organisations::names_by_id(connection, &ids)?)
        })
        .await
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
    organisations: &HashMap<Uuid, String>,
    back: &str,
) -> Markup {
    let text = &context.text.admin;
    let is_me = context
        .user
        .as_ref()
        .is_some_and(|me| me.member.user_id == user.id);
    let organisation = user
        .organisation_id
        .and_then(|id| organisations.get(&id).cloned())
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

async fn users_page(context: PageContext) -> Result<HttpResponse, WebError> {
    let admin = context.member_in(&[Role::Admin])?.clone();
    let text = &context.text.admin;
    let fields = context.query();
    let role = fields
        .non_blank("role")
        .map(Role::from_str)
        .transpose()
        .map_err(|error| ApiError::invalid("role", error.to_string()))?;
    let page_number = page_number(&fields);
    let query = UserListQuery {
        role,
        organisation_id: None,
        page: Some(page_number),
        per_page: Some(PER_PAGE),
    };
    let listed = user_list(&context.state, &admin, query).await?;
    let organisations = organisation_names(&context.state, &listed.items).await?;
    let role_code = role
        .map(|role| role.as_str().to_owned())
        .unwrap_or_default();
    let url = |page: i64| {
        list_url(
            "/admin/users",
            &[("role", role_code.clone()), ("page", page.to_string())],
        )
    };
    let back = url(listed.page);
    let content = html! {
        (flash(done_message(&context)))
        h1 { (text.users_heading) }
        p { (text.users_intro) }
        form.search-form method="get" action="/admin/users" {
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
                    @for user in &listed.items { (user_row(&context, user, &organisations, &back)) }
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
        .unwrap_or("/admin/users");
    let separator = if back.contains('?') { '&' } else { '?' };
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("{back}{separator}done={done}")))
        .finish()
}

/// Applies `request` to the user of the path, as `PATCH /api/v1/users/{id}` does.
async fn change_from_form(
    context: &PageContext,
    raw_id: &str,
    body: &[u8],
    request: impl FnOnce(&FormFields) -> (UpdateUserRequest, &'static str),
) -> Result<HttpResponse, WebError> {
    let user_id = parse_id(raw_id)?;
    let form = context.verified_form(body)?;
    let admin = context.member_in(&[Role::Admin])?.clone();
    let if_match = form.if_match();
    let (request, done) = request(&form);
    change_user(&context.state, &admin, user_id, if_match, request).await?;
    Ok(back_to_list(&form, done))
}

fn no_change() -> UpdateUserRequest {
    UpdateUserRequest {
        display_name: None,
        role: None,
        vetted: None,
        disabled: None,
    }
}

async fn submit_vetting(
    context: PageContext,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    change_from_form(&context, &path, &body, |form| {
        let vetted = form.get("vetted") == Some("true");
        let request = UpdateUserRequest {
            vetted: Some(vetted),
            ..no_change()
        };
        (request, if vetted { "vetted" } else { "unvetted" })
    })
    .await
}

async fn submit_disable(
    context: PageContext,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    change_from_form(&context, &path, &body, |_| {
        let request = UpdateUserRequest {
            disabled: Some(true),
            ..no_change()
        };
        (request, "disabled")
    })
    .await
}

async fn submit_enable(
    context: PageContext,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    change_from_form(&context, &path, &body, |_| {
        let request = UpdateUserRequest {
            disabled: Some(false),
            ..no_change()
        };
        (request, "enabled")
    })
    .await
}

/// The audit filters as typed; a subject that is not an id is a form error.
struct AuditForm {
    action: Option<AuditAction>,
    subject: String,
    actor: Option<Uuid>,
    page: i64,
}

impl AuditForm {
    fn from_query(fields: &FormFields) -> Self {
        AuditForm {
            action: fields
                .non_blank("action")
                .and_then(|code| AuditAction::from_str(code).ok()),
            subject: fields.get("subject").unwrap_or_default().trim().to_owned(),
            actor: fields
                .non_blank("actor")
                .and_then(|id| Uuid::parse_str(id).ok()),
            page: page_number(fields),
        }
    }

    fn url(&self, page: i64) -> String {
        list_url(
            "/admin/audit",
            &[
                (
                    "action",
                    self.action
                        .map(|a| a.as_str().to_owned())
                        .unwrap_or_default(),
                ),
                ("subject", self.subject.clone()),
                (
                    "actor",
                    self.actor.map(|a| a.to_string()).unwrap_or_default(),
                ),
                ("page", page.to_string()),
            ],
        )
    }
}

fn audit_filters(context: &PageContext, form: &AuditForm, errors: &FormErrors) -> Markup {
    let text = &context.text.admin;
    let subject_error = errors.for_field("subject");
    html! {
        (form_error_summary(errors, context.language))
        form.search-form method="get" action="/admin/audit" {
            div.field {
                label for="action" { (text.filter_action) }
                select id="action" name="action" {
                    option value="" selected[form.action.is_none()] { (text.any_action) }
                    @for action in AuditAction::ALL {
                        option value=(action.as_str()) selected[form.action == Some(*action)] { (label_of(text.actions, action.as_str())) }
                    }
                }
            }
            div.field.has-error[subject_error.is_some()] {
                label for="subject" { (text.filter_subject) }
                p.hint id="hint-subject" { (text.filter_subject_hint) }
                input type="text" id="subject" name="subject" value=(form.subject)
                    aria-describedby=(described_by("subject")) aria-invalid=[subject_error.map(|_| "true")];
                p.field-error id="error-subject" data-error-for="subject" aria-live="polite" {
                    @if let Some(error) = subject_error { (error) }
                }
            }
            @if let Some(actor) = form.actor { input type="hidden" name="actor" value=(actor); }
            button type="submit" { (text.filter_button) }
        }
    }
}

fn short_id(id: Uuid) -> String {
    id.to_string().chars().take(8).collect()
}

fn event_row(text: &AdminText, event: &AuditEventView) -> Markup {
    let detail = match &event.detail {
        serde_json::Value::Object(map) if map.is_empty() => String::new(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    };
    html! {
        tr {
            th scope="row" { time datetime=(event.occurred_at.to_rfc3339()) { (event.occurred_at.format("%Y-%m-%d %H:%M:%S")) } }
            td {
                @match event.actor_id {
                    Some(actor) => a href=(format!("/admin/audit?actor={actor}")) title=(actor) { code { (short_id(actor)) } },
                    None => span.meta { (text.server) },
                }
            }
            td { (label_of(text.actions, event.action.as_str())) }
            td {
                (event.subject_type) " "
                @if let Some(subject) = event.subject_id {
                    a href=(format!("/admin/audit?subject={subject}")) title=(subject) { code { (short_id(subject)) } }
                }
            }
            td { @if !detail.is_empty() { code.detail { (detail) } } }
        }
    }
}

async fn audit_page(context: PageContext) -> Result<HttpResponse, WebError> {
    let admin = context.member_in(&[Role::Admin])?.clone();
    let text = &context.text.admin;
    let form = AuditForm::from_query(&context.query());
    let subject = if form.subject.is_empty() {
        Ok(None)
    } else {
        Uuid::parse_str(&form.subject)
            .map(Some)
            .map_err(|_| ApiError::invalid("subject", text.subject_not_an_id))
    };
    let outcome = match subject {
        Ok(subject) => {
            let query = AuditListQuery {
                actor: form.actor,
                subject,
                action: form.action,
                from: None,
                until: None,
                page: Some(form.page),
                per_page: Some(PER_PAGE),
            };
            audit_events(&context.state, &admin, query).await
        }
        Err(error) => Err(error),
    };
    let (listed, errors, status) = match outcome {
        Ok(listed) => (Some(listed), FormErrors::none(), StatusCode::OK),
        Err(error) if error.code.status().is_client_error() => {
            let status = error.code.status();
            (
                None,
                FormErrors::from_api(&error, &["subject", "action"]),
                status,
            )
        }
        Err(error) => return Err(error.into()),
    };
    let content = html! {
        h1 { (text.audit_heading) }
        p { (text.audit_intro) }
        (audit_filters(&context, &form, &errors))
        @if let Some(listed) = &listed {
            p.meta { (listed.total) " " (text.events_found) }
            @if listed.items.is_empty() {
                p { (text.no_events) }
            } @else {
                div.table-scroll { table.officer-table.audit {
                    thead { tr {
                        th scope="col" { (text.column_when) }
                        th scope="col" { (text.column_actor) }
                        th scope="col" { (text.column_action) }
                        th scope="col" { (text.column_subject) }
                        th scope="col" { (text.column_detail) }
                    } }
                    tbody { @for event in &listed.items { (event_row(text, event)) } }
                } }
            }
            (pager(&context, listed.page, listed.page * listed.per_page < listed.total, |page| form.url(page)))
        }
    };
    Ok(html_response(
        status,
        page(&context, text.audit_heading, content),
    ))
}

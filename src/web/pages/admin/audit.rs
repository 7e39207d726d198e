//! The audit trail page: the events, newest first, filtered by action,
//! subject and actor.

use std::str::FromStr;

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use maud::{html, Markup};
use uuid::Uuid;

use super::{label_of, page_number, PER_PAGE};
use crate::app::audit::{self, AuditEventView, AuditListFilter};
use crate::app::AppError;
use crate::domain::account::Role;
use crate::domain::audit::AuditAction;
use crate::domain::{Rule, ValidationError};
use crate::web::context::PageContext;
use crate::web::error::{html_response, status_of, WebError};
use crate::web::form::{FieldProblems, FormFields};
use crate::web::layout::{described_by, form_error_summary, list_url, page, pager, FormErrors};
use crate::web::text::admin::AdminText;

/// The fields of the filter form that errors are shown beside.
const FIELDS: [&str; 2] = ["subject", "action"];

/// The audit filters as typed. An action or actor that is not one is
/// ignored (they come from links and the select); a subject that is not an
/// id is a form error.
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

    /// The subject typed, as an id; blank means any subject.
    fn subject_id(&self) -> Result<Option<Uuid>, ValidationError> {
        if self.subject.is_empty() {
            return Ok(None);
        }
        Uuid::parse_str(&self.subject)
            .map(Some)
            .map_err(|_| ValidationError::new("subject", Rule::NotAnId))
    }

    /// The list these filters ask for, or every field that is not even the
    /// right kind of value.
    fn filter(&self) -> Result<AuditListFilter, AppError> {
        let mut problems = FieldProblems::default();
        let subject = problems.check(self.subject_id());
        let filter = subject.map(|subject| AuditListFilter {
            actor: self.actor,
            subject,
            action: self.action,
            from: None,
            until: None,
            page: Some(self.page),
            per_page: Some(PER_PAGE),
        });
        problems.into_result(filter)
    }

    fn url(&self, page: i64) -> String {
        let action = self
            .action
            .map(|action| action.as_str().to_owned())
            .unwrap_or_default();
        let actor = self
            .actor
            .map(|actor| actor.to_string())
            .unwrap_or_default();
        list_url(
            "/admin/audit",
            &[
                ("action", action),
                ("subject", self.subject.clone()),
                ("actor", actor),
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

/// `GET /admin/audit`: one page of the events that pass the filters; a
/// filter that cannot be used is shown beside its field.
pub(super) async fn audit_page(context: PageContext) -> Result<HttpResponse, WebError> {
    let admin = context.member_in(&[Role::Admin])?.clone();
    let text = &context.text.admin;
    let form = AuditForm::from_query(&context.query());
    let outcome = match form.filter() {
        Ok(filter) => audit::list(&context.state, &admin, filter).await,
        Err(error) => Err(error),
    };
    let (listed, errors, status) = match outcome {
        Ok(listed) => (Some(listed), FormErrors::none(), StatusCode::OK),
        Err(error) if status_of(&error).is_client_error() => (
            None,
            FormErrors::from_app(&error, &FIELDS, context.language),
            status_of(&error),
        ),
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

//! The audit trail page: the events, newest first, each with the names of
//! who acted and what it was about and a sentence saying what happened
//! (the recorded detail folded away beneath), filtered by who acted (a
//! name or e-mail address), the action, the subject and a period of days.

use std::str::FromStr;

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use chrono::{Datelike, NaiveDate};
use maud::{html, Markup};
use uuid::Uuid;

use super::audit_summary::{short_id, summary};
use super::{label_of, page_number, PER_PAGE};
use crate::app::audit::AuditListFilter;
use crate::app::audit_names::{self, NamedAuditEvent, SubjectName};
use crate::app::AppError;
use crate::domain::account::Role;
use crate::domain::audit::AuditAction;
use crate::domain::{amsterdam, Rule, ValidationError};
use crate::web::context::PageContext;
use crate::web::error::{html_response, status_of, WebError};
use crate::web::form::{FieldProblems, FormFields};
use crate::web::layout::{
    described_by, form_error_summary, human_date_time, list_url, page, pager, text_input,
    FormErrors,
};

/// The fields of the filter form that errors are shown beside.
const FIELDS: [&str; 5] = ["actor", "action", "subject", "from", "to"];

/// The longest text a filter field keeps when it is shown again.
const MAX_TYPED_CHARS: usize = 200;

/// The audit filters as typed. An action that is not one is ignored (it
/// comes from the select); a subject that is not an id, or a day that is
/// not one, is a form error.
struct AuditForm {
    action: Option<AuditAction>,
    subject: String,
    /// A name or e-mail address (or part of one), or a user's id.
    actor: String,
    from: String,
    to: String,
    page: i64,
}

impl AuditForm {
    fn from_query(fields: &FormFields) -> Self {
        let typed = |name: &str| -> String {
            fields
                .get(name)
                .unwrap_or_default()
                .trim()
                .chars()
                .take(MAX_TYPED_CHARS)
                .collect()
        };
        AuditForm {
            action: fields
                .non_blank("action")
                .and_then(|code| AuditAction::from_str(code).ok()),
            subject: typed("subject"),
            actor: typed("actor"),
            from: typed("from"),
            to: typed("to"),
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

    /// The day typed in `field` (`YYYY-MM-DD`, a day in Amsterdam); blank
    /// is no limit. Years far from now are refused as typing errors.
    fn day(field: &'static str, typed: &str) -> Result<Option<NaiveDate>, ValidationError> {
        if typed.is_empty() {
            return Ok(None);
        }
        NaiveDate::parse_from_str(typed, "%Y-%m-%d")
            .ok()
            .filter(|day| (1990..=2200).contains(&day.year()))
            .map(Some)
            .ok_or_else(|| ValidationError::new(field, Rule::NotADate))
    }

    /// The list these filters ask for and the actor search, or every field
    /// that is not even the right kind of value.
    fn filter(&self) -> Result<(AuditListFilter, Option<String>), AppError> {
        let mut problems = FieldProblems::default();
        let subject = problems.check(self.subject_id());
        let from = problems.check(Self::day("from", &self.from));
        let to = problems.check(Self::day("to", &self.to));
        let period = match (from, to) {
            (Some(Some(from)), Some(Some(to))) if to < from => {
                problems.check::<()>(Err(ValidationError::new(
                    "to",
                    Rule::NotBefore {
                        start_field: "from",
                    },
                )));
                None
            }
            (Some(from), Some(to)) => Some((from, to)),
            _ => None,
        };
        // An id (from a link) names one user; anything else is searched.
        let actor_id = Uuid::parse_str(&self.actor).ok();
        let actor_search =
            (actor_id.is_none() && !self.actor.is_empty()).then(|| self.actor.clone());
        let filter = subject.zip(period).map(|(subject, (from, to))| {
            let filter = AuditListFilter {
                actor: actor_id,
                subject,
                action: self.action,
                from: from.map(amsterdam::start_of_day),
                until: to.map(|to| amsterdam::start_of_day(to + chrono::Duration::days(1))),
                page: Some(self.page),
                per_page: Some(PER_PAGE),
            };
            (filter, actor_search)
        });
        problems.into_result(filter)
    }

    fn url(&self, page: i64) -> String {
        let action = self
            .action
            .map(|action| action.as_str().to_owned())
            .unwrap_or_default();
        list_url(
            "/admin/audit",
            &[
                ("actor", self.actor.clone()),
                ("action", action),
                ("subject", self.subject.clone()),
                ("from", self.from.clone()),
                ("to", self.to.clone()),
                ("page", page.to_string()),
            ],
        )
    }
}

fn audit_filters(context: &PageContext, form: &AuditForm, errors: &FormErrors) -> Markup {
    let text = &context.text.admin;
    let audit = &context.text.audit;
    let subject_error = errors.for_field("subject");
    html! {
        (form_error_summary(errors, context.language))
        form.search-form method="get" action="/admin/audit" {
            (text_input("actor", audit.filter_actor, &form.actor, Some(audit.filter_actor_hint), errors, "search"))
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
            (text_input("from", audit.filter_from, &form.from, Some(audit.day_hint), errors, "date"))
            (text_input("to", audit.filter_to, &form.to, Some(audit.day_hint), errors, "date"))
            button type="submit" { (text.filter_button) }
        }
    }
}

/// Who acted: their name and address, linked to their other events.
fn actor_cell(context: &PageContext, event: &NamedAuditEvent) -> Markup {
    let text = &context.text.admin;
    html! {
        @match (&event.actor, event.event.actor_id) {
            (Some(person), _) => {
                a href=(list_url("/admin/audit", &[("actor", person.email.clone())])) { (person.name) }
                br;
                span.meta { (person.email) }
            },
            (None, Some(actor)) => a href=(format!("/admin/audit?actor={actor}")) { code { (short_id(actor)) } " " (context.text.audit.gone) },
            (None, None) => span.meta { (text.server) },
        }
    }
}

fn event_row(context: &PageContext, event: &NamedAuditEvent) -> Markup {
    let text = &context.text.admin;
    let audit = &context.text.audit;
    let recorded = &event.event;
    let detail = match &recorded.detail {
        serde_json::Value::Object(map) if map.is_empty() => String::new(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    };
    let subject_name = match &event.subject {
        Some(SubjectName::Person(person)) => Some(person.name.clone()),
        Some(SubjectName::Challenge { title }) => Some(title.clone()),
        Some(SubjectName::Introduction { startup, challenge }) => {
            Some(format!("{startup}{}{challenge}", audit.pair_joiner))
        }
        Some(SubjectName::Invitation { email, .. }) => Some(email.clone()),
        None => None,
    };
    html! {
        tr {
            th scope="row" { time datetime=(recorded.occurred_at.to_rfc3339()) { (human_date_time(recorded.occurred_at, context.language)) } }
            td { (actor_cell(context, event)) }
            td { (label_of(text.actions, recorded.action.as_str())) }
            td {
                p.summary { (summary(event, context.language)) }
                details {
                    summary { (audit.raw_detail) }
                    p {
                        (recorded.subject_type) " "
                        @if let Some(subject) = recorded.subject_id {
                            a href=(format!("/admin/audit?subject={subject}")) title=[subject_name.as_deref()] { code { (subject) } }
                        }
                    }
                    @if !detail.is_empty() { code.detail { (detail) } }
                }
            }
        }
    }
}

/// `GET /admin/audit`: one page of the events that pass the filters; a
/// filter that cannot be used is shown beside its field.
pub(super) async fn audit_page(context: PageContext) -> Result<HttpResponse, WebError> {
    let admin = context.member_in(&[Role::Admin])?.clone();
    let text = &context.text.admin;
    let audit = &context.text.audit;
    let form = AuditForm::from_query(&context.query());
    let outcome = match form.filter() {
        Ok((filter, actor_search)) => {
            audit_names::list_named(&context.state, &admin, filter, actor_search).await
        }
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
                        th scope="col" { (audit.column_summary) }
                    } }
                    tbody { @for event in &listed.items { (event_row(&context, event)) } }
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

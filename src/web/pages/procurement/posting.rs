//! Posting a new challenge, and the live check of the form while typing.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::Utc;
use maud::{html, Markup};

use super::challenge_form::{challenge_form, ChallengeDraft, FormTarget, FORM_FIELDS};
use super::own_organisation;
use crate::app::{challenges, AppError};
use crate::domain::account::Role;
use crate::web::context::PageContext;
use crate::web::error::{html_response, status_of, WebError};
use crate::web::layout::{page, FormErrors};
use crate::web::see_other;
use crate::web::text::errors::rule_message;

fn new_form_page(context: &PageContext, draft: &ChallengeDraft, errors: &FormErrors) -> Markup {
    let text = &context.text.procurement;
    let target = FormTarget {
        action: "/my/challenges/new".to_owned(),
        submit: text.submit_new,
        live_check: true,
        version: None,
    };
    let content = html! {
        h1 { (text.new_heading) }
        p { (text.new_intro) }
        div.card { (challenge_form(context, draft, &[], errors, &target)) }
    };
    page(context, text.new_heading, content)
}

pub(super) async fn new_challenge_page(context: PageContext) -> Result<HttpResponse, WebError> {
    own_organisation(&context)?;
    let page = new_form_page(&context, &ChallengeDraft::blank(), &FormErrors::none());
    Ok(html_response(StatusCode::OK, page))
}

pub(super) async fn submit_new_challenge(
    context: PageContext,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let form = context.verified_form(&body)?;
    let member = context.member_in(&[Role::Procurement])?.clone();
    let draft = ChallengeDraft::from_form(&form);
    let outcome = match draft.to_input() {
        Ok(input) => challenges::create(&context.state, &member, input).await,
        Err(error) => Err(error),
    };
    match outcome {
        Ok(view) => Ok(see_other(format!(
            "/my/challenges/{}/edit?done=created",
            view.id
        ))),
        Err(error) if status_of(&error).is_client_error() => {
            let errors = FormErrors::from_app(&error, &FORM_FIELDS, context.language);
            let page = new_form_page(&context, &draft, &errors);
            Ok(html_response(status_of(&error), page))
        }
        Err(error) => Err(error.into()),
    }
}

/// The live check of the challenge form: `{"field": "message"}` for the
/// rules the typed values break, in the visitor's language, `{}` when they
/// pass. The same rules as posting: the form's own parsing, `validate` and
/// the deadline check.
pub(super) async fn check_challenge(
    context: PageContext,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let form = context.verified_form(&body)?;
    context.member_in(&[Role::Procurement])?;
    let draft = ChallengeDraft::from_form(&form).with_blanks_filled();
    let problems = match draft
        .to_input()
        .and_then(|input| Ok(input.validate()?))
        .and_then(|content| Ok(content.check_deadline_ahead(Utc::now())?))
    {
        Ok(()) => Vec::new(),
        Err(AppError::Invalid(problems)) => problems,
        Err(other) => return Err(other.into()),
    };
    let messages: BTreeMap<String, String> = problems
        .into_iter()
        .rev()
        .map(|problem| (problem.field, rule_message(&problem.rule, context.language)))
        .collect();
    Ok(HttpResponse::Ok().json(messages))
}

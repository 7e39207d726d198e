//! "Express interest": a start-up asks to be introduced to a challenge.

use actix_web::{web, HttpResponse};

use super::challenge::challenge_with_errors;
use crate::app::introductions::{self, NewIntroductionRequest};
use crate::domain::account::Role;
use crate::web::context::PageContext;
use crate::web::error::{status_of, WebError};
use crate::web::form::parse_id;
use crate::web::layout::FormErrors;
use crate::web::see_other;

pub(super) async fn submit_interest(
    context: PageContext,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let challenge_id = parse_id(&path)?;
    let form = context.verified_form(&body)?;
    let member = context.member_in(&[Role::Startup])?.clone();
    let request = NewIntroductionRequest {
        challenge_id,
        startup_id: None,
        message: form.non_blank("message").map(str::to_owned),
    };
    match introductions::start(&context.state, &member, request).await {
        Ok(_) => Ok(see_other(format!(
            "/challenges/{challenge_id}?done=interest"
        ))),
        Err(error) if status_of(&error).is_client_error() => {
            let errors = FormErrors::from_app(&error, &["message"], context.language);
            challenge_with_errors(&context, challenge_id, status_of(&error), &errors, "").await
        }
        Err(error) => Err(error.into()),
    }
}

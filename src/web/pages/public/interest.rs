//! "Express interest": a start-up asks to be introduced to a challenge.

use actix_web::{web, HttpResponse};

use super::challenge::challenge_with_errors;
use crate::api::dto::introduction::NewIntroductionRequest;
use crate::api::handlers::introductions::start_introduction;
use crate::domain::account::Role;
use crate::web::context::PageContext;
use crate::web::error::WebError;
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
    // MERGE: app::introductions::start
    match start_introduction(&context.state, member, request).await {
        Ok(_) => Ok(see_other(format!(
            "/challenges/{challenge_id}?done=interest"
        ))),
        Err(error) if error.code.status().is_client_error() => {
            // The old operation answers an `ApiError`; over `app` this is `FormErrors::from_app`.
            let errors = FormErrors::from_api(&error, &["message"]);
            challenge_with_errors(&context, challenge_id, error.code.status(), &errors, "").await
        }
        Err(error) => Err(error.into()),
    }
}

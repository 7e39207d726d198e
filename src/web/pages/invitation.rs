//! Accepting an invitation from its mailed link: the invited person
//! chooses a name and a password and is signed in, on the home page of
//! their role (`app::accounts::invitations::accept`).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use maud::{html, Markup};

use crate::app::accounts::invitations::{self, AcceptInvitationRequest};
use crate::app::AppError;
use crate::domain::account::{NewPassword, Role};
use crate::domain::ValidationError;
use crate::web::context::PageContext;
use crate::web::error::{html_response, status_of, WebError};
use crate::web::layout::{csrf_field, form_error_summary, page, text_input, FormErrors};
use crate::web::see_other;

/// Registers the invitation page.
pub fn routes(config: &mut web::ServiceConfig) {
    config.service(
        web::resource("/invitation")
            .route(web::get().to(accept_page))
            .route(web::post().to(submit_accept)),
    );
}

/// Where each role starts.
pub fn home_of(role: Role) -> &'static str {
    match role {
        Role::Startup => "/profile",
        Role::Procurement => "/my/challenges",
        Role::RomOfficer => "/dashboard",
        Role::Admin => "/admin/users",
    }
}

fn accept_form(context: &PageContext, token: &str, name: &str, errors: &FormErrors) -> Markup {
    let text = &context.text.onboarding;
    let common = &context.text.common;
    let content = html! {
        div.card.narrow {
            h1 { (text.accept_heading) }
            p { (text.accept_intro) }
            (form_error_summary(errors, context.language))
            form method="post" action="/invitation" novalidate {
                (csrf_field(context))
                input type="hidden" name="token" value=(token);
                (text_input("display_name", text.your_name, name, None, errors, "text"))
                (text_input("password", text.choose_password, "", Some(common.password_hint), errors, "password"))
                button type="submit" { (text.accept_button) }
            }
        }
    };
    page(context, text.accept_heading, content)
}

async fn accept_page(context: PageContext) -> Result<HttpResponse, WebError> {
    let token = context.query().get("token").unwrap_or_default().to_owned();
    Ok(html_response(
        StatusCode::OK,
        accept_form(&context, &token, "", &FormErrors::none()),
    ))
}

async fn submit_accept(context: PageContext, body: web::Bytes) -> Result<HttpResponse, WebError> {
    let form = context.verified_form(&body)?;
    let token = form.get("token").unwrap_or_default().to_owned();
    let name = form.get("display_name").unwrap_or_default().to_owned();
    let outcome = match NewPassword::try_from(form.get("password").unwrap_or_default().to_owned()) {
        Ok(password) => {
            let request = AcceptInvitationRequest {
                token: token.clone(),
                password,
                display_name: name.clone(),
            };
            invitations::accept(&context.state, context.client_address(), request).await
        }
        Err(rule) => Err(AppError::from(ValidationError::new("password", rule))),
    };
    match outcome {
        Ok(accepted) => {
            let tokens = &accepted.tokens;
            context.start_session(&tokens.access_token, &tokens.refresh_token);
            Ok(see_other(home_of(accepted.user.role)))
        }
        Err(error) if status_of(&error).is_client_error() => {
            // The token's errors have no field of the form: the summary shows them.
            let errors =
                FormErrors::from_app(&error, &["display_name", "password"], context.language);
            Ok(html_response(
                status_of(&error),
                accept_form(&context, &token, &name, &errors),
            ))
        }
        Err(error) => Err(error.into()),
    }
}

//! A forgotten password from the login page: asking for a link by mail and
//! choosing a new password with it; and changing the password when signed
//! in (`app::accounts::passwords`).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use maud::{html, Markup};

use crate::app::accounts::passwords::{
    self, PasswordChange, PasswordResetConfirmation, PasswordResetRequest,
};
use crate::app::AppError;
use crate::domain::account::NewPassword;
use crate::domain::ValidationError;
use crate::web::context::PageContext;
use crate::web::error::{html_response, status_of, WebError};
use crate::web::layout::{csrf_field, form_error_summary, page, text_input, FormErrors};

/// Registers the password pages.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(
            web::resource("/forgot-password")
                .route(web::get().to(forgot_page))
                .route(web::post().to(submit_forgot)),
        )
        .service(
            web::resource("/reset-password")
                .route(web::get().to(reset_page))
                .route(web::post().to(submit_reset)),
        )
        .service(
            web::resource("/account/password")
                .route(web::get().to(change_page))
                .route(web::post().to(submit_change)),
        );
}

fn forgot_form(context: &PageContext, sent: bool) -> Markup {
    let text = &context.text.common;
    let content = html! {
        div.card.narrow {
            h1 { (text.forgot_heading) }
            @if sent {
                p role="status" { (text.reset_link_sent) }
            } @else {
                p { (text.forgot_intro) }
            }
            form method="post" action="/forgot-password" {
                (csrf_field(context))
                (text_input("email", text.email, "", None, &FormErrors::none(), "email"))
                button type="submit" { (text.send_reset_link) }
            }
            p { a href="/login" { (text.log_in) } }
        }
    };
    page(context, text.forgot_heading, content)
}

async fn forgot_page(context: PageContext) -> Result<HttpResponse, WebError> {
    Ok(html_response(StatusCode::OK, forgot_form(&context, false)))
}

async fn submit_forgot(context: PageContext, body: web::Bytes) -> Result<HttpResponse, WebError> {
    let form = context.verified_form(&body)?;
    let request = PasswordResetRequest {
        email: form.get("email").unwrap_or_default().to_owned(),
    };
    passwords::request_reset(&context.state, context.client_address(), request).await?;
    // The same page for every address: it tells nobody which have accounts.
    Ok(html_response(StatusCode::OK, forgot_form(&context, true)))
}

fn reset_form(context: &PageContext, token: &str, errors: &FormErrors) -> Markup {
    let text = &context.text.common;
    let content = html! {
        div.card.narrow {
            h1 { (text.reset_heading) }
            (form_error_summary(errors, context.language))
            form method="post" action="/reset-password" novalidate {
                (csrf_field(context))
                input type="hidden" name="token" value=(token);
                (text_input("password", text.new_password, "", Some(text.password_hint), errors, "password"))
                button type="submit" { (text.set_password) }
            }
            p { a href="/forgot-password" { (text.ask_new_link) } }
        }
    };
    page(context, text.reset_heading, content)
}

async fn reset_page(context: PageContext) -> Result<HttpResponse, WebError> {
    let token = context.query().get("token").unwrap_or_default().to_owned();
    Ok(html_response(
        StatusCode::OK,
        reset_form(&context, &token, &FormErrors::none()),
    ))
}

async fn submit_reset(context: PageContext, body: web::Bytes) -> Result<HttpResponse, WebError> {
    let form = context.verified_form(&body)?;
    let token = form.get("token").unwrap_or_default().to_owned();
    let outcome = match NewPassword::try_from(form.get("password").unwrap_or_default().to_owned()) {
        Ok(password) => {
            let confirmation = PasswordResetConfirmation {
                token: token.clone(),
                password,
            };
            passwords::reset(&context.state, confirmation).await
        }
        Err(rule) => Err(AppError::from(ValidationError::new("password", rule))),
    };
    match outcome {
        Ok(()) => {
            // Whoever was logged in on this browser is logged out too.
            context.end_session();
            let text = &context.text.common;
            let content = html! {
                div.card.narrow {
                    h1 { (text.reset_heading) }
                    p role="status" { (text.password_set) }
                    p { a href="/login" { (text.log_in) } }
                }
            };
            Ok(html_response(
                StatusCode::OK,
                page(&context, text.reset_heading, content),
            ))
        }
        Err(error) if status_of(&error).is_client_error() => {
            // The token's error has no field of the form: the summary shows it.
            let errors = FormErrors::from_app(&error, &["password"], context.language);
            Ok(html_response(
                status_of(&error),
                reset_form(&context, &token, &errors),
            ))
        }
        Err(error) => Err(error.into()),
    }
}

fn change_form(context: &PageContext, errors: &FormErrors, changed: bool) -> Markup {
    let text = &context.text.common;
    let content = html! {
        div.card.narrow {
            h1 { (text.change_password_heading) }
            @if changed {
                p role="status" { (text.password_changed) }
            }
            (form_error_summary(errors, context.language))
            form method="post" action="/account/password" novalidate {
                (csrf_field(context))
                (text_input("current_password", text.current_password, "", None, errors, "password"))
                (text_input("new_password", text.new_password, "", Some(text.password_hint), errors, "password"))
                button type="submit" { (text.change_password) }
            }
        }
    };
    page(context, text.change_password_heading, content)
}

async fn change_page(context: PageContext) -> Result<HttpResponse, WebError> {
    context.member()?;
    Ok(html_response(
        StatusCode::OK,
        change_form(&context, &FormErrors::none(), false),
    ))
}

async fn submit_change(context: PageContext, body: web::Bytes) -> Result<HttpResponse, WebError> {
    let form = context.verified_form(&body)?;
    let member = context.member()?.clone();
    let session_id = context
        .user
        .as_ref()
        .map(|user| user.session_id)
        .unwrap_or_default();
    let outcome =
        match NewPassword::try_from(form.get("new_password").unwrap_or_default().to_owned()) {
            Ok(new_password) => {
                let change = PasswordChange {
                    current_password: form.get("current_password").unwrap_or_default().to_owned(),
                    new_password,
                };
                passwords::change(&context.state, &member, session_id, change).await
            }
            Err(rule) => Err(AppError::from(ValidationError::new("new_password", rule))),
        };
    match outcome {
        Ok(()) => Ok(html_response(
            StatusCode::OK,
            change_form(&context, &FormErrors::none(), true),
        )),
        Err(error) if status_of(&error).is_client_error() => {
            let fields = ["current_password", "new_password"];
            let errors = FormErrors::from_app(&error, &fields, context.language);
            Ok(html_response(
                status_of(&error),
                change_form(&context, &errors, false),
            ))
        }
        Err(error) => Err(error.into()),
    }
}

//! Confirming the e-mail address with the mailed link, and asking for a
//! new link (`app::accounts::registration`).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use maud::html;

use crate::app::accounts::registration;
use crate::web::context::PageContext;
use crate::web::error::{html_response, status_of, WebError};
use crate::web::layout::{csrf_field, form_error_summary, page, FormErrors};

/// Registers the verification pages.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/verify-email").route(web::get().to(verify_page)))
        .service(web::resource("/verify-email/resend").route(web::post().to(submit_resend)));
}

/// The page the mail's link opens: it confirms the address at once. A
/// mail scanner that follows the link confirms no more than that the mail
/// arrived, which is what the link proves anyway.
async fn verify_page(context: PageContext) -> Result<HttpResponse, WebError> {
    let token = context.query().get("token").unwrap_or_default().to_owned();
    let text = &context.text.signin;
    match registration::verify_email(&context.state, token).await {
        Ok(_) => {
            let content = html! {
                div.card.narrow {
                    h1 { (text.verify_heading) }
                    p role="status" { (text.verified) " " (text.verified_next) }
                    @if context.user.is_some() {
                        p { a href="/" { (context.text.common.nav_home) } }
                    } @else {
                        p { a href="/login" { (context.text.common.log_in) } }
                    }
                }
            };
            Ok(html_response(
                StatusCode::OK,
                page(&context, text.verify_heading, content),
            ))
        }
        Err(error) if status_of(&error).is_client_error() => {
            let errors = FormErrors::from_app(&error, &[], context.language);
            let content = html! {
                div.card.narrow {
                    h1 { (text.verify_heading) }
                    (form_error_summary(&errors, context.language))
                    @if context.user.is_some() {
                        form method="post" action="/verify-email/resend" {
                            (csrf_field(&context))
                            button type="submit" { (text.resend_link) }
                        }
                    } @else {
                        p { a href="/login" { (context.text.common.log_in) } }
                    }
                }
            };
            Ok(html_response(
                status_of(&error),
                page(&context, text.verify_heading, content),
            ))
        }
        Err(error) => Err(error.into()),
    }
}

async fn submit_resend(context: PageContext, body: web::Bytes) -> Result<HttpResponse, WebError> {
    context.verified_form(&body)?;
    let member = context.member()?.clone();
    registration::resend_verification(&context.state, &member, context.client_address()).await?;
    let text = &context.text.signin;
    let content = html! {
        div.card.narrow {
            h1 { (text.verify_heading) }
            p role="status" { (text.resend_sent) }
        }
    };
    Ok(html_response(
        StatusCode::OK,
        page(&context, text.verify_heading, content),
    ))
}

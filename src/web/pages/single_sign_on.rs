//! Single sign-on for staff: the way to the provider and back
//! (`app::accounts::single_sign_on`).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use maud::html;

use crate::app::accounts::single_sign_on::{self, SsoCallback, SsoFailure};
use crate::domain::account::Role;
use crate::web::context::PageContext;
use crate::web::error::{html_response, WebError};
use crate::web::layout::page;
use crate::web::see_other;
use crate::web::session::{
    cleared_sso_state_cookie, queue_cookie, sso_state_cookie, SSO_STATE_COOKIE,
};

/// Registers the single sign-on routes.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/auth/sso/start").route(web::get().to(start)))
        .service(web::resource("/auth/sso/callback").route(web::get().to(callback)));
}

/// `GET /auth/sso/start`: on to the provider's login.
async fn start(context: PageContext) -> Result<HttpResponse, WebError> {
    match single_sign_on::start(&context.state).await {
        Ok(started) => {
            queue_cookie(
                &context.request,
                sso_state_cookie(&started.state, context.secure_cookies),
            );
            Ok(see_other(started.redirect_to))
        }
        Err(failure) => failed(&context, failure),
    }
}

/// `GET /auth/sso/callback?code&state`: back from the provider; signed in
/// on the role's home, or a page that says what went wrong.
async fn callback(context: PageContext) -> Result<HttpResponse, WebError> {
    let query = context.query();
    let browser_state = context
        .request
        .cookie(SSO_STATE_COOKIE)
        .map(|cookie| cookie.value().to_owned());
    queue_cookie(
        &context.request,
        cleared_sso_state_cookie(context.secure_cookies),
    );
    // The provider answers `error` (the person cancelled, or it refused)
    // instead of a code; the state is spent all the same.
    let callback = SsoCallback {
        code: query.get("code").unwrap_or_default().to_owned(),
        state: query.get("state").unwrap_or_default().to_owned(),
        browser_state,
    };
    match single_sign_on::finish(&context.state, context.client_address(), callback).await {
        Ok(signed_in) => {
            let tokens = &signed_in.tokens;
            context.start_session(&tokens.access_token, &tokens.refresh_token);
            Ok(see_other(home_of(signed_in.role)))
        }
        Err(failure) => failed(&context, failure),
    }
}

/// Where a role starts: the first page of its navigation.
fn home_of(role: Role) -> &'static str {
    match role {
        Role::Startup => "/matches",
        Role::Procurement => "/my/challenges",
        Role::RomOfficer | Role::Admin => "/dashboard",
    }
}

/// The page of a failed sign-in, in the visitor's language.
fn failed(context: &PageContext, failure: SsoFailure) -> Result<HttpResponse, WebError> {
    let text = &context.text.signin;
    if !matches!(failure, SsoFailure::App(_)) {
        tracing::info!(reason = %failure, "single sign-on refused");
    }
    let (status, message) = match failure {
        SsoFailure::Off => (StatusCode::NOT_FOUND, text.sso_off),
        SsoFailure::Expired => (StatusCode::BAD_REQUEST, text.sso_link_expired),
        SsoFailure::Cancelled => (StatusCode::BAD_REQUEST, text.sso_cancelled),
        SsoFailure::Provider(error) => {
            tracing::warn!(%error, "single sign-on failed at the provider");
            (StatusCode::BAD_GATEWAY, text.sso_provider_failed)
        }
        SsoFailure::UnverifiedAddress => (StatusCode::FORBIDDEN, text.sso_unverified_address),
        SsoFailure::NoAccount => (StatusCode::FORBIDDEN, text.sso_no_account),
        SsoFailure::AccountDisabled => (StatusCode::FORBIDDEN, text.sso_disabled),
        SsoFailure::App(error) => return Err(error.into()),
    };
    let content = html! {
        div.card.narrow {
            h1 { (text.sso_heading) }
            p role="alert" { (message) }
            @if context.state.single_sign_on.is_some() {
                p { a.button.secondary href="/auth/sso/start" { (text.sso_try_again) } }
            }
            p { a href="/login" { (text.sso_password_instead) } }
        }
    };
    Ok(html_response(
        status,
        page(context, text.sso_heading, content),
    ))
}

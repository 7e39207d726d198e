//! Logging in, registering a start-up and logging out
//! (`app::accounts::sessions`), and choosing the language.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use maud::{html, Markup};

use crate::app::accounts::{registration, sessions};
use crate::app::accounts::{LoginRequest, RegisterRequest};
use crate::app::AppError;
use crate::domain::account::{EmailAddress, NewPassword};
use crate::domain::startup::KvkNumber;
use crate::domain::ValidationError;
use crate::web::context::PageContext;
use crate::web::error::{html_response, status_of, WebError};
use crate::web::form::FormFields;
use crate::web::layout::{csrf_field, form_error_summary, page, text_input, FormErrors};
use crate::web::see_other;
use crate::web::session::language_cookie;
use crate::web::text::Language;
use crate::web::WebSettings;

/// Registers the account pages.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(
            web::resource("/login")
                .route(web::get().to(login_page))
                .route(web::post().to(submit_login)),
        )
        .service(
            web::resource("/register")
                .route(web::get().to(register_page))
                .route(web::post().to(submit_registration)),
        )
        .service(web::resource("/logout").route(web::post().to(submit_logout)))
        .service(web::resource("/language").route(web::get().to(choose_language)));
}

/// Where to go after logging in: a local path only, so that a crafted link
/// cannot send a user to another site.
fn safe_next(next: Option<&str>) -> String {
    match next {
        // Browsers drop tabs and line breaks from URLs, so `/\t/evil.example`
        // would become `//evil.example`: no whitespace or control characters.
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && !path.chars().any(|c| c.is_control() || c.is_whitespace()) =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

fn login_form(context: &PageContext, email: &str, next: &str, errors: &FormErrors) -> Markup {
    let text = &context.text.common;
    let content = html! {
        div.card.narrow {
            h1 { (text.login_heading) }
            (form_error_summary(errors, context.language))
            form method="post" action="/login" {
                (csrf_field(context))
                input type="hidden" name="next" value=(next);
                (text_input("email", text.email, email, None, errors, "email"))
                (text_input("password", text.password, "", None, errors, "password"))
                button type="submit" { (text.log_in) }
            }
            @if context.state.single_sign_on.is_some() {
                p { a.button.secondary href="/auth/sso/start" { (context.text.signin.sso_button) } }
            }
            p { a href="/forgot-password" { (text.forgot_password_link) } }
            p { (text.no_account_yet) " " a href="/register" { (text.register) } }
        }
    };
    page(context, text.login_heading, content)
}

async fn login_page(context: PageContext) -> Result<HttpResponse, WebError> {
    let next = safe_next(context.query().get("next"));
    if context.user.is_some() {
        return Ok(see_other(&next));
    }
    let page = login_form(&context, "", &next, &FormErrors::none());
    Ok(html_response(StatusCode::OK, page))
}

async fn submit_login(context: PageContext, body: web::Bytes) -> Result<HttpResponse, WebError> {
    let form = context.verified_form(&body)?;
    let email = form.get("email").unwrap_or_default().to_owned();
    let next = safe_next(form.get("next"));
    let credentials = LoginRequest {
        email: email.clone(),
        password: form.get("password").unwrap_or_default().to_owned(),
    };
    let ip = context.client_address();
    match sessions::log_in(&context.state, ip, credentials).await {
        Ok(tokens) => {
            context.start_session(&tokens.access_token, &tokens.refresh_token);
            Ok(see_other(&next))
        }
        Err(
            error @ (AppError::WrongCredentials
            | AppError::TooManyAttempts { .. }
            | AppError::AccountDisabled),
        ) => {
            let errors = FormErrors::from_app(&error, &[], context.language);
            let page = login_form(&context, &email, &next, &errors);
            Ok(html_response(status_of(&error), page))
        }
        Err(error) => Err(error.into()),
    }
}

/// What the registration form holds.
#[derive(Default)]
struct RegistrationDraft {
    email: String,
    display_name: String,
    company_name: String,
    /// Optional: a company already known under it is not registered twice.
    kvk_number: String,
    accept_privacy: bool,
}

fn register_form(context: &PageContext, draft: &RegistrationDraft, errors: &FormErrors) -> Markup {
    let text = &context.text.common;
    let content = html! {
        div.card.narrow {
            h1 { (text.register_heading) }
            p { (text.register_intro) }
            (form_error_summary(errors, context.language))
            form method="post" action="/register" novalidate {
                (csrf_field(context))
                (text_input("display_name", text.your_name, &draft.display_name, None, errors, "text"))
                (text_input("company_name", text.company_name, &draft.company_name, None, errors, "text"))
                (text_input("kvk_number", context.text.startup.kvk_label, &draft.kvk_number, Some(context.text.signin.kvk_optional_hint), errors, "text"))
                (text_input("email", text.email, &draft.email, None, errors, "email"))
                (text_input("password", text.password, "", Some(text.password_hint), errors, "password"))
                (consent_checkbox(context, draft.accept_privacy, errors))
                button type="submit" { (text.register) }
            }
            p { (text.have_account) " " a href="/login" { (text.log_in) } }
        }
    };
    page(context, text.register_heading, content)
}

/// The consent to the privacy notice, with a link to it; registration
/// refuses an unticked box (`accept_privacy`).
fn consent_checkbox(context: &PageContext, checked: bool, errors: &FormErrors) -> Markup {
    let text = &context.text.privacy;
    let error = errors.for_field("accept_privacy");
    html! {
        div.field.checkbox.has-error[error.is_some()] {
            input type="checkbox" id="accept_privacy" name="accept_privacy" value="true"
                checked[checked] aria-describedby="error-accept_privacy"
                aria-invalid=[error.is_some().then_some("true")];
            " "
            label for="accept_privacy" {
                (text.consent_label) " " a href="/privacy" target="_blank" { (text.consent_link) }
            }
            p.field-error id="error-accept_privacy" data-error-for="accept_privacy" aria-live="polite" {
                @if let Some(error) = error { (error) }
            }
        }
    }
}

async fn register_page(context: PageContext) -> Result<HttpResponse, WebError> {
    let page = register_form(&context, &RegistrationDraft::default(), &FormErrors::none());
    Ok(html_response(StatusCode::OK, page))
}

/// The registration request of a form, or the errors of its bad fields.
fn registration_request(
    draft: &RegistrationDraft,
    password: &str,
) -> Result<RegisterRequest, AppError> {
    let email = EmailAddress::try_from(draft.email.trim().to_owned())
        .map_err(|rule| ValidationError::new("email", rule));
    let password = NewPassword::try_from(password.to_owned())
        .map_err(|rule| ValidationError::new("password", rule));
    let kvk_number = match draft.kvk_number.trim() {
        "" => Ok(None),
        typed => KvkNumber::try_from(typed.to_owned())
            .map(Some)
            .map_err(|rule| ValidationError::new("kvk_number", rule)),
    };
    match (email, password, kvk_number) {
        (Ok(email), Ok(password), Ok(kvk_number)) => Ok(RegisterRequest {
            email,
            password,
            display_name: draft.display_name.clone(),
            company_name: draft.company_name.clone(),
            kvk_number,
            accept_privacy: draft.accept_privacy,
        }),
        (email, password, kvk_number) => Err(AppError::Invalid(
            [email.err(), password.err(), kvk_number.err()]
                .into_iter()
                .flatten()
                .collect(),
        )),
    }
}

async fn submit_registration(
    context: PageContext,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let form = context.verified_form(&body)?;
    let draft = RegistrationDraft {
        email: form.get("email").unwrap_or_default().to_owned(),
        display_name: form.get("display_name").unwrap_or_default().to_owned(),
        company_name: form.get("company_name").unwrap_or_default().to_owned(),
        kvk_number: form.get("kvk_number").unwrap_or_default().to_owned(),
        accept_privacy: form.checked("accept_privacy"),
    };
    let fields = [
        "email",
        "password",
        "display_name",
        "company_name",
        "kvk_number",
        "accept_privacy",
    ];
    let outcome = match registration_request(&draft, form.get("password").unwrap_or_default()) {
        Ok(request) => {
            let ip = context.client_address();
            registration::register(&context.state, ip, request).await
        }
        Err(error) => Err(error),
    };
    match outcome {
        // The same page whoever registers: it tells nobody which addresses
        // and companies are known (the mail says what comes next).
        Ok(()) => {
            let text = &context.text.signin;
            let content = html! {
                div.card.narrow {
                    h1 { (text.registered_heading) }
                    p role="status" { (text.registered_body) }
                    p { a href="/login" { (context.text.common.log_in) } }
                }
            };
            Ok(html_response(
                StatusCode::OK,
                page(&context, text.registered_heading, content),
            ))
        }
        Err(error) if status_of(&error).is_client_error() => {
            let errors = FormErrors::from_app(&error, &fields, context.language);
            let page = register_form(&context, &draft, &errors);
            Ok(html_response(status_of(&error), page))
        }
        Err(error) => Err(error.into()),
    }
}

async fn submit_logout(context: PageContext, body: web::Bytes) -> Result<HttpResponse, WebError> {
    context.verified_form(&body)?;
    if let Some(user) = &context.user {
        sessions::log_out(&context.state, user.session_id).await?;
    }
    context.end_session();
    Ok(see_other("/"))
}

/// `GET /language?to=nl&back=/path`: remembers the language in a cookie and
/// shows `back` again (a local path only, like `next` after logging in).
///
/// A GET without a CSRF token on purpose: it changes only how pages are
/// displayed to this browser, nothing stored on the server, so a forged
/// link can at worst switch a visitor's language. Being a plain link, the
/// switch also works without JavaScript and forms.
async fn choose_language(settings: web::Data<WebSettings>, request: HttpRequest) -> HttpResponse {
    let query = FormFields::parse(request.query_string().as_bytes());
    let back = safe_next(query.get("back"));
    let Some(language) = query.get("to").and_then(Language::from_code) else {
        // Nothing we can show: leave the choice as it was.
        return see_other(&back);
    };
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, back))
        .cookie(language_cookie(language.code(), settings.secure_cookies))
        .finish()
}

//! The privacy notice, the account page (the language of the account's
//! mail, the download of its data, its erasure), the unsubscribe page of a
//! mail's link, and the calendar feed (`app::privacy`).

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use maud::{html, Markup};

use crate::app::notifications::unsubscribe;
use crate::app::privacy::erasure::{self, ErasureRequest};
use crate::app::privacy::{self, calendar, export, LanguageSetting};
use crate::app::AppError;
use crate::domain::language::Language as MailLanguage;
use crate::domain::notification_text::kind_name;
use crate::web::context::PageContext;
use crate::web::error::{html_response, status_of, WebError};
use crate::web::layout::{
    csrf_field, done_flash, form_error_summary, page, select_field, text_input, FormErrors,
};
use crate::web::see_other;
use crate::web::text::Language;

/// Registers the privacy pages.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/privacy").route(web::get().to(notice_page)))
        .service(web::resource("/account").route(web::get().to(account_page)))
        .service(web::resource("/account/language").route(web::post().to(submit_language)))
        .service(web::resource("/account/export").route(web::get().to(download_export)))
        .service(web::resource("/account/erase").route(web::post().to(submit_erasure)))
        .service(
            web::resource("/unsubscribe/{token}")
                .route(web::get().to(unsubscribe_page))
                .route(web::post().to(submit_unsubscribe)),
        )
        .service(web::resource("/calendar/{file}").route(web::get().to(calendar_feed)));
}

async fn notice_page(context: PageContext) -> Result<HttpResponse, WebError> {
    let text = &context.text.privacy;
    let content = html! {
        div.card {
            h1 { (text.notice_heading) }
            p { (text.notice_intro) }
            @for (heading, body) in text.notice_sections {
                h2 { (heading) }
                p { (body) }
            }
        }
    };
    Ok(html_response(
        StatusCode::OK,
        page(&context, text.notice_heading, content),
    ))
}

/// The mail language that the web UI's language stands for.
fn mail_language_of(language: Language) -> MailLanguage {
    match language {
        Language::Dutch => MailLanguage::Dutch,
        Language::English => MailLanguage::English,
    }
}

fn account_form(context: &PageContext, mail_language: MailLanguage, errors: &FormErrors) -> Markup {
    let text = &context.text.privacy;
    let options = html! {
        @for (language, label) in [(MailLanguage::Dutch, text.language_dutch), (MailLanguage::English, text.language_english)] {
            option value=(language.as_str()) selected[language == mail_language] { (label) }
        }
    };
    let content = html! {
        div.card.narrow {
            h1 { (text.account_heading) }
            (done_flash(context, &[("language", text.language_saved)]))
            (form_error_summary(errors, context.language))
            h2 { (text.language_heading) }
            form method="post" action="/account/language" {
                (csrf_field(context))
                (select_field("language", text.language_label, Some(text.language_hint), &FormErrors::none(), options))
                button type="submit" { (text.save_language) }
            }
            p {
                a href="/notifications#preferences-heading" { (context.text.startup.preferences_heading) }
                " · "
                a href="/account/password" { (context.text.common.change_password_heading) }
            }
            h2 { (text.export_heading) }
            p { (text.export_intro) }
            p { a.button href="/account/export" download="defmatch-data.json" { (text.export_button) } }
            h2 { (text.erase_heading) }
            p { (text.erase_intro) }
            form method="post" action="/account/erase" novalidate {
                (csrf_field(context))
                (text_input("password", text.erase_password, "", None, errors, "password"))
                button.danger type="submit" { (text.erase_button) }
            }
        }
    };
    page(context, text.account_heading, content)
}

async fn account_page(context: PageContext) -> Result<HttpResponse, WebError> {
    let member = context.member()?;
    let setting = privacy::language(&context.state, member).await?;
    Ok(html_response(
        StatusCode::OK,
        account_form(&context, setting.language, &FormErrors::none()),
    ))
}

async fn submit_language(context: PageContext, body: web::Bytes) -> Result<HttpResponse, WebError> {
    let form = context.verified_form(&body)?;
    let member = context.member()?;
    // An unknown choice keeps the language the pages are shown in.
    let language = form
        .get("language")
        .and_then(|code| code.parse::<MailLanguage>().ok())
        .unwrap_or_else(|| mail_language_of(context.language));
    privacy::set_language(&context.state, member, LanguageSetting { language }).await?;
    Ok(see_other("/account?done=language"))
}

async fn download_export(context: PageContext) -> Result<HttpResponse, WebError> {
    let member = context.member()?;
    let exported = export::export(&context.state, member).await?;
    Ok(HttpResponse::Ok()
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"defmatch-data.json\"",
        ))
        .json(exported))
}

async fn submit_erasure(context: PageContext, body: web::Bytes) -> Result<HttpResponse, WebError> {
    let form = context.verified_form(&body)?;
    let member = context.member()?.clone();
    let request = ErasureRequest {
        password: form.get("password").unwrap_or_default().to_owned(),
    };
    match erasure::erase(&context.state, &member, request).await {
        Ok(()) => {
            context.end_session();
            let text = &context.text.privacy;
            let content = html! {
                div.card.narrow {
                    h1 { (text.erased_heading) }
                    p role="status" { (text.erased_text) }
                }
            };
            Ok(html_response(
                StatusCode::OK,
                page(&context, text.erased_heading, content),
            ))
        }
        Err(error) if status_of(&error).is_client_error() => {
            let errors = FormErrors::from_app(&error, &["password"], context.language);
            let setting = privacy::language(&context.state, &member).await?;
            Ok(html_response(
                status_of(&error),
                account_form(&context, setting.language, &errors),
            ))
        }
        Err(error) => Err(error.into()),
    }
}

fn unsubscribe_view(
    context: &PageContext,
    token: &str,
    link: unsubscribe::UnsubscribeLink,
) -> Markup {
    let text = &context.text.privacy;
    let kind = kind_name(link.kind, mail_language_of(context.language));
    let content = html! {
        div.card.narrow {
            h1 { (text.unsubscribe_heading) }
            @if link.email_on {
                form method="post" action=(format!("/unsubscribe/{token}")) {
                    (csrf_field(context))
                    p { (text.unsubscribe_question) " " strong { (kind) } }
                    button type="submit" { (text.unsubscribe_button) }
                }
            } @else {
                p role="status" { (text.unsubscribed_text) " (" (kind) ")" }
            }
            p { (text.unsubscribe_more) " " a href="/notifications#preferences-heading" { (context.text.startup.preferences_heading) } }
        }
    };
    page(context, text.unsubscribe_heading, content)
}

async fn unsubscribe_page(
    context: PageContext,
    path: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let token = path.into_inner();
    let link = unsubscribe::describe(&context.state, token.clone()).await?;
    Ok(html_response(
        StatusCode::OK,
        unsubscribe_view(&context, &token, link),
    ))
}

async fn submit_unsubscribe(
    context: PageContext,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    context.verified_form(&body)?;
    let token = path.into_inner();
    let link = unsubscribe::confirm(&context.state, token.clone()).await?;
    Ok(html_response(
        StatusCode::OK,
        unsubscribe_view(&context, &token, link),
    ))
}

/// `GET /calendar/{token}.ics`: the feed, for calendar apps (no login).
async fn calendar_feed(
    context: PageContext,
    path: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let file = path.into_inner();
    let Some(token) = file.strip_suffix(".ics") else {
        return Err(AppError::not_found(crate::app::Subject::Resource).into());
    };
    let feed = calendar::feed(&context.state, token.to_owned()).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "private, max-age=300"))
        .body(feed))
}

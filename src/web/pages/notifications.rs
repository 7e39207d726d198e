//! A user's notifications, marking them read, and how they are delivered
//! (the same operations as `/api/v1/notifications` and
//! `/api/v1/me/notification-preferences`).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use maud::{html, Markup};

use crate::api::handlers::notifications::{
    change_notification_preferences, mark_all_read, mark_read, notification_preferences,
    notifications_of, KindPreference, NotificationListQuery, NotificationPreferences,
    NotificationView,
};
use crate::app::Paginated;
use crate::domain::notification::{NotificationKind, NotificationSubject};
use crate::web::context::PageContext;
use crate::web::error::{html_response, WebError};
use crate::web::form::parse_id;
use crate::web::form::FormFields;
use crate::web::layout::{csrf_field, human_date, page};
use crate::web::pages::startup::done_flash;
use crate::web::see_other;
use crate::web::text::startup::name_of;

/// Registers the notification pages.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/notifications").route(web::get().to(notifications_page)))
        .service(web::resource("/notifications/read-all").route(web::post().to(submit_read_all)))
        .service(
            web::resource("/notifications/preferences").route(web::post().to(submit_preferences)),
        )
        .service(web::resource("/notifications/{id}/read").route(web::post().to(submit_read)));
}

const PER_PAGE: i64 = 25;

/// The list's filter and page from the query string; nonsense reads as the
/// first page of everything rather than an error.
fn list_query(query: &str) -> NotificationListQuery {
    let fields = FormFields::parse(query.as_bytes());
    NotificationListQuery {
        unread: Some(fields.get("unread") == Some("true")),
        page: fields
            .non_blank("page")
            .and_then(|raw| raw.parse::<i64>().ok())
            .filter(|page| *page >= 1),
        per_page: Some(PER_PAGE),
    }
}

/// Where a notification leads on the site, when it has a page.
fn subject_link(notification: &NotificationView) -> Option<String> {
    (notification.subject_type == NotificationSubject::Challenge)
        .then(|| format!("/challenges/{}", notification.subject_id))
}

fn notification_item(context: &PageContext, notification: &NotificationView) -> Markup {
    let text = &context.text.startup;
    let unread = notification.read_at.is_none();
    html! {
        li.card.notification.unread[unread] id=(format!("notification-{}", notification.id)) {
            h2 {
                (notification.title)
                @if unread { " " span.badge.warn { (text.unread_badge) } }
            }
            p.meta {
                (name_of(text.kinds, notification.kind.as_str())) " · " (human_date(notification.created_at, context.language))
            }
            p { (notification.body) }
            div.actions {
                @if let Some(link) = subject_link(notification) {
                    a.button.secondary href=(link) { (text.open_subject) }
                }
                @if unread {
                    form method="post" action=(format!("/notifications/{}/read", notification.id)) {
                        (csrf_field(context))
                        button type="submit" { (text.mark_read) }
                    }
                }
            }
        }
    }
}

fn pager(context: &PageContext, listed: &Paginated<NotificationView>, unread: bool) -> Markup {
    let common = &context.text.common;
    let url = |page: i64| {
        let filter = if unread { "unread=true&" } else { "" };
        format!("/notifications?{filter}page={page}")
    };
    let has_next = listed.page * listed.per_page < listed.total;
    html! {
        nav.pager aria-label=(common.pages) {
            @if listed.page > 1 { a href=(url(listed.page - 1)) { (common.previous_page) } }
            @if has_next { a href=(url(listed.page + 1)) { (common.next_page) } }
        }
    }
}

fn preferences_form(context: &PageContext, preferences: &NotificationPreferences) -> Markup {
    let text = &context.text.startup;
    html! {
        section.card aria-labelledby="preferences-heading" {
            h2 id="preferences-heading" { (text.preferences_heading) }
            p.meta { (text.preferences_intro) }
            form method="post" action="/notifications/preferences" {
                (csrf_field(context))
                table.preferences {
                    thead { tr {
                        th scope="col" { (text.kind_column) }
                        th scope="col" { (text.in_app_column) }
                        th scope="col" { (text.email_column) }
                    } }
                    tbody {
                        @for preference in &preferences.kinds {
                            @let kind = preference.kind.as_str();
                            @let name = name_of(text.kinds, kind);
                            tr {
                                th scope="row" { (name) }
                                td {
                                    input type="checkbox" id=(format!("in_app-{kind}")) name="in_app" value=(kind) checked[preference.in_app];
                                    label.visually-hidden for=(format!("in_app-{kind}")) { (name) ": " (text.in_app_column) }
                                }
                                td {
                                    input type="checkbox" id=(format!("email-{kind}")) name="email" value=(kind) checked[preference.email];
                                    label.visually-hidden for=(format!("email-{kind}")) { (name) ": " (text.email_column) }
                                }
                            }
                        }
                    }
                }
                div.field.checkbox {
                    input type="checkbox" id="email_unsubscribed" name="email_unsubscribed" value="true"
                        checked[preferences.email_unsubscribed == Some(true)];
                    " "
                    label for="email_unsubscribed" { (text.unsubscribed_label) }
                }
                button type="submit" { (text.save_preferences) }
            }
        }
    }
}

async fn notifications_page(context: PageContext) -> Result<HttpResponse, WebError> {
    let member = context.member()?.clone();
    let text = &context.text.startup;
    let query = list_query(context.request.query_string());
    let unread = query.unread == Some(true);
    let listed = notifications_of(&context.state, &member, &query).await?;
    let preferences = notification_preferences(&context.state, &member).await?;
    let any_unread = listed.items.iter().any(|item| item.read_at.is_none());
    let content = html! {
        (done_flash(&context, &[
            ("read", text.marked_read),
            ("all-read", text.all_marked_read),
            ("preferences", text.preferences_saved),
        ]))
        h1 { (text.notifications_heading) }
        div.actions {
            @if unread {
                a href="/notifications" { (text.show_all) }
            } @else {
                a href="/notifications?unread=true" { (text.only_unread) }
            }
            @if any_unread || unread {
                form method="post" action="/notifications/read-all" {
                    (csrf_field(&context))
                    button.secondary type="submit" { (text.mark_all_read) }
                }
            }
        }
        @if listed.items.is_empty() { p { (text.notifications_none) } }
        ul.notifications {
            @for notification in &listed.items { (notification_item(&context, notification)) }
        }
        (pager(&context, &listed, unread))
        (preferences_form(&context, &preferences))
    };
    Ok(html_response(
        StatusCode::OK,
        page(&context, text.notifications_heading, content),
    ))
}

async fn submit_read(
    context: PageContext,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let id = parse_id(&path)?;
    context.verified_form(&body)?;
    let member = context.member()?.clone();
    mark_read(&context.state, &member, id).await?;
    Ok(see_other("/notifications?done=read"))
}

async fn submit_read_all(context: PageContext, body: web::Bytes) -> Result<HttpResponse, WebError> {
    context.verified_form(&body)?;
    let member = context.member()?.clone();
    mark_all_read(&context.state, &member).await?;
    Ok(see_other("/notifications?done=all-read"))
}

/// Every kind gets the choice the form shows for it: a checkbox left
/// unticked is sent as nothing, so absence means off.
fn preferences_of_form(form: &FormFields) -> NotificationPreferences {
    let in_app = form.all("in_app");
    let email = form.all("email");
    let kinds = NotificationKind::ALL
        .iter()
        .map(|kind| KindPreference {
            kind: *kind,
            in_app: in_app.contains(&kind.as_str()),
            email: email.contains(&kind.as_str()),
        })
        .collect();
    NotificationPreferences {
        kinds,
        email_unsubscribed: Some(form.checked("email_unsubscribed")),
    }
}

async fn submit_preferences(
    context: PageContext,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let form = context.verified_form(&body)?;
    let member = context.member()?.clone();
    change_notification_preferences(&context.state, &member, preferences_of_form(&form)).await?;
    Ok(see_other(
        "/notifications?done=preferences#preferences-heading",
    ))
}

//! The list of a user's notifications, and marking them read.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use maud::{html, Markup};

use super::preferences::preferences_form;
use crate::app::notifications::{self, NotificationListFilter, NotificationView};
use crate::app::Paginated;
use crate::domain::notification::NotificationSubject;
use crate::web::context::PageContext;
use crate::web::error::{html_response, WebError};
use crate::web::form::{parse_id, FormFields};
use crate::web::layout::{csrf_field, human_date, page};
use crate::web::pages::startup::done_flash;
use crate::web::see_other;
use crate::web::text::startup::name_of;

const PER_PAGE: i64 = 25;

/// The list's filter and page from the query string; nonsense reads as the
/// first page of everything rather than an error.
fn list_filter(query: &str) -> NotificationListFilter {
    let fields = FormFields::parse(query.as_bytes());
    NotificationListFilter {
        unread: fields.get("unread") == Some("true"),
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

pub(super) async fn notifications_page(context: PageContext) -> Result<HttpResponse, WebError> {
    let member = context.member()?;
    let text = &context.text.startup;
    let filter = list_filter(context.request.query_string());
    let unread = filter.unread;
    let listed = notifications::list(&context.state, member, filter).await?;
    let preferences = notifications::preferences(&context.state, member).await?;
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

pub(super) async fn submit_read(
    context: PageContext,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let id = parse_id(&path)?;
    context.verified_form(&body)?;
    let member = context.member()?;
    notifications::mark_read(&context.state, member, id).await?;
    Ok(see_other("/notifications?done=read"))
}

pub(super) async fn submit_read_all(
    context: PageContext,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    context.verified_form(&body)?;
    let member = context.member()?;
    notifications::mark_all_read(&context.state, member).await?;
    Ok(see_other("/notifications?done=all-read"))
}

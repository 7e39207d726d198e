//! How a user's notifications are delivered: in the app, by e-mail, or
//! no e-mail at all.

use actix_web::{web, HttpResponse};
use maud::{html, Markup};

use crate::app::notifications::{self, KindPreference, NotificationPreferences};
use crate::domain::notification::NotificationKind;
use crate::web::context::PageContext;
use crate::web::error::WebError;
use crate::web::form::FormFields;
use crate::web::layout::csrf_field;
use crate::web::see_other;
use crate::web::text::startup::name_of;

/// The form of the delivery preferences, one row per kind.
pub(super) fn preferences_form(
    context: &PageContext,
    preferences: &NotificationPreferences,
) -> Markup {
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

pub(super) async fn submit_preferences(
    context: PageContext,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let form = context.verified_form(&body)?;
    let member = context.member()?;
    notifications::set_preferences(&context.state, member, preferences_of_form(&form)).await?;
    Ok(see_other(
        "/notifications?done=preferences#preferences-heading",
    ))
}

//! The organisation's own challenges.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use chrono::Utc;
use maud::html;

use super::own_organisation;
use crate::app::challenges::{self, ChallengeListFilter, ChallengeSort};
use crate::web::context::PageContext;
use crate::web::error::{html_response, WebError};
use crate::web::layout::{deadline_text, page};
use crate::web::text::startup::name_of;

/// Challenges shown per page of the organisation's list.
const MY_CHALLENGES_PER_PAGE: i64 = 50;

/// The organisation's challenges, newest first, a page at a time.
pub(super) async fn my_challenges_page(context: PageContext) -> Result<HttpResponse, WebError> {
    let organisation_id = own_organisation(&context)?;
    let text = &context.text.procurement;
    let common = &context.text.common;
    let page_number = context
        .query()
        .get("page")
        .and_then(|page| page.parse::<i64>().ok())
        .unwrap_or(1);
    let filter = ChallengeListFilter {
        organisation_id: Some(organisation_id),
        sort: ChallengeSort::Newest,
        page: Some(page_number),
        per_page: Some(MY_CHALLENGES_PER_PAGE),
        ..ChallengeListFilter::default()
    };
    let listed = challenges::list(&context.state, &context.viewer(), filter).await?;
    let now = Utc::now();
    let has_next = listed.page * listed.per_page < listed.total;
    let content = html! {
        h1 { (text.my_challenges_heading) }
        p { (text.my_challenges_intro) }
        p { a.button href="/my/challenges/new" { (text.post_first) } }
        @if listed.items.is_empty() {
            p { (text.no_challenges) }
        } @else {
            div.table-scroll {
                table.officer-table {
                    thead { tr {
                        th scope="col" { (text.column_title) }
                        th scope="col" { (text.column_status) }
                        th scope="col" { (text.column_deadline) }
                        th scope="col" { (text.column_actions) }
                    } }
                    tbody {
                        @for challenge in &listed.items {
                            tr {
                                th scope="row" { a href=(format!("/challenges/{}", challenge.id)) { (challenge.title) } }
                                td { span class=(format!("status status-{}", challenge.status)) { (name_of(context.text.common.challenge_statuses, challenge.status.as_str())) } }
                                td { (deadline_text(challenge.closes_at, now, context.language)) }
                                td.actions {
                                    a href=(format!("/my/challenges/{}/edit", challenge.id)) { (text.edit) }
                                    " · "
                                    a href=(format!("/my/challenges/{}/candidates", challenge.id)) { (text.candidates) }
                                }
                            }
                        }
                    }
                }
            }
            nav.pager aria-label=(common.pages) {
                @if listed.page > 1 { a href=(format!("/my/challenges?page={}", listed.page - 1)) { (common.previous_page) } }
                @if has_next { a href=(format!("/my/challenges?page={}", listed.page + 1)) { (common.next_page) } }
            }
        }
    };
    Ok(html_response(
        StatusCode::OK,
        page(&context, text.my_challenges_heading, content),
    ))
}

//! One start-up of the broker's region: its profile as the ROM sees it, its
//! introductions, its best open matches with the moves allowed now, and
//! the ROM's own notes (`app::startups`, `app::introductions`,
//! `app::matching`, `app::startups::notes`).

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use maud::{html, Markup};
use uuid::Uuid;

use super::region_startups::claim_form;
use super::{propose_url, BROKERS};
use crate::app::accounts::invitations;
use crate::app::introductions::{self, IntroductionListFilter, IntroductionView, PairMove};
use crate::app::matching::{self, ChallengeMatch, ChallengeMatchFilter};
use crate::app::startups::notes::{self, StartupNoteView};
use crate::app::startups::{self, StartupView};
use crate::app::AppError;
use crate::domain::policy::Member;
use crate::domain::startup::StartupRef;
use crate::web::context::PageContext;
use crate::web::error::{html_response, status_of, WebError};
use crate::web::explanation::explanation_breakdown;
use crate::web::form::parse_id;
use crate::web::layout::{
    csrf_field, done_flash, form_error_summary, human_date, human_date_time, page, text_area,
    FormErrors,
};
use crate::web::see_other;
use crate::web::text::startup::name_of;

/// How many matches the page shows: enough to choose from, few enough to
/// read with their explanations.
const MATCHES_SHOWN: i64 = 5;

/// Introductions listed; a start-up rarely has more.
const INTRODUCTIONS_SHOWN: i64 = 100;

/// The page of start-up `startup_id`.
pub(super) fn startup_page_url(startup_id: impl std::fmt::Display) -> String {
    format!("/region/startups/{startup_id}")
}

/// A note typed but not saved, with its errors, to show again.
struct NoteDraft<'a> {
    body: &'a str,
    errors: FormErrors,
}

/// `GET /region/startups/{id}`.
pub(super) async fn startup_page(
    context: PageContext,
    path: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let startup_id = parse_id(&path)?;
    let draft = NoteDraft {
        body: "",
        errors: FormErrors::none(),
    };
    render(&context, startup_id, draft, StatusCode::OK).await
}

/// `POST /region/startups/{id}/notes`: saves the ROM's note, then shows the
/// page with it; a note that cannot be saved is shown again with its error.
pub(super) async fn submit_note(
    context: PageContext,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let startup_id = parse_id(&path)?;
    let form = context.verified_form(&body)?;
    let member = context.member_in(&BROKERS)?.clone();
    let typed = form.get("body").unwrap_or_default();
    match notes::add(&context.state, &member, startup_id, typed).await {
        Ok(_) => Ok(see_other(format!(
            "{}?done=note_saved#notes-heading",
            startup_page_url(startup_id)
        ))),
        Err(error @ AppError::Invalid(_)) => {
            let status = status_of(&error);
            let draft = NoteDraft {
                body: typed,
                errors: FormErrors::from_app(&error, &["body"], context.language),
            };
            render(&context, startup_id, draft, status).await
        }
        Err(error) => Err(error.into()),
    }
}

async fn render(
    context: &PageContext,
    startup_id: Uuid,
    draft: NoteDraft<'_>,
    status: StatusCode,
) -> Result<HttpResponse, WebError> {
    let member = context.member_in(&BROKERS)?.clone();
    let state = &context.state;
    let startup = startups::get(state, &context.viewer(), StartupRef::Id(startup_id)).await?;
    let notes = notes::list(state, &member, startup_id).await?;
    let introductions = introductions::list(
        state,
        &member,
        IntroductionListFilter {
            startup_id: Some(startup_id),
            per_page: Some(INTRODUCTIONS_SHOWN),
            ..IntroductionListFilter::default()
        },
    )
    .await?;
    let filter = ChallengeMatchFilter {
        limit: Some(MATCHES_SHOWN),
        ..ChallengeMatchFilter::default()
    };
    let matches = matching::for_startup(state, &context.viewer(), &startup.id, filter).await?;
    let pairs = matches
        .items
        .iter()
        .map(|found| (startup_id, found.challenge.id))
        .collect();
    let moves = introductions::moves_for_pairs(state, &member, pairs).await?;
    let claimable = invitations::claimable(state, &member, vec![startup_id])
        .await?
        .contains(&startup_id);

    let text = &context.text.rom_startup;
    let name = startup
        .name
        .as_deref()
        .unwrap_or(context.text.rom.anonymous_startup);
    let content = html! {
        p { a href="/region/startups" { (text.back_to_list) } }
        (done_flash(context, &[("note_saved", text.note_saved)]))
        h1 { (name) }
        (profile_section(context, &startup))
        (introductions_section(context, &introductions.items))
        (matches_section(context, startup_id, &matches.items, &moves))
        @if claimable { (claim_form(context, &startup)) }
        (notes_section(context, &member, &startup, &notes, &draft))
    };
    Ok(html_response(status, page(context, name, content)))
}

/// One row of the profile list; a missing value says so.
fn fact(label: &str, value: Option<String>, not_given: &str) -> Markup {
    html! {
        dt { (label) }
        dd { (value.unwrap_or_else(|| not_given.to_owned())) }
    }
}

fn profile_section(context: &PageContext, startup: &StartupView) -> Markup {
    let text = &context.text.rom_startup;
    let labels = &context.text.startup;
    let not_given = text.not_given;
    let technologies = startup
        .technologies
        .iter()
        .map(|technology| context.language.technology_name(*technology))
        .collect::<Vec<_>>()
        .join(", ");
    let export_control = startup
        .export_control_categories
        .iter()
        .map(|category| format!("{} – {}", category.get(), category.description()))
        .collect::<Vec<_>>()
        .join("; ");
    let yes_no = |value: bool| {
        if value {
            context.text.admin.yes
        } else {
            context.text.admin.no
        }
    };
    html! {
        section.card aria-labelledby="profile-heading" {
            h2 id="profile-heading" { (text.profile_heading) }
            @for paragraph in startup.description.split("\n\n") { p { (paragraph) } }
            dl.facts {
                (fact(labels.kvk_label, startup.kvk_number.as_ref().map(|kvk| kvk.as_str().to_owned()), not_given))
                dt { (labels.website_label) }
                dd {
                    @match &startup.website {
                        Some(website) => a href=(website) rel="noopener noreferrer" { (website) },
                        None => (not_given),
                    }
                }
                (fact(labels.technologies_legend, Some(technologies).filter(|listed| !listed.is_empty()), not_given))
                (fact(text.keywords, Some(startup.keywords.join(", ")).filter(|listed| !listed.is_empty()), not_given))
                (fact(labels.province_label, startup.province.map(|province| province.name().to_owned()), not_given))
                (fact(labels.city_label, startup.city.clone(), not_given))
                (fact(labels.country_label, Some(name_of(labels.countries, &startup.country).to_owned()), not_given))
                (fact(labels.trl_label, startup.trl.map(|trl| trl.get().to_string()), not_given))
                (fact(labels.employees_label, startup.employees.map(|employees| employees.to_string()), not_given))
                (fact(labels.founded_label, startup.founded_year.map(|year| year.to_string()), not_given))
                (fact(labels.dual_use_label, Some(yes_no(startup.dual_use).to_owned()), not_given))
                (fact(labels.abdo_label, startup.abdo_clearance.map(|level| format!("{} – {}", level.as_str(), level.name())), not_given))
                (fact(labels.export_legend, Some(export_control).filter(|listed| !listed.is_empty()), not_given))
                (fact(labels.contact_name_label, startup.contact_name.clone(), not_given))
                dt { (labels.contact_email_label) }
                dd {
                    @match &startup.contact_email {
                        Some(email) => a href=(format!("mailto:{}", email.as_str())) { (email.as_str()) },
                        None => (not_given),
                    }
                }
                (fact(labels.contact_phone_label, startup.contact_phone.clone(), not_given))
                (fact(text.updated, Some(human_date(startup.updated_at, context.language)), not_given))
            }
        }
    }
}

fn introductions_section(context: &PageContext, items: &[IntroductionView]) -> Markup {
    let text = &context.text.rom_startup;
    let states = context.text.rom.states;
    html! {
        section.card aria-labelledby="introductions-heading" {
            h2 id="introductions-heading" { (text.introductions_heading) }
            @if items.is_empty() {
                p { (text.introductions_none) }
            } @else {
                div.table-scroll { table.officer-table {
                    thead { tr {
                        th scope="col" { (text.column_challenge) }
                        th scope="col" { (text.column_state) }
                        th scope="col" { (text.column_started) }
                        th scope="col" { (text.column_changed) }
                    } }
                    tbody {
                        @for introduction in items {
                            tr {
                                th scope="row" {
                                    a href=(format!("/introductions/{}", introduction.id)) {
                                        (introduction.challenge.title.as_deref().unwrap_or(text.challenge_hidden))
                                    }
                                }
                                td { (name_of(states, introduction.state.as_str())) }
                                td { (human_date(introduction.created_at, context.language)) }
                                td { (human_date(introduction.updated_at, context.language)) }
                            }
                        }
                    }
                } }
            }
        }
    }
}

fn matches_section(
    context: &PageContext,
    startup_id: Uuid,
    items: &[ChallengeMatch],
    moves: &HashMap<(Uuid, Uuid), PairMove>,
) -> Markup {
    let text = &context.text.rom_startup;
    let rom = &context.text.rom;
    html! {
        section aria-labelledby="matches-heading" {
            h2 id="matches-heading" { (text.matches_heading) }
            p { (text.matches_intro) }
            @if items.is_empty() { p { (rom.no_matches) } }
            @for found in items {
                @let challenge_id = found.challenge.id;
                @let pair = moves.get(&(startup_id, challenge_id)).copied().unwrap_or_default();
                article.card.match id=(format!("match-{challenge_id}")) {
                    h3 { a href=(format!("/challenges/{challenge_id}")) { (found.challenge.title) } }
                    p.meta { (found.challenge.organisation_name) }
                    (explanation_breakdown(&challenge_id.to_string(), &found.explanation, context.language))
                    @if let Some(introduction_id) = pair.live_introduction_id {
                        p { a href=(format!("/introductions/{introduction_id}")) { (rom.introduction_under_way) } }
                    } @else if pair.may_introduce {
                        p { a.button.secondary href=(propose_url(startup_id, challenge_id)) { (rom.propose_link) } }
                    }
                }
            }
        }
    }
}

fn notes_section(
    context: &PageContext,
    member: &Member,
    startup: &StartupView,
    items: &[StartupNoteView],
    draft: &NoteDraft<'_>,
) -> Markup {
    let text = &context.text.rom_startup;
    let writes = member.may_write_startup_note(startup.province).is_ok();
    let intro = if writes {
        text.notes_intro
    } else {
        text.notes_intro_admin
    };
    html! {
        section.card aria-labelledby="notes-heading" {
            h2 id="notes-heading" { (text.notes_heading) }
            p { (intro) }
            @if writes {
                (form_error_summary(&draft.errors, context.language))
                form method="post" action=(format!("{}/notes", startup_page_url(&startup.id))) {
                    (csrf_field(context))
                    (text_area("body", text.note_label, draft.body, Some(text.note_hint), &draft.errors, 4))
                    button type="submit" { (text.save_note) }
                }
            }
            @if items.is_empty() {
                p { (text.notes_none) }
            } @else {
                ul.notes {
                    @for note in items {
                        li.note {
                            @for paragraph in note.body.split("\n\n") { p { (paragraph) } }
                            p.meta {
                                @if note.mine { (text.note_by_you) }
                                @else { (note.author_name.as_deref().unwrap_or(text.note_author_gone)) }
                                " · " (human_date_time(note.created_at, context.language))
                                @if !writes { " · " (note.rom.as_str()) }
                            }
                        }
                    }
                }
            }
        }
    }
}

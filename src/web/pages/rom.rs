//! The ROM officer's pages (admins see them too): the region dashboard
//! with its charts drawn on the server, the start-ups of the region with
//! their best matches, and proposing an introduction in two clicks. The
//! operations are the API's (`dashboard_of`, `startup_list`,
//! `startup_matches`, `start_introduction`).

use std::str::FromStr;

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use chrono::Utc;
use maud::{html, Markup};
use uuid::Uuid;

use crate::api::dto::introduction::NewIntroductionRequest;
use crate::api::dto::startup::StartupView;
use crate::api::error::ApiError;
use crate::api::handlers::introductions::start_introduction;
use crate::api::handlers::matches::{startup_matches, ChallengeMatchQuery};
use crate::api::handlers::pipeline::{dashboard_of, DashboardQuery, DashboardView};
use crate::api::handlers::startups::{read_startup, startup_list, StartupListQuery};
use crate::app::challenges;
use crate::app::challenges::ChallengeView;
use crate::domain::account::Role;
use crate::domain::region::Rom;
use crate::domain::taxonomy::Technology;
use crate::web::context::PageContext;
use crate::web::error::{html_response, WebError};
use crate::web::form::parse_id;
use crate::web::form::FormFields;
use crate::web::layout::{
    csrf_field, deadline_text, form_error_summary, page, technology_options, text_area, FormErrors,
};
use crate::web::text::rom::RomText;
use crate::web::text::startup::name_of;
use crate::web::text::Language;

/// Registers the ROM pages.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/dashboard").route(web::get().to(dashboard_page)))
        .service(web::resource("/region/startups").route(web::get().to(region_startups)))
        .service(
            web::resource("/introductions/propose")
                .route(web::get().to(propose_page))
                .route(web::post().to(submit_proposal)),
        );
}

/// Who brokers: ROM officers and admins.
const BROKERS: [Role; 2] = [Role::RomOfficer, Role::Admin];

/// Start-ups per page of the region list; each is matched, so few.
const STARTUPS_PER_PAGE: i64 = 10;

fn state_label(text: &RomText, code: &str) -> String {
    text.states
        .iter()
        .find(|(state, _)| *state == code)
        .map(|(_, label)| (*label).to_owned())
        .unwrap_or_else(|| code.replace('_', " "))
}

fn technology_label(code: &str, language: Language) -> String {
    Technology::from_str(code)
        .map(|technology| language.technology_name(technology).to_owned())
        .unwrap_or_else(|_| code.to_owned())
}

/// A horizontal bar chart as inline SVG: one labelled bar per row, the
/// count at its end, and the same facts as text in `<title>`/`<desc>` for
/// screen readers (the picture itself is hidden from them).
fn bar_chart(id: &str, title: &str, rows: &[(String, i64)]) -> Markup {
    const LABEL_WIDTH: i64 = 210;
    const BAR_WIDTH: i64 = 300;
    const ROW_HEIGHT: i64 = 26;
    let most = rows
        .iter()
        .map(|(_, count)| *count)
        .max()
        .unwrap_or(0)
        .max(1);
    let height = ROW_HEIGHT * rows.len() as i64 + 4;
    let width = LABEL_WIDTH + BAR_WIDTH + 50;
    let description = rows
        .iter()
        .map(|(label, count)| format!("{label}: {count}"))
        .collect::<Vec<_>>()
        .join("; ");
    html! {
        svg.chart role="img" id=(id) viewBox=(format!("0 0 {width} {height}"))
            aria-labelledby=(format!("{id}-title {id}-desc")) preserveAspectRatio="xMinYMin meet" {
            title id=(format!("{id}-title")) { (title) }
            desc id=(format!("{id}-desc")) { (description) }
            @for (index, (label, count)) in rows.iter().enumerate() {
                @let y = index as i64 * ROW_HEIGHT + 2;
                @let bar = if *count > 0 { (count * BAR_WIDTH / most).max(2) } else { 0 };
                g aria-hidden="true" {
                    text x=(LABEL_WIDTH - 8) y=(y + 17) text-anchor="end" { (label) }
                    rect.bar x=(LABEL_WIDTH) y=(y + 4) width=(bar) height=(ROW_HEIGHT - 8) rx="3" {}
                    text x=(LABEL_WIDTH + bar + 6) y=(y + 17) { (count) }
                }
            }
        }
    }
}

/// The ROM an admin asked for with `?rom=`; blank is the whole country.
fn asked_rom(context: &PageContext) -> Result<Option<Rom>, WebError> {
    match context.query().non_blank("rom") {
        None => Ok(None),
        Some(code) => Rom::from_str(code)
            .map(Some)
            .map_err(|error| ApiError::invalid("rom", error.to_string()).into()),
    }
}

fn rom_picker(context: &PageContext, chosen: Option<Rom>) -> Markup {
    let text = &context.text.rom;
    html! {
        form.search-form method="get" action="/dashboard" {
            div.field {
                label for="rom" { (text.choose_rom) }
                select id="rom" name="rom" {
                    option value="" selected[chosen.is_none()] { (text.whole_country) }
                    @for rom in Rom::ALL {
                        option value=(rom.as_str()) selected[chosen == Some(*rom)] { (rom.name()) }
                    }
                }
            }
            button type="submit" { (text.show) }
        }
    }
}

fn percent(rate: Option<f64>) -> String {
    rate.map(|rate| format!("{:.0}%", rate * 100.0))
        .unwrap_or_else(|| "–".to_owned())
}

fn conversion_section(text: &RomText, dashboard: &DashboardView) -> Markup {
    let conversion = &dashboard.conversion;
    let cards = [
        (text.started, conversion.started, None),
        (
            text.introduced,
            conversion.introduced,
            Some(conversion.introduced_rate),
        ),
        (
            text.meeting_held,
            conversion.meeting_held,
            Some(conversion.meeting_rate),
        ),
        (
            text.pilot_or_contract,
            conversion.pilot_or_contract,
            Some(conversion.pilot_or_contract_rate),
        ),
    ];
    let days = |value: Option<f64>| match value {
        Some(value) => format!("{value:.1} {}", text.days),
        None => text.not_yet.to_owned(),
    };
    let median = &dashboard.median_days;
    html! {
        section aria-labelledby="conversion-heading" {
            h2 id="conversion-heading" { (text.conversion_heading) }
            ul.stats.plain {
                @for (label, count, rate) in cards {
                    li.card {
                        span.number { (count) }
                        br;
                        (label)
                        @if let Some(rate) = rate { br; span.meta { (percent(rate)) " " (text.of_started) } }
                    }
                }
            }
            h3 { (text.median_heading) }
            dl.facts {
                dt { (text.median_start_to_introduction) } dd { (days(median.start_to_introduction)) }
                dt { (text.median_introduction_to_meeting) } dd { (days(median.introduction_to_meeting)) }
                dt { (text.median_meeting_to_outcome) } dd { (days(median.meeting_to_outcome)) }
            }
        }
    }
}

fn propose_url(startup_id: Uuid, challenge_id: Uuid) -> String {
    format!("/introductions/propose?startup={startup_id}&challenge={challenge_id}")
}

fn without_introduction_section(
    text: &RomText,
    dashboard: &DashboardView,
    language: Language,
) -> Markup {
    html! {
        section aria-labelledby="without-heading" {
            h2 id="without-heading" { (text.without_heading) }
            @if dashboard.startups_without_introduction_total == 0 {
                p { (text.without_none) }
            } @else {
                p { strong { (dashboard.startups_without_introduction_total) } " " (text.without_total) }
                div.table-scroll { table.officer-table {
                    thead { tr {
                        th scope="col" { (text.column_startup) }
                        th scope="col" { (text.column_province) }
                        th scope="col" { (text.column_technologies) }
                        th scope="col" { (text.column_best_match) }
                        th scope="col" { (text.column_action) }
                    } }
                    tbody {
                        @for startup in &dashboard.startups_without_introduction {
                            tr {
                                th scope="row" { (startup.name) }
                                td { (startup.province.map(|p| p.name()).unwrap_or(text.unknown)) }
                                td { ul.tags { @for technology in &startup.technologies { li { (language.technology_name(*technology)) } } } }
                                @match &startup.best_match {
                                    Some(best) => {
                                        td {
                                            a href=(format!("/challenges/{}", best.challenge_id)) { (best.title) }
                                            " " span.meta { "(" (text.score) " " (format!("{:.2}", best.score)) ")" }
                                        }
                                        td { a href=(propose_url(startup.startup_id, best.challenge_id)) { (text.propose_link) } }
                                    }
                                    None => { td { (text.no_match) } td {} }
                                }
                            }
                        }
                    }
                } }
            }
        }
    }
}

async fn dashboard_page(context: PageContext) -> Result<HttpResponse, WebError> {
    let member = context.member_in(&BROKERS)?.clone();
    let text = &context.text.rom;
    let rom = if member.role == Role::Admin {
        asked_rom(&context)?
    } else {
        None
    };
    let query = DashboardQuery { rom, limit: None };
    let dashboard = dashboard_of(&context.state, &member, query).await?;
    let by_state: Vec<(String, i64)> = dashboard
        .by_state
        .iter()
        .map(|(state, count)| (state_label(text, state), *count))
        .collect();
    let by_technology: Vec<(String, i64)> = dashboard
        .by_technology
        .iter()
        .map(|row| {
            (
                technology_label(&row.technology, context.language),
                row.introductions,
            )
        })
        .collect();
    let region = match dashboard.rom {
        Some(rom) => rom.name().to_owned(),
        None => text.whole_country.to_owned(),
    };
    let content = html! {
        h1 { (text.dashboard_heading) }
        p { (text.dashboard_intro) }
        p.meta { (text.region_of) ": " strong { (region) } }
        @if member.role == Role::Admin { (rom_picker(&context, dashboard.rom)) }
        (conversion_section(text, &dashboard))
        div.grid {
            section.card aria-labelledby="by-state-heading" {
                h2 id="by-state-heading" { (text.by_state_heading) }
                (bar_chart("chart-by-state", text.by_state_chart, &by_state))
            }
            section.card aria-labelledby="by-technology-heading" {
                h2 id="by-technology-heading" { (text.by_technology_heading) }
                @if by_technology.is_empty() {
                    p { (text.no_introductions_yet) }
                } @else {
                    (bar_chart("chart-by-technology", text.by_technology_chart, &by_technology))
                }
            }
        }
        (without_introduction_section(text, &dashboard, context.language))
    };
    Ok(html_response(
        StatusCode::OK,
        page(&context, text.dashboard_heading, content),
    ))
}

/// The filters of the region list, as typed.
struct RegionFilter {
    technology: Option<Technology>,
    q: String,
    page: i64,
}

impl RegionFilter {
    fn from_query(context: &PageContext) -> Self {
        let fields = context.query();
        RegionFilter {
            technology: fields
                .non_blank("technology")
                .and_then(|code| Technology::from_str(code).ok()),
            q: fields.get("q").unwrap_or_default().to_owned(),
            page: fields
                .get("page")
                .and_then(|page| page.parse().ok())
                .unwrap_or(1),
        }
    }

    fn page_url(&self, page: i64) -> String {
        let mut url = form_urlencoded::Serializer::new(String::new());
        if let Some(technology) = self.technology {
            url.append_pair("technology", technology.as_str());
        }
        if !self.q.is_empty() {
            url.append_pair("q", &self.q);
        }
        url.append_pair("page", &page.to_string());
        format!("/region/startups?{}", url.finish())
    }
}

/// A start-up of the region with its three best open matches.
async fn startup_with_matches(
    context: &PageContext,
    startup: &StartupView,
) -> Result<Markup, WebError> {
    let text = &context.text.rom;
    let query = ChallengeMatchQuery {
        limit: Some(3),
        ..ChallengeMatchQuery::default()
    };
    let matches = startup_matches(&context.state, context.viewer(), startup.id, &query).await?;
    let name = startup.name.as_deref().unwrap_or(text.anonymous_startup);
    let heading_id = format!("startup-{}", startup.id);
    Ok(html! {
        article.card.region-startup aria-labelledby=(heading_id) {
            h2 id=(heading_id) { (name) }
            p.meta {
                (startup.province.map(|p| p.name()).unwrap_or(text.unknown))
                @if let Some(city) = &startup.city { " · " (city) }
                @if let Some(trl) = startup.trl { " · " (text.trl) " " (trl.get()) }
            }
            ul.tags aria-label=(text.column_technologies) {
                @for technology in &startup.technologies { li { (context.language.technology_name(*technology)) } }
            }
            h3 { (text.best_matches) }
            @if matches.items.is_empty() {
                p { (text.no_matches) }
            } @else {
                ol.best-matches {
                    @for found in &matches.items {
                        li {
                            a href=(format!("/challenges/{}", found.challenge.id)) { (found.challenge.title) }
                            " " span.meta { (found.challenge.organisation_name) " · " (text.score) " " (format!("{:.2}", found.explanation.score)) }
                            " "
                            a.button.secondary href=(propose_url(startup.id, found.challenge.id)) { (text.propose_link) }
                        }
                    }
                }
            }
        }
    })
}

async fn region_startups(context: PageContext) -> Result<HttpResponse, WebError> {
    let member = context.member_in(&BROKERS)?.clone();
    let text = &context.text.rom;
    let common = &context.text.common;
    let filter = RegionFilter::from_query(&context);
    let query = StartupListQuery {
        technology: filter.technology,
        province: None,
        country: None,
        trl_min: None,
        trl_max: None,
        dual_use: None,
        organisation_id: None,
        q: Some(filter.q.trim().to_owned()).filter(|q| !q.is_empty()),
        page: Some(filter.page),
        per_page: Some(STARTUPS_PER_PAGE),
    };
    let listed = startup_list(&context.state, &member, query).await?;
    let mut cards = Vec::with_capacity(listed.items.len());
    for startup in &listed.items {
        cards.push(startup_with_matches(&context, startup).await?);
    }
    let has_next = listed.page * listed.per_page < listed.total;
    let intro = if member.role == Role::Admin {
        text.startups_intro_admin
    } else {
        text.startups_intro
    };
    let content = html! {
        h1 { (text.startups_heading) }
        p { (intro) }
        form.search-form method="get" action="/region/startups" role="search" {
            div.field {
                label for="technology" { (common.filter_technology) }
                select id="technology" name="technology" { (technology_options(filter.technology, common.any, context.language)) }
            }
            div.field {
                label for="q" { (text.filter_text) }
                input type="search" id="q" name="q" value=(filter.q);
            }
            button type="submit" { (text.filter_button) }
        }
        p.meta { (listed.total) " " (text.startups_found) }
        @if cards.is_empty() { p { (text.no_startups) } }
        @for card in cards { (card) }
        nav.pager aria-label=(common.pages) {
            @if listed.page > 1 { a href=(filter.page_url(listed.page - 1)) { (common.previous_page) } }
            @if has_next { a href=(filter.page_url(listed.page + 1)) { (common.next_page) } }
        }
    };
    Ok(html_response(
        StatusCode::OK,
        page(&context, text.startups_heading, content),
    ))
}

/// The pair of a proposal, from the ids a link or form carries.
fn pair_ids(fields: &FormFields) -> Result<(Uuid, Uuid), WebError> {
    let startup = parse_id(fields.get("startup").unwrap_or_default())?;
    let challenge = parse_id(fields.get("challenge").unwrap_or_default())?;
    Ok((startup, challenge))
}

/// The proposal's first draft. Procurement reads it before the start-up is
/// named, so it speaks of the start-up by its province only.
fn default_message(text: &RomText, startup: &StartupView, challenge: &ChallengeView) -> String {
    let province = startup.province.map(|p| p.name()).unwrap_or(text.unknown);
    text.message_template
        .replace("{province}", province)
        .replace("{challenge}", &challenge.title)
}

fn pair_summary(context: &PageContext, startup: &StartupView, challenge: &ChallengeView) -> Markup {
    let text = &context.text.rom;
    html! {
        div.grid {
            section.card aria-labelledby="pair-startup" {
                h2 id="pair-startup" { (text.the_startup) ": " (startup.name.as_deref().unwrap_or(text.anonymous_startup)) }
                p.meta {
                    (startup.province.map(|p| p.name()).unwrap_or(text.unknown))
                    @if let Some(trl) = startup.trl { " · " (text.trl) " " (trl.get()) }
                }
                ul.tags { @for technology in &startup.technologies { li { (context.language.technology_name(*technology)) } } }
                p { (startup.description) }
            }
            section.card aria-labelledby="pair-challenge" {
                h2 id="pair-challenge" { (text.the_challenge) ": " a href=(format!("/challenges/{}", challenge.id)) { (challenge.title) } }
                p.meta {
                    (challenge.organisation_name) " · " (name_of(context.text.common.challenge_statuses, challenge.status.as_str())) " · "
                    (deadline_text(challenge.closes_at, Utc::now(), context.language))
                }
                ul.tags { @for technology in &challenge.technologies { li { (context.language.technology_name(*technology)) } } }
                p { (challenge.summary) }
            }
        }
    }
}

/// The propose page: the pair and a message, ready to send.
async fn render_proposal(
    context: &PageContext,
    startup_id: Uuid,
    challenge_id: Uuid,
    message: Option<&str>,
    errors: &FormErrors,
) -> Result<Markup, WebError> {
    let text = &context.text.rom;
    let viewer = context.viewer();
    let challenge = challenges::get(&context.state, &viewer, challenge_id).await?;
    let startup = read_startup(&context.state, &viewer, startup_id).await?;
    let inviting = context
        .user
        .as_ref()
        .is_some_and(|user| user.member.role == Role::Procurement);
    let (heading, intro, button) = if inviting {
        (text.invite_heading, text.invite_intro, text.send_invitation)
    } else {
        (text.propose_heading, text.propose_intro, text.send_proposal)
    };
    let message = match message {
        Some(message) => message.to_owned(),
        None => default_message(text, &startup, &challenge),
    };
    let content = html! {
        h1 { (heading) }
        p { (intro) }
        (pair_summary(context, &startup, &challenge))
        (form_error_summary(errors, context.language))
        form.card method="post" action="/introductions/propose" {
            (csrf_field(context))
            input type="hidden" name="startup" value=(startup_id);
            input type="hidden" name="challenge" value=(challenge_id);
            (text_area("message", text.message_label, &message, Some(text.message_hint), errors, 5))
            button type="submit" { (button) }
            " "
            a href=(if inviting { format!("/my/challenges/{challenge_id}/candidates") } else { "/region/startups".to_owned() }) { (text.cancel) }
        }
    };
    Ok(page(context, heading, content))
}

async fn propose_page(context: PageContext) -> Result<HttpResponse, WebError> {
    context.member_in(&[Role::RomOfficer, Role::Admin, Role::Procurement])?;
    let (startup_id, challenge_id) = pair_ids(&context.query())?;
    let page = render_proposal(
        &context,
        startup_id,
        challenge_id,
        None,
        &FormErrors::none(),
    )
    .await?;
    Ok(html_response(StatusCode::OK, page))
}

async fn submit_proposal(context: PageContext, body: web::Bytes) -> Result<HttpResponse, WebError> {
    let form = context.verified_form(&body)?;
    let member = context
        .member_in(&[Role::RomOfficer, Role::Admin, Role::Procurement])?
        .clone();
    let (startup_id, challenge_id) = pair_ids(&form)?;
    let message = form.get("message").map(str::to_owned);
    let request = NewIntroductionRequest {
        challenge_id,
        startup_id: Some(startup_id),
        message: message.clone(),
    };
    match start_introduction(&context.state, member, request).await {
        Ok(view) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, format!("/introductions/{}", view.id)))
            .finish()),
        Err(error) if error.code.status().is_client_error() => {
            let errors = FormErrors::from_api(&error, &["message"]);
            let page = render_proposal(
                &context,
                startup_id,
                challenge_id,
                Some(message.as_deref().unwrap_or_default()),
                &errors,
            )
            .await?;
            Ok(html_response(error.code.status(), page))
        }
        Err(error) => Err(error.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_introduction_state_has_a_name() {
        for state in crate::domain::introduction::IntroductionState::ALL {
            assert!(
                crate::web::text::rom::ENGLISH
                    .states
                    .iter()
                    .any(|(code, _)| *code == state.as_str()),
                "{state} has no name"
            );
        }
    }

    #[test]
    fn a_chart_describes_its_bars_in_text() {
        let chart = bar_chart(
            "c",
            "Title",
            &[("Open".to_owned(), 3), ("Closed".to_owned(), 0)],
        )
        .into_string();
        assert!(chart.contains("<title id=\"c-title\">Title</title>"));
        assert!(chart.contains("Open: 3; Closed: 0"));
    }
}

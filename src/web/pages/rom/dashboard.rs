//! The region dashboard: conversion, median days between steps, charts
//! of the introductions per state and per technology, and the start-ups
//! that never had an introduction with their best match.

use std::str::FromStr;

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use maud::{html, Markup};

use super::chart::bar_chart;
use super::{propose_url, BROKERS};
use crate::app::dashboard::{self, DashboardFilter, DashboardView};
use crate::app::AppError;
use crate::domain::region::Rom;
use crate::domain::taxonomy::Technology;
use crate::domain::Rule;
use crate::web::context::PageContext;
use crate::web::error::{html_response, WebError};
use crate::web::layout::page;
use crate::web::text::rom::RomText;
use crate::web::text::Language;

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

/// The ROM an admin asked for with `?rom=`; blank is the whole country.
fn asked_rom(context: &PageContext) -> Result<Option<Rom>, WebError> {
    match context.query().non_blank("rom") {
        None => Ok(None),
        Some(code) => Rom::from_str(code)
            .map(Some)
            .map_err(|_| AppError::invalid("rom", Rule::UnknownChoice).into()),
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
                                        td { @if best.may_propose { a href=(propose_url(startup.startup_id, best.challenge_id)) { (text.propose_link) } } }
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

pub(super) async fn dashboard_page(context: PageContext) -> Result<HttpResponse, WebError> {
    let member = context.member_in(&BROKERS)?;
    let text = &context.text.rom;
    // Only an admin chooses a ROM; a ROM officer reads their own.
    let rom = if member.is_admin() {
        asked_rom(&context)?
    } else {
        None
    };
    let filter = DashboardFilter { rom, limit: None };
    let dashboard = dashboard::region(&context.state, member, filter).await?;
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
        @if member.is_admin() { (rom_picker(&context, dashboard.rom)) }
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

#[cfg(test)]
mod tests {
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
}

//! The region dashboard: conversion, median days between steps, charts
//! of the introductions per state and per technology, and the start-ups
//! that never had an introduction with their best match.

use std::str::FromStr;

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use chrono::{Datelike, NaiveDate};
use maud::{html, Markup};

use super::chart::bar_chart;
use super::export::export_section;
use super::startup_page::startup_page_url;
use super::{propose_url, BROKERS};
use crate::app::dashboard::{self, DashboardFilter, DashboardView};
use crate::app::AppError;
use crate::domain::region::Rom;
use crate::domain::taxonomy::Technology;
use crate::domain::{amsterdam, Rule, ValidationError};
use crate::web::context::PageContext;
use crate::web::error::{html_response, WebError};
use crate::web::form::FieldProblems;
use crate::web::layout::{form_error_summary, human_date, page, text_input, FormErrors};
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

/// The fields of the period form.
const PERIOD_FIELDS: [&str; 2] = ["from", "to"];

/// The day typed in field `field` (`YYYY-MM-DD`, a day in Amsterdam);
/// blank is no limit. Years far from now are refused as typing errors.
fn asked_day(field: &str, raw: Option<&str>) -> Result<Option<NaiveDate>, ValidationError> {
    let Some(raw) = raw else { return Ok(None) };
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .ok()
        .filter(|day| (1990..=2200).contains(&day.year()))
        .map(Some)
        .ok_or_else(|| ValidationError::new(field, Rule::NotADate))
}

/// The period form, with what was typed and the errors beside the fields.
fn period_form(context: &PageContext, rom: Option<Rom>, errors: &FormErrors) -> Markup {
    let text = &context.text.rom_tools;
    let query = context.query();
    // What was typed goes back into its field, cut to a date's length.
    let typed = |name: &str| {
        query
            .get(name)
            .unwrap_or_default()
            .chars()
            .take(10)
            .collect::<String>()
    };
    html! {
        (form_error_summary(errors, context.language))
        form.search-form method="get" action="/dashboard" novalidate {
            @if let Some(rom) = rom { input type="hidden" name="rom" value=(rom.as_str()); }
            fieldset.field {
                legend { (text.period_legend) }
                div.grid {
                    (text_input("from", text.from, &typed("from"), Some(text.day_hint), errors, "date"))
                    (text_input("to", text.to, &typed("to"), Some(text.day_hint), errors, "date"))
                }
            }
            button type="submit" { (text.period_button) }
        }
    }
}

/// The sentence that says which introductions the figures count.
fn period_line(context: &PageContext, filter: &DashboardFilter) -> Markup {
    let text = &context.text.rom_tools;
    let day = |date: NaiveDate| human_date(amsterdam::start_of_day(date), context.language);
    html! {
        p.meta role="status" {
            @match (filter.from, filter.to) {
                (None, None) => { (text.period_none) }
                (from, to) => {
                    (text.period_shown)
                    @if let Some(from) = from { " " (text.from.to_lowercase()) " " (day(from)) }
                    @if let Some(to) = to { " " (text.to.to_lowercase()) " " (day(to)) }
                    "."
                }
            }
        }
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
                                th scope="row" { a href=(startup_page_url(startup.startup_id)) { (startup.name) } }
                                td { (startup.province.map(|p| p.name()).unwrap_or(text.unknown)) }
                                td { ul.tags { @for technology in &startup.technologies { li { (language.technology_name(*technology)) } } } }
                                @match &startup.best_match {
                                    Some(best) => {
                                        td {
                                            a href=(format!("/challenges/{}", best.challenge_id)) { (best.title) }
                                            " " span.meta { "(" (text.fit) " " (best.fit) " / 100)" }
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
    let query = context.query();
    let mut problems = FieldProblems::default();
    let from = problems.check(asked_day("from", query.non_blank("from")));
    let to = problems.check(asked_day("to", query.non_blank("to")));
    let asked = problems
        .into_result(from.zip(to))
        .map(|(from, to)| DashboardFilter {
            rom,
            limit: None,
            from,
            to,
        });
    let shown = match asked {
        Ok(filter) => dashboard::region(&context.state, member, filter)
            .await
            .map(|dashboard| (filter, dashboard)),
        Err(error) => Err(error),
    };
    let (filter, dashboard) = match shown {
        Ok(shown) => shown,
        // A period that is not one: the form again, the errors beside its fields.
        Err(error @ AppError::Invalid(_)) => {
            let errors = FormErrors::from_app(&error, &PERIOD_FIELDS, context.language);
            let content = html! {
                h1 { (text.dashboard_heading) }
                p { (text.dashboard_intro) }
                @if member.is_admin() { (rom_picker(&context, rom)) }
                (period_form(&context, rom, &errors))
            };
            return Ok(html_response(
                StatusCode::BAD_REQUEST,
                page(&context, text.dashboard_heading, content),
            ));
        }
        Err(error) => return Err(error.into()),
    };
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
        (period_form(&context, dashboard.rom, &FormErrors::none()))
        (period_line(&context, &filter))
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
        (export_section(&context, dashboard.rom))
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

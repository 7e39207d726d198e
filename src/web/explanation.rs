//! A match's explanation drawn for people: one bar split into the parts of
//! the score (text, technology, region, TRL), the numbers beside them, the
//! terms that matched in each direction, the shared technology codes, the
//! region relation and the TRL fit. Used wherever a match is shown.

use maud::{html, Markup};

use crate::search::ranking::MatchExplanation;

/// Width of a part in the bar, as a percentage of the whole score.
fn share(part: f32, score: f32) -> f32 {
    if score > 0.0 {
        (part / score * 100.0).clamp(0.0, 100.0)
    } else {
        0.0
    }
}

/// A readable name for a region relation code.
fn region_phrase(explanation: &MatchExplanation) -> &'static str {
    use crate::domain::region::RegionRelation;
    if explanation.region.national {
        return "national challenge: every province fits";
    }
    match explanation.region.relation {
        Some(RegionRelation::SameProvince) => "same province",
        Some(RegionRelation::SameRomArea) => "same ROM area",
        Some(RegionRelation::SameLandsdeel) => "same part of the country (landsdeel)",
        Some(RegionRelation::ElsewhereInNetherlands) => "elsewhere in the Netherlands",
        Some(RegionRelation::Abroad) => "abroad",
        None => "unknown location",
    }
}

/// The breakdown of one match. `id` makes the element ids unique on a page.
pub fn explanation_breakdown(id: &str, explanation: &MatchExplanation) -> Markup {
    let parts = &explanation.parts;
    let score = explanation.score;
    let rows = [
        ("text", "Text", parts.text),
        ("technology", "Technology overlap", parts.technology),
        ("region", "Region", parts.region),
        ("trl", "TRL fit", parts.trl),
    ];
    let trl = match explanation.trl_in_range {
        Some(true) => "in the wanted range",
        Some(false) => "outside the wanted range",
        None => "not given",
    };
    html! {
        div.explanation id=(format!("explanation-{id}")) {
            p {
                strong { "Score " (format!("{score:.2}")) }
                " = "
                @for (index, (_, label, value)) in rows.iter().enumerate() {
                    @if index > 0 { " + " }
                    (label) " " (format!("{value:.2}"))
                }
            }
            div.score-bar role="img" aria-label=(format!("Score {score:.2}: text {:.2}, technology {:.2}, region {:.2}, TRL {:.2}", parts.text, parts.technology, parts.region, parts.trl)) {
                @for (class, _, value) in &rows {
                    span class=(format!("part-{class}")) style=(format!("width: {:.1}%", share(*value, score))) {}
                }
            }
            ul.legend aria-hidden="true" {
                @for (class, label, _) in &rows {
                    li { i class=(format!("part-{class}")) {} (label) }
                }
            }
            dl.explanation-facts {
                @if !explanation.matched_terms.query_to_result.is_empty() {
                    dt { "Matched terms" }
                    dd { ul.tags { @for term in &explanation.matched_terms.query_to_result { li { (term) } } } }
                }
                @if !explanation.matched_terms.result_to_query.is_empty() {
                    dt { "Matched the other way" }
                    dd { ul.tags { @for term in &explanation.matched_terms.result_to_query { li { (term) } } } }
                }
                @if !explanation.shared_technologies.is_empty() {
                    dt { "Shared technologies" }
                    dd { ul.tags { @for technology in &explanation.shared_technologies { li { (technology.label_en()) } } } }
                }
                dt { "Region" } dd { (region_phrase(explanation)) }
                dt { "TRL" } dd { (trl) }
            }
        }
    }
}

/// Every matched term of an explanation, for highlighting in a text.
pub fn matched_terms(explanation: &MatchExplanation) -> Vec<String> {
    explanation
        .matched_terms
        .query_to_result
        .iter()
        .chain(&explanation.matched_terms.result_to_query)
        .cloned()
        .collect()
}

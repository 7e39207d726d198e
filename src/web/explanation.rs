//! A match's explanation drawn for people: its fit out of 100 as one bar
//! split into the parts (text, technology, region, TRL, marks), the whole
//! points beside them, the
//! terms that matched in each direction, how close the texts are in
//! meaning, the shared technology codes, the region relation and the TRL fit. Used wherever a match is shown.

use maud::{html, Markup};

use super::context::PageContext;
use super::text::explanation::ExplanationText;
use super::text::Language;
use crate::domain::region::RegionRelation;
use crate::domain::taxonomy::Technology;
use crate::search::ranking::MatchExplanation;

/// Each part of the bar with its start and width, in points of the bar's
/// 100: the positive parts, up to the fit (a negative marks part shortens
/// the bar rather than drawing a segment).
fn bar_segments<'a>(rows: &[(&'a str, &str, i16)], fit: u8) -> Vec<(&'a str, i16, i16)> {
    let mut offset: i16 = 0;
    rows.iter()
        .map(|(class, _, value)| {
            let width = (*value).clamp(0, (i16::from(fit) - offset).max(0));
            let segment = (*class, offset, width);
            offset += width;
            segment
        })
        .collect()
}

/// The region relation in words.
fn region_phrase(text: &ExplanationText, explanation: &MatchExplanation) -> &'static str {
    if explanation.region.national {
        return text.region_national;
    }
    match explanation.region.relation {
        Some(RegionRelation::SameProvince) => text.region_same_province,
        Some(RegionRelation::SameRomArea) => text.region_same_rom_area,
        Some(RegionRelation::SameLandsdeel) => text.region_same_landsdeel,
        Some(RegionRelation::ElsewhereInNetherlands) => text.region_elsewhere,
        Some(RegionRelation::Abroad) => text.region_abroad,
        None => text.region_unknown,
    }
}

/// The breakdown of one match, in `language`. `id` makes the element ids
/// unique on a page.
pub fn explanation_breakdown(
    id: &str,
    explanation: &MatchExplanation,
    language: Language,
) -> Markup {
    let text = &language.text().explanation;
    let technology_label = |technology: Technology| language.technology_name(technology);
    let parts = &explanation.fit_parts;
    let fit = explanation.fit;
    let rows = [
        ("text", text.part_text, parts.text),
        ("technology", text.part_technology, parts.technology),
        ("region", text.part_region, parts.region),
        ("trl", text.part_trl, parts.trl),
    ];
    let trl = match explanation.trl_in_range {
        Some(true) => text.trl_in_range,
        Some(false) => text.trl_out_of_range,
        None => text.trl_unknown,
    };
    // Marks that lift a result fill the bar after the other parts; marks
    // that push it down only shorten it, as the fit they lower.
    let mut bar_rows = rows.to_vec();
    if parts.marks > 0 {
        bar_rows.push(("marks", text.part_marks, parts.marks));
    }
    let mut spoken_parts: Vec<String> = rows
        .iter()
        .map(|(_, label, value)| format!("{label} {value}"))
        .collect();
    if parts.marks != 0 {
        spoken_parts.push(format!("{} {}", text.part_marks, parts.marks));
    }
    let spoken = spoken_parts.join(", ");
    html! {
        div.explanation id=(format!("explanation-{id}")) {
            p.score-sum {
                strong.fit { (text.fit) " " (fit) " / 100" }
                " = "
                @for (index, (class, label, value)) in rows.iter().enumerate() {
                    @if index > 0 { " + " }
                    span class=(format!("score-part-{class}")) { (label) " " (value) }
                }
                @if parts.marks != 0 {
                    @if parts.marks > 0 { " + " } @else { " − " }
                    span.score-part-marks { (text.part_marks) " " (parts.marks.abs()) }
                }
            }
            // SVG, not spans with a `style` width: the Content-Security-Policy
            // refuses style attributes (docs/web.md, "Security headers").
            svg.score-bar role="img" aria-label=(format!("{} {fit} / 100: {spoken}", text.fit))
                viewBox="0 0 100 10" preserveAspectRatio="none" {
                @for (class, offset, width) in bar_segments(&bar_rows, fit) {
                    rect class=(format!("part-{class}")) x=(offset) y="0"
                        width=(width) height="10" {}
                }
            }
            ul.legend aria-hidden="true" {
                @for (class, label, _) in &bar_rows {
                    li { i class=(format!("part-{class}")) {} (label) }
                }
            }
            dl.explanation-facts {
                @if !explanation.matched_terms.query_to_result.is_empty() {
                    dt { (text.matched_terms) }
                    dd { ul.tags { @for term in &explanation.matched_terms.query_to_result { li { (term) } } } }
                }
                @if !explanation.matched_terms.result_to_query.is_empty() {
                    dt { (text.matched_other_way) }
                    dd { ul.tags { @for term in &explanation.matched_terms.result_to_query { li { (term) } } } }
                }
                @if let Some(similarity) = explanation.semantic_similarity {
                    dt { (text.similar_in_meaning) }
                    dd { (format!("{:.0}%", similarity * 100.0)) }
                }
                @if !explanation.shared_technologies.is_empty() {
                    dt { (text.shared_technologies) }
                    dd { ul.tags { @for technology in &explanation.shared_technologies { li { (technology_label(*technology)) } } } }
                }
                @if let Some(like) = &explanation.marked_like {
                    dt { (text.marked_like) }
                    dd {
                        @match &like.title {
                            Some(title) => { em { (title) } (text.marked_like_named_suffix) }
                            None => { (text.marked_like_unnamed) }
                        }
                    }
                }
                dt { (text.region) } dd { (region_phrase(text, explanation)) }
                dt { (text.trl) } dd { (trl) }
            }
        }
    }
}

/// "N matches below fit X left out", with a link that shows them, after a
/// list of matches; nothing when none was left out. `left_out` is the
/// number left out and the minimum fit applied.
pub fn left_out_note(context: &PageContext, left_out: (usize, u8), show_url: &str) -> Markup {
    let text = &context.text.explanation;
    let (count, min_fit) = left_out;
    if count == 0 {
        return html! {};
    }
    let template = if count == 1 {
        text.below_min_fit_one
    } else {
        text.below_min_fit_many
    };
    let sentence = template
        .replace("{count}", &count.to_string())
        .replace("{min}", &min_fit.to_string());
    html! {
        p.left-out role="status" {
            (sentence) " " a href=(show_url) { (text.show_left_out) }
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

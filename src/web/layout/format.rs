//! How values read on a page: dates, deadlines and the terms a match was
//! ranked on.

use chrono::{DateTime, Datelike, Utc};
use maud::{Markup, PreEscaped};

use crate::search::analysis::{Analyzers, TextLanguage};
use crate::web::text::Language;

/// A date for people: `3 March 2027`, `3 maart 2027`. The month names come
/// from the text, not from chrono, which knows English only.
pub fn human_date(at: DateTime<Utc>, language: Language) -> String {
    let months = &language.text().common.months;
    let month = months
        .get(at.month0() as usize)
        .copied()
        .unwrap_or_default();
    format!("{} {month} {}", at.day(), at.year())
}

/// The deadline line of a challenge: its date and how far off it is.
pub fn deadline_text(
    closes_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    language: Language,
) -> String {
    let text = &language.text().common;
    match closes_at {
        None => text.rolling_call.to_owned(),
        Some(at) => {
            let date = human_date(at, language);
            let days = (at - now).num_days();
            if at <= now {
                date
            } else if days < 1 {
                format!("{date} ({})", text.closes_today)
            } else {
                format!("{date} ({days} {})", text.days_left)
            }
        }
    }
}

/// `text` with every occurrence of `terms` (whole words, any case) marked,
/// so a reader sees what the ranking matched on.
/// Terms are words as a text writes them ("vehicles"); a word is marked
/// when it shares their stem ("vehicle" too), in either language.
pub fn highlighted(text: &str, terms: &[String]) -> Markup {
    let mut analyzers = Analyzers::default();
    let mut stems_of = |word: &str| -> Vec<String> {
        [TextLanguage::English, TextLanguage::Dutch]
            .into_iter()
            .flat_map(|language| analyzers.tokens(language, word))
            .collect()
    };
    let lowered: Vec<String> = terms.iter().map(|term| term.to_lowercase()).collect();
    let term_stems: std::collections::HashSet<String> =
        lowered.iter().flat_map(|term| stems_of(term)).collect();
    let mut out = String::with_capacity(text.len() + 64);
    let mut word = String::new();
    let mut flush = |word: &mut String, out: &mut String| {
        if word.is_empty() {
            return;
        }
        let lower = word.to_lowercase();
        let hit = lowered
            .iter()
            .any(|term| !term.is_empty() && lower == *term)
            || stems_of(&lower)
                .iter()
                .any(|stem| term_stems.contains(stem));
        let escaped = maud::html! { (word) }.into_string();
        if hit {
            out.push_str("<mark>");
            out.push_str(&escaped);
            out.push_str("</mark>");
        } else {
            out.push_str(&escaped);
        }
        word.clear();
    };
    for character in text.chars() {
        if character.is_alphanumeric() {
            word.push(character);
        } else {
            flush(&mut word, &mut out);
            out.push_str(&maud::html! { (character) }.into_string());
        }
    }
    flush(&mut word, &mut out);
    PreEscaped(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn every_form_of_a_matched_word_is_marked() {
        let marked = highlighted(
            "A vehicle, two Vehicles and a road.",
            &["vehicles".to_owned()],
        )
        .into_string();
        assert_eq!(
            marked,
            "A <mark>vehicle</mark>, two <mark>Vehicles</mark> and a road."
        );
    }

    #[test]
    fn dates_are_written_in_the_language_of_the_page() {
        let at = Utc
            .with_ymd_and_hms(2027, 3, 3, 12, 0, 0)
            .single()
            .expect("a valid date");
        assert_eq!(human_date(at, Language::English), "3 March 2027");
        assert_eq!(human_date(at, Language::Dutch), "3 maart 2027");
        let later = at + chrono::Duration::days(12);
        assert_eq!(
            deadline_text(Some(later), at, Language::Dutch),
            "15 maart 2027 (12 dagen te gaan)"
        );
        assert_eq!(
            deadline_text(None, at, Language::Dutch),
            "Doorlopende oproep, zonder deadline"
        );
    }
}

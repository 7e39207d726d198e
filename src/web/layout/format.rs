//! How values read on a page: dates, deadlines and the terms a match was
//! ranked on.

use chrono::{DateTime, Datelike, Timelike, Utc};
use maud::{Markup, PreEscaped};

use crate::domain::amsterdam;
use crate::search::analysis::{Analyzers, TextLanguage};
use crate::web::text::Language;

/// A date for people: `3 March 2027`, `3 maart 2027`, the day it is in
/// Amsterdam. The month names come from the text, not from chrono, which
/// knows English only.
pub fn human_date(at: DateTime<Utc>, language: Language) -> String {
    let day = amsterdam::date_of(at);
    let months = &language.text().common.months;
    let month = months
        .get(day.month0() as usize)
        .copied()
        .unwrap_or_default();
    format!("{} {month} {}", day.day(), day.year())
}

/// A date and time for people, in Amsterdam and saying so:
/// `4 December 2026, 23:59 Amsterdam time`.
pub fn human_date_time(at: DateTime<Utc>, language: Language) -> String {
    let local = at + amsterdam::offset_at(at);
    format!(
        "{}, {:02}:{:02} {}",
        human_date(at, language),
        local.hour(),
        local.minute(),
        language.text().common.amsterdam_time
    )
}

/// The deadline line of a challenge: its date and time in Amsterdam, and
/// how many calendar days (in Amsterdam) are left.
pub fn deadline_text(
    closes_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    language: Language,
) -> String {
    let text = &language.text().common;
    let Some(at) = closes_at else {
        return text.rolling_call.to_owned();
    };
    let when = human_date_time(at, language);
    if at <= now {
        return when;
    }
    match (amsterdam::date_of(at) - amsterdam::date_of(now)).num_days() {
        0 => format!("{when} ({})", text.closes_today),
        1 => format!("{when} (1 {})", text.day_left),
        days => format!("{when} ({days} {})", text.days_left),
    }
}

/// An amount in euros as the language writes it: `€ 100.000` in Dutch,
/// `€100,000` in English.
pub fn euros(amount: i64, language: Language) -> String {
    let digits = amount.unsigned_abs().to_string();
    let (separator, prefix) = match language {
        Language::Dutch => ('.', "€ "),
        Language::English => (',', "€"),
    };
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index) % 3 == 0 {
            grouped.push(separator);
        }
        grouped.push(digit);
    }
    let sign = if amount < 0 { "-" } else { "" };
    format!("{sign}{prefix}{grouped}")
}

/// `text` with every occurrence of `terms` (whole words, any case) marked,
/// so a reader sees what the ranking matched on.
/// Terms are words as a text writes them ("vehicles"); a word is marked
/// when it shares their stem ("vehicle" too), in either language.
pub fn highlighted(text: &str, terms: &[String]) -> Markup {
    let mut analyzers = Analyzers::default();
    let mut stems_of = |word: &str| -> Vec<String> {
        TextLanguage::ALL
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
            "15 maart 2027, 13:00 Nederlandse tijd (12 dagen te gaan)"
        );
        assert_eq!(
            deadline_text(None, at, Language::Dutch),
            "Doorlopende oproep, zonder deadline"
        );
    }

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().expect("an instant")
    }

    #[test]
    fn days_left_are_calendar_days_in_amsterdam_with_the_right_singular() {
        // A deadline at the end of 4 December, seen at noon on 2 December.
        let deadline = Some(utc("2026-12-04T22:59:59Z"));
        let now = utc("2026-12-02T12:00:00Z");
        assert_eq!(
            deadline_text(deadline, now, Language::English),
            "4 December 2026, 23:59 Amsterdam time (2 days left)"
        );
        assert_eq!(
            deadline_text(deadline, utc("2026-12-03T23:30:00Z"), Language::English),
            "4 December 2026, 23:59 Amsterdam time (closes today)",
            "23:30 UTC on the 3rd is already the 4th in Amsterdam"
        );
        assert_eq!(
            deadline_text(deadline, utc("2026-12-03T08:00:00Z"), Language::Dutch),
            "4 december 2026, 23:59 Nederlandse tijd (1 dag te gaan)"
        );
        // A deadline at 00:30 UTC is the next day in Amsterdam.
        assert_eq!(
            human_date(utc("2026-12-04T23:30:00Z"), Language::English),
            "5 December 2026"
        );
    }

    #[test]
    fn euros_are_grouped_as_the_language_writes_them() {
        assert_eq!(euros(100_000, Language::Dutch), "€ 100.000");
        assert_eq!(euros(1_250_000, Language::Dutch), "€ 1.250.000");
        assert_eq!(euros(100_000, Language::English), "€100,000");
        assert_eq!(euros(999, Language::Dutch), "€ 999");
        assert_eq!(euros(0, Language::English), "€0");
    }
}

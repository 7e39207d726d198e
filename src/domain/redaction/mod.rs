//! Redaction: what procurement, and anyone else before a reveal, reads of a
//! start-up. A [`Redactor`] is built for one start-up from what identifies
//! it (its name, city, website, KvK number, contacts and people) and
//! removes from any text:
//!
//! * every form of the company's name: the whole name, in any case, with
//!   or without diacritics and legal suffix, possessives ("Noordzee's"),
//!   its distinctive words alone and inside compounds or domains
//!   ("NoordzeeOS", "noordzeesonar.nl"); common words of the name stay in
//!   ordinary use ("sidescan sonar" for Noordzee Sonar);
//! * its city and every Dutch municipality (CBS list) with their
//!   adjective forms ("Leiden", "Leidse"), streets and postcodes;
//! * e-mail addresses, URLs and domains, phone and KvK numbers;
//! * the names of the organisation's people.
//!
//! Each removed stretch becomes one placeholder of its kind ("[start-up]",
//! "[place]", "[person]", "[contact]"). The original text stays the one
//! that matching ranks; the redacted text is the one shown and searched.

mod contact;
mod municipalities;
mod phrases;
#[cfg(test)]
mod tests;
mod words;

pub use phrases::Kind;
use phrases::{Case, PhraseSet, Span};
use words::{fold, folded_words, split_words};

use crate::domain::taxonomy::Technology;

/// What identifies one start-up.
#[derive(Debug, Clone, Default)]
pub struct RedactionSubject {
    pub company_name: String,
    pub city: Option<String>,
    pub website: Option<String>,
    pub kvk_number: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Full names of the organisation's people (its users, its contact).
    pub people: Vec<String>,
}

/// Removes what identifies one start-up from texts about it.
#[derive(Debug, Clone)]
pub struct Redactor {
    phrases: PhraseSet,
    /// KvK and phone numbers as digits, found however they are grouped.
    known_numbers: Vec<String>,
}

/// Legal forms after a company's name.
const LEGAL_SUFFIXES: &[&str] = &[
    "b.v.", "bv", "n.v.", "nv", "gmbh", "ltd", "ltd.", "sas", "as", "aps", "oü", "sa", "s.a.",
    "v.o.f.", "vof", "holding",
];

/// Words that often appear in company names but also in ordinary text
/// about what a company does; alone they are not taken for the name.
const COMMON_NAME_WORDS: &[&str] = &[
    "acoustics",
    "ai",
    "analytics",
    "and",
    "automation",
    "autonomous",
    "autonomy",
    "bio",
    "cyber",
    "cryptografie",
    "cryptography",
    "data",
    "de",
    "defence",
    "defense",
    "detection",
    "drone",
    "drones",
    "dynamics",
    "en",
    "energy",
    "engineering",
    "group",
    "health",
    "het",
    "holding",
    "imaging",
    "industries",
    "innovations",
    "instruments",
    "international",
    "lab",
    "labs",
    "laser",
    "materials",
    "maritime",
    "medical",
    "mobility",
    "navigation",
    "networks",
    "of",
    "optics",
    "photonics",
    "power",
    "quantum",
    "radar",
    "research",
    "robotics",
    "satellite",
    "security",
    "sensing",
    "sensor",
    "sensors",
    "solutions",
    "sonar",
    "space",
    "systems",
    "tech",
    "technologies",
    "technology",
    "the",
    "van",
    "vision",
    "works",
];

/// Particles of Dutch surnames: no name on their own.
const NAME_PARTICLES: &[&str] = &[
    "van", "de", "der", "den", "het", "ten", "ter", "te", "la", "le", "von", "di", "da", "du",
];

/// Whether `folded` is an ordinary word of the trade rather than a name.
fn is_common_word(folded: &str) -> bool {
    COMMON_NAME_WORDS.contains(&folded)
        || Technology::ALL.iter().any(|technology| {
            technology
                .synonyms()
                .iter()
                .any(|synonym| synonym.split(' ').any(|part| part == folded))
        })
}

/// The company's name without its legal form ("Noordzee Sonar B.V." →
/// "Noordzee Sonar").
pub fn without_legal_suffix(name: &str) -> &str {
    let trimmed = name.trim().trim_end_matches([',', ' ']);
    let lower = trimmed.to_lowercase();
    for suffix in LEGAL_SUFFIXES {
        if let Some(rest) = lower.strip_suffix(suffix) {
            if rest.ends_with([' ', ',']) && lower.len() == trimmed.len() {
                return trimmed[..rest.len()].trim_end_matches([',', ' ']);
            }
        }
    }
    trimmed
}

/// The registrable labels of a website or e-mail domain
/// ("https://www.noordzee-sonar.nl/en" → ["noordzee", "sonar"]).
fn domain_labels(address: &str) -> Vec<String> {
    let host = address
        .rsplit('@')
        .next()
        .unwrap_or(address)
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .split(['/', '?', '#', ':'])
        .next()
        .unwrap_or_default()
        .to_lowercase();
    let mut labels: Vec<&str> = host.split('.').collect();
    labels.pop(); // the top-level domain
    labels
        .into_iter()
        .filter(|label| *label != "www")
        .flat_map(|label| {
            let whole = fold(label).replace('-', "");
            let mut parts: Vec<String> = folded_words(label);
            if parts.len() > 1 {
                parts.push(whole);
            }
            parts
        })
        .collect()
}

impl Redactor {
    /// The redactor for `subject`.
    pub fn new(subject: &RedactionSubject) -> Self {
        let mut phrases = PhraseSet::default();
        add_company(&mut phrases, &subject.company_name);
        for address in subject.website.iter().chain(subject.email.iter()) {
            for label in domain_labels(address) {
                if label.chars().count() >= 4 && !is_common_word(&label) {
                    phrases.add_words(vec![label.clone()], Kind::Company, Case::Any);
                    phrases.add_inside_words(label, Kind::Company);
                }
            }
        }
        if let Some(city) = subject
            .city
            .as_deref()
            .filter(|city| !city.trim().is_empty())
        {
            municipalities::add_place(&mut phrases, city, Case::Any);
        }
        for person in &subject.people {
            add_person(&mut phrases, person);
        }
        let mut known_numbers = Vec::new();
        if let Some(kvk) = &subject.kvk_number {
            known_numbers.push(contact::digits(kvk));
        }
        if let Some(phone) = &subject.phone {
            let digits = contact::digits(phone);
            // The subscriber's nine digits, without +31 or the leading 0.
            let start = digits.len().saturating_sub(9);
            known_numbers.push(digits[start..].to_owned());
        }
        known_numbers.retain(|number| number.len() >= 6);
        Redactor {
            phrases,
            known_numbers,
        }
    }

    /// `text` with everything that identifies the subject replaced.
    pub fn redact(&self, text: &str) -> String {
        let words = split_words(text);
        let mut spans = contact::find(text, &self.known_numbers);
        spans.extend(self.phrases.find(text, &words));
        spans.extend(municipalities::phrases().find(text, &words));
        render(text, spans)
    }

    /// Every keyword redacted; keywords left empty are dropped.
    pub fn redact_all(&self, texts: &[String]) -> Vec<String> {
        texts
            .iter()
            .map(|text| self.redact(text))
            .filter(|text| !text.trim().is_empty())
            .collect()
    }
}

/// The company's name as a whole, its distinctive words alone and in
/// compounds; its common words only when nothing else is distinctive.
fn add_company(phrases: &mut PhraseSet, company_name: &str) {
    let short = without_legal_suffix(company_name);
    let words = folded_words(short);
    let distinctive: Vec<&String> = words
        .iter()
        .filter(|word| word.chars().count() >= 3 && !is_common_word(word))
        .collect();
    if !distinctive.is_empty() {
        phrases.add(company_name, Kind::Company, Case::Any);
        phrases.add(short, Kind::Company, Case::Any);
    } else {
        phrases.add(company_name, Kind::Company, Case::Capitalised);
    }
    for word in &distinctive {
        phrases.add_words(vec![(*word).clone()], Kind::Company, Case::Any);
        // The Dutch genitive without an apostrophe: "Noordzees".
        phrases.add_words(vec![format!("{word}s")], Kind::Company, Case::Any);
        if word.chars().count() >= 5 {
            phrases.add_inside_words((*word).clone(), Kind::Company);
        }
    }
    if distinctive.is_empty() {
        // Only common words: the name is the name only when written as one.
        phrases.add(short, Kind::Company, Case::Capitalised);
        for word in words.iter().filter(|word| word.chars().count() >= 3) {
            phrases.add_words(
                vec![word.clone()],
                Kind::Company,
                Case::CapitalisedMidSentence,
            );
        }
    }
    if words.len() > 1 {
        let joined: String = words.concat();
        if joined.chars().count() >= 6 {
            phrases.add_inside_words(joined, Kind::Company);
        }
    }
}

/// A person's full name in any case, and each part of it when capitalised;
/// each also in the Dutch genitive without an apostrophe ("Bakkers idee").
fn add_person(phrases: &mut PhraseSet, full_name: &str) {
    let words = folded_words(full_name);
    if words.is_empty() {
        return;
    }
    for word in &words {
        if word.chars().count() >= 3 && !NAME_PARTICLES.contains(&word.as_str()) {
            phrases.add_words(vec![word.clone()], Kind::Person, Case::Capitalised);
            phrases.add_words(vec![format!("{word}s")], Kind::Person, Case::Capitalised);
        }
    }
    let mut genitive = words.clone();
    if let Some(last) = genitive.last_mut() {
        last.push('s');
    }
    phrases.add_words(genitive, Kind::Person, Case::Any);
    phrases.add_words(words, Kind::Person, Case::Any);
}

/// `text` with the `spans` replaced, overlapping spans merged, and
/// neighbouring placeholders of one kind written once.
fn render(text: &str, mut spans: Vec<Span>) -> String {
    spans.sort_by_key(|span| (span.start, std::cmp::Reverse(span.end)));
    let mut merged: Vec<Span> = Vec::new();
    for span in spans {
        match merged.last_mut() {
            Some(last) if span.start < last.end => {
                last.end = last.end.max(span.end);
                last.kind = last.kind.min(span.kind);
            }
            Some(last)
                if last.kind == span.kind
                    && text[last.end..span.start]
                        .chars()
                        .all(|character| character == ' ' || character == '-') =>
            {
                last.end = span.end;
            }
            _ => merged.push(span),
        }
    }
    let mut result = String::with_capacity(text.len());
    let mut position = 0;
    for span in merged {
        result.push_str(&text[position..span.start]);
        result.push_str(span.kind.placeholder());
        position = span.end;
    }
    result.push_str(&text[position..]);
    result
}

//! The Dutch municipalities (CBS list in `municipalities.txt`) as names to
//! remove, with their adjective forms ("Leiden", "Leidse") and the everyday
//! names some go by ("Den Haag" for 's-Gravenhage).

use std::sync::OnceLock;

use super::phrases::{Case, Kind, PhraseSet};
use super::words::folded_words;

/// The CBS list, one name a line; `#` starts a comment.
const MUNICIPALITIES: &str = include_str!("municipalities.txt");

/// Municipality names that are also ordinary words in Dutch or English
/// ("best", "goes", "putten", "leiden"): removed only when capitalised in
/// the middle of a sentence.
const COMMON_WORD_NAMES: &[&str] = &[
    "asten",
    "beek",
    "bergen",
    "best",
    "borne",
    "buren",
    "duiven",
    "ede",
    "epe",
    "goes",
    "hoorn",
    "houten",
    "huizen",
    "hulst",
    "kampen",
    "laren",
    "leiden",
    "lopik",
    "oss",
    "putten",
    "sluis",
    "stein",
    "veere",
    "waterland",
    "westland",
];

/// Other names and adjectives that are not made by rule.
const OTHER_FORMS: &[&str] = &[
    "Den Haag",
    "The Hague",
    "Haagse",
    "Hagenaar",
    "Den Bosch",
    "Bossche",
    "Nijmeegse",
    "Zwolse",
    "Almeerse",
    "Dordt",
    "Dordtse",
    "Leeuwarder",
    "Groninger",
    "Helderse",
    "Enschedese",
    "Maastrichtenaar",
    "Amsterdammer",
    "Rotterdammer",
    "Utrechter",
    "Eindhovenaar",
    "Tilburger",
    "Leidenaar",
    "Delftenaar",
    "Twentse",
];

/// Parts of hyphenated municipality names that are no place of their own.
const NOT_PLACE_PARTS: &[&str] = &[
    "ambacht", "beveland", "betuwe", "echt", "hendrik", "midden", "neder", "noord", "ouder",
    "sint", "west", "oost", "zuid",
];

/// Towns and villages that are no municipality of their own but name a
/// start-up's place as well as one (the seats of former municipalities).
const OTHER_PLACES: &[&str] = &[
    "Boxmeer",
    "Brielle",
    "Cuijk",
    "Drachten",
    "Emmeloord",
    "Hellevoetsluis",
    "Hoofddorp",
    "Nieuw-Vennep",
    "Scheveningen",
    "Sneek",
    "Soesterberg",
    "Spijkenisse",
    "Uden",
    "Veghel",
    "Weesp",
    "Zaandam",
];

/// The municipalities' names, read once.
pub fn names() -> impl Iterator<Item = &'static str> {
    MUNICIPALITIES
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        // "Bergen (L.)": the suffix only tells two municipalities apart.
        .map(|line| line.split(" (").next().unwrap_or(line))
}

/// The adjective forms of a one-word name: "Leiden" → "leidse",
/// "Amsterdam" → "amsterdamse", "Breda" → "bredase".
pub fn adjective_forms(folded_name: &str) -> Vec<String> {
    let mut forms = vec![format!("{folded_name}se")];
    if let Some(stem) = folded_name.strip_suffix("en") {
        forms.push(format!("{stem}se"));
    }
    if let Some(stem) = folded_name.strip_suffix('e') {
        forms.push(format!("{stem}se"));
    }
    forms
}

/// Adds `name` (a place) and its adjective forms to `phrases`; `case`
/// says when the name itself counts as a name.
pub fn add_place(phrases: &mut PhraseSet, name: &str, case: Case) {
    let words = folded_words(name);
    if words.is_empty() {
        return;
    }
    if let [single] = words.as_slice() {
        for form in adjective_forms(single) {
            phrases.add_words(vec![form], Kind::Place, Case::Any);
        }
    }
    phrases.add_words(words, Kind::Place, case);
}

/// Every municipality and its forms, built once.
pub fn phrases() -> &'static PhraseSet {
    static PHRASES: OnceLock<PhraseSet> = OnceLock::new();
    PHRASES.get_or_init(|| {
        let mut phrases = PhraseSet::default();
        for name in names() {
            let words = folded_words(name);
            let case = match words.as_slice() {
                [single] if COMMON_WORD_NAMES.contains(&single.as_str()) => {
                    Case::CapitalisedMidSentence
                }
                _ => Case::Capitalised,
            };
            add_place(&mut phrases, name, case);
            if name.contains('-') {
                for part in words.iter().filter(|part| {
                    part.chars().count() >= 4 && !NOT_PLACE_PARTS.contains(&part.as_str())
                }) {
                    add_place(&mut phrases, part, Case::Capitalised);
                }
            }
        }
        for place in OTHER_PLACES {
            add_place(&mut phrases, place, Case::Capitalised);
        }
        for form in OTHER_FORMS {
            phrases.add(form, Kind::Place, Case::Capitalised);
        }
        phrases
    })
}

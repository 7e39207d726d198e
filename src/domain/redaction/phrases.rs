//! Names as sequences of folded words, found in a text word by word: the
//! company's name, its people, its city and every municipality.

use std::collections::HashMap;

use super::words::{split_words, Word};

/// What a removed piece of text was; each kind has its own placeholder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Company,
    Person,
    Place,
    Contact,
}

impl Kind {
    /// The text that takes the place of what was removed.
    pub fn placeholder(self) -> &'static str {
        match self {
            Kind::Company => "[start-up]",
            Kind::Person => "[person]",
            Kind::Place => "[place]",
            Kind::Contact => "[contact]",
        }
    }
}

/// When a word counts as a name rather than as an ordinary word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// In any case: a word that means nothing else ("Noordzee").
    Any,
    /// Only capitalised: a name that is also a word ("leiden", "de Boer").
    Capitalised,
    /// Only capitalised and not first in a sentence, where every word is
    /// capitalised: names that are common words ("Best", "Goes", "Sonar").
    CapitalisedMidSentence,
}

impl Case {
    /// Whether the name starting at `words[0]` may be taken as one; a
    /// name written "'s-Hertogenbosch" is judged by its second word.
    fn admits_at(self, phrase_words: &[String], words: &[Word]) -> bool {
        match (phrase_words, words) {
            ([first, ..], [_, second, ..]) if first == "s" && phrase_words.len() > 1 => {
                self.admits(second)
            }
            (_, [first, ..]) => self.admits(first),
            _ => false,
        }
    }

    fn admits(self, word: &Word) -> bool {
        match self {
            Case::Any => true,
            Case::Capitalised => word.capitalised,
            Case::CapitalisedMidSentence => word.capitalised && !word.sentence_start,
        }
    }
}

/// A stretch of text to remove, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
}

#[derive(Debug, Clone)]
struct Phrase {
    words: Vec<String>,
    kind: Kind,
    case: Case,
}

/// Names to find, indexed by their first word.
#[derive(Debug, Clone, Default)]
pub struct PhraseSet {
    by_first_word: HashMap<String, Vec<Phrase>>,
    /// Folded names found inside longer words ("noordzee" in "NoordzeeOS").
    inside_words: Vec<(String, Kind)>,
}

impl PhraseSet {
    /// Adds the name `text` (split into folded words).
    pub fn add(&mut self, text: &str, kind: Kind, case: Case) {
        let words = split_words(text)
            .into_iter()
            .map(|word| word.folded)
            .collect();
        self.add_words(words, kind, case);
    }

    /// Adds a name given as folded words.
    pub fn add_words(&mut self, words: Vec<String>, kind: Kind, case: Case) {
        let Some(first) = words.first() else {
            return;
        };
        self.by_first_word
            .entry(first.clone())
            .or_default()
            .push(Phrase { words, kind, case });
    }

    /// Adds a folded name that marks any word containing it.
    pub fn add_inside_words(&mut self, folded: String, kind: Kind) {
        if !self.inside_words.iter().any(|(known, _)| *known == folded) {
            self.inside_words.push((folded, kind));
        }
    }

    /// Every stretch of `text` (split into `words`) that holds a name.
    pub fn find(&self, text: &str, words: &[Word]) -> Vec<Span> {
        let mut spans = Vec::new();
        let mut index = 0;
        while index < words.len() {
            match self.longest_at(text, words, index) {
                Some((length, kind)) => {
                    let last = &words[index + length - 1];
                    let mut end = extend_over_possessive(text, last.end);
                    // The closing dot of an abbreviation ("B.V.").
                    if end == last.end && last.end - last.start == 1 && text[end..].starts_with('.')
                    {
                        end += 1;
                    }
                    let first = &words[index];
                    let mut start = first.start;
                    // The apostrophe of "'s-Hertogenbosch".
                    if first.folded == "s" {
                        start = text[..start]
                            .strip_suffix(['\'', '’'])
                            .map_or(start, str::len);
                    }
                    // A compound written in camel case goes whole ("NoordzeeOS").
                    start = text[..start].trim_end_matches(char::is_alphanumeric).len();
                    end = text.len() - text[end..].trim_start_matches(char::is_alphanumeric).len();
                    spans.push(Span { start, end, kind });
                    index += length;
                }
                None => {
                    let word = &words[index];
                    if let Some((_, kind)) = self
                        .inside_words
                        .iter()
                        .find(|(name, _)| word.folded.contains(name.as_str()))
                    {
                        spans.push(Span {
                            start: word.start,
                            end: word.end,
                            kind: *kind,
                        });
                    }
                    index += 1;
                }
            }
        }
        spans
    }

    /// The longest name starting at word `index`: its length in words and kind.
    fn longest_at(&self, text: &str, words: &[Word], index: usize) -> Option<(usize, Kind)> {
        let candidates = self.by_first_word.get(&words[index].folded)?;
        candidates
            .iter()
            .filter(|phrase| phrase.case.admits_at(&phrase.words, &words[index..]))
            .filter(|phrase| {
                let length = phrase.words.len();
                index + length <= words.len()
                    && phrase
                        .words
                        .iter()
                        .enumerate()
                        .skip(1)
                        .all(|(offset, part)| {
                            let word = &words[index + offset];
                            let previous = &words[index + offset - 1];
                            word.folded == *part && joins(&text[previous.end..word.start], previous)
                        })
            })
            .map(|phrase| (phrase.words.len(), phrase.kind))
            .max_by_key(|(length, _)| *length)
    }
}

/// Whether the text between two words lets them belong to one name: a
/// space, a hyphen, an apostrophe or a comma, or the dot of an abbreviation
/// ("B.V.").
fn joins(between: &str, previous: &Word) -> bool {
    between.chars().count() <= 3
        && between.chars().all(|character| {
            character == ' '
                || character == '-'
                || character == '\''
                || character == '’'
                || character == ','
                || (character == '.' && previous.end - previous.start == 1)
        })
}

/// Moves `end` past a possessive "'s", "’s" or a lone apostrophe.
fn extend_over_possessive(text: &str, end: usize) -> usize {
    let rest = &text[end..];
    for suffix in ["'s", "’s"] {
        if let Some(after) = rest.strip_prefix(suffix) {
            if !after.chars().next().is_some_and(char::is_alphanumeric) {
                return end + suffix.len();
            }
        }
    }
    for suffix in ["'", "’"] {
        if let Some(after) = rest.strip_prefix(suffix) {
            if !after.chars().next().is_some_and(char::is_alphanumeric) {
                return end + suffix.len();
            }
        }
    }
    end
}

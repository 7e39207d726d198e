//! Text analysis: language detection, the English and Dutch analyzers, and
//! the taxonomy's synonyms as query expansion and technology suggestions.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use rustc_hash::FxHashMap;
use tantivy::tokenizer::{
    Language as StopLanguage, LowerCaser, RemoveLongFilter, SimpleTokenizer, StopWordFilter,
    TextAnalyzer, Token, TokenStream,
};
use whatlang::{Detector, Lang};

use super::stemming::RememberingStemmer;
use crate::domain::taxonomy::Technology;

/// The languages defmatch analyses; everything that is not Dutch is treated as English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TextLanguage {
    English,
    Dutch,
}

impl TextLanguage {
    /// Every language defmatch analyses.
    pub const ALL: [TextLanguage; 2] = [TextLanguage::English, TextLanguage::Dutch];

    /// Name of the tantivy analyzer of this language.
    pub fn analyzer_name(self) -> &'static str {
        match self {
            TextLanguage::English => "defmatch_en",
            TextLanguage::Dutch => "defmatch_nl",
        }
    }

    /// Short code, as stored.
    pub fn code(self) -> &'static str {
        match self {
            TextLanguage::English => "en",
            TextLanguage::Dutch => "nl",
        }
    }
}

/// Characters of a text the detection reads. Twenty words already decide
/// every demo text, and the cut keeps a long description from costing
/// more than a fraction of a millisecond.
const DETECTION_CHARACTERS: usize = 1000;

/// Whatlang told to choose between the two languages defmatch analyses
/// only, so that a Dutch text is never taken for Afrikaans or German.
static DUTCH_OR_ENGLISH: LazyLock<Detector> =
    LazyLock::new(|| Detector::with_allowlist(vec![Lang::Eng, Lang::Nld]));

/// The commonest function words of each language, none a word of the
/// other. In prose they outnumber the other language's many times over;
/// names, acronyms and jargon hold none of them.
const DUTCH_FUNCTION_WORDS: &[&str] = &[
    "aan", "bij", "dat", "de", "deze", "die", "dit", "door", "een", "en", "heeft", "het", "kan",
    "maar", "met", "naar", "niet", "om", "onze", "ook", "op", "te", "tot", "uit", "voor", "wij",
    "wordt", "worden", "zijn",
];
const ENGLISH_FUNCTION_WORDS: &[&str] = &[
    "also", "an", "and", "are", "at", "be", "by", "can", "for", "from", "has", "have", "into",
    "it", "its", "not", "on", "or", "our", "such", "that", "the", "their", "these", "this", "to",
    "which", "will", "with",
];

/// Function words of one language a text needs, and how many times the
/// other language's, for them alone to decide.
const DECISIVE_FUNCTION_WORDS: usize = 4;

/// Detects Dutch or English in the first [`DETECTION_CHARACTERS`].
///
/// Prose is decided by its function words: the detection then costs a fifth
/// of whatlang's character trigrams, which were half the work of turning a
/// row into a document for the index (docs/performance.md), and an opening
/// of names and acronyms, which trigrams may read as English, holds none.
///
/// Anything else (a title, a query, a list of keywords) goes to the
/// trigrams (whatlang), and is Dutch only when whatlang calls its verdict
/// reliable: a few words are often too little to tell the languages apart
/// (an English title such as "High Power Density Structural Heat Spreader"
/// scores 0.63 for Dutch), and analysing an English text as Dutch costs
/// more than the reverse, so a text whatlang is unsure of is English.
pub fn detect_language(text: &str) -> TextLanguage {
    let opening = text
        .char_indices()
        .nth(DETECTION_CHARACTERS)
        .map_or(text, |(end, _)| &text[..end]);
    if let Some(language) = language_of_function_words(opening) {
        return language;
    }
    match DUTCH_OR_ENGLISH.detect(opening) {
        Some(info) if info.lang() == Lang::Nld && info.is_reliable() => TextLanguage::Dutch,
        _ => TextLanguage::English,
    }
}

/// The language whose function words `text` holds at least
/// [`DECISIVE_FUNCTION_WORDS`] of, and that many times the other's; `None`
/// when neither does.
fn language_of_function_words(text: &str) -> Option<TextLanguage> {
    let (mut dutch, mut english) = (0, 0);
    for word in text.split(|character: char| !character.is_alphabetic()) {
        let listed = |list: &[&str]| list.iter().any(|known| known.eq_ignore_ascii_case(word));
        if listed(DUTCH_FUNCTION_WORDS) {
            dutch += 1;
        } else if listed(ENGLISH_FUNCTION_WORDS) {
            english += 1;
        }
    }
    let decides = |own: usize, other: usize| {
        own >= DECISIVE_FUNCTION_WORDS && own >= DECISIVE_FUNCTION_WORDS * other
    };
    if decides(dutch, english) {
        Some(TextLanguage::Dutch)
    } else if decides(english, dutch) {
        Some(TextLanguage::English)
    } else {
        None
    }
}

/// Builds the analyzer of a language: words, lower case, no stop words,
/// stemmed. Tokens longer than 40 bytes (hashes, URLs) are dropped.
pub fn build_analyzer(language: TextLanguage) -> TextAnalyzer {
    let stop_language = match language {
        TextLanguage::English => StopLanguage::English,
        TextLanguage::Dutch => StopLanguage::Dutch,
    };
    let builder = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser);
    match StopWordFilter::new(stop_language) {
        Some(stop_words) => builder
            .filter(stop_words)
            .filter(RememberingStemmer::new(language))
            .build(),
        None => builder.filter(RememberingStemmer::new(language)).build(),
    }
}

/// The analyzers of both languages, ready to use outside the index.
#[derive(Clone)]
pub struct Analyzers {
    english: TextAnalyzer,
    dutch: TextAnalyzer,
}

/// The analyzers, built once: a stop-word filter builds its set of words
/// when it is made, which cost more than analysing a short text. A clone
/// shares that set.
static BUILT_ANALYZERS: LazyLock<Analyzers> = LazyLock::new(|| Analyzers {
    english: build_analyzer(TextLanguage::English),
    dutch: build_analyzer(TextLanguage::Dutch),
});

impl Default for Analyzers {
    fn default() -> Self {
        BUILT_ANALYZERS.clone()
    }
}

impl Analyzers {
    /// Calls `visit` with each analysed token of `text`, in order.
    pub fn each_token(
        &mut self,
        language: TextLanguage,
        text: &str,
        mut visit: impl FnMut(&Token),
    ) {
        let analyzer = match language {
            TextLanguage::English => &mut self.english,
            TextLanguage::Dutch => &mut self.dutch,
        };
        let mut stream = analyzer.token_stream(text);
        while stream.advance() {
            visit(stream.token());
        }
    }

    /// The analyzed tokens of `text`, in order.
    pub fn tokens(&mut self, language: TextLanguage, text: &str) -> Vec<String> {
        let mut tokens = Vec::new();
        self.each_token(language, text, |token| tokens.push(token.text.clone()));
        tokens
    }

    /// For every analysed term of `text`, the form it most often takes in
    /// the text itself, lower-cased ("vehicl" → "vehicles"); on a tie the
    /// shorter, then the alphabetically first form.
    pub fn surface_forms(&mut self, language: TextLanguage, text: &str) -> HashMap<String, String> {
        self.frequencies_and_surface_forms(language, text).1
    }

    /// [`Self::term_frequencies`] and [`Self::surface_forms`] of `text` in
    /// one pass over its tokens: a match needs both of the asking side's
    /// text.
    pub fn frequencies_and_surface_forms(
        &mut self,
        language: TextLanguage,
        text: &str,
    ) -> (HashMap<String, u32>, HashMap<String, String>) {
        // Per term: its tokens, and each form it was written in with how
        // often. A match analyses its asking side's text on every request,
        // so a repeated token copies nothing, and a term's few forms are a
        // list rather than a map.
        let mut counts: FxHashMap<String, (u32, Vec<(String, u32)>)> = FxHashMap::default();
        let mut lowered = String::new();
        self.each_token(language, text, |token| {
            if !counts.contains_key(token.text.as_str()) {
                counts.insert(token.text.clone(), (0, Vec::new()));
            }
            let Some((tokens, forms)) = counts.get_mut(token.text.as_str()) else {
                return;
            };
            *tokens += 1;
            let Some(surface) = text.get(token.offset_from..token.offset_to) else {
                return;
            };
            lower_case_into(surface, &mut lowered);
            match forms.iter_mut().find(|(form, _)| *form == lowered) {
                Some((_, count)) => *count += 1,
                None => forms.push((lowered.clone(), 1)),
            }
        });
        let mut frequencies = HashMap::with_capacity(counts.len());
        let mut surface_forms = HashMap::with_capacity(counts.len());
        for (term, (tokens, forms)) in counts {
            frequencies.insert(term.clone(), tokens);
            let form = forms
                .into_iter()
                .max_by(|(left, left_count), (right, right_count)| {
                    left_count
                        .cmp(right_count)
                        .then_with(|| right.len().cmp(&left.len()))
                        .then_with(|| right.cmp(left))
                });
            if let Some((form, _)) = form {
                surface_forms.insert(term, form);
            }
        }
        (frequencies, surface_forms)
    }

    /// Term frequencies of `text`.
    pub fn term_frequencies(&mut self, language: TextLanguage, text: &str) -> HashMap<String, u32> {
        let mut frequencies = HashMap::new();
        self.each_token(language, text, |token| {
            count_term(&mut frequencies, &token.text)
        });
        frequencies
    }
}

/// Counts one more `term`, copying it only the first time it is seen.
fn count_term(frequencies: &mut HashMap<String, u32>, term: &str) {
    match frequencies.get_mut(term) {
        Some(frequency) => *frequency += 1,
        None => {
            frequencies.insert(term.to_owned(), 1);
        }
    }
}

/// `text` lower-cased into `out`, as `str::to_lowercase` would make it,
/// without a new string for the common ASCII word.
fn lower_case_into(text: &str, out: &mut String) {
    out.clear();
    if text.is_ascii() {
        out.push_str(text);
        out.make_ascii_lowercase();
    } else {
        out.push_str(&text.to_lowercase());
    }
}

/// Lower-case words of `text` with their neighbours, for matching synonyms
/// that span several words ("unmanned aerial").
fn normalised_words(text: &str) -> Vec<String> {
    text.split(|character: char| {
        !(character.is_alphanumeric() || character == '-' || character == '/')
    })
    .filter(|word| !word.is_empty())
    .map(str::to_lowercase)
    .collect()
}

/// Whether the word sequence `needle` occurs in `words`.
fn contains_phrase(words: &[String], needle: &[&str]) -> bool {
    if needle.is_empty() || needle.len() > words.len() {
        return false;
    }
    words.windows(needle.len()).any(|window| {
        window
            .iter()
            .zip(needle)
            .all(|(word, expected)| word == expected)
    })
}

/// The technologies whose synonyms occur in `text`, with the number of
/// distinct synonyms found, most evident first.
pub fn technologies_mentioned(text: &str) -> Vec<(Technology, usize)> {
    let words = normalised_words(text);
    let mut found: Vec<(Technology, usize)> = Technology::ALL
        .iter()
        .filter_map(|technology| {
            let hits = technology
                .synonyms()
                .iter()
                .filter(|synonym| {
                    let parts: Vec<&str> = synonym.split_whitespace().collect();
                    contains_phrase(&words, &parts)
                })
                .count();
            (hits > 0).then_some((*technology, hits))
        })
        .collect();
    found.sort_by(|left, right| right.1.cmp(&left.1).then(left.0.cmp(&right.0)));
    found
}

/// Technology codes suggested for a text: those with at least two distinct
/// synonyms, or the single best one when none has two.
pub fn suggest_technologies(text: &str) -> Vec<Technology> {
    let mentioned = technologies_mentioned(text);
    let strong: Vec<Technology> = mentioned
        .iter()
        .filter(|(_, hits)| *hits >= 2)
        .map(|(technology, _)| *technology)
        .collect();
    if !strong.is_empty() {
        return strong;
    }
    mentioned
        .first()
        .map(|(technology, _)| vec![*technology])
        .unwrap_or_default()
}

/// Words to add to a search query: the other synonyms of every technology
/// a query word or phrase names ("uav" brings "drone", "unmanned aerial").
pub fn synonym_expansions(query_text: &str) -> Vec<String> {
    let words = normalised_words(query_text);
    let mut expansions = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    for technology in Technology::ALL {
        let named = technology.synonyms().iter().any(|synonym| {
            let parts: Vec<&str> = synonym.split_whitespace().collect();
            contains_phrase(&words, &parts)
        });
        if !named {
            continue;
        }
        for synonym in technology.synonyms() {
            if seen.insert(synonym)
                && !contains_phrase(&words, &synonym.split_whitespace().collect::<Vec<_>>())
            {
                expansions.push((*synonym).to_owned());
            }
        }
    }
    expansions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dutch_and_english_are_told_apart() {
        assert_eq!(
            detect_language(
                "Wij ontwikkelen een systeem voor de detectie van drones bij de kazerne."
            ),
            TextLanguage::Dutch
        );
        assert_eq!(
            detect_language("We develop a system for the detection of drones at the airbase."),
            TextLanguage::English
        );
    }

    #[test]
    fn long_descriptions_are_told_apart() {
        let dutch = "Wadrobotica Texel bouwt kleine onbemande oppervlaktevaartuigen voor \
            ondiep water en de kustzone. De vaartuigen brengen de bodem in kaart met \
            multibeam-sonar en zoeken naar objecten, ook in troebel water. Het team werkt \
            vanaf Texel en test dagelijks in de Waddenzee.";
        let english = "Spuistroom Subsea designs small autonomous underwater vehicles that \
            two people can carry and launch from a rigid inflatable boat. The vehicles map \
            the seabed with sonar and look for objects, also in murky water. The team tests \
            every week in the North Sea.";
        assert_eq!(detect_language(dutch), TextLanguage::Dutch);
        assert_eq!(detect_language(english), TextLanguage::English);
    }

    #[test]
    fn short_queries_are_dutch_only_when_the_detector_is_sure() {
        for dutch in [
            "onbemande voertuigen",
            "voorspellend onderhoud van schepen",
            "vermoeidheid meten bij soldaten",
        ] {
            assert_eq!(detect_language(dutch), TextLanguage::Dutch, "{dutch}");
        }
        for english in [
            "drone detection",
            "detection of drones",
            "predictive maintenance of ships",
            "wearable sensors for soldiers",
        ] {
            assert_eq!(detect_language(english), TextLanguage::English, "{english}");
        }
        // Too little to tell: "radar" and "sensor" are words of both
        // languages, one Dutch word beside "drone" is not enough, and an
        // English title of nouns looks a little Dutch. These fall back to
        // English rather than to a guess.
        for unsure in [
            "",
            "radar",
            "sensor",
            "drone detectie",
            "waterzuivering",
            "High Power Density Structural Heat Spreader",
        ] {
            assert_eq!(detect_language(unsure), TextLanguage::English, "{unsure}");
        }
    }

    #[test]
    fn a_dutch_text_that_opens_with_acronyms_and_keywords_is_dutch() {
        // Character trigrams read such an opening as English with full
        // confidence; only the prose after it tells.
        let prose = "Wij bouwen kleine onbemande vaartuigen voor de kustwacht en de \
            marine, en testen ze elke week op de Waddenzee bij Den Helder. ";
        for opening in [
            "C-UAS, RF, EO/IR, SIGINT, ELINT, ISR, UAS, UGV, USV, C2, COP, GNSS, INS, LiDAR, \
             SAR, AESA, MIMO, SDR, FPGA, GPU, ASIC, MEMS, IMU, AIS, ADS-B, ATR, MTI, GMTI, \
             DVB-S2, LPI, LPD, EW, ESM, ECM, ECCM, TDOA. ",
            "Keywords: C-UAS; passive radar; RF detection; sensor fusion; EO/IR; SIGINT; ISR; \
             UAS; UGV; USV; swarm; edge AI; computer vision; LiDAR; GNSS; PNT; anti-jamming; \
             SDR; FPGA; MEMS; IMU; AIS. ",
        ] {
            let text = format!("{opening}{}", prose.repeat(4));
            assert_eq!(detect_language(&text), TextLanguage::Dutch, "{opening}");
        }
    }

    #[test]
    fn a_text_longer_than_the_detector_reads_is_detected_from_its_opening() {
        // Multi-byte characters ("ï") before the cut must not trip the slicing.
        let long_dutch = "beïnvloeding van de publieke opinie ".repeat(100);
        assert!(long_dutch.chars().count() > DETECTION_CHARACTERS);
        assert_eq!(detect_language(&long_dutch), TextLanguage::Dutch);
    }

    #[test]
    fn analyzers_stem_and_drop_stop_words() {
        let mut analyzers = Analyzers::default();
        assert_eq!(
            analyzers.tokens(TextLanguage::English, "The detecting of drones"),
            vec!["detect", "drone"]
        );
        let dutch = analyzers.tokens(TextLanguage::Dutch, "De detectie van drones");
        assert!(!dutch.contains(&"de".to_owned()));
    }

    #[test]
    fn a_term_is_shown_in_the_form_the_text_uses_most() {
        let mut analyzers = Analyzers::default();
        let (frequencies, forms) = analyzers.frequencies_and_surface_forms(
            TextLanguage::English,
            "Vehicles, a vehicle and more VEHICLES; Über-radar. Sensors sensor",
        );
        assert_eq!(frequencies.get("vehicl"), Some(&3));
        assert_eq!(forms.get("vehicl").map(String::as_str), Some("vehicles"));
        // Two forms written equally often: the shorter is shown.
        assert_eq!(frequencies.get("sensor"), Some(&2));
        assert_eq!(forms.get("sensor").map(String::as_str), Some("sensor"));
        assert_eq!(forms.get("über").map(String::as_str), Some("über"));
        // "a" and "and" are stop words; every other word counts once.
        assert_eq!(frequencies.values().sum::<u32>(), 8);
    }

    #[test]
    fn synonyms_expand_acronyms_both_ways() {
        let expanded = synonym_expansions("UAV detection");
        assert!(expanded.contains(&"drone".to_owned()));
        assert!(expanded.contains(&"unmanned aerial".to_owned()));
        let from_ml = synonym_expansions("machine learning for logistics");
        assert!(from_ml.contains(&"ai".to_owned()));
        let from_cyber = synonym_expansions("cyber range");
        assert!(from_cyber.contains(&"digital security".to_owned()));
        let from_counter = synonym_expansions("counter-drone radar");
        assert!(from_counter.contains(&"c-uas".to_owned()));
    }

    #[test]
    fn technologies_are_suggested_from_text() {
        let suggested =
            suggest_technologies("Passive radar to detect UAV swarms; counter-drone effectors.");
        assert_eq!(suggested.first(), Some(&Technology::AutonomyDrones));
        assert!(suggest_technologies("We bake bread.").is_empty());
    }
}

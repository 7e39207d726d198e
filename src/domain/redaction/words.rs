//! The words of a text with their byte positions, compared in one folded
//! form (lower case, no diacritics), so that "Noordzée", "NOORDZEE" and
//! "noordzee" are the same word to the redactor.

/// One word of a text: a run of letters and digits.
#[derive(Debug, Clone)]
pub struct Word {
    pub start: usize,
    pub end: usize,
    /// Lower case without diacritics.
    pub folded: String,
    /// Starts with an upper-case letter.
    pub capitalised: bool,
    /// First word of the text or of a sentence, where capitals say nothing.
    pub sentence_start: bool,
}

/// Lower case without diacritics; "ĳ" becomes "ij", "ß" "ss".
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for character in text.chars().flat_map(char::to_lowercase) {
        match character {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => folded.push('a'),
            'ç' | 'ć' | 'č' => folded.push('c'),
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => folded.push('e'),
            'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' => folded.push('i'),
            'ñ' | 'ń' | 'ň' => folded.push('n'),
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => folded.push('o'),
            'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => folded.push('u'),
            'ý' | 'ÿ' => folded.push('y'),
            'ś' | 'š' => folded.push('s'),
            'ź' | 'ż' | 'ž' => folded.push('z'),
            'ł' => folded.push('l'),
            'ř' => folded.push('r'),
            'ť' => folded.push('t'),
            'ď' => folded.push('d'),
            'ĳ' => folded.push_str("ij"),
            'ß' => folded.push_str("ss"),
            other => folded.push(other),
        }
    }
    folded
}

/// The folded words of `text`, ignoring everything between them.
pub fn folded_words(text: &str) -> Vec<String> {
    split_words(text)
        .into_iter()
        .map(|word| word.folded)
        .collect()
}

/// Every word of `text`. Apostrophes and hyphens separate words, so that
/// "Noordzee's" is "Noordzee" and "s", and "'s-Hertogenbosch" is "s" and
/// "Hertogenbosch". Camel case separates too ("NoordzeeSonar").
pub fn split_words(text: &str) -> Vec<Word> {
    let mut words = Vec::new();
    let mut start: Option<usize> = None;
    let mut previous: Option<char> = None;
    let mut sentence_start = true;
    let close = |words: &mut Vec<Word>, from: usize, to: usize, sentence_start: bool| {
        let raw = &text[from..to];
        words.push(Word {
            start: from,
            end: to,
            folded: fold(raw),
            capitalised: raw.chars().next().is_some_and(char::is_uppercase),
            sentence_start,
        });
    };
    for (position, character) in text.char_indices() {
        let in_word = character.is_alphanumeric();
        match (start, in_word) {
            (None, true) => start = Some(position),
            (Some(from), true) => {
                // A capital after a lower-case letter begins a new word.
                if character.is_uppercase() && previous.is_some_and(char::is_lowercase) {
                    close(&mut words, from, position, sentence_start);
                    sentence_start = false;
                    start = Some(position);
                }
            }
            (Some(from), false) => {
                close(&mut words, from, position, sentence_start);
                sentence_start = false;
                start = None;
            }
            (None, false) => {}
        }
        if !in_word && matches!(character, '.' | '!' | '?' | ':' | ';' | '\n' | '•' | '*') {
            sentence_start = true;
        }
        previous = Some(character);
    }
    if let Some(from) = start {
        close(&mut words, from, text.len(), sentence_start);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_drops_case_and_diacritics() {
        assert_eq!(
            fold("Noordzée SONAR Fryslân ĳs"),
            "noordzee sonar fryslan ijs"
        );
    }

    #[test]
    fn words_split_at_apostrophes_hyphens_and_camel_case() {
        let words = folded_words("Noordzee's 's-Hertogenbosch NoordzeeSonar B.V.");
        assert_eq!(
            words,
            [
                "noordzee",
                "s",
                "s",
                "hertogenbosch",
                "noordzee",
                "sonar",
                "b",
                "v"
            ]
        );
        let words = split_words("Made in Leiden. Best sensor");
        assert!(words[0].sentence_start && !words[2].sentence_start);
        assert!(words[3].sentence_start && words[3].capitalised);
    }
}

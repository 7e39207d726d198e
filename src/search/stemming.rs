//! The Snowball stemmer with a memory of the words it has stemmed.
//!
//! A corpus repeats its words, and stemming a word costs several times a
//! hash lookup. Every text is analysed twice when it is indexed (once for its
//! term vector, once by the index's writer), and stemming was a fifth of an
//! index build's CPU. Each thread remembers its own stems, so that no lock is
//! taken; the memory is bounded by emptying it when it is full.

use std::cell::RefCell;
use std::mem;

use frostem::Algorithm;
use rustc_hash::FxHashMap;
use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

use super::analysis::TextLanguage;

/// Words a thread remembers per language before it starts again: about
/// 2 MB per language at most.
const REMEMBERED_WORDS: usize = 20_000;

thread_local! {
    /// Word → stem, English then Dutch.
    static STEMS: RefCell<[FxHashMap<String, String>; 2]> = RefCell::default();
}

/// A token filter that stems like tantivy's `Stemmer`, remembering stems.
#[derive(Clone, Copy)]
pub struct RememberingStemmer {
    language: TextLanguage,
}

impl RememberingStemmer {
    pub fn new(language: TextLanguage) -> Self {
        RememberingStemmer { language }
    }
}

impl TokenFilter for RememberingStemmer {
    type Tokenizer<T: Tokenizer> = RememberingStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> RememberingStemmerFilter<T> {
        RememberingStemmerFilter {
            language: self.language,
            inner: tokenizer,
        }
    }
}

#[derive(Clone)]
pub struct RememberingStemmerFilter<T> {
    language: TextLanguage,
    inner: T,
}

impl<T: Tokenizer> Tokenizer for RememberingStemmerFilter<T> {
    type TokenStream<'a> = RememberingStemmerStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        let algorithm = match self.language {
            TextLanguage::English => Algorithm::English,
            TextLanguage::Dutch => Algorithm::Dutch,
        };
        RememberingStemmerStream {
            tail: self.inner.token_stream(text),
            stemmer: frostem::Stemmer::new(algorithm),
            slot: self.language as usize,
        }
    }
}

pub struct RememberingStemmerStream<T> {
    tail: T,
    stemmer: frostem::Stemmer,
    /// The language's place in `STEMS`.
    slot: usize,
}

impl<T: TokenStream> TokenStream for RememberingStemmerStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        STEMS.with_borrow_mut(|stems| {
            let stems = &mut stems[self.slot];
            if let Some(stem) = stems.get(token.text.as_str()) {
                token.text.clear();
                token.text.push_str(stem);
                return;
            }
            let stem = self.stemmer.stem(&token.text).into_owned();
            if stems.len() >= REMEMBERED_WORDS {
                stems.clear();
            }
            let word = mem::replace(&mut token.text, stem.clone());
            stems.insert(word, stem);
        });
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::{Language, SimpleTokenizer, Stemmer, TextAnalyzer};

    use super::*;

    fn stems(mut analyzer: TextAnalyzer, text: &str) -> Vec<String> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    }

    #[test]
    fn stems_as_the_snowball_stemmer_does_the_first_time_and_every_time_after() {
        let english = "detecting drones detected by acoustic sensors detecting vehicles";
        let dutch = "detectie van drones met akoestische sensoren en voertuigen";
        for (language, stem_language, text) in [
            (TextLanguage::English, Language::English, english),
            (TextLanguage::Dutch, Language::Dutch, dutch),
        ] {
            let plain = stems(
                TextAnalyzer::builder(SimpleTokenizer::default())
                    .filter(Stemmer::new(stem_language))
                    .build(),
                text,
            );
            let remembering = || {
                stems(
                    TextAnalyzer::builder(SimpleTokenizer::default())
                        .filter(RememberingStemmer::new(language))
                        .build(),
                    text,
                )
            };
            assert_eq!(remembering(), plain);
            assert_eq!(remembering(), plain, "stems remembered from the first pass");
        }
    }

    #[test]
    fn a_full_memory_is_emptied_and_still_stems() {
        let words: Vec<String> = (0..REMEMBERED_WORDS + 10)
            .map(|number| format!("testing{number}s"))
            .collect();
        let text = words.join(" ");
        let analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RememberingStemmer::new(TextLanguage::English))
            .build();
        let stemmed = stems(analyzer, &text);
        assert_eq!(stemmed.len(), words.len());
        assert_eq!(stemmed[0], "testing0");
        STEMS.with_borrow(|stems| assert!(stems[0].len() <= REMEMBERED_WORDS));
        let again = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RememberingStemmer::new(TextLanguage::English))
            .build();
        assert_eq!(stems(again, "drones detected"), vec!["drone", "detect"]);
    }
}

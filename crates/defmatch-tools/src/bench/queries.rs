//! The benchmark's search queries: short ones, one to three words, as
//! people type them, drawn from the same vocabulary as the generated data
//! (`generate.rs`), so that most find something.

use super::random::SplitMix64;
use super::vocabulary::DOMAINS;

/// Words too common to make a search query of their own.
const QUERY_STOP_WORDS: &[&str] = &[
    "the", "and", "for", "with", "from", "into", "than", "more", "very", "that", "one", "without",
    "within", "even", "every", "many", "several", "when", "while", "per", "een", "voor", "van",
    "met", "het", "door", "die", "rond", "tegen", "uit", "bij", "against", "under", "between",
];

/// The query-worthy words of `phrase`; the whole phrase when none is
/// (a short acronym such as "5G").
fn query_words(phrase: &str) -> Vec<String> {
    let words: Vec<String> = phrase
        .split(|character: char| !character.is_alphanumeric() && character != '-')
        .filter(|word| word.chars().count() >= 3)
        .map(str::to_lowercase)
        .filter(|word| !QUERY_STOP_WORDS.contains(&word.as_str()))
        .collect();
    if words.is_empty() {
        vec![phrase.to_lowercase()]
    } else {
        words
    }
}

/// One query-worthy word of `phrase`.
fn one_word_of(random: &mut SplitMix64, phrase: &str) -> String {
    let words = query_words(phrase);
    words[random.below(words.len())].clone()
}

/// `count` short search queries (one to three words) such as people type:
/// a keyword, a word of one, two words of a domain's keywords, or (a
/// tenth) a Dutch word of a need.
pub fn short_queries(count: usize, random: &mut SplitMix64) -> Vec<String> {
    (0..count)
        .map(|_| {
            let domain = random.pick(DOMAINS);
            let keyword = *random.pick(domain.keywords);
            let words: Vec<String> = match random.below(10) {
                0..=3 => query_words(keyword),
                4..=5 => vec![one_word_of(random, keyword)],
                6..=8 => {
                    let other_keyword = *random.pick(domain.keywords);
                    vec![
                        one_word_of(random, keyword),
                        one_word_of(random, other_keyword),
                    ]
                }
                _ => {
                    let need = *random.pick(domain.dutch_needs);
                    vec![one_word_of(random, need)]
                }
            };
            let mut query: Vec<String> = Vec::new();
            for word in words {
                if !query.contains(&word) && query.len() < 3 {
                    query.push(word);
                }
            }
            query.join(" ")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_queries() {
        assert_eq!(
            short_queries(20, &mut SplitMix64::new(3)),
            short_queries(20, &mut SplitMix64::new(3))
        );
    }

    #[test]
    fn short_queries_have_one_to_three_words() {
        for query in short_queries(500, &mut SplitMix64::new(5)) {
            let words = query.split_whitespace().count();
            assert!((1..=3).contains(&words), "`{query}`");
        }
    }
}

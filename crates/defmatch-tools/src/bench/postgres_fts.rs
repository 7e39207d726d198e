//! The PostgreSQL full-text baseline: what matching would be without the
//! search index, namely a stored `tsvector` over the challenge text with a
//! GIN index, queried with the start-up's most telling terms joined by
//! `or` and ordered by `ts_rank_cd`. It lives only in the scratch database.

use std::collections::HashMap;

use defmatch::domain::taxonomy::Technology;
use diesel::connection::SimpleConnection;
use diesel::sql_types::Text;
use diesel::{PgConnection, QueryableByName, RunQueryDsl};
use uuid::Uuid;

/// Terms a start-up's baseline query holds at most.
pub const MAX_TERMS: usize = 20;

/// Adds the baseline's document column and its index to `challenges`.
/// `array_to_string` is only STABLE, and a generated column needs an
/// IMMUTABLE expression, hence the small wrapper function.
const SETUP_SQL: &str = "
CREATE FUNCTION bench_words(words text[]) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT array_to_string(words, ' ') $$;
ALTER TABLE challenges ADD COLUMN bench_document tsvector GENERATED ALWAYS AS (
    to_tsvector('english',
        title || ' ' || summary || ' ' || description || ' ' || desired_outcome || ' '
        || bench_words(keywords) || ' ' || bench_words(technologies))
) STORED;
CREATE INDEX challenges_bench_document_idx ON challenges USING gin (bench_document);
ANALYZE challenges;
";

/// The challenges that fit a start-up: visible ones (the admin of the
/// benchmark sees every visibility) that are open or published, as the
/// matches endpoint filters by default.
const MATCH_SQL: &str = "
SELECT id, title, summary
FROM challenges, websearch_to_tsquery('english', $1) AS query
WHERE bench_document @@ query AND status IN ('open', 'published')
ORDER BY ts_rank_cd(bench_document, query) DESC
LIMIT 10";

/// Free-text search: every word must occur, as in the search endpoint,
/// which filters on no status unless asked.
const SEARCH_SQL: &str = "
SELECT id, title, summary
FROM challenges, websearch_to_tsquery('english', $1) AS query
WHERE bench_document @@ query
ORDER BY ts_rank_cd(bench_document, query) DESC
LIMIT 10";

/// Adds the document column and its GIN index to the scratch database.
pub fn prepare(connection: &mut PgConnection) -> anyhow::Result<()> {
    connection
        .batch_execute(SETUP_SQL)
        .map_err(|error| anyhow::anyhow!("failed to set up the full-text baseline: {error}"))
}

#[derive(QueryableByName)]
struct FoundChallenge {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    id: Uuid,
    // Fetched, as a list page would show them, though only the id is kept.
    #[diesel(sql_type = Text)]
    #[allow(dead_code)]
    title: String,
    #[diesel(sql_type = Text)]
    #[allow(dead_code)]
    summary: String,
}

/// A baseline query: a connection and a text in, challenge ids out.
pub type Query = fn(&mut PgConnection, &str) -> anyhow::Result<Vec<Uuid>>;

fn run(connection: &mut PgConnection, sql: &str, query: &str) -> anyhow::Result<Vec<Uuid>> {
    let found: Vec<FoundChallenge> = diesel::sql_query(sql)
        .bind::<Text, _>(query)
        .load(connection)?;
    Ok(found.into_iter().map(|challenge| challenge.id).collect())
}

/// The ten best challenges for a start-up's `any_of` query (see [`any_of`]).
pub fn match_challenges(connection: &mut PgConnection, any_of: &str) -> anyhow::Result<Vec<Uuid>> {
    run(connection, MATCH_SQL, any_of)
}

/// The ten best challenges for what a user typed.
pub fn search_challenges(connection: &mut PgConnection, text: &str) -> anyhow::Result<Vec<Uuid>> {
    run(connection, SEARCH_SQL, text)
}

/// Words that say nothing about a technology, in English and Dutch.
const STOP_WORDS: &[&str] = &[
    "about", "also", "and", "are", "been", "but", "can", "each", "even", "for", "from", "has",
    "have", "into", "its", "more", "most", "not", "our", "over", "than", "that", "the", "their",
    "them", "there", "these", "this", "those", "through", "use", "used", "very", "was", "were",
    "what", "when", "which", "while", "who", "will", "with", "within", "without", "years", "aan",
    "als", "bij", "dat", "deze", "die", "door", "een", "het", "hun", "met", "naar", "ook", "onze",
    "over", "van", "voor", "wij", "zijn",
];

fn words_of(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|character: char| !character.is_alphanumeric())
        .filter(|word| word.chars().count() >= 3)
        .map(str::to_lowercase)
        .filter(|word| !STOP_WORDS.contains(&word.as_str()))
}

/// A start-up's most telling terms, at most [`MAX_TERMS`]: the words of
/// its keywords, then of its technologies' names, then its description's
/// most frequent words (earlier words first among equals).
pub fn telling_terms(
    keywords: &[String],
    technologies: &[Technology],
    description: &str,
) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    let mut add = |word: String| {
        if terms.len() < MAX_TERMS && !terms.contains(&word) {
            terms.push(word);
        }
    };
    keywords
        .iter()
        .flat_map(|keyword| words_of(keyword).collect::<Vec<_>>())
        .for_each(&mut add);
    technologies
        .iter()
        .flat_map(|technology| words_of(technology.label_en()).collect::<Vec<_>>())
        .for_each(&mut add);
    let mut counts: HashMap<String, (usize, usize)> = HashMap::new();
    for (position, word) in words_of(description).enumerate() {
        counts.entry(word).or_insert((0, position)).0 += 1;
    }
    let mut frequent: Vec<(String, (usize, usize))> = counts.into_iter().collect();
    frequent.sort_by(|(_, (count_a, first_a)), (_, (count_b, first_b))| {
        count_b.cmp(count_a).then(first_a.cmp(first_b))
    });
    frequent.into_iter().map(|(word, _)| word).for_each(add);
    terms
}

/// `terms` as a `websearch_to_tsquery` text that any one of them satisfies.
pub fn any_of(terms: &[String]) -> String {
    terms.join(" or ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_come_first_then_technologies_then_frequent_words() {
        let terms = telling_terms(
            &["passive radar".to_owned(), "C-UAS".to_owned()],
            &[Technology::Quantum],
            "Drones drones everywhere: the radar sees drones and birds, and birds.",
        );
        assert_eq!(
            terms,
            [
                "passive",
                "radar",
                "uas",
                "quantum",
                "technologies",
                "drones",
                "birds",
                "everywhere",
                "sees"
            ]
        );
        assert_eq!(any_of(&terms[..2]), "passive or radar");
    }

    #[test]
    fn at_most_twenty_terms() {
        let description: String = (0..100).map(|number| format!("word{number} ")).collect();
        assert_eq!(telling_terms(&[], &[], &description).len(), MAX_TERMS);
    }
}

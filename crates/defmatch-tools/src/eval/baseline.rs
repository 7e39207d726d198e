//! The benchmark README's text baselines, computed on the same folds as
//! defmatch: BM25 (k1 1.2, b 0.75, English stop words) of a challenge's
//! title, description and keywords against a start-up's description and
//! keywords, with and without stemming.
//!
//! They read the benchmark files directly: they are a yardstick, not
//! defmatch. The stop words are tantivy's English list and the stemmer is
//! Snowball English (Porter's revised algorithm), so the figures can differ
//! from the README's by a few thousandths.

use std::collections::HashMap;
use std::io::BufRead;
use std::path::Path;

use anyhow::Context;
use tantivy::tokenizer::{
    Language, LowerCaser, SimpleTokenizer, Stemmer, StopWordFilter, TextAnalyzer, TokenStream,
};

const K1: f64 = 1.2;
const B: f64 = 0.75;

/// One tokenised text per id.
struct Texts {
    ids: Vec<String>,
    tokens: Vec<Vec<String>>,
}

fn analyzer(stemmed: bool) -> anyhow::Result<TextAnalyzer> {
    let stop_words =
        StopWordFilter::new(Language::English).context("tantivy has no English stop words")?;
    let builder = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(LowerCaser)
        .filter(stop_words);
    Ok(if stemmed {
        builder.filter(Stemmer::new(Language::English)).build()
    } else {
        builder.build()
    })
}

fn read_texts(path: &Path, fields: &[&str], analyzer: &mut TextAnalyzer) -> anyhow::Result<Texts> {
    let file =
        std::fs::File::open(path).with_context(|| format!("failed to open {}", path.display()))?;
    let mut texts = Texts {
        ids: Vec::new(),
        tokens: Vec::new(),
    };
    for line in std::io::BufReader::new(file).lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let record: serde_json::Value =
            serde_json::from_str(line.trim_start_matches('\u{feff}'))
                .with_context(|| format!("a line of {} is not JSON", path.display()))?;
        let Some(id) = record.get("id").and_then(|id| id.as_str()) else {
            continue;
        };
        let text: Vec<String> = fields
            .iter()
            .filter_map(|field| match record.get(*field)? {
                serde_json::Value::String(text) => Some(text.clone()),
                serde_json::Value::Array(items) => Some(
                    items
                        .iter()
                        .filter_map(|item| item.as_str())
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
                _ => None,
            })
            .collect();
        let joined = text.join(" ");
        let mut stream = analyzer.token_stream(&joined);
        let mut tokens = Vec::new();
        while stream.advance() {
            tokens.push(stream.token().text.clone());
        }
        texts.ids.push(id.to_owned());
        texts.tokens.push(tokens);
    }
    Ok(texts)
}

/// A BM25 index over one side's texts.
struct Bm25Index<'t> {
    texts: &'t Texts,
    postings: HashMap<&'t str, Vec<(usize, f64)>>,
    lengths: Vec<f64>,
    average_length: f64,
}

impl<'t> Bm25Index<'t> {
    fn new(texts: &'t Texts) -> Self {
        let mut postings: HashMap<&str, Vec<(usize, f64)>> = HashMap::new();
        for (position, tokens) in texts.tokens.iter().enumerate() {
            let mut counts: HashMap<&str, f64> = HashMap::new();
            for token in tokens {
                *counts.entry(token.as_str()).or_default() += 1.0;
            }
            for (term, count) in counts {
                postings.entry(term).or_default().push((position, count));
            }
        }
        let lengths: Vec<f64> = texts
            .tokens
            .iter()
            .map(|tokens| tokens.len() as f64)
            .collect();
        let average_length = lengths.iter().sum::<f64>() / lengths.len().max(1) as f64;
        Bm25Index {
            texts,
            postings,
            lengths,
            average_length: average_length.max(1.0),
        }
    }

    /// The `depth` best documents for a query, every query token counted.
    fn rank(&self, query: &[String], depth: usize) -> Vec<String> {
        let documents = self.lengths.len() as f64;
        let mut scores = vec![0.0_f64; self.lengths.len()];
        let mut query_counts: HashMap<&str, f64> = HashMap::new();
        for token in query {
            *query_counts.entry(token.as_str()).or_default() += 1.0;
        }
        for (term, query_count) in query_counts {
            let Some(postings) = self.postings.get(term) else {
                continue;
            };
            let frequency = postings.len() as f64;
            let idf = (1.0 + (documents - frequency + 0.5) / (frequency + 0.5)).ln();
            for (document, count) in postings {
                let norm = K1 * (1.0 - B + B * self.lengths[*document] / self.average_length);
                scores[*document] += query_count * idf * count * (K1 + 1.0) / (count + norm);
            }
        }
        let mut order: Vec<usize> = (0..scores.len())
            .filter(|position| scores[*position] > 0.0)
            .collect();
        order.sort_by(|left, right| {
            scores[*right]
                .total_cmp(&scores[*left])
                .then_with(|| self.texts.ids[*left].cmp(&self.texts.ids[*right]))
        });
        order
            .into_iter()
            .take(depth)
            .map(|position| self.texts.ids[position].clone())
            .collect()
    }
}

/// Result ids per query, best first.
pub type Rankings = HashMap<String, Vec<String>>;

/// Rankings of both tasks (query → result ids) by a BM25 baseline.
pub fn rankings(
    data_dir: &Path,
    stemmed: bool,
    depth: usize,
) -> anyhow::Result<(Rankings, Rankings)> {
    let mut analyzer = analyzer(stemmed)?;
    let challenges = read_texts(
        &data_dir.join("challenges.jsonl"),
        &["title", "description", "keywords"],
        &mut analyzer,
    )?;
    let startups = read_texts(
        &data_dir.join("startups.jsonl"),
        &["description", "keywords"],
        &mut analyzer,
    )?;
    let challenge_index = Bm25Index::new(&challenges);
    let startup_index = Bm25Index::new(&startups);
    let task_a = startups
        .ids
        .iter()
        .zip(&startups.tokens)
        .map(|(id, tokens)| (id.clone(), challenge_index.rank(tokens, depth)))
        .collect();
    let task_b = challenges
        .ids
        .iter()
        .zip(&challenges.tokens)
        .map(|(id, tokens)| (id.clone(), startup_index.rank(tokens, depth)))
        .collect();
    Ok((task_a, task_b))
}

//! The tantivy index, derived from PostgreSQL: analysis, schema, documents,
//! the outbox follower, ranking with explanations, a semantic view learnt
//! from the corpus, and free-text search.

pub mod analysis;
mod best_scored;
pub mod bm25;
mod candidates;
pub mod corpus;
pub mod document;
pub mod engine;
pub mod filters;
pub mod index;
pub mod indexer;
pub mod query;
pub mod ranking;
pub mod schema;
pub mod semantic;
pub mod stemming;
pub mod text_search;

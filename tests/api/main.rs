//! The integration tests of defmatch, in one binary so that it links once.
//! Each test starts its own server on port 0 with its own database.

mod helpers;

mod alert_backlog;
mod alerts;
mod audit;
pub mod auth;
mod browser;
mod challenges;
mod demo;
mod errors;
mod import;
mod index_files;
mod indexing;
mod introductions;
mod mail;
mod matching;
mod operations;
mod organisations;
mod outbox;
mod pipeline;
mod policy;
mod questions;
mod resilience;
mod saved_searches;
mod search;
mod startups;
mod taxonomy;
mod users;
mod web_language;
mod web_pages;

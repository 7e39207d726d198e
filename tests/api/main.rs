//! The integration tests of defmatch, in one binary so that it links once.
//! Each test starts its own server on port 0 with its own database.

mod helpers;

mod alert_backlog;
mod alerts;
mod audit;
pub mod auth;
mod bounded_echo;
mod browser;
mod candidates_page;
mod challenges;
mod dates;
mod demo;
mod errors;
mod import;
mod import_dutch;
mod index_files;
mod indexing;
mod introductions;
mod leak_matrix;
mod login_limits;
mod mail;
mod mailbox;
mod matching;
mod notification_mail;
mod operations;
mod organisations;
mod outbox;
mod passwords;
mod pipeline;
mod policy;
mod privacy;
mod questions;
mod replicas;
mod resilience;
mod saved_search_digests;
mod saved_searches;
mod search;
mod security_headers;
mod startups;
mod taxonomy;
mod users;
mod web_dates;
mod web_language;
mod web_moves;
mod web_pages;

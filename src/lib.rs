//! defmatch: matchmaking between dual-use start-ups and Dutch defence needs.
//!
//! Layers, pointing one way: the adapters `api` (JSON) and `web` (pages)
//! call the use cases in `app`, which apply the rules of `domain` (every
//! "who may" in `domain::policy`) and call `db` (PostgreSQL, the truth) and
//! `search` (the tantivy index derived from it). `domain` depends on
//! nothing else in the crate. `server` assembles the application; `alerts`
//! schedules notifications and mail; `import`, `seed` and `cli` load data.
//! Quality and speed are measured outside the server crate, by
//! `defmatch-tools` (`crates/defmatch-tools`).

pub mod alerts;
pub mod api;
pub mod app;
pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod import;
pub mod search;
pub mod seed;
pub mod server;
pub mod telemetry;
pub mod web;

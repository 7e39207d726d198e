//! defmatch: matchmaking between dual-use start-ups and Dutch defence needs.
//!
//! Layers, from the outside in: `http` (routes, extractors, DTOs, the one
//! error type) calls `auth`, `db` and `domain`; `db` stores `domain` types;
//! `domain` depends on nothing else in the crate. `alerts` is the scheduler
//! of notifications and reminders. `server` wires them up,
//! `seed` writes the demo data. Quality and speed are measured outside the
//! server crate, by `defmatch-tools` (`crates/defmatch-tools`).

pub mod alerts;
pub mod api;
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

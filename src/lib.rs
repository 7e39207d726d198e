//! defmatch: matchmaking between dual-use start-ups and Dutch defence needs.
//!
//! Layers, from the outside in: `http` (routes, extractors, DTOs, the one
//! error type) calls `auth`, `db` and `domain`; `db` stores `domain` types;
//! `domain` depends on nothing else in the crate. `alerts` is the scheduler
//! of notifications and reminders. `server` wires them up,
//! `seed` writes the demo data; `eval` and `bench` measure quality and speed.

pub mod alerts;
pub mod api;
pub mod app;
pub mod auth;
pub mod bench;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod eval;
pub mod import;
pub mod scratch;
pub mod search;
pub mod seed;
pub mod server;
pub mod telemetry;
pub mod web;

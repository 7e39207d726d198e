//! defmatch: matchmaking between dual-use start-ups and Dutch defence needs.
//!
//! Layers, from the outside in: `http` (routes, extractors, DTOs, the one
//! error type) calls `auth`, `db` and `domain`; `db` stores `domain` types;
//! `domain` depends on nothing else in the crate. `server` wires them up,
//! `seed` writes the demo data.

pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod eval;
pub mod http;
pub mod import;
pub mod scratch;
pub mod search;
pub mod seed;
pub mod server;
pub mod telemetry;

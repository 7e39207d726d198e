//! The integration tests of defmatch, in one binary so that it links once.
//! Each test starts its own server on port 0 with its own database.

mod helpers;

mod auth;
mod challenges;
mod demo;
mod errors;
mod operations;
mod organisations;
mod resilience;
mod startups;
mod taxonomy;
mod users;

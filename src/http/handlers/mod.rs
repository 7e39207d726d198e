//! One module per resource; each handler parses, checks access, calls `db`
//! and answers.

pub mod auth;
pub mod challenges;
pub mod health;
pub mod matches;
pub mod organisations;
pub mod search;
pub mod startups;
pub mod taxonomy;
pub mod users;

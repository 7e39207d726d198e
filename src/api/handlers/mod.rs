//! One module per resource; each handler parses, checks access, calls `db`
//! and answers.

pub mod audit;
pub mod auth;
pub mod challenges;
pub mod email_verification;
pub mod health;
pub mod introductions;
pub mod invitations;
pub mod marks;
pub mod matches;
pub mod notifications;
pub mod organisations;
pub mod passwords;
pub mod pipeline;
pub mod privacy;
pub mod questions;
pub mod saved_searches;
pub mod search;
pub mod startups;
pub mod taxonomy;
pub mod users;

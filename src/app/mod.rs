//! The use cases: one module per area, one operation per user action.
//!
//! An operation takes the acting principal (a [`Viewer`](crate::domain::policy::Viewer)
//! or [`Member`](crate::domain::policy::Member)) and domain input, asks
//! `domain::policy` whether it may, calls `db` and `search`, and returns a
//! view or an [`AppError`]. The JSON adapter and the pages both call these
//! operations, so a feature costs once, and
//! neither knows of the other. Nothing here knows HTTP.
//!
//! Operations are named by what they do to their area:
//! `challenges::{create, list, get, update, change_status, delete}`.

pub mod accounts;
pub mod challenges;
pub mod dashboard;
mod error;
pub mod imports;
pub mod introductions;
pub mod notifications;
pub mod operations;
pub mod page;
pub mod privacy;
mod state;
pub mod text_filter;
// ---- start-ups, matching, search, saved searches, questions
pub mod matching;
pub mod questions;
pub mod saved_searches;
pub mod search;
pub mod startups;

pub use error::{AppError, Conflict, InvalidTransition, NotEditable, Subject};
pub use page::Paginated;
pub use state::{AppState, BlockingWork};

// ---- users, organisations and audit
pub mod audit;
pub mod audit_names;

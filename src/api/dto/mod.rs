//! The request and response bodies that only the API has: token answers,
//! refresh and status-change requests, the taxonomy. The views the API
//! shares with the pages are the use cases' own (`crate::app`).

pub mod account;
pub mod challenge;
pub mod taxonomy;

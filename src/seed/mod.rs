//! Demo data: a believable Dutch dataset of defence organisations, ROMs,
//! start-ups and challenges, written for this project. Every record goes
//! through the same domain validation as the API.

pub mod demo;

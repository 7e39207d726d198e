//! defmatch-tools: measurements of the defmatch library, kept out of the
//! server binary. `eval` scores the ranking on a benchmark directory,
//! `calibrate` measures the fit scale, `bench` measures speed on generated data; all work on throw-away
//! databases (`scratch`) and use only the library's public API.

pub mod bench;
pub mod calibrate;
pub mod cli;
pub mod eval;
pub mod scratch;

//! defmatch-tools: measurements of the defmatch library, kept out of the
//! server binary. `eval` scores the ranking on a benchmark directory,
//! `bench` measures speed on generated data; both work on throw-away
//! databases (`scratch`) and use only the library's public API.

pub mod bench;
pub mod cli;
pub mod eval;
pub mod scratch;

//! The integration tests of defmatch, in one binary so that it links once.
//! Each test starts its own server on port 0 with its own database.

mod helpers;

mod taxonomy;

//! Tests of indexing.

//! Tests of startups.

//! Tests of challenges.

//! Tests of auth.

//! Tests of organisations.

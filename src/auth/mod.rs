//! Accounts and sessions: password hashing, token issue and rotation, and
//! login rate limiting. The HTTP edge turns these into responses.

pub mod accounts;
pub mod password;
pub mod rate_limit;
pub mod sessions;
pub mod tokens;

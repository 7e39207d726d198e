//! Accounts and sessions: password hashing, token issue and rotation, and
//! login rate limiting. The HTTP edge turns these into responses.

pub mod accounts;
pub mod password;
pub mod rate_limit;
pub mod sessions;
pub mod tokens;

/// The address of a client as the login limits and the audit trail record
/// it: the peer of the connection, or `unknown`.
pub fn client_address(peer: Option<std::net::SocketAddr>) -> String {
    peer.map(|address| address.ip().to_string())
        .unwrap_or_else(|| "unknown".to_owned())
}

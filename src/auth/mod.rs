//! Accounts and sessions: password hashing, token issue and rotation, and
//! login rate limiting. The HTTP edge turns these into responses.

pub mod accounts;
pub mod card_handles;
pub mod email_verification;
pub mod oidc;
pub mod password;
pub mod passwords;
pub mod rate_limit;
pub mod sessions;
pub mod tokens;

use std::net::{IpAddr, SocketAddr};

use crate::config::TrustedProxies;

/// The address of a client as the login limits and the audit trail record
/// it. It is the peer of the connection, unless that peer is a trusted
/// proxy: then it is the nearest address in `X-Forwarded-For` that is not
/// itself a trusted proxy (the right end of the list is the proxy's own
/// witness; the left end is whatever the client claimed). `unknown` when
/// there is no peer.
pub fn client_address(
    peer: Option<SocketAddr>,
    forwarded_for: Option<&str>,
    trusted: &TrustedProxies,
) -> String {
    let Some(peer) = peer.map(|address| address.ip()) else {
        return "unknown".to_owned();
    };
    if !trusted.contains(peer) {
        return peer.to_string();
    }
    forwarded_for
        .into_iter()
        .flat_map(|header| header.rsplit(','))
        .map_while(|entry| entry.trim().parse::<IpAddr>().ok())
        .find(|address| !trusted.contains(*address))
        .unwrap_or(peer)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peer(address: &str) -> Option<SocketAddr> {
        Some(SocketAddr::new(address.parse().unwrap(), 40000))
    }

    #[test]
    fn forwarded_for_counts_only_behind_a_trusted_proxy() {
        let trusted = TrustedProxies::parse("127.0.0.1, 10.0.0.0/8").unwrap();
        let chain = Some("203.0.113.9, 198.51.100.7");
        assert_eq!(
            client_address(peer("127.0.0.1"), chain, &trusted),
            "198.51.100.7"
        );
        // Straight to the service: the header is the client's own claim.
        assert_eq!(
            client_address(peer("192.0.2.1"), chain, &trusted),
            "192.0.2.1"
        );
        // Proxies behind proxies are skipped; garbage stops the walk.
        assert_eq!(
            client_address(peer("10.1.2.3"), Some("203.0.113.9, 10.0.0.5"), &trusted),
            "203.0.113.9"
        );
        assert_eq!(
            client_address(peer("10.1.2.3"), Some("203.0.113.9, bogus"), &trusted),
            "10.1.2.3"
        );
        assert_eq!(
            client_address(peer("127.0.0.1"), None, &TrustedProxies::default()),
            "127.0.0.1"
        );
        assert!(TrustedProxies::parse("not-an-address").is_err());
    }
}

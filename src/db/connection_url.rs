//! The settings defmatch adds to `DATABASE_URL` before it connects (the
//! server, the command-line tasks and the tools), each only when the
//! operator has not set it: a short connect timeout, and no
//! TLS to a database on the same host. The URL may be a URI
//! (`postgres://…`) or a `key=value` connection string, as libpq takes both.

use std::net::IpAddr;

/// Seconds libpq waits for a new connection (its shortest allowed wait);
/// without it, a database host that drops packets holds the pool's
/// connecting threads for minutes, and recovery waits for them.
const CONNECT_TIMEOUT_SECONDS: u32 = 2;

/// `database_url` with the server's defaults added:
/// - `connect_timeout` unless it sets its own;
/// - `sslmode=disable` when every host it names is this machine's loopback
///   and neither the URL nor `PGSSLMODE` chooses a mode. libpq's default
///   (`prefer`) would encrypt traffic that never leaves the host, and that
///   costs every query CPU on both ends; a database on another host keeps
///   libpq's default or the operator's `sslmode` (docs/operations.md).
pub fn with_connection_defaults(database_url: &str) -> String {
    let mode_in_environment = std::env::var_os("PGSSLMODE").is_some();
    with_defaults(database_url, mode_in_environment)
}

fn with_defaults(database_url: &str, mode_in_environment: bool) -> String {
    let mut url = database_url.to_owned();
    if !database_url.contains("connect_timeout=") {
        add_setting(
            &mut url,
            &format!("connect_timeout={CONNECT_TIMEOUT_SECONDS}"),
        );
    }
    let mode_chosen = mode_in_environment
        || database_url.contains("sslmode=")
        || database_url.contains("requiressl=");
    let named_hosts = hosts(database_url);
    if !mode_chosen && !named_hosts.is_empty() && named_hosts.iter().all(|host| is_loopback(host)) {
        add_setting(&mut url, "sslmode=disable");
    }
    url
}

/// Appends `key=value` to a URI's query or to a connection string.
fn add_setting(url: &mut String, setting: &str) {
    if url.contains("://") {
        url.push(if url.contains('?') { '&' } else { '?' });
    } else {
        url.push(' ');
    }
    url.push_str(setting);
}

/// The hosts `database_url` names (`hostaddr` before `host`, as libpq
/// connects to it); none means a Unix socket or `PGHOST`, where the server
/// adds nothing.
fn hosts(database_url: &str) -> Vec<&str> {
    let (authority_hosts, parameters): (Vec<&str>, Vec<&str>) = match database_url.split_once("://")
    {
        Some((_, rest)) => {
            let (before_query, query) = rest.split_once('?').unwrap_or((rest, ""));
            let authority = before_query.split('/').next().unwrap_or_default();
            let host_list = authority.rsplit('@').next().unwrap_or_default();
            (
                host_list.split(',').map(without_port).collect(),
                query.split('&').collect(),
            )
        }
        None => (Vec::new(), database_url.split_whitespace().collect()),
    };
    let parameter = |key: &str| {
        parameters
            .iter()
            .filter_map(|pair| pair.split_once('='))
            .find(|(name, _)| name.trim() == key)
            .map(|(_, value)| value.trim().trim_matches('\''))
    };
    let listed = match parameter("hostaddr").or_else(|| parameter("host")) {
        Some(value) => value.split(',').collect(),
        None => authority_hosts,
    };
    listed.into_iter().filter(|host| !host.is_empty()).collect()
}

/// A URI authority's host without its port; IPv6 addresses keep no brackets.
fn without_port(host_and_port: &str) -> &str {
    match host_and_port.strip_prefix('[') {
        Some(bracketed) => bracketed.split(']').next().unwrap_or_default(),
        None => host_and_port.split(':').next().unwrap_or_default(),
    }
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<IpAddr>()
            .is_ok_and(|address| address.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::with_defaults;

    #[test]
    fn the_connect_timeout_is_added_unless_set() {
        assert_eq!(
            with_defaults("postgres://u@db.example:5432/d", false),
            "postgres://u@db.example:5432/d?connect_timeout=2"
        );
        assert_eq!(
            with_defaults("postgres://u@db.example/d?sslmode=require", false),
            "postgres://u@db.example/d?sslmode=require&connect_timeout=2"
        );
        assert_eq!(
            with_defaults("postgres://u@db.example/d?connect_timeout=5", false),
            "postgres://u@db.example/d?connect_timeout=5"
        );
        assert_eq!(
            with_defaults("host=db.example dbname=d", false),
            "host=db.example dbname=d connect_timeout=2"
        );
    }

    #[test]
    fn a_database_on_this_host_is_reached_without_tls_unless_a_mode_is_chosen() {
        for url in [
            "postgres://u:p@127.0.0.1:5432/d",
            "postgres://u@localhost/d",
            "postgresql://u@[::1]:5432/d",
            "postgres://u@127.0.0.1,localhost/d",
        ] {
            assert!(
                with_defaults(url, false).ends_with("connect_timeout=2&sslmode=disable"),
                "{url}"
            );
        }
        assert_eq!(
            with_defaults("host=127.0.0.1 dbname=d", false),
            "host=127.0.0.1 dbname=d connect_timeout=2 sslmode=disable"
        );
        assert_eq!(
            with_defaults("postgres://u@127.0.0.1/d?sslmode=require", false),
            "postgres://u@127.0.0.1/d?sslmode=require&connect_timeout=2"
        );
        assert_eq!(
            with_defaults("postgres://u@127.0.0.1/d", true),
            "postgres://u@127.0.0.1/d?connect_timeout=2",
            "PGSSLMODE sets a mode"
        );
    }

    #[test]
    fn a_database_elsewhere_or_on_a_socket_keeps_libpqs_choice() {
        for url in [
            "postgres://u@db.example/d",
            "postgres://u@127.0.0.1,db.example/d",
            "postgres://u@127.0.0.1/d?host=db.example",
            "postgres:///d",
            "postgres:///d?host=/var/run/postgresql",
            "postgres://u@%2Fvar%2Frun%2Fpostgresql/d",
            "dbname=d",
        ] {
            assert!(!with_defaults(url, false).contains("sslmode"), "{url}");
        }
    }
}

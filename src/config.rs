//! Typed configuration from the environment (and a `.env` file), with
//! defaults that suit a laptop. Missing secrets fail loudly, except in demo
//! mode, where a JWT secret is generated once and kept in the data directory.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};

/// Default address the server listens on.
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

/// Everything the server needs to run.
#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: SecretString,
    pub bind: SocketAddr,
    pub index_dir: PathBuf,
    pub data_dir: PathBuf,
    pub database_pool_size: u32,
    pub auth: AuthSettings,
    pub login_limits: LoginLimits,
    /// Log as JSON lines instead of text.
    pub json_logs: bool,
    /// Whether the web session cookies carry `Secure` (browsers accept them
    /// over plain HTTP only on localhost). Off only behind a TLS-less test setup.
    pub secure_cookies: bool,
    /// The reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: TrustedProxies,
    /// `METRICS_TOKEN`: the bearer token that opens `/metrics`.
    pub metrics_token: Option<SecretString>,
    /// `DEFMATCH_METRICS_BIND`: a second address that serves `/metrics`
    /// without a token, and nothing else.
    pub metrics_bind: Option<SocketAddr>,
    /// How long search-outbox rows are kept (`SEARCH_OUTBOX_RETENTION`),
    /// and how long a silent search replica still counts as live.
    pub outbox_retention: Duration,
    /// `DEFMATCH_PUBLIC_URL`: where people reach the pages, such as
    /// `https://defmatch.example`; the links in mail start with it.
    /// Without it, `http://localhost:<port of DEFMATCH_BIND>`.
    pub public_url: String,
    /// Single sign-on for staff (`OIDC_*`); `None` when not configured.
    pub single_sign_on: Option<OidcSettings>,
}

/// The OpenID Connect provider that staff may sign in with
/// (docs/single-sign-on.md).
#[derive(Debug, Clone)]
pub struct OidcSettings {
    /// `OIDC_ISSUER`: the provider's issuer URL; its discovery document is
    /// at `{issuer}/.well-known/openid-configuration`.
    pub issuer: String,
    /// `OIDC_CLIENT_ID`: defmatch's client id at the provider.
    pub client_id: String,
    /// `OIDC_CLIENT_SECRET`.
    pub client_secret: SecretString,
    /// `OIDC_ADMIN_EMAIL_DOMAIN`: the domain of the addresses with which
    /// admins (who belong to no organisation) may sign in; none by default.
    pub admin_email_domain: Option<String>,
}

impl OidcSettings {
    /// The settings from `issuer`, `client_id` and `client_secret`: all three or none.
    pub fn parse(
        issuer: Option<String>,
        client_id: Option<String>,
        client_secret: Option<String>,
        admin_email_domain: Option<String>,
    ) -> anyhow::Result<Option<OidcSettings>> {
        match (issuer, client_id, client_secret) {
            (None, None, None) => Ok(None),
            (Some(issuer), Some(client_id), Some(client_secret)) => {
                let issuer = issuer.trim().trim_end_matches('/').to_owned();
                if !(issuer.starts_with("https://") || issuer.starts_with("http://")) {
                    bail!("OIDC_ISSUER must be an https:// URL, such as https://login.example.org");
                }
                Ok(Some(OidcSettings {
                    issuer,
                    client_id: client_id.trim().to_owned(),
                    client_secret: SecretString::from(client_secret),
                    admin_email_domain: admin_email_domain
                        .map(|domain| domain.trim().to_lowercase()),
                }))
            }
            _ => bail!(
                "single sign-on needs OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET together; set all three, or none to log in with passwords only"
            ),
        }
    }
}

/// The public address: `configured` (an http(s) URL, trailing slash
/// dropped), or the local address of `bind`.
pub fn public_url(configured: Option<&str>, bind: SocketAddr) -> anyhow::Result<String> {
    match configured {
        Some(url) => {
            let url = url.trim().trim_end_matches('/');
            if !(url.starts_with("http://") || url.starts_with("https://"))
                || url.contains(char::is_whitespace)
            {
                bail!("DEFMATCH_PUBLIC_URL must be an http:// or https:// address, such as https://defmatch.example");
            }
            Ok(url.to_owned())
        }
        None => Ok(format!("http://localhost:{}", bind.port())),
    }
}

/// The shortest outbox retention accepted: replicas say they are alive
/// every ten seconds, and a shorter period would count a live one as gone.
pub const MIN_OUTBOX_RETENTION: Duration = Duration::from_secs(60);

/// Parses a retention period such as `7d`, `12h`, `30m` or `90s`.
pub fn parse_retention(text: &str) -> anyhow::Result<Duration> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let seconds_per_unit = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 60 * 60,
        "d" => 24 * 60 * 60,
        _ => bail!("SEARCH_OUTBOX_RETENTION must be a number with a unit s, m, h or d, such as 7d"),
    };
    let retention = number
        .parse::<u64>()
        .ok()
        .and_then(|number| number.checked_mul(seconds_per_unit))
        .map(Duration::from_secs)
        .context("SEARCH_OUTBOX_RETENTION must be a number with a unit s, m, h or d, such as 7d")?;
    if retention < MIN_OUTBOX_RETENTION {
        bail!("SEARCH_OUTBOX_RETENTION must be at least one minute (1m)");
    }
    Ok(retention)
}

/// The reverse proxies (addresses or networks, `DEFMATCH_TRUSTED_PROXIES`,
/// comma-separated, e.g. `127.0.0.1,10.0.0.0/8`) in front of the service.
/// Only a request whose connection comes from one of them has its client
/// address read from `X-Forwarded-For`; anyone else could forge that header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<ipnet::IpNet>);

impl TrustedProxies {
    /// Parses a comma-separated list of addresses and networks.
    pub fn parse(list: &str) -> anyhow::Result<Self> {
        list.split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                entry
                    .parse::<ipnet::IpNet>()
                    .or_else(|_| entry.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                    .with_context(|| {
                        format!("DEFMATCH_TRUSTED_PROXIES: `{entry}` is not an address or network")
                    })
            })
            .collect::<anyhow::Result<Vec<_>>>()
            .map(TrustedProxies)
    }

    /// Whether `address` is one of the proxies.
    pub fn contains(&self, address: std::net::IpAddr) -> bool {
        self.0.iter().any(|network| network.contains(&address))
    }
}

/// Token settings.
#[derive(Debug, Clone)]
pub struct AuthSettings {
    pub jwt_secret: SecretString,
    pub issuer: String,
    pub audience: String,
    pub access_token_ttl: Duration,
    pub session_ttl: Duration,
}

/// The login and request limits (`auth::rate_limit`, docs/accounts.md).
#[derive(Debug, Clone, Copy)]
pub struct LoginLimits {
    /// Wrong passwords for one account from one address before each
    /// further attempt from there has to wait.
    pub free_failures_per_pair: u32,
    /// The first wait; it doubles with every further failure, up to `window`.
    pub first_delay: Duration,
    /// Failed logins from one address, across accounts, within `window`.
    pub failures_per_address: u32,
    /// Registrations, and separately reset requests, from one address within `window`.
    pub requests_per_address: u32,
    pub window: Duration,
}

impl Default for LoginLimits {
    fn default() -> Self {
        LoginLimits {
            free_failures_per_pair: 3,
            first_delay: Duration::from_secs(1),
            failures_per_address: 100,
            requests_per_address: 20,
            window: Duration::from_secs(15 * 60),
        }
    }
}

impl AuthSettings {
    /// Settings with the given secret and the standard issuer, audience and lifetimes.
    pub fn with_secret(jwt_secret: SecretString) -> Self {
        AuthSettings {
            jwt_secret,
            issuer: "defmatch".to_owned(),
            audience: "defmatch-api".to_owned(),
            access_token_ttl: Duration::from_secs(15 * 60),
            session_ttl: Duration::from_secs(30 * 24 * 60 * 60),
        }
    }
}

/// Shortest JWT secret accepted, in bytes (HS256 wants at least 256 bits).
pub const MIN_JWT_SECRET_BYTES: usize = 32;

fn env_var(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .filter(|value| !value.trim().is_empty())
}

/// The search index directory: `INDEX_DIR`, or `index/`.
pub fn index_dir_from_env() -> PathBuf {
    env_var("INDEX_DIR").map_or_else(|| PathBuf::from("index"), PathBuf::from)
}

/// The database URL, from `DATABASE_URL`.
pub fn database_url_from_env() -> anyhow::Result<SecretString> {
    match env_var("DATABASE_URL") {
        Some(url) => Ok(SecretString::from(url)),
        None => bail!(
            "DATABASE_URL is not set; set it (for example postgres://postgres@127.0.0.1:5432/defmatch) or use scripts/demo.sh, which finds or starts PostgreSQL"
        ),
    }
}

impl Settings {
    /// Reads the settings; `demo` allows a generated JWT secret.
    pub fn from_env(bind_override: Option<SocketAddr>, demo: bool) -> anyhow::Result<Settings> {
        let database_url = database_url_from_env()?;
        let bind = match bind_override {
            Some(bind) => bind,
            None => env_var("DEFMATCH_BIND")
                .unwrap_or_else(|| DEFAULT_BIND.to_owned())
                .parse()
                .context("DEFMATCH_BIND is not a socket address such as 127.0.0.1:8080")?,
        };
        let index_dir = index_dir_from_env();
        let data_dir =
            env_var("DEFMATCH_DATA_DIR").map_or_else(|| PathBuf::from("data"), PathBuf::from);
        let jwt_secret = match env_var("JWT_SECRET") {
            Some(secret) => SecretString::from(secret),
            None if demo => demo_jwt_secret(&data_dir)?,
            None => bail!(
                "JWT_SECRET is not set; set it to at least {MIN_JWT_SECRET_BYTES} random bytes (for example `openssl rand -hex 32`), or run with --demo"
            ),
        };
        if jwt_secret.expose_secret().len() < MIN_JWT_SECRET_BYTES {
            bail!("JWT_SECRET must be at least {MIN_JWT_SECRET_BYTES} bytes long");
        }
        let database_pool_size = match env_var("DATABASE_POOL_SIZE") {
            Some(size) => size
                .parse()
                .context("DATABASE_POOL_SIZE must be a positive whole number")?,
            None => 10,
        };
        Ok(Settings {
            database_url,
            bind,
            index_dir,
            data_dir,
            database_pool_size,
            auth: AuthSettings::with_secret(jwt_secret),
            login_limits: LoginLimits::default(),
            json_logs: env_var("DEFMATCH_LOG_FORMAT").is_some_and(|format| format == "json"),
            secure_cookies: !env_var("DEFMATCH_SECURE_COOKIES")
                .is_some_and(|value| matches!(value.as_str(), "0" | "false" | "no")),
            trusted_proxies: TrustedProxies::parse(
                &env_var("DEFMATCH_TRUSTED_PROXIES").unwrap_or_default(),
            )?,
            metrics_token: env_var("METRICS_TOKEN").map(SecretString::from),
            metrics_bind: env_var("DEFMATCH_METRICS_BIND")
                .map(|address| address.parse())
                .transpose()
                .context("DEFMATCH_METRICS_BIND is not a socket address such as 127.0.0.1:9100")?,
            outbox_retention: match env_var("SEARCH_OUTBOX_RETENTION") {
                Some(text) => parse_retention(&text)?,
                None => crate::search::indexer::DEFAULT_OUTBOX_RETENTION,
            },
            public_url: public_url(env_var("DEFMATCH_PUBLIC_URL").as_deref(), bind)?,
            single_sign_on: OidcSettings::parse(
                env_var("OIDC_ISSUER"),
                env_var("OIDC_CLIENT_ID"),
                env_var("OIDC_CLIENT_SECRET"),
                env_var("OIDC_ADMIN_EMAIL_DOMAIN"),
            )?,
        })
    }
}

/// Reads the demo JWT secret from `data_dir`, creating it on first use so
/// that tokens survive a restart of the demo.
fn demo_jwt_secret(data_dir: &Path) -> anyhow::Result<SecretString> {
    let path = data_dir.join("jwt_secret");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let existing = existing.trim().to_owned();
        if existing.len() >= MIN_JWT_SECRET_BYTES {
            return Ok(SecretString::from(existing));
        }
    }
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("failed to create data directory {}", data_dir.display()))?;
    let mut bytes = [0_u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let secret = hex::encode(bytes);
    write_private_file(&path, &secret)
        .with_context(|| format!("failed to write {}", path.display()))?;
    tracing::info!(path = %path.display(), "generated a JWT secret for demo mode");
    Ok(SecretString::from(secret))
}

fn write_private_file(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(contents.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_sign_on_takes_all_three_settings_or_none() {
        let some = |text: &str| Some(text.to_owned());
        assert!(OidcSettings::parse(None, None, None, None)
            .unwrap()
            .is_none());
        let settings = OidcSettings::parse(
            some("https://login.example.org/"),
            some("defmatch"),
            some("secret"),
            None,
        )
        .unwrap()
        .unwrap();
        assert_eq!(settings.issuer, "https://login.example.org");
        assert!(OidcSettings::parse(some("https://login.example.org"), None, None, None).is_err());
        assert!(
            OidcSettings::parse(some("login.example.org"), some("a"), some("b"), None).is_err()
        );
    }

    #[test]
    fn an_outbox_retention_reads_with_its_unit_and_is_at_least_a_minute() {
        assert_eq!(
            parse_retention("7d").ok(),
            Some(Duration::from_secs(604_800))
        );
        assert_eq!(parse_retention("90s").ok(), Some(Duration::from_secs(90)));
        assert_eq!(
            parse_retention("12h").ok(),
            Some(Duration::from_secs(43_200))
        );
        assert!(parse_retention("30s").is_err());
        assert!(parse_retention("7").is_err());
        assert!(parse_retention("d").is_err());
        assert!(parse_retention("99999999999999999999d").is_err());
    }
}

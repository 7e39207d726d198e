//! Test harness: every test gets its own database, cloned from a migrated
//! template, and its own server on port 0, so tests run in parallel and
//! never see each other's rows.

use std::net::TcpListener;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use actix_web::http::Method;
use awc::http::header::HeaderMap;
use chrono::Utc;
use defmatch::app::accounts::session_cache::SessionCache;
use defmatch::app::AppState;
use defmatch::auth::accounts::{create_account, NewAccount};
use defmatch::config::{AuthSettings, LoginLimits};
use defmatch::db;
use defmatch::domain::account::{EmailAddress, NewPassword, Role};
use defmatch::domain::region::Rom;
use diesel::prelude::*;
use diesel::sql_types::Text;
use secrecy::SecretString;
use serde_json::{json, Value};
use uuid::Uuid;

/// The password every test account uses.
pub const PASSWORD: &str = "correct horse battery staple";

/// The server URL of the tests: `DATABASE_URL`, as the README's test command
/// sets it, or the local default, with defmatch's connection defaults. They
/// turn TLS off on loopback, and without it libpq never touches OpenSSL,
/// whose exit handler once freed its state under a connection a background
/// pool thread was still opening: the test binary aborted with "double free
/// or corruption" after every test had passed.
pub fn server_database_url() -> String {
    let url = std::env::var("DATABASE_URL")
        .ok()
        .filter(|url| !url.trim().is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    defmatch::db::with_connection_defaults(&url)
}

/// `url` with its database name replaced by `database`. (The tools crate
/// has the same function for its scratch databases; the tests link only the
/// library, so they keep their own.)
pub fn with_database(url: &str, database: &str) -> String {
    let (without_query, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let scheme_end = without_query.find("://").map_or(0, |index| index + 3);
    let base = match without_query[scheme_end..].find('/') {
        Some(slash) => &without_query[..scheme_end + slash],
        None => without_query,
    };
    match query {
        Some(query) => format!("{base}/{database}?{query}"),
        None => format!("{base}/{database}"),
    }
}

/// `url` with its host and port replaced by `authority`.
pub fn with_authority(url: &str, authority: &str) -> String {
    let scheme_end = url.find("://").map_or(0, |index| index + 3);
    let rest = &url[scheme_end..];
    let host_start = rest.find('@').map_or(0, |index| index + 1);
    let host_end = rest[host_start..]
        .find('/')
        .map_or(rest.len(), |index| host_start + index);
    format!(
        "{}{}{}{}",
        &url[..scheme_end],
        &rest[..host_start],
        authority,
        &rest[host_end..]
    )
}

/// Host and port of the database server in `url`.
pub fn authority_of(url: &str) -> String {
    let scheme_end = url.find("://").map_or(0, |index| index + 3);
    let rest = &url[scheme_end..];
    let host_start = rest.find('@').map_or(0, |index| index + 1);
    let host_end = rest[host_start..]
        .find(['/', '?'])
        .map_or(rest.len(), |index| host_start + index);
    let authority = &rest[host_start..host_end];
    if authority.contains(':') {
        authority.to_owned()
    } else {
        format!("{authority}:5432")
    }
}

/// Name of the template database for the current migrations: a change to
/// any migration makes a new template, so a stale one is never used.
fn template_name() -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    let mut entries: Vec<_> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
        .expect("migrations directory")
        .map(|entry| entry.expect("migration entry").path())
        .collect();
    entries.sort();
    for directory in entries {
        for file in ["up.sql", "down.sql"] {
            if let Ok(contents) = std::fs::read(directory.join(file)) {
                hasher.update(&contents);
            }
        }
    }
    format!("defmatch_tpl_{}", &hex::encode(hasher.finalize())[..16])
}

#[derive(QueryableByName)]
struct Exists {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    exists: bool,
}

/// Creates the migrated template once per server; an advisory lock keeps
/// parallel test processes from building it twice.
fn ensure_template() -> &'static str {
    static TEMPLATE: OnceLock<String> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let name = template_name();
        let mut admin = PgConnection::establish(&server_database_url())
            .expect("tests need PostgreSQL: set DATABASE_URL or run scripts/test.sh");
        diesel::sql_query("SELECT pg_advisory_lock(4242001)")
            .execute(&mut admin)
            .expect("advisory lock");
        let exists = diesel::sql_query(
            "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS exists",
        )
        .bind::<Text, _>(&name)
        .get_result::<Exists>(&mut admin)
        .expect("look up template")
        .exists;
        if !exists {
            let building = format!("{name}_building");
            diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS \"{building}\" WITH (FORCE)"
            ))
            .execute(&mut admin)
            .expect("drop half-built template");
            diesel::sql_query(format!("CREATE DATABASE \"{building}\""))
                .execute(&mut admin)
                .expect("create template");
            {
                let mut template =
                    PgConnection::establish(&with_database(&server_database_url(), &building))
                        .expect("connect to template");
                db::run_migrations(&mut template).expect("migrate template");
            }
            diesel::sql_query(format!(
                "ALTER DATABASE \"{building}\" RENAME TO \"{name}\""
            ))
            .execute(&mut admin)
            .expect("publish template");
        }
        diesel::sql_query("SELECT pg_advisory_unlock(4242001)")
            .execute(&mut admin)
            .expect("advisory unlock");
        name
    })
}

/// A database of one test, dropped when the test ends (unless borrowed).
pub struct TestDatabase {
    pub name: String,
    pub url: String,
    owned: bool,
}

impl TestDatabase {
    /// A fresh, migrated, empty database.
    pub fn create() -> Self {
        let template = ensure_template();
        let name = format!("defmatch_test_{}", Uuid::new_v4().simple());
        let mut admin = PgConnection::establish(&server_database_url()).expect("connect to server");
        let mut attempts = 0;
        loop {
            let created = diesel::sql_query(format!(
                "CREATE DATABASE \"{name}\" TEMPLATE \"{template}\""
            ))
            .execute(&mut admin);
            match created {
                Ok(_) => break,
                // Two clones of one template at the same instant can collide.
                Err(error) if attempts < 20 => {
                    attempts += 1;
                    eprintln!("retrying CREATE DATABASE: {error}");
                    std::thread::sleep(Duration::from_millis(100 * attempts));
                }
                Err(error) => panic!("failed to create test database: {error}"),
            }
        }
        TestDatabase {
            url: with_database(&server_database_url(), &name),
            name,
            owned: true,
        }
    }

    /// A fresh database without even the migrations, as an operator creates it.
    pub fn create_empty() -> Self {
        let name = format!("defmatch_test_{}", Uuid::new_v4().simple());
        let mut admin = PgConnection::establish(&server_database_url()).expect("connect to server");
        diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
            .execute(&mut admin)
            .expect("create an empty database");
        TestDatabase {
            url: with_database(&server_database_url(), &name),
            name,
            owned: true,
        }
    }

    /// A handle on another test's database; dropping it leaves the database.
    pub fn borrow(url: &str) -> Self {
        TestDatabase {
            name: String::new(),
            url: url.to_owned(),
            owned: false,
        }
    }

    /// A direct connection, for checks the API does not expose.
    pub fn connect(&self) -> PgConnection {
        PgConnection::establish(&self.url).expect("connect to test database")
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if !self.owned {
            return;
        }
        let name = self.name.clone();
        // Dropping needs a connection of its own; do it off the async runtime.
        let _ = std::thread::spawn(move || {
            if let Ok(mut admin) = PgConnection::establish(&server_database_url()) {
                let _ =
                    diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                        .execute(&mut admin);
            }
        })
        .join();
    }
}

/// How to start a test server.
#[derive(Clone, Default)]
pub struct Options {
    pub login_limits: LoginLimits,
    /// Connect the server to the database through this address instead of
    /// straight to the server (a proxy that a test can cut).
    pub connect_through: Option<std::net::SocketAddr>,
    /// Use this index directory instead of a fresh temporary one.
    pub index_dir: Option<std::path::PathBuf>,
    /// Serve from the database at this URL (another app's) instead of a fresh one.
    pub shared_database_url: Option<String>,
    /// The reverse proxies whose `X-Forwarded-For` the server believes.
    pub trusted_proxies: defmatch::config::TrustedProxies,
    /// The pages' settings (default: `Secure` cookies).
    pub web_settings: defmatch::web::WebSettings,
    /// The bearer token that opens `/metrics` (default: none, closed).
    pub metrics_token: Option<String>,
    /// Serve `/metrics` openly on a second listener of its own.
    pub metrics_listener: bool,
    /// Single sign-on through this OpenID provider (default: none).
    pub single_sign_on: Option<defmatch::config::OidcSettings>,
}

/// A running server with its own database.
pub struct TestApp {
    pub address: String,
    /// The metrics-only listener, when [`Options::metrics_listener`].
    pub metrics_address: Option<String>,
    pub search: defmatch::server::RunningSearch,
    #[allow(dead_code)] // read by the indexing tests
    pub index_dir: std::path::PathBuf,
    /// Removes a temporary index directory when the test ends.
    _index_guard: Option<TempDirectory>,
    pub database: TestDatabase,
    pub jwt_secret: String,
    /// The server's cache of session checks.
    pub sessions: SessionCache,
    client: awc::Client,
}

/// The answer to a request.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Reply {
    /// The `code` of a JSON error body.
    pub fn error_code(&self) -> &str {
        self.body["error"]["code"]
            .as_str()
            .unwrap_or("<no error code>")
    }

    /// The `field` of a JSON error body.
    pub fn error_field(&self) -> Option<&str> {
        self.body["error"]["field"].as_str()
    }

    /// A header as text.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    }

    /// The version in the ETag header.
    pub fn etag_version(&self) -> i32 {
        self.header("etag")
            .expect("ETag header")
            .trim_matches('"')
            .parse()
            .expect("numeric ETag")
    }

    /// `id` of the body, as a UUID.
    pub fn id(&self) -> Uuid {
        self.body["id"]
            .as_str()
            .expect("id in body")
            .parse()
            .expect("uuid id")
    }

    /// Panics with the body when the status is not `expected`.
    #[track_caller]
    pub fn expect(self, expected: u16) -> Self {
        assert_eq!(
            self.status, expected,
            "unexpected status; body: {}",
            self.body
        );
        self
    }

    /// Asserts a JSON error with this status and code.
    #[track_caller]
    pub fn expect_error(&self, status: u16, code: &str) {
        assert_eq!(
            self.status, status,
            "unexpected status; body: {}",
            self.body
        );
        assert_eq!(
            self.error_code(),
            code,
            "unexpected error code; body: {}",
            self.body
        );
        assert!(self.body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
    }
}

/// A logged-in user of the tests.
#[derive(Debug, Clone)]
pub struct Actor {
    pub token: String,
    pub refresh_token: String,
    pub user_id: Uuid,
    pub organisation_id: Option<Uuid>,
    pub email: String,
}

impl Actor {
    /// The bearer token, for the request helpers.
    pub fn auth(&self) -> Option<&str> {
        Some(&self.token)
    }
}

/// Starts a server with default options.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(Options::default()).await
}

/// Starts a server on port 0 with a fresh database.
pub async fn spawn_app_with(options: Options) -> TestApp {
    let database = match &options.shared_database_url {
        Some(url) => TestDatabase::borrow(url),
        None => TestDatabase::create(),
    };
    let jwt_secret = format!("test-secret-{}-{}", Uuid::new_v4(), Uuid::new_v4());
    let connect_url = match options.connect_through {
        Some(address) => with_authority(&database.url, &address.to_string()),
        None => database.url.clone(),
    };
    let pool = db::build_pool_with_timeout(&connect_url, 4, Duration::from_secs(1));
    let auth = AuthSettings::with_secret(SecretString::from(jwt_secret.clone()));
    let (index_dir, index_guard) = match options.index_dir.clone() {
        Some(directory) => (directory, None),
        None => {
            let guard = TempDirectory::new("defmatch-test-index");
            (guard.path.clone(), Some(guard))
        }
    };
    // Off the test's runtime: the database may sit behind a proxy that
    // this same runtime drives.
    let search = {
        let (index_dir, pool) = (index_dir.clone(), pool.clone());
        actix_web::web::block(move || defmatch::server::start_search(&index_dir, &pool))
            .await
            .expect("search start-up task")
            .expect("start search")
    };
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind port 0");
    let port = listener.local_addr().expect("local address").port();
    // Links in mail lead back to this server.
    let state = AppState::new(
        pool,
        &connect_url,
        &auth,
        options.login_limits,
        search.engine.clone(),
    )
    .with_public_url(&format!("http://127.0.0.1:{port}"))
    .with_single_sign_on(options.single_sign_on.clone());
    let metrics_listener = options
        .metrics_listener
        .then(|| TcpListener::bind("127.0.0.1:0").expect("bind port 0 for metrics"));
    let metrics_address = metrics_listener.as_ref().map(|listener| {
        format!(
            "http://{}",
            listener.local_addr().expect("metrics listener address")
        )
    });
    let sessions = state.sessions.clone();
    let settings = defmatch::server::HttpSettings {
        web: options.web_settings,
        trusted_proxies: options.trusted_proxies.clone(),
        metrics_token: options.metrics_token.clone().map(SecretString::from),
    };
    let server = defmatch::server::build_server_with(state, settings, listener, metrics_listener)
        .expect("build server");
    actix_web::rt::spawn(server);
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        metrics_address,
        search,
        index_dir,
        _index_guard: index_guard,
        database,
        jwt_secret,
        sessions,
        // actix closes a connection idle for 5 s; a pooled connection the
        // client kept longer (awc's default is 15 s, and a browser test
        // leaves the API idle that long) would be found closed mid-request.
        client: awc::Client::builder()
            .connector(awc::Connector::new().conn_keep_alive(Duration::from_secs(2)))
            .timeout(Duration::from_secs(30))
            .finish(),
    }
}

impl TestApp {
    /// Sends the queued mail of this app's database to the test SMTP server
    /// (what the server's mail sender does every few seconds); the count sent.
    pub async fn deliver_mail(&self) -> usize {
        // Links in the mail lead back to this server.
        let settings = defmatch::alerts::mail::MailSettings {
            public_url: self.address.clone(),
            ..crate::mailbox::Mailbox::shared().settings()
        };
        let url = self.database.url.clone();
        actix_web::web::block(move || {
            let mut connection = PgConnection::establish(&url).expect("connect");
            defmatch::alerts::mail::send_queued(&mut connection, &settings).expect("send mail")
        })
        .await
        .expect("mail sender task")
        .sent
    }

    /// The handle of start-up `startup_id`'s card as `reader` (who sees
    /// start-ups as anonymous cards) is given it in the list of profiles.
    pub async fn card_handle_for(&self, reader: &Actor, startup_id: Uuid) -> String {
        let listed = self
            .get("/api/v1/startups?per_page=100", reader.auth())
            .await
            .expect(200);
        let card = listed.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|item| self.startup_behind(&item["id"]) == startup_id)
            .unwrap_or_else(|| panic!("start-up {startup_id} is not listed"));
        card["id"].as_str().expect("handle").to_owned()
    }

    /// The start-up behind a profile's `id` as the tests read it: an id as
    /// it is, a card handle opened with the app's keys for whichever
    /// organisation or user it was issued to. Tests use it to say which
    /// start-up ranks where among anonymous cards; clients cannot.
    pub fn startup_behind(&self, id: &Value) -> Uuid {
        use defmatch::auth::card_handles::CardHandleKeys;
        use defmatch::db::schema::{organisations, users};
        use defmatch::domain::startup::{StartupRef, CARD_HANDLE_PREFIX};
        let raw = id.as_str().expect("an id string");
        let handle = match raw.parse::<StartupRef>() {
            Ok(StartupRef::Id(id)) => return id,
            Ok(StartupRef::Handle(handle)) => handle,
            Err(_) => panic!("{raw:?} is neither an id nor a handle ({CARD_HANDLE_PREFIX}…)"),
        };
        let keys = CardHandleKeys::new(&SecretString::from(self.jwt_secret.clone()));
        let mut connection = self.database.connect();
        let mut readers: Vec<Uuid> = organisations::table
            .select(organisations::id)
            .load(&mut connection)
            .expect("organisations");
        readers.extend(
            users::table
                .select(users::id)
                .load::<Uuid>(&mut connection)
                .expect("users"),
        );
        readers
            .into_iter()
            .find_map(|reader| keys.open(reader, &handle))
            .unwrap_or_else(|| panic!("{raw} opens for no reader"))
    }

    /// Sends a request with an optional bearer token, extra headers and a raw body.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, String)],
        body: Option<(&str, Vec<u8>)>,
    ) -> Reply {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.address));
        if let Some(token) = token {
            request = request.insert_header(("Authorization", format!("Bearer {token}")));
        }
        for (name, value) in headers {
            request = request.insert_header((*name, value.clone()));
        }
        let sent = match body {
            Some((content_type, bytes)) => {
                request
                    .insert_header(("Content-Type", content_type.to_owned()))
                    .send_body(bytes)
                    .await
            }
            None => request.send().await,
        };
        let mut response = sent.expect("request failed to send");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response
            .body()
            .limit(16 * 1024 * 1024)
            .await
            .expect("read body");
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        Reply {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        self.send(Method::GET, path, token, &[], None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Reply {
        self.send(
            Method::POST,
            path,
            token,
            &[],
            Some(("application/json", body.to_string().into_bytes())),
        )
        .await
    }

    /// POST with `If-Match: "version"`.
    pub async fn post_if_match(
        &self,
        path: &str,
        token: Option<&str>,
        version: i32,
        body: Value,
    ) -> Reply {
        let headers = [("If-Match", format!("\"{version}\""))];
        self.send(
            Method::POST,
            path,
            token,
            &headers,
            Some(("application/json", body.to_string().into_bytes())),
        )
        .await
    }

    /// PATCH with `If-Match: "version"`.
    pub async fn patch(&self, path: &str, token: Option<&str>, version: i32, body: Value) -> Reply {
        let headers = [("If-Match", format!("\"{version}\""))];
        self.send(
            Method::PATCH,
            path,
            token,
            &headers,
            Some(("application/json", body.to_string().into_bytes())),
        )
        .await
    }

    /// DELETE with `If-Match: "version"`.
    pub async fn delete(&self, path: &str, token: Option<&str>, version: i32) -> Reply {
        let headers = [("If-Match", format!("\"{version}\""))];
        self.send(Method::DELETE, path, token, &headers, None).await
    }

    /// Logs in through the API.
    pub async fn log_in(&self, email: &str) -> Reply {
        self.post(
            "/api/v1/auth/login",
            None,
            json!({"email": email, "password": PASSWORD}),
        )
        .await
    }

    async fn actor_for(&self, email: &str, user_id: Uuid, organisation_id: Option<Uuid>) -> Actor {
        let reply = self.log_in(email).await.expect(200);
        Actor {
            token: reply.body["access_token"]
                .as_str()
                .expect("access token")
                .to_owned(),
            refresh_token: reply.body["refresh_token"]
                .as_str()
                .expect("refresh token")
                .to_owned(),
            user_id,
            organisation_id,
            email: email.to_owned(),
        }
    }

    /// Creates an account straight in the database (as `defmatch user create` does).
    pub fn create_account(&self, email: &str, role: Role, organisation_id: Option<Uuid>) -> Uuid {
        let mut connection = self.database.connect();
        let email = EmailAddress::try_from(email.to_owned()).expect("email");
        let password = NewPassword::try_from(PASSWORD.to_owned()).expect("password");
        let account = NewAccount {
            email: &email,
            display_name: "Test user",
            role,
            organisation_id,
        };
        create_account(&mut connection, &account, &password, Utc::now())
            .expect("create account")
            .id
    }

    /// Creates an organisation straight in the database.
    pub fn create_organisation(
        &self,
        kind: defmatch::domain::account::OrganisationKind,
        name: &str,
        rom: Option<Rom>,
    ) -> Uuid {
        let mut connection = self.database.connect();
        if let Some(Ok(Some(existing))) =
            rom.map(|rom| db::organisations::find_rom(&mut connection, rom))
        {
            return existing.id;
        }
        if let Ok(Some(existing)) = db::organisations::find_by_name(&mut connection, kind, name) {
            return existing.id;
        }
        db::organisations::insert(
            &mut connection,
            &db::organisations::NewOrganisation { kind, name, rom },
        )
        .expect("create organisation")
        .id
    }

    /// An admin, logged in.
    pub async fn admin(&self) -> Actor {
        let email = format!("admin-{}@defmatch.test", short_id());
        let user_id = self.create_account(&email, Role::Admin, None);
        self.actor_for(&email, user_id, None).await
    }

    /// A procurement officer of the defence organisation `organisation`, logged in.
    pub async fn procurement(&self, organisation: &str) -> Actor {
        use defmatch::domain::account::OrganisationKind;
        let organisation_id =
            self.create_organisation(OrganisationKind::Defence, organisation, None);
        let email = format!("procurement-{}@defmatch.test", short_id());
        let user_id = self.create_account(&email, Role::Procurement, Some(organisation_id));
        self.actor_for(&email, user_id, Some(organisation_id)).await
    }

    /// A ROM officer of `rom`, logged in.
    pub async fn rom_officer(&self, rom: Rom) -> Actor {
        use defmatch::domain::account::OrganisationKind;
        let organisation_id =
            self.create_organisation(OrganisationKind::Rom, rom.name(), Some(rom));
        let email = format!("rom-{}@defmatch.test", short_id());
        let user_id = self.create_account(&email, Role::RomOfficer, Some(organisation_id));
        self.actor_for(&email, user_id, Some(organisation_id)).await
    }

    /// A start-up account registered through the API, its address
    /// confirmed by following the link in its mail, logged in, without a
    /// profile yet.
    pub async fn startup_account(&self, company: &str) -> Actor {
        let actor = self.unverified_startup_account(company).await;
        self.confirm_address(&actor).await;
        actor
    }

    /// A start-up account registered through the API and logged in, that
    /// has not confirmed its address yet.
    pub async fn unverified_startup_account(&self, company: &str) -> Actor {
        let email = format!("founder-{}@startup.test", short_id());
        self.post(
            "/api/v1/auth/register",
            None,
            json!({"email": email, "password": PASSWORD, "display_name": "Founder", "company_name": company, "accept_privacy": true}),
        )
        .await
        .expect(202);
        // The account is made after the answer, with its mail.
        crate::mailbox::mail_to(self, &email, 1).await;
        self.logged_in(&email).await
    }

    /// Follows the link of the last verification mail to `actor`.
    pub async fn confirm_address(&self, actor: &Actor) {
        let messages = crate::mailbox::Mailbox::shared().messages_to(&actor.email);
        let prefix = format!("{}/verify-email?token=", self.address);
        let link = messages
            .iter()
            .rev()
            .find_map(|mail| mail.link_starting_with(&prefix))
            .unwrap_or_else(|| panic!("no verification link to {}", actor.email));
        let path = link
            .strip_prefix(&self.address)
            .expect("a link to this app");
        self.get(path, None).await.expect(200);
    }

    /// Logs in the account `email` through the API.
    pub async fn logged_in(&self, email: &str) -> Actor {
        let reply = self.log_in(email).await.expect(200);
        let token = reply.body["access_token"].as_str().expect("token");
        let me = self.get("/api/v1/me", Some(token)).await.expect(200);
        let user_id = me.body["user"]["id"]
            .as_str()
            .expect("user id")
            .parse()
            .expect("uuid");
        let organisation_id = me.body["user"]["organisation_id"]
            .as_str()
            .map(|id| id.parse().expect("uuid"));
        Actor {
            token: token.to_owned(),
            refresh_token: reply.body["refresh_token"]
                .as_str()
                .expect("refresh")
                .to_owned(),
            user_id,
            organisation_id,
            email: email.to_owned(),
        }
    }

    /// A start-up account with a profile built from `profile`; returns the actor and profile id.
    pub async fn startup_with_profile(&self, profile: Value) -> (Actor, Uuid) {
        let company = profile["name"].as_str().unwrap_or("Start-up").to_owned();
        let actor = self.startup_account(&company).await;
        let reply = self
            .post("/api/v1/startups", actor.auth(), profile)
            .await
            .expect(201);
        let id = reply.id();
        (actor, id)
    }

    /// Marks a user as vetted, straight in the database.
    pub fn vet(&self, actor: &Actor) {
        use defmatch::db::schema::users;
        self.change_user(actor.user_id, |connection| {
            diesel::update(users::table.find(actor.user_id))
                .set(users::vetted_at.eq(Some(Utc::now())))
                .execute(connection)
                .expect("vet user");
        });
    }

    /// Changes the user `user_id` straight in the database with `change`,
    /// then waits until the server has heard of it: PostgreSQL announces
    /// the change when it commits, and the server's cache of session checks
    /// forgets the user's sessions when the announcement arrives.
    pub fn change_user(&self, user_id: Uuid, change: impl FnOnce(&mut PgConnection)) {
        let mut connection = self.database.connect();
        change(&mut connection);
        let deadline = Instant::now() + Duration::from_secs(5);
        while self.sessions.holds_user(user_id) {
            assert!(
                Instant::now() < deadline,
                "the server did not hear of the change to user {user_id} within 5 s"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    /// A procurement officer's challenge, created from `body` and moved to `status`.
    pub async fn challenge_in_status(&self, officer: &Actor, body: Value, status: &str) -> Uuid {
        let created = self
            .post("/api/v1/challenges", officer.auth(), body)
            .await
            .expect(201);
        let id = created.id();
        let path = format!("/api/v1/challenges/{id}/status");
        let mut version = created.etag_version();
        let steps: &[&str] = match status {
            "draft" => &[],
            "published" => &["published"],
            "open" => &["open"],
            "closed" => &["open", "closed"],
            "awarded" => &["open", "closed", "awarded"],
            "withdrawn" => &["open", "withdrawn"],
            other => panic!("unknown status {other}"),
        };
        for step in steps {
            let moved = self
                .post_if_match(&path, officer.auth(), version, json!({"status": step}))
                .await
                .expect(200);
            version = moved.etag_version();
        }
        id
    }
}

impl TestApp {
    /// Waits until the search index holds every change in the outbox
    /// (bounded; the indexer polls every 100 ms).
    pub async fn wait_for_index(&self) {
        let mut connection = self.database.connect();
        let target = defmatch::db::outbox::last_position(&mut connection).expect("outbox position");
        for _ in 0..200 {
            if self.search.engine.index().visible_position() >= target {
                return;
            }
            actix_web::rt::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the search index did not catch up with outbox position {target}");
    }
}

/// A temporary directory removed on drop.
pub struct TempDirectory {
    pub path: std::path::PathBuf,
}

impl TempDirectory {
    pub fn new(prefix: &str) -> Self {
        let path = std::env::temp_dir().join(format!("{prefix}-{}", Uuid::new_v4().simple()));
        std::fs::create_dir_all(&path).expect("create temporary directory");
        TempDirectory { path }
    }
}

impl Drop for TempDirectory {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.search.stop();
    }
}

pub fn short_id() -> String {
    Uuid::new_v4().simple().to_string()[..12].to_owned()
}

/// A valid Dutch start-up profile; override fields with [`merge`].
pub fn startup_profile(name: &str) -> Value {
    static NEXT_KVK: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let serial = NEXT_KVK.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let random = (Uuid::new_v4().as_u128() % 1_000_000) as u32;
    json!({
        "name": name,
        "kvk_number": format!("{:08}", (random * 97 + serial) % 100_000_000),
        "website": "https://startup.example",
        "description": format!("{name} builds passive radar for small drone detection."),
        "technologies": ["autonomy-drones", "imaging-sensing"],
        "keywords": ["radar", "C-UAS"],
        "province": "NL-NH",
        "country": "NL",
        "city": "Amsterdam",
        "trl": 6,
        "employees": 12,
        "founded_year": 2020,
        "dual_use": true,
        "abdo_clearance": null,
        "export_control_categories": [6],
        "contact_name": "Anna de Vries",
        "contact_email": "anna@startup.example",
        "contact_phone": "+31 20 555 0100"
    })
}

/// A valid challenge; override fields with [`merge`].
pub fn challenge_body(title: &str) -> Value {
    let now = Utc::now();
    json!({
        "title": title,
        "summary": "Detect small drones approaching an airbase.",
        "description": "Airbases need early warning of small drones, day and night.",
        "desired_outcome": "A demonstrator at TRL 6.",
        "technologies": ["autonomy-drones"],
        "keywords": ["C-UAS", "radar"],
        "preferred_provinces": ["NL-NH"],
        "trl_min": 4,
        "trl_max": 7,
        "budget_min_eur": 50000,
        "budget_max_eur": 250000,
        "pre_release_at": (now - chrono::Duration::days(1)).to_rfc3339(),
        "opens_at": now.to_rfc3339(),
        "closes_at": (now + chrono::Duration::days(30)).to_rfc3339(),
        "visibility": "public",
        "abdo_required": false
    })
}

/// `base` with the fields of `changes` replaced (a shallow JSON merge).
pub fn merge(mut base: Value, changes: Value) -> Value {
    if let (Some(base_object), Value::Object(change_object)) = (base.as_object_mut(), changes) {
        for (key, value) in change_object {
            base_object.insert(key, value);
        }
    }
    base
}

/// `base` without `field`.
pub fn without(mut base: Value, field: &str) -> Value {
    if let Some(object) = base.as_object_mut() {
        object.remove(field);
    }
    base
}

//! Faults: the database going away and coming back, and a graceful stop.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use defmatch::db::{build_pool_with_timeout, TRUSTED_FOR};
use diesel::RunQueryDsl;
use tokio::net::{TcpListener, TcpStream as AsyncTcpStream};

use crate::helpers::{
    authority_of, server_database_url, spawn_app_with, with_authority, Options, TestApp,
    TestDatabase,
};

/// A TCP proxy in front of PostgreSQL that a test can cut and restore.
struct CuttableProxy {
    address: SocketAddr,
    down: Arc<AtomicBool>,
    connections: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl CuttableProxy {
    /// Forwards on a thread and runtime of its own: the test's runtime
    /// blocks when the app stops and joins its indexer, and an indexer in
    /// the middle of a query through the proxy would then wait forever.
    fn start(upstream: String) -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind proxy");
        listener.set_nonblocking(true).expect("non-blocking proxy");
        let address = listener.local_addr().expect("proxy address");
        let down = Arc::new(AtomicBool::new(false));
        let connections = Arc::new(Mutex::new(Vec::new()));
        let (down_flag, tracked) = (down.clone(), connections.clone());
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("proxy runtime");
            runtime.block_on(async move {
                let listener = TcpListener::from_std(listener).expect("proxy listener");
                loop {
                    let Ok((mut client, _)) = listener.accept().await else {
                        return;
                    };
                    // Checked and tracked under the lock `cut` takes, so
                    // no connection slips past a cut.
                    let mut open = tracked.lock().unwrap();
                    if down_flag.load(Ordering::SeqCst) {
                        drop(client);
                        continue;
                    }
                    let upstream = upstream.clone();
                    open.push(tokio::spawn(async move {
                        if let Ok(mut server) = AsyncTcpStream::connect(&upstream).await {
                            let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                        }
                    }));
                }
            });
        });
        CuttableProxy {
            address,
            down,
            connections,
        }
    }

    /// Refuses new connections and breaks the open ones, as a crashed server would.
    fn cut(&self) {
        let mut open = self.connections.lock().unwrap();
        self.down.store(true, Ordering::SeqCst);
        for connection in open.drain(..) {
            connection.abort();
        }
    }

    fn restore(&self) {
        self.down.store(false, Ordering::SeqCst);
    }
}

/// A server whose connections to PostgreSQL go through a [`CuttableProxy`].
async fn app_behind_proxy() -> (CuttableProxy, TestApp) {
    let proxy = CuttableProxy::start(authority_of(&server_database_url()));
    let app = spawn_app_with(Options {
        connect_through: Some(proxy.address),
        ..Options::default()
    })
    .await;
    (proxy, app)
}

#[actix_web::test]
async fn while_the_database_is_down_requests_get_503_and_the_service_recovers_without_restart() {
    let (proxy, app) = app_behind_proxy().await;
    app.get("/readyz", None).await.expect(200);
    app.get("/api/v1/challenges", None).await.expect(200);

    proxy.cut();
    let started = Instant::now();
    let listing = app.get("/api/v1/challenges", None).await;
    let listing_took = started.elapsed();
    listing.expect_error(503, "service_unavailable");
    assert!(
        listing.header("retry-after").is_some(),
        "503 says when to retry"
    );
    let started = Instant::now();
    app.get("/readyz", None)
        .await
        .expect_error(503, "service_unavailable");
    let readiness_took = started.elapsed();
    eprintln!(
        "database down: /readyz 503 in {readiness_took:?}, a listing 503 in {listing_took:?}"
    );
    assert!(
        readiness_took < Duration::from_secs(1),
        "/readyz answers within a probe's second: {readiness_took:?}"
    );
    assert!(
        listing_took < Duration::from_millis(1500),
        "a request fails fast: {listing_took:?}"
    );
    let login = app
        .post(
            "/api/v1/auth/login",
            None,
            serde_json::json!({"email": "nobody@defmatch.test", "password": "whatever password"}),
        )
        .await;
    login.expect_error(503, "service_unavailable");
    // Liveness does not depend on the database.
    app.get("/healthz", None).await.expect(200);

    proxy.restore();
    let restored = Instant::now();
    let mut recovered = None;
    for _ in 0..100 {
        if app.get("/readyz", None).await.status == 200 {
            recovered = Some(restored.elapsed());
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    let recovered = recovered.expect("the service must recover once the database is back");
    eprintln!("database back: /readyz 200 after {recovered:?}");
    assert!(
        recovered < Duration::from_secs(2),
        "recovery is quick: {recovered:?}"
    );
    app.get("/api/v1/challenges", None).await.expect(200);
}

/// The pool lends a connection tested within the last second without a new
/// test. One that broke must still leave the pool within that second,
/// however often requests fail on it meanwhile.
#[actix_web::test]
async fn broken_connections_leave_the_pool_within_a_second_while_requests_keep_coming() {
    let (proxy, app) = app_behind_proxy().await;
    app.get("/api/v1/challenges", None).await.expect(200);

    // The open connections break; new ones can be made at once.
    proxy.cut();
    proxy.restore();
    let broke = Instant::now();
    // When the last request that got a 503 was sent: a slow answer on a
    // busy machine must not count against the pool.
    let mut last_unavailable = None;
    while broke.elapsed() < TRUSTED_FOR * 2 {
        let sent = broke.elapsed();
        let response = app.get("/api/v1/challenges", None).await;
        match response.status {
            200 => {}
            503 => last_unavailable = Some(sent),
            other => panic!("a request on a broken connection got {other}, not 200 or 503"),
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    eprintln!(
        "connections broke: the last request answered 503 was sent after {last_unavailable:?}"
    );
    if let Some(last) = last_unavailable {
        assert!(
            last < TRUSTED_FOR + Duration::from_millis(100),
            "a broken connection was still lent to a request sent {last:?} after the break"
        );
    }
    for _ in 0..5 {
        app.get("/api/v1/challenges", None).await.expect(200);
    }
}

/// Whether `connection` answers `SELECT 1`.
fn answers(connection: &mut diesel::PgConnection) -> bool {
    diesel::sql_query("SELECT 1").execute(connection).is_ok()
}

/// The pool itself: within [`TRUSTED_FOR`] of its last test a connection is
/// lent untested (that is the round trip saved), and after it tested again,
/// so a broken one that sat idle is replaced instead of lent.
#[test]
fn a_pooled_connection_is_tested_again_once_its_last_test_is_older_than_trusted_for() {
    let database = TestDatabase::create();
    let proxy = CuttableProxy::start(authority_of(&database.url));
    let through_proxy = with_authority(&database.url, &proxy.address.to_string());
    let pool = build_pool_with_timeout(&through_proxy, 2, Duration::from_secs(1));
    {
        // Two connections open, both answer, both go back idle.
        let (mut first, mut second) = (pool.get().expect("first"), pool.get().expect("second"));
        assert!(answers(&mut first) && answers(&mut second));
    }

    proxy.cut();
    proxy.restore();
    {
        let mut lent = pool.get().expect("a connection within the second");
        assert!(
            !answers(&mut lent),
            "a connection tested less than a second ago is lent without a new test"
        );
    }

    std::thread::sleep(TRUSTED_FOR);
    // The other broken connection is still idle in the pool; both lent
    // now must answer.
    let (mut first, mut second) = (pool.get().expect("first"), pool.get().expect("second"));
    assert!(answers(&mut first), "the first connection lent answers");
    assert!(answers(&mut second), "the second connection lent answers");
}

/// `url` without its `sslmode` parameter, as an operator writes it.
fn without_sslmode(url: &str) -> String {
    let Some((base, query)) = url.split_once('?') else {
        return url.to_owned();
    };
    let kept: Vec<&str> = query
        .split('&')
        .filter(|parameter| !parameter.starts_with("sslmode="))
        .collect();
    if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    }
}

/// A pooled connection to a database on this host does not encrypt, even
/// when the server offers TLS and the URL says nothing of it: traffic that
/// never leaves the machine gains nothing from TLS, which cost CPU on both
/// ends (`db::connection_url`).
#[test]
fn a_pooled_connection_to_a_database_on_this_host_is_not_encrypted() {
    #[derive(diesel::QueryableByName)]
    struct Setting {
        #[diesel(sql_type = diesel::sql_types::Text)]
        setting: String,
    }
    #[derive(diesel::QueryableByName)]
    struct Encryption {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        ssl: bool,
    }
    let database = TestDatabase::create();
    let url = without_sslmode(&database.url);
    assert!(!url.contains("sslmode"), "the URL names no TLS mode");
    let pool = build_pool_with_timeout(&url, 1, Duration::from_secs(5));
    let mut pooled = pool.get().expect("a pooled connection");
    let connection: &mut diesel::PgConnection = &mut pooled;
    let offered: Setting = diesel::sql_query("SELECT current_setting('ssl') AS setting")
        .get_result(connection)
        .expect("the server's TLS setting");
    if offered.setting != "on" {
        // A server without TLS cannot tell the difference. CI's can: the
        // test script's private cluster offers TLS, as Debian's packaged
        // server does, so there the test may not pass by skipping.
        assert!(
            std::env::var_os("CI").is_none(),
            "in CI the database server offers TLS (scripts/ensure-postgres.sh)"
        );
        return;
    }
    let encryption: Encryption =
        diesel::sql_query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            .get_result(connection)
            .expect("this connection's TLS state");
    assert!(
        !encryption.ssl,
        "the connection to 127.0.0.1 is not encrypted"
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("address")
        .port()
}

fn wait_until_listening(address: &str) {
    for _ in 0..300 {
        if TcpStream::connect(address).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("the server did not start listening on {address}");
}

/// Reads one response whose length is given by Content-Length, leaving the
/// connection open for the next request.
fn read_kept_alive_response(connection: &mut TcpStream) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        connection
            .read_exact(&mut byte)
            .expect("read response head");
        head.push(byte[0]);
    }
    let head = String::from_utf8(head).expect("an ASCII head");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let length: usize = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().expect("a length"))
        })
        .expect("a Content-Length");
    let mut body = vec![0u8; length];
    connection
        .read_exact(&mut body)
        .expect("read response body");
}

#[test]
fn on_sigterm_a_request_in_flight_completes_before_the_process_exits() {
    let database = TestDatabase::create();
    let port = free_port();
    let address = format!("127.0.0.1:{port}");
    let data_dir = std::env::temp_dir().join(format!("defmatch-sigterm-{port}"));
    let mut server = Command::new(env!("CARGO_BIN_EXE_defmatch"))
        .args(["serve", "--bind", &address])
        .env("DATABASE_URL", &database.url)
        .env("JWT_SECRET", "a-test-secret-that-is-at-least-32-bytes-long")
        .env("DEFMATCH_DATA_DIR", &data_dir)
        .env("INDEX_DIR", data_dir.join("index"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start defmatch serve");
    wait_until_listening(&address);

    let mut connection = TcpStream::connect(&address).expect("connect");
    connection
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    // A first, whole request on the same kept-alive connection: once it is
    // answered, a worker owns the connection. Without it, on a loaded machine
    // the connection could still sit in the listen backlog when SIGTERM comes,
    // and a connection never accepted is not a request in flight.
    write!(
        connection,
        "GET /healthz HTTP/1.1\r\nHost: {address}\r\n\r\n"
    )
    .expect("send the first request");
    read_kept_alive_response(&mut connection);

    // Start a request and send only half of its body: it is in flight.
    let body = br#"{"email":"nobody@defmatch.test","password":"not the password"}"#;
    write!(
        connection,
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .expect("send head");
    connection
        .write_all(&body[..20])
        .expect("send half the body");
    std::thread::sleep(Duration::from_millis(300));

    let killed = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .expect("send SIGTERM");
    assert!(killed.success());
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        server.try_wait().expect("poll server").is_none(),
        "the server must wait for the request in flight"
    );

    connection
        .write_all(&body[20..])
        .expect("send the rest of the body");
    let mut response = String::new();
    connection
        .read_to_string(&mut response)
        .expect("read response");
    assert!(
        response.starts_with("HTTP/1.1 401"),
        "the request in flight gets its real answer, got: {response}"
    );
    assert!(response.contains("invalid_credentials"), "{response}");

    let mut exit = None;
    for _ in 0..100 {
        if let Some(status) = server.try_wait().expect("poll server") {
            exit = Some(status);
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = server.kill();
    let exit = exit.expect("the server exits once the request is done");
    assert!(exit.success(), "a graceful stop exits 0, got {exit}");
    let _ = std::fs::remove_dir_all(data_dir);
}

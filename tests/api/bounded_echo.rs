//! Huge input is never echoed whole: error bodies stay small, and the log
//! says what was wrong without repeating the payload.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

use actix_web::http::Method;
use serde_json::json;

use crate::helpers::{challenge_body, merge, spawn_app, Reply, TestDatabase};

/// About a megabyte of one letter: a field name or a value nobody means.
fn megabyte(letter: char) -> String {
    std::iter::repeat_n(letter, 1_000_000).collect()
}

/// Asserts a small JSON error body (under 1 KB) with this status.
#[track_caller]
fn assert_small_error(reply: &Reply, status: u16, what: &str) {
    let body = reply.body.to_string();
    assert_eq!(
        reply.status,
        status,
        "{what}: {}",
        &body[..body.len().min(300)]
    );
    assert!(
        body.len() < 1024,
        "{what}: {} bytes of error body",
        body.len()
    );
}

#[actix_web::test]
async fn a_megabyte_field_name_or_value_in_a_body_gives_a_small_error() {
    let app = spawn_app().await;
    let officer = app.procurement("Echo Procurement").await;

    let mut unknown = challenge_body("Echo");
    unknown[megabyte('f')] = json!(1);
    let reply = app
        .post("/api/v1/challenges", officer.auth(), unknown)
        .await;
    assert_small_error(&reply, 400, "unknown field");
    assert_eq!(reply.error_code(), "invalid_input");
    let field = reply.error_field().expect("the field is named");
    assert!(field.starts_with("fff") && field.len() < 200, "{field}");
    assert!(reply.body["error"]["message"]
        .as_str()
        .is_some_and(|message| message.contains("unknown field")));

    let wrong_type = merge(challenge_body("Echo"), json!({"trl_min": megabyte('v')}));
    let reply = app
        .post("/api/v1/challenges", officer.auth(), wrong_type)
        .await;
    assert_small_error(&reply, 400, "value of the wrong type");
    assert_eq!(reply.error_field(), Some("trl_min"));

    let not_json = format!("{{\"title\": \"{}", megabyte('j'));
    let reply = app
        .send(
            Method::POST,
            "/api/v1/challenges",
            officer.auth(),
            &[],
            Some(("application/json", not_json.into_bytes())),
        )
        .await;
    assert_small_error(&reply, 400, "malformed JSON");

    let reply = app
        .send(
            Method::PATCH,
            "/api/v1/challenges/7d0f1c8e-1111-4222-8333-944455556666",
            officer.auth(),
            &[("If-Match", format!("\"{}\"", "9".repeat(60_000)))],
            Some(("application/json", b"{}".to_vec())),
        )
        .await;
    assert!(reply.body.to_string().len() < 1024, "If-Match");
}

#[actix_web::test]
async fn a_long_query_value_name_or_path_gives_a_small_error() {
    let app = spawn_app().await;
    // The longest URI the client sends is 64 KB (the server reads heads of
    // up to 128 KB; a megabyte is the next test).
    let long: String = "x".repeat(60_000);
    let reply = app
        .get(&format!("/api/v1/challenges?status={long}"), None)
        .await;
    assert_small_error(&reply, 400, "bad status value");
    assert_eq!(reply.error_field(), Some("status"));
    let reply = app
        .get(&format!("/api/v1/challenges?technology={long}"), None)
        .await;
    assert_small_error(&reply, 400, "bad technology value");
    let reply = app
        .get(&format!("/api/v1/challenges?closes_after={long}"), None)
        .await;
    assert_small_error(&reply, 400, "bad date");
    let reply = app.get(&format!("/api/v1/challenges?{long}=1"), None).await;
    assert_small_error(&reply, 400, "unknown parameter");
    let reply = app.get(&format!("/api/v1/challenges/{long}"), None).await;
    assert_small_error(&reply, 404, "bad id in the path");
    let reply = app.get(&format!("/api/v1/{long}"), None).await;
    assert_small_error(&reply, 404, "unknown route");
}

#[actix_web::test]
async fn a_megabyte_query_is_refused_without_an_echo() {
    let app = spawn_app().await;
    let address = app.address.trim_start_matches("http://").to_owned();
    let answer = actix_web::web::block(move || {
        let mut connection = TcpStream::connect(&address).expect("connect");
        connection
            .set_read_timeout(Some(Duration::from_secs(20)))
            .expect("timeout");
        let head = format!(
            "GET /api/v1/challenges?status={} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n",
            megabyte('q')
        );
        // The server may close the connection before it has read it all.
        let _ = connection.write_all(head.as_bytes());
        let mut answer = Vec::new();
        let _ = connection.read_to_end(&mut answer);
        answer
    })
    .await
    .expect("raw request");
    assert!(answer.len() < 2048, "{} bytes of answer", answer.len());
    assert!(
        !String::from_utf8_lossy(&answer).contains("qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"),
        "no long echo"
    );
}

/// The real server's log (JSON lines) stays small while five anonymous
/// clients send megabyte field names and long query values.
#[test]
fn the_log_says_what_was_wrong_without_the_payload() {
    let database = TestDatabase::create();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("free port")
        .port();
    let address = format!("127.0.0.1:{port}");
    let data_dir = std::env::temp_dir().join(format!("defmatch-echo-{port}"));
    let log_path = data_dir.with_extension("log");
    std::fs::create_dir_all(&data_dir).expect("data dir");
    let log = std::fs::File::create(&log_path).expect("log file");
    let mut server = Command::new(env!("CARGO_BIN_EXE_defmatch"))
        .args(["serve", "--bind", &address])
        .env("DATABASE_URL", &database.url)
        .env("JWT_SECRET", "a-test-secret-that-is-at-least-32-bytes-long")
        .env("DEFMATCH_DATA_DIR", &data_dir)
        .env("INDEX_DIR", data_dir.join("index"))
        .env("DEFMATCH_LOG_FORMAT", "json")
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("start defmatch serve");
    let mut listening = false;
    for _ in 0..300 {
        if TcpStream::connect(&address).is_ok() {
            listening = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(listening, "the server did not start on {address}");
    let before = std::fs::metadata(&log_path).expect("log").len();

    let send = |request: &[u8]| {
        let mut connection = TcpStream::connect(&address).expect("connect");
        connection
            .set_read_timeout(Some(Duration::from_secs(20)))
            .expect("timeout");
        let _ = connection.write_all(request);
        let mut answer = Vec::new();
        let _ = connection.read_to_end(&mut answer);
        answer.len()
    };
    let field_name = megabyte('f');
    let body = format!("{{\"{field_name}\": 1}}");
    let long_value = "x".repeat(100_000);
    let mut answered = 0;
    for _ in 0..5 {
        answered += send(
            format!(
                "POST /api/v1/auth/register HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
            .as_bytes(),
        );
        answered += send(
            format!(
                "GET /api/v1/challenges?status={long_value} HTTP/1.1\r\nHost: {address}\r\nUser-Agent: {long_value}\r\nConnection: close\r\n\r\n"
            )
            .as_bytes(),
        );
    }
    let _ = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status();
    let _ = server.wait();
    let text = std::fs::read_to_string(&log_path).expect("read the log");
    let written = text.len() as u64 - before;
    let _ = std::fs::remove_dir_all(&data_dir);
    let _ = std::fs::remove_file(&log_path);

    let longest = text.lines().map(str::len).max().unwrap_or(0);
    eprintln!("log: {written} bytes for ten requests, longest line {longest} bytes; answers: {answered} bytes");
    assert!(answered < 10 * 2048, "{answered} bytes of answers");
    assert!(
        text.contains("request refused") && text.contains("unknown field"),
        "the log says what was wrong:\n{}",
        &text[text.len().saturating_sub(3000)..]
    );
    assert!(
        written < 40_000,
        "{written} bytes of log for ten requests carrying 5.5 MB"
    );
    assert!(longest < 2048, "a log line of {longest} bytes");
}

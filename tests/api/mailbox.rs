//! The real SMTP server of the tests (scripts/mail-server.py, on aiosmtpd):
//! what it received, read back from the JSON file it keeps per message.
//!
//! `scripts/test.sh` starts the server and exports `DEFMATCH_TEST_SMTP_URL`
//! and `DEFMATCH_TEST_MAIL_DIR`. A plain `cargo test` without them starts
//! one for this test process (it stops when the process ends). Either way a
//! server that cannot start fails the test with the reason: mail tests never
//! pass without one.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use defmatch::alerts::mail::MailSettings;

use crate::helpers::TestApp;
use serde::Deserialize;

/// A message as the SMTP server received it.
#[derive(Debug, Clone, Deserialize)]
pub struct ReceivedMail {
    pub envelope_to: Vec<String>,
    pub from: String,
    pub to: String,
    pub subject: String,
    /// The decoded text body.
    pub text: String,
    /// The message as sent, headers included.
    pub raw: String,
}

impl ReceivedMail {
    /// The first link in the body that starts with `prefix`.
    pub fn link_starting_with(&self, prefix: &str) -> Option<String> {
        let start = self.text.find(prefix)?;
        let link: String = self.text[start..]
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '"')
            .collect();
        Some(link)
    }
}

/// The SMTP server: its address and where it keeps what it received.
pub struct Mailbox {
    pub smtp_url: String,
    directory: PathBuf,
    /// The server this process started, if it did; it stops by itself
    /// when this process ends (`--watch-pid`).
    _server: Option<std::process::Child>,
}

impl Mailbox {
    /// The server of this test run.
    pub fn shared() -> &'static Mailbox {
        static MAILBOX: OnceLock<Mailbox> = OnceLock::new();
        MAILBOX.get_or_init(|| {
            let url = std::env::var("DEFMATCH_TEST_SMTP_URL").ok();
            let directory = std::env::var("DEFMATCH_TEST_MAIL_DIR").ok();
            match (url, directory) {
                (Some(smtp_url), Some(directory)) => Mailbox {
                    smtp_url,
                    directory: PathBuf::from(directory),
                    _server: None,
                },
                _ => start_own_server(),
            }
        })
    }

    /// How the app's mail sender reaches this server.
    pub fn settings(&self) -> MailSettings {
        MailSettings {
            smtp_url: self.smtp_url.clone(),
            from: "defmatch <no-reply@defmatch.example>".to_owned(),
            public_url: "http://127.0.0.1".to_owned(),
        }
    }

    /// Every message delivered to `recipient` so far, oldest first.
    pub fn messages_to(&self, recipient: &str) -> Vec<ReceivedMail> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(&self.directory)
            .unwrap_or_else(|error| panic!("read {}: {error}", self.directory.display()))
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .filter(|path| {
                path.extension()
                    .is_some_and(|extension| extension == "json")
            })
            .collect();
        // `<nanoseconds>-<n>.json`: by time, then by arrival.
        names.sort_by_key(|path| sort_key(path));
        names
            .iter()
            .filter_map(|path| std::fs::read(path).ok())
            .filter_map(|bytes| serde_json::from_slice::<ReceivedMail>(&bytes).ok())
            .filter(|mail| {
                mail.envelope_to
                    .iter()
                    .any(|to| to.eq_ignore_ascii_case(recipient))
            })
            .collect()
    }

    /// Waits up to ten seconds for the `count`-th message to `recipient`.
    pub async fn wait_for(&self, recipient: &str, count: usize) -> Vec<ReceivedMail> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let messages = self.messages_to(recipient);
            if messages.len() >= count {
                return messages;
            }
            assert!(
                Instant::now() < deadline,
                "{recipient} got {} message(s) within 10 s, expected {count}",
                messages.len()
            );
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// Waits until the `count`-th mail to `recipient` has been delivered,
/// sending the outbox as the server's mail sender would.
pub async fn mail_to(app: &TestApp, recipient: &str, count: usize) -> Vec<ReceivedMail> {
    let mailbox = Mailbox::shared();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        app.deliver_mail().await;
        let messages = mailbox.messages_to(recipient);
        if messages.len() >= count {
            return messages;
        }
        assert!(
            Instant::now() < deadline,
            "{recipient} got {} mail(s) within 10 s, expected {count}",
            messages.len()
        );
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
}

fn sort_key(path: &Path) -> (u128, u64) {
    let stem = path
        .file_stem()
        .and_then(|stem| stem.to_str())
        .unwrap_or_default();
    let (time, counter) = stem.split_once('-').unwrap_or((stem, "0"));
    (time.parse().unwrap_or(0), counter.parse().unwrap_or(0))
}

/// Starts scripts/mail-server.py for this process; panics with the reason
/// when it cannot.
fn start_own_server() -> Mailbox {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let directory = std::env::temp_dir().join(format!(
        "defmatch-test-mail-{}-{}",
        std::process::id(),
        uuid::Uuid::new_v4()
    ));
    let messages = directory.join("messages");
    let ready = directory.join("address");
    std::fs::create_dir_all(&messages).expect("create the mail directory");
    let python = std::env::var("DEFMATCH_PYTHON").unwrap_or_else(|_| {
        if Path::new("/usr/bin/python3").exists() {
            "/usr/bin/python3".to_owned()
        } else {
            "python3".to_owned()
        }
    });
    let log = std::fs::File::create(directory.join("server.log")).expect("create the mail log");
    let mut child = Command::new(&python)
        .arg(root.join("scripts/mail-server.py"))
        .arg("--dir")
        .arg(&messages)
        .arg("--ready-file")
        .arg(&ready)
        .arg("--watch-pid")
        .arg(std::process::id().to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap_or_else(|error| {
            panic!("cannot run {python} scripts/mail-server.py ({error}); run scripts/test.sh, which installs what the SMTP server needs")
        });
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if let Ok(address) = std::fs::read_to_string(&ready) {
            if !address.trim().is_empty() {
                return Mailbox {
                    smtp_url: address.trim().to_owned(),
                    directory: messages,
                    _server: Some(child),
                };
            }
        }
        let exited = child.try_wait().ok().flatten();
        if exited.is_some() || Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            let log = std::fs::read_to_string(directory.join("server.log")).unwrap_or_default();
            panic!(
                "the test SMTP server (scripts/mail-server.py) did not start: {log}\nrun scripts/test.sh (it installs python3-aiosmtpd) or scripts/ensure-mail.sh"
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

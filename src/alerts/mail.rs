//! The e-mail sender: delivers the queued rows of `email_outbox` over SMTP
//! (lettre) when `SMTP_URL` is set. Without it, mail stays queued and
//! visible to admins.
//!
//! Safe with several server processes: each batch is claimed with
//! `FOR UPDATE SKIP LOCKED`, so a row is sent by one sender only.

use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use diesel::prelude::*;
use lettre::message::header::ContentType;
use lettre::{Message, SmtpTransport, Transport};

use crate::db::schema::email_outbox;
use crate::db::DbPool;
use crate::search::indexer::StopSignal;

/// Attempts before a message is marked `failed`.
pub const MAX_ATTEMPTS: i32 = 5;
/// Messages claimed per batch.
const BATCH: i64 = 20;
/// Pause between batches when nothing was queued.
const POLL: Duration = Duration::from_secs(5);

/// Where and as whom mail is sent.
#[derive(Clone)]
pub struct MailSettings {
    /// `smtp://host:port` (plain, for a local relay), `smtp://host:587?tls=required`
    /// (STARTTLS) or `smtps://user:password@host:465` (TLS).
    pub smtp_url: String,
    /// The sender, such as `defmatch <no-reply@defmatch.example>`.
    pub from: String,
}

impl MailSettings {
    /// From `SMTP_URL` and `MAIL_FROM`; `None` when `SMTP_URL` is unset.
    pub fn from_env() -> Option<Self> {
        let smtp_url = std::env::var("SMTP_URL")
            .ok()
            .filter(|url| !url.trim().is_empty())?;
        let from = std::env::var("MAIL_FROM")
            .ok()
            .filter(|from| !from.trim().is_empty())
            .unwrap_or_else(|| "defmatch <no-reply@defmatch.example>".to_owned());
        Some(MailSettings { smtp_url, from })
    }
}

/// What a batch did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SendReport {
    pub sent: usize,
    pub failed: usize,
}

/// Sends one batch of queued mail.
pub fn send_queued(
    connection: &mut PgConnection,
    settings: &MailSettings,
) -> anyhow::Result<SendReport> {
    let mailer = SmtpTransport::from_url(&settings.smtp_url)
        .context("SMTP_URL is not a valid SMTP address")?
        .timeout(Some(Duration::from_secs(10)))
        .build();
    let from = settings
        .from
        .parse()
        .context("MAIL_FROM is not a valid address")?;
    connection.transaction(|connection| {
        let queued: Vec<(i64, String, String, String, i32)> = email_outbox::table
            .filter(email_outbox::status.eq("queued"))
            .order(email_outbox::id)
            .limit(BATCH)
            .select((
                email_outbox::id,
                email_outbox::recipient,
                email_outbox::subject,
                email_outbox::body,
                email_outbox::attempts,
            ))
            .for_update()
            .skip_locked()
            .load(connection)?;
        let mut report = SendReport::default();
        for (id, recipient, subject, body, attempts) in queued {
            let delivered = recipient
                .parse()
                .map_err(|error| format!("bad recipient: {error}"))
                .and_then(|to| {
                    Message::builder()
                        .from(std::clone::Clone::clone(&from))
                        .to(to)
                        .subject(subject)
                        .header(ContentType::TEXT_PLAIN)
                        .body(body)
                        .map_err(|error| format!("bad message: {error}"))
                })
                .and_then(|message| {
                    mailer
                        .send(&message)
                        .map(|_| ())
                        .map_err(|error| error.to_string())
                });
            let attempts = attempts + 1;
            let row = email_outbox::table.find(id);
            match delivered {
                Ok(()) => {
                    diesel::update(row)
                        .set((
                            email_outbox::status.eq("sent"),
                            email_outbox::attempts.eq(attempts),
                            email_outbox::sent_at.eq(Some(Utc::now())),
                            email_outbox::last_error.eq(None::<String>),
                        ))
                        .execute(connection)?;
                    report.sent += 1;
                }
                Err(error) => {
                    let status = if attempts >= MAX_ATTEMPTS {
                        "failed"
                    } else {
                        "queued"
                    };
                    diesel::update(row)
                        .set((
                            email_outbox::status.eq(status),
                            email_outbox::attempts.eq(attempts),
                            email_outbox::last_error.eq(Some(error)),
                        ))
                        .execute(connection)?;
                    report.failed += 1;
                }
            }
        }
        Ok(report)
    })
}

/// Starts the sender on a thread of its own; it stops after its current
/// batch once `stop` is signalled.
pub fn spawn_sender(
    pool: DbPool,
    settings: MailSettings,
    stop: StopSignal,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name("mail-sender".to_owned())
        .spawn(move || {
            while !stop.is_stopped() {
                let sent = pool
                    .get()
                    .map_err(anyhow::Error::from)
                    .and_then(|mut connection| send_queued(&mut connection, &settings));
                match sent {
                    Ok(report) if report.sent > 0 && report.failed == 0 => {
                        tracing::info!(?report, "mail sent");
                        // More may be queued: go on without pausing.
                        continue;
                    }
                    Ok(report) if report.failed > 0 => {
                        tracing::warn!(?report, "some mail could not be sent; retrying later")
                    }
                    Ok(_) => {}
                    Err(error) => {
                        tracing::warn!(error = %format!("{error:#}"), "mail sender failed")
                    }
                }
                stop.sleep(POLL);
            }
        })
}

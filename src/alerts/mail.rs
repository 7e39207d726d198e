//! The e-mail sender: delivers the queued rows of `email_outbox` over SMTP
//! (lettre) when `SMTP_URL` is set. Without it, mail stays queued and
//! visible to admins.
//!
//! Safe with several server processes: each message is claimed (status
//! `sending`) in a short transaction with `FOR UPDATE SKIP LOCKED`, then
//! sent outside any transaction, so a message is sent by one sender only
//! and a rollback never re-queues delivered mail.

use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use diesel::prelude::*;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::{Message, SmtpTransport, Transport};

use crate::db::schema::{email_outbox, notifications};
use crate::db::unsubscribe_tokens;
use crate::db::DbPool;
use crate::domain::language::Language;
use crate::domain::notification::NotificationKind;
use crate::domain::notification_text;
use crate::search::indexer::StopSignal;

/// Attempts before a message is marked `failed`.
pub const MAX_ATTEMPTS: i32 = 5;
/// Messages sent per batch.
const BATCH: usize = 20;
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
    /// `DEFMATCH_PUBLIC_URL` without a trailing slash: the links in
    /// notification mail (the page, the unsubscribe link) start with it.
    pub public_url: String,
}

impl MailSettings {
    /// From `SMTP_URL` and `MAIL_FROM`; `None` when `SMTP_URL` is unset.
    pub fn from_env(public_url: &str) -> Option<Self> {
        let smtp_url = std::env::var("SMTP_URL")
            .ok()
            .filter(|url| !url.trim().is_empty())?;
        let from = std::env::var("MAIL_FROM")
            .ok()
            .filter(|from| !from.trim().is_empty())
            .unwrap_or_else(|| "defmatch <no-reply@defmatch.example>".to_owned());
        Some(MailSettings {
            smtp_url,
            from,
            public_url: public_url.trim_end_matches('/').to_owned(),
        })
    }
}

/// What a batch did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SendReport {
    pub sent: usize,
    pub failed: usize,
}

/// A message claimed for sending.
struct Claimed {
    id: i64,
    recipient: String,
    subject: String,
    body: String,
    attempts: i32,
    /// Why the recipient must not get it any more (unsubscribed, disabled).
    withheld: Option<&'static str>,
    /// Account mail holds a single-use link: its text is erased once sent.
    is_account_mail: bool,
    /// What notification mail needs for its links: the kind (for the
    /// unsubscribe link), the page, and the recipient.
    notification: Option<NotificationMail>,
}

/// The parts of a notification mail that the sender adds.
struct NotificationMail {
    user_id: uuid::Uuid,
    kind: NotificationKind,
    language: Language,
    link_path: Option<String>,
}

/// The `kind` of outbox rows that are account mail rather than notifications.
pub const ACCOUNT_MAIL: &str = "account";

/// A claim older than this is taken to have died with its sender.
const STALE_CLAIM: chrono::Duration = chrono::Duration::minutes(10);

/// Claims the oldest queued message (or one whose claim went stale) in a
/// short transaction of its own, so that the sending happens outside any
/// transaction: a rollback can never put delivered mail back in the queue.
fn claim_next(connection: &mut PgConnection) -> QueryResult<Option<Claimed>> {
    use crate::db::schema::users;
    connection.transaction(|connection| {
        let stale = Utc::now() - STALE_CLAIM;
        let next: Option<QueuedRow> = email_outbox::table
            .filter(
                email_outbox::status.eq("queued").or(email_outbox::status
                    .eq("sending")
                    .and(email_outbox::claimed_at.lt(stale))),
            )
            .order(email_outbox::id)
            .select((
                email_outbox::id,
                email_outbox::recipient,
                email_outbox::subject,
                email_outbox::body,
                email_outbox::attempts,
                email_outbox::user_id,
                email_outbox::kind,
                email_outbox::notification_id,
                email_outbox::link_path,
            ))
            .for_update()
            .skip_locked()
            .first(connection)
            .optional()?;
        let Some((
            id,
            recipient,
            subject,
            body,
            attempts,
            user_id,
            kind,
            notification_id,
            link_path,
        )) = next
        else {
            return Ok(None);
        };
        // Preferences can change while a message waits in the queue. An
        // invitation's mail has no account behind it yet.
        let (disabled_at, unsubscribed_at, language): (
            Option<chrono::DateTime<Utc>>,
            Option<chrono::DateTime<Utc>>,
            Language,
        ) = match user_id {
            Some(user_id) => users::table
                .find(user_id)
                .select((
                    users::disabled_at,
                    users::email_unsubscribed_at,
                    users::language,
                ))
                .first(connection)?,
            None => (None, None, Language::default()),
        };
        let notification = match (notification_id, user_id) {
            (Some(notification_id), Some(user_id)) => {
                let kind: NotificationKind = notifications::table
                    .find(notification_id)
                    .select(notifications::kind)
                    .first(connection)?;
                let wanted = crate::db::notifications::delivery(connection, user_id, kind)?;
                Some((
                    NotificationMail {
                        user_id,
                        kind,
                        language,
                        link_path,
                    },
                    wanted.email,
                ))
            }
            _ => None,
        };
        let kind_switched_off = notification.as_ref().is_some_and(|(_, email)| !email);
        let withheld = if disabled_at.is_some() {
            Some("the recipient's account is disabled")
        } else if unsubscribed_at.is_some() && kind != ACCOUNT_MAIL {
            // Account mail (a reset link) is what the person just asked for.
            Some("the recipient unsubscribed from e-mail")
        } else if kind_switched_off {
            Some("the recipient switched this kind of mail off")
        } else {
            None
        };
        diesel::update(email_outbox::table.find(id))
            .set((
                email_outbox::status.eq("sending"),
                email_outbox::claimed_at.eq(Some(Utc::now())),
                email_outbox::attempts.eq(attempts + 1),
            ))
            .execute(connection)?;
        Ok(Some(Claimed {
            id,
            recipient,
            subject,
            body,
            attempts: attempts + 1,
            withheld,
            is_account_mail: kind == ACCOUNT_MAIL,
            notification: notification.map(|(mail, _)| mail),
        }))
    })
}

/// An outbox row as claimed: id, recipient, subject, body, attempts, the
/// account it is for (none for an invitation's mail), kind of mail,
/// notification and page.
type QueuedRow = (
    i64,
    String,
    String,
    String,
    i32,
    Option<uuid::Uuid>,
    String,
    Option<uuid::Uuid>,
    Option<String>,
);

/// The links a notification mail ends with.
struct MailLinks {
    unsubscribe: String,
    footer: String,
}

/// A new unsubscribe link for the mail's kind, and the footer that holds
/// it and the link to the page, in the recipient's language.
fn links_of(
    connection: &mut PgConnection,
    settings: &MailSettings,
    notification: &NotificationMail,
) -> QueryResult<MailLinks> {
    let token = unsubscribe_tokens::issue(connection, notification.user_id, notification.kind)?;
    let unsubscribe = format!("{}/unsubscribe/{token}", settings.public_url);
    let page = notification
        .link_path
        .as_ref()
        .map(|path| format!("{}{path}", settings.public_url));
    let footer = notification_text::mail_footer(
        notification.kind,
        notification.language,
        page.as_deref(),
        &unsubscribe,
    );
    Ok(MailLinks {
        unsubscribe,
        footer,
    })
}

/// Sends queued mail, one message at a time, up to one batch.
pub fn send_queued(
    connection: &mut PgConnection,
    settings: &MailSettings,
) -> anyhow::Result<SendReport> {
    let mailer = SmtpTransport::from_url(&settings.smtp_url)
        .context("SMTP_URL is not a valid SMTP address")?
        .timeout(Some(Duration::from_secs(10)))
        .build();
    let from: lettre::message::Mailbox = settings
        .from
        .parse()
        .context("MAIL_FROM is not a valid address")?;
    let mut report = SendReport::default();
    for _ in 0..BATCH {
        let Some(claimed) = claim_next(connection)? else {
            break;
        };
        let links = match (&claimed.withheld, &claimed.notification) {
            (None, Some(notification)) => Some(links_of(connection, settings, notification)?),
            _ => None,
        };
        let delivered = match claimed.withheld {
            Some(why) => Err((why.to_owned(), true)),
            None => claimed
                .recipient
                .parse()
                .map_err(|error| (format!("bad recipient: {error}"), true))
                .and_then(|to| {
                    let mut builder = Message::builder()
                        .from(from.clone())
                        .to(to)
                        .subject(claimed.subject.clone())
                        .header(ContentType::TEXT_PLAIN);
                    let mut body = claimed.body.clone();
                    if let Some(links) = &links {
                        body.push_str(&links.footer);
                        builder = builder.raw_header(HeaderValue::new(
                            HeaderName::new_from_ascii_str("List-Unsubscribe"),
                            format!("<{}>", links.unsubscribe),
                        ));
                    }
                    builder
                        .body(body)
                        .map_err(|error| (format!("bad message: {error}"), true))
                })
                .and_then(|message| {
                    mailer
                        .send(&message)
                        .map(|_| ())
                        .map_err(|error| (error.to_string(), false))
                }),
        };
        let row = email_outbox::table.find(claimed.id);
        match delivered {
            Ok(()) => {
                diesel::update(row)
                    .set((
                        email_outbox::status.eq("sent"),
                        email_outbox::sent_at.eq(Some(Utc::now())),
                        email_outbox::last_error.eq(None::<String>),
                    ))
                    .execute(connection)?;
                if claimed.is_account_mail {
                    // The link is the recipient's alone; no copy stays behind.
                    diesel::update(row)
                        .set(email_outbox::body.eq(""))
                        .execute(connection)?;
                }
                report.sent += 1;
            }
            Err((error, permanent)) => {
                let status = if permanent || claimed.attempts >= MAX_ATTEMPTS {
                    "failed"
                } else {
                    "queued"
                };
                diesel::update(row)
                    .set((
                        email_outbox::status.eq(status),
                        email_outbox::last_error.eq(Some(error)),
                    ))
                    .execute(connection)?;
                report.failed += 1;
                if !permanent {
                    // The server is unreachable or refusing: try the rest later.
                    break;
                }
            }
        }
    }
    Ok(report)
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

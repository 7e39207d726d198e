//! The mail sender delivers the e-mail outbox over SMTP (the real server
//! that the test script starts), once per row, and keeps what it could not
//! send queued with the error.

use std::net::TcpListener;

use defmatch::alerts::mail::{send_queued, MailSettings};
use defmatch::db::notifications::{notify, NewNotification};
use defmatch::domain::language::Localized;
use defmatch::domain::notification::{NotificationKind, NotificationSubject};
use defmatch::domain::notification_text::NotificationText;
use diesel::prelude::*;
use uuid::Uuid;

use crate::helpers::{spawn_app, TestApp};
use crate::mailbox::Mailbox;

/// A notification text that reads the same whatever the recipient's language.
fn same_in_both_languages(title: &str, body: &str) -> NotificationText {
    NotificationText {
        title: Localized {
            dutch: title.to_owned(),
            english: title.to_owned(),
        },
        body: Localized {
            dutch: body.to_owned(),
            english: body.to_owned(),
        },
    }
}

fn queue_one(app: &TestApp, user_id: Uuid, title: &str) {
    let mut connection = app.database.connect();
    assert!(notify(
        &mut connection,
        &NewNotification {
            user_id,
            kind: NotificationKind::DeadlineReminder,
            subject: NotificationSubject::Challenge,
            subject_id: Uuid::new_v4(),
            text: same_in_both_languages(title, "The challenge closes at 2027-01-28 17:00 (UTC)."),
            link: "/challenges".to_owned(),
            dedup_key: format!("test:{title}"),
        },
    )
    .expect("notify"));
}

/// The notification mail of the outbox (the founder's address check,
/// account mail sent before, is left out).
fn statuses(app: &TestApp) -> Vec<(String, i32, Option<String>)> {
    use defmatch::db::schema::email_outbox;
    let mut connection = app.database.connect();
    email_outbox::table
        .filter(email_outbox::kind.eq("notification"))
        .order(email_outbox::id)
        .select((
            email_outbox::status,
            email_outbox::attempts,
            email_outbox::last_error,
        ))
        .load(&mut connection)
        .expect("outbox")
}

#[actix_web::test]
async fn queued_mail_is_sent_once_over_smtp() {
    let app = spawn_app().await;
    let (founder, _) = app
        .startup_with_profile(crate::helpers::startup_profile("Mailbox Radar BV"))
        .await;
    queue_one(&app, founder.user_id, "Harbour radar closes in 7 days");
    let mailbox = Mailbox::shared();
    let settings = mailbox.settings();
    let url = app.database.url.clone();
    let report = actix_web::web::block(move || {
        let mut connection = PgConnection::establish(&url).expect("connect");
        let first = send_queued(&mut connection, &settings).expect("send");
        let second = send_queued(&mut connection, &settings).expect("send again");
        (first, second)
    })
    .await
    .expect("sender task");
    assert_eq!(report.0.sent, 1);
    assert_eq!(report.1.sent, 0, "a sent message is not sent again");
    // After the mail that confirmed the founder's address.
    let messages: Vec<_> = mailbox
        .wait_for(&founder.email, 2)
        .await
        .into_iter()
        .filter(|message| !message.subject.contains("Confirm your e-mail address"))
        .collect();
    assert_eq!(messages.len(), 1, "delivered once: {messages:?}");
    assert_eq!(messages[0].subject, "Harbour radar closes in 7 days");
    assert_eq!(messages[0].to, founder.email);
    assert!(messages[0].from.contains("no-reply@defmatch.example"));
    assert!(messages[0].text.contains("2027-01-28 17:00"));
    assert!(messages[0].raw.contains("Content-Type: text/plain"));
    assert_eq!(statuses(&app), vec![("sent".to_owned(), 1, None)]);
}

#[actix_web::test]
async fn mail_that_cannot_be_sent_stays_queued_with_its_error() {
    let app = spawn_app().await;
    let (founder, _) = app
        .startup_with_profile(crate::helpers::startup_profile("Offline Radar BV"))
        .await;
    queue_one(&app, founder.user_id, "Harbour radar closes in 1 day");
    // Nothing listens on this port any more.
    let port = TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("address")
        .port();
    let settings = MailSettings {
        smtp_url: format!("smtp://127.0.0.1:{port}"),
        from: "defmatch <no-reply@defmatch.example>".to_owned(),
        public_url: app.address.clone(),
    };
    let url = app.database.url.clone();
    let report = actix_web::web::block(move || {
        let mut connection = PgConnection::establish(&url).expect("connect");
        send_queued(&mut connection, &settings).expect("send")
    })
    .await
    .expect("sender task");
    assert_eq!(report.failed, 1);
    let rows = statuses(&app);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0, "queued");
    assert_eq!(rows[0].1, 1);
    assert!(rows[0].2.as_deref().is_some_and(|error| !error.is_empty()));
}

//! Deadline reminders: 7 days and 1 day before an open challenge closes,
//! the start-ups that match it or have an introduction on it are told.

use chrono::{DateTime, Utc};
use diesel::PgConnection;
use uuid::Uuid;

use super::matches::{matching_startups, notify_members};
use super::TickReport;
use crate::db::notifications::{self, record_alert_run, NewNotification};
use crate::db::startups;
use crate::domain::notification::{NotificationKind, NotificationSubject, REMINDER_DAYS};
use crate::domain::notification_text;
use crate::search::engine::SearchEngine;

/// Sends the deadline reminders whose moment has come.
pub(super) fn remind_deadlines(
    connection: &mut PgConnection,
    engine: &SearchEngine,
    now: DateTime<Utc>,
    report: &mut TickReport,
) -> anyhow::Result<()> {
    let widest = REMINDER_DAYS.iter().copied().max().unwrap_or(0);
    for challenge in notifications::challenges_closing_within(connection, now, widest)? {
        let Some(closes_at) = challenge.closes_at else {
            continue;
        };
        // The nearest reminder whose moment has come: 1 day inside the
        // last day, 7 days before that.
        let Some(days) = REMINDER_DAYS
            .iter()
            .copied()
            .filter(|days| closes_at - now <= chrono::Duration::days(*days))
            .min()
        else {
            continue;
        };
        let event = format!("deadline-{days}d");
        if notifications::alert_ran(
            connection,
            NotificationSubject::Challenge,
            challenge.id,
            &event,
        )? {
            continue;
        }
        // A reminder whose moment passed more than a day ago (the challenge
        // opened late, or no scheduler ran) is recorded as skipped, not sent
        // with a day count that is no longer true.
        let left = closes_at - now;
        if left < chrono::Duration::days(days - 1) {
            record_alert_run(
                connection,
                NotificationSubject::Challenge,
                challenge.id,
                &event,
                0,
            )?;
            continue;
        }
        // Whole days left, rounded up: 6 days and 23 hours is "7 days".
        let days_left = (left.num_hours() + 23) / 24;
        let mut startup_ids: Vec<Uuid> =
            notifications::startups_introduced_to(connection, challenge.id)?;
        for startup in matching_startups(connection, engine, &challenge)? {
            if !startup_ids.contains(&startup.id) {
                startup_ids.push(startup.id);
            }
        }
        let mut told = 0;
        for startup in startups::find_many(connection, &startup_ids)? {
            told += notify_members(
                connection,
                startup.organisation_id,
                &challenge,
                &NewNotification {
                    user_id: Uuid::nil(),
                    kind: NotificationKind::DeadlineReminder,
                    subject: NotificationSubject::Challenge,
                    subject_id: challenge.id,
                    text: notification_text::deadline_reminder(
                        &challenge.title,
                        days_left,
                        closes_at,
                    ),
                    link: format!("/challenges/{}", challenge.id),
                    dedup_key: format!("{event}:{}", challenge.id),
                },
            )?;
        }
        report.notifications += told;
        if record_alert_run(
            connection,
            NotificationSubject::Challenge,
            challenge.id,
            &event,
            told as i32,
        )? {
            report.reminders_sent += 1;
        }
    }
    Ok(())
}

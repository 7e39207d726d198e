//! The calendar feed of a start-up: a secret URL
//! (`{DEFMATCH_PUBLIC_URL}/calendar/{token}.ics`) that calendar apps poll
//! without logging in. It lists the deadlines of the challenges the
//! start-up follows (those it has an introduction on) that the account may
//! see now. Only the secret's SHA-256 is stored; making a new one replaces
//! it, so the old URL stops working at once.

use chrono::Utc;
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::app::{AppError, AppState, Subject};
use crate::db::{calendar, personal_data, users};
use crate::domain::icalendar::{deadline_feed, DeadlineEvent};
use crate::domain::policy::{Member, Viewer};

/// Longest secret a feed URL can hold (they are 64 hex digits).
const MAX_TOKEN_CHARS: usize = 128;

/// The caller's calendar feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarFeed {
    /// Whether a feed URL exists (it is shown only when made).
    pub active: bool,
    /// The secret URL; only in the answer that made it.
    pub url: Option<String>,
}

fn hash_of(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Whether `member` has a feed.
pub async fn status(state: &AppState, member: &Member) -> Result<CalendarFeed, AppError> {
    member.may_have_calendar_feed()?;
    let user_id = member.user_id;
    let active = state
        .with_connection(move |connection| {
            Ok(personal_data::account_settings(connection, user_id)?.has_calendar_feed)
        })
        .await?;
    Ok(CalendarFeed { active, url: None })
}

/// Makes a new feed URL for `member`; the old one stops working.
pub async fn rotate(state: &AppState, member: &Member) -> Result<CalendarFeed, AppError> {
    member.may_have_calendar_feed()?;
    let mut bytes = [0_u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let token_hash = hash_of(&token);
    let user_id = member.user_id;
    state
        .with_connection(move |connection| {
            Ok(calendar::set_token_hash(connection, user_id, &token_hash)?)
        })
        .await?;
    Ok(CalendarFeed {
        active: true,
        url: Some(format!("{}/calendar/{token}.ics", state.public_url)),
    })
}

/// The feed of the secret `token` as iCalendar text; "not found" for a
/// secret that is unknown, replaced, or of a disabled account.
pub async fn feed(state: &AppState, token: String) -> Result<String, AppError> {
    if token.is_empty() || token.len() > MAX_TOKEN_CHARS {
        return Err(AppError::not_found(Subject::Resource));
    }
    let public_url = state.public_url.clone();
    state
        .with_connection(move |connection| {
            let user_id = calendar::user_with_token_hash(connection, &hash_of(&token))?
                .ok_or(AppError::not_found(Subject::Resource))?;
            let Some(Viewer::Member(member)) = users::as_viewer(connection, user_id)? else {
                return Err(AppError::not_found(Subject::Resource));
            };
            let organisation_id = match (member.may_have_calendar_feed(), member.organisation_id) {
                (Ok(()), Some(organisation_id)) => organisation_id,
                _ => return Err(AppError::not_found(Subject::Resource)),
            };
            let viewer = Viewer::Member(member);
            let events: Vec<DeadlineEvent> =
                calendar::followed_challenges(connection, organisation_id)?
                    .into_iter()
                    .filter(|challenge| viewer.can_see_challenge(challenge.exposure()))
                    .filter_map(|challenge| {
                        Some(DeadlineEvent {
                            challenge_id: challenge.id,
                            closes_at: challenge.closes_at?,
                            url: format!("{public_url}/challenges/{}", challenge.id),
                            title: challenge.title,
                            updated_at: challenge.updated_at,
                        })
                    })
                    .collect();
            let host = public_url
                .split("://")
                .nth(1)
                .unwrap_or(&public_url)
                .split(['/', ':'])
                .next()
                .unwrap_or("defmatch")
                .to_owned();
            Ok(deadline_feed(
                "defmatch deadlines",
                &host,
                &events,
                Utc::now(),
            ))
        })
        .await
}

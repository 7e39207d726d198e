//! A ROM's own notes on a start-up of its region: written by its officers,
//! read by them and by admins, never by the start-up or procurement.

use chrono::{DateTime, Utc};
use diesel::{OptionalExtension, PgConnection};
use serde::Serialize;
use uuid::Uuid;

use crate::app::{AppError, AppState, Subject};
use crate::db::startup_notes::{self, StartupNoteRow};
use crate::db::startups;
use crate::domain::policy::{Member, StartupNotesReach};
use crate::domain::region::{Province, Rom};
use crate::domain::text::bounded_text;

/// The longest note, in characters (as on introductions).
pub const MAX_NOTE_CHARS: usize = 4000;

/// A note as its reader sees it.
#[derive(Debug, Serialize)]
pub struct StartupNoteView {
    pub id: Uuid,
    /// The ROM that wrote it.
    pub rom: Rom,
    pub body: String,
    /// Who wrote it; `None` once that account is gone.
    pub author_name: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Whether the reader wrote it.
    pub mine: bool,
}

impl StartupNoteView {
    fn new(row: StartupNoteRow, reader_id: Uuid) -> Self {
        StartupNoteView {
            id: row.id,
            rom: row.rom,
            body: row.body,
            author_name: row.author_name,
            created_at: row.created_at,
            mine: row.author_id == Some(reader_id),
        }
    }
}

/// The province of `startup_id`, or "not found".
fn province_of(
    connection: &mut PgConnection,
    startup_id: Uuid,
) -> Result<Option<Province>, AppError> {
    let row = startups::find(connection, startup_id)
        .optional()?
        .ok_or(AppError::not_found(Subject::Startup))?;
    Ok(row.province)
}

/// The notes on `startup_id` that `member` reads, newest first; "not
/// found" for anyone whose region the start-up is not in.
pub async fn list(
    state: &AppState,
    member: &Member,
    startup_id: Uuid,
) -> Result<Vec<StartupNoteView>, AppError> {
    let reader = member.clone();
    state
        .with_connection(move |connection| {
            let province = province_of(connection, startup_id)?;
            let reach = reader
                .startup_notes_reach(province)
                .ok_or(AppError::not_found(Subject::Startup))?;
            let rom = match reach {
                StartupNotesReach::EveryRom => None,
                StartupNotesReach::OwnRom(rom) => Some(rom),
            };
            let rows = startup_notes::list(connection, startup_id, rom)?;
            Ok(rows
                .into_iter()
                .map(|row| StartupNoteView::new(row, reader.user_id))
                .collect())
        })
        .await
}

/// `member` adds `body` as their ROM's note on `startup_id`.
pub async fn add(
    state: &AppState,
    member: &Member,
    startup_id: Uuid,
    body: &str,
) -> Result<Uuid, AppError> {
    let body = bounded_text("body", body, 1, MAX_NOTE_CHARS)?;
    let author = member.clone();
    state
        .with_connection(move |connection| {
            let province = province_of(connection, startup_id)?;
            if author.startup_notes_reach(province).is_none() {
                return Err(AppError::not_found(Subject::Startup));
            }
            let rom = author.may_write_startup_note(province)?;
            Ok(startup_notes::insert(
                connection,
                startup_id,
                rom,
                author.user_id,
                &body,
            )?)
        })
        .await
}

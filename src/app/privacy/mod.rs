//! An account's personal data (docs/privacy.md): the language of its mail,
//! the download of everything it holds (`export`), its erasure (`erasure`)
//! and the calendar feed of deadlines (`calendar`).

pub mod calendar;
pub mod erasure;
pub mod export;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{AppError, AppState};
use crate::db::personal_data;
use crate::domain::language::Language;
use crate::domain::policy::Member;

/// The language of the account's mail.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LanguageSetting {
    /// `nl` (the default) or `en`.
    pub language: Language,
}

/// The language `member`'s mail is written in.
pub async fn language(state: &AppState, member: &Member) -> Result<LanguageSetting, AppError> {
    let user_id = member.user_id;
    state
        .with_connection(move |connection| {
            let settings = personal_data::account_settings(connection, user_id)?;
            Ok(LanguageSetting {
                language: settings.language,
            })
        })
        .await
}

/// Writes `member`'s mail in `wanted.language` from now on.
pub async fn set_language(
    state: &AppState,
    member: &Member,
    wanted: LanguageSetting,
) -> Result<LanguageSetting, AppError> {
    let user_id = member.user_id;
    state
        .with_connection(move |connection| {
            personal_data::set_language(connection, user_id, wanted.language)?;
            Ok(wanted)
        })
        .await
}

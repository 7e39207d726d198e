//! Which introductions a member may start among ranked candidates, so that
//! the candidates page offers Invite or Propose only where
//! [`super::start`] would succeed.

use std::collections::HashMap;

use uuid::Uuid;

use crate::app::{AppError, AppState};
use crate::db::challenges::ChallengeRow;
use crate::db::{introductions, startups};
use crate::domain::policy::Member;

/// Where one candidate stands with the challenge, for the caller.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct PairMove {
    /// The live introduction of the pair, if any.
    pub live_introduction_id: Option<Uuid>,
    /// Whether `member` may start one now.
    pub may_introduce: bool,
}

/// The move `member` has for each of `startup_ids` with `challenge`: none
/// while the pair has a live introduction, while the challenge takes no
/// introductions, or where the rules of who introduces whom refuse.
pub(crate) async fn moves_for_candidates(
    state: &AppState,
    member: &Member,
    challenge: &ChallengeRow,
    startup_ids: Vec<Uuid>,
) -> Result<HashMap<Uuid, PairMove>, AppError> {
    let challenge_id = challenge.id;
    let challenge_organisation = challenge.organisation_id;
    let open = super::takes_introductions(challenge.status);
    let member = member.clone();
    state
        .with_connection(move |connection| {
            let live: HashMap<Uuid, Uuid> =
                introductions::live_with_startups(connection, challenge_id, &startup_ids)?
                    .into_iter()
                    .collect();
            let rows = startups::find_many(connection, &startup_ids)?;
            Ok(rows
                .into_iter()
                .map(|row| {
                    // Who may not start an introduction of the pair is no
                    // party to one either (a ROM officer looking beyond
                    // their provinces): they learn nothing of it.
                    let party = matches!(
                        member.may_start_introduction(row.province, challenge_organisation),
                        Ok(Some(_))
                    );
                    let live_introduction_id = live.get(&row.id).copied().filter(|_| party);
                    let pair = PairMove {
                        live_introduction_id,
                        may_introduce: open && party && live_introduction_id.is_none(),
                    };
                    (row.id, pair)
                })
                .collect())
        })
        .await
}

//! Which introductions a member may start among ranked pairs, so that a
//! page offers Invite or Propose only where [`super::start`] would succeed:
//! the candidates of a challenge, and the best matches of a start-up.

use std::collections::{HashMap, HashSet};

use diesel::PgConnection;
use uuid::Uuid;

use crate::app::{AppError, AppState};
use crate::db::challenges::{self, ChallengeRow};
use crate::db::introductions;
use crate::db::startups::{self, StartupRow};
use crate::domain::introduction::Side;
use crate::domain::policy::{may_take_part_in_introductions, Member};

/// Where one pair stands, for the caller.
#[derive(Debug, Clone, Copy, Default)]
pub struct PairMove {
    /// The live introduction of the pair, if any, for a party to it.
    pub live_introduction_id: Option<Uuid>,
    /// Whether the caller may start one now.
    pub may_introduce: bool,
}

/// The move `member` has for each (start-up, challenge) of `pairs`: none
/// while the pair has a live introduction, while the challenge takes no
/// introductions, or where the rules of who introduces whom refuse. A
/// caller who could not start an introduction of the pair (a ROM officer
/// beyond their provinces) is no party to one either, and learns nothing
/// of it. Pairs not found are left out.
pub async fn moves_for_pairs(
    state: &AppState,
    member: &Member,
    pairs: Vec<(Uuid, Uuid)>,
) -> Result<HashMap<(Uuid, Uuid), PairMove>, AppError> {
    let member = member.clone();
    state
        .with_connection(move |connection| moves_in(connection, &member, pairs))
        .await
}

/// [`moves_for_pairs`] on `connection`.
fn moves_in(
    connection: &mut PgConnection,
    member: &Member,
    pairs: Vec<(Uuid, Uuid)>,
) -> Result<HashMap<(Uuid, Uuid), PairMove>, AppError> {
    let startup_ids: Vec<Uuid> = pairs.iter().map(|(startup, _)| *startup).collect();
    let challenge_ids: Vec<Uuid> = pairs.iter().map(|(_, challenge)| *challenge).collect();
    let startup_rows = startups::find_many(connection, &startup_ids)?;
    let challenge_rows = challenges::find_many(connection, &challenge_ids)?;
    moves_among(connection, member, pairs, &startup_rows, &challenge_rows)
}

/// [`moves_in`] for a caller that has read the pairs' rows already:
/// `startup_rows` and `challenge_rows` hold those of every pair (and may
/// hold more).
pub(crate) fn moves_among(
    connection: &mut PgConnection,
    member: &Member,
    pairs: Vec<(Uuid, Uuid)>,
    startup_rows: &[StartupRow],
    challenge_rows: &[ChallengeRow],
) -> Result<HashMap<(Uuid, Uuid), PairMove>, AppError> {
    let startup_ids: Vec<Uuid> = pairs.iter().map(|(startup, _)| *startup).collect();
    let challenge_ids: Vec<Uuid> = pairs.iter().map(|(_, challenge)| *challenge).collect();
    let live: HashMap<(Uuid, Uuid), Uuid> =
        introductions::live_between(connection, &startup_ids, &challenge_ids)?
            .into_iter()
            .map(|(startup, challenge, introduction)| ((startup, challenge), introduction))
            .collect();
    let companies: HashMap<Uuid, _> = startup_rows
        .iter()
        .map(|row| (row.id, (row.province, row.organisation_id)))
        .collect();
    // A broker cannot propose a company whose accounts never
    // confirmed their address; procurement is not told (its
    // invitation waits for the start-up's acceptance).
    let mut barred_companies = HashSet::new();
    if member.introducing_side() == Side::Broker {
        let company_ids: Vec<Uuid> = companies.values().map(|(_, company)| *company).collect();
        for (company, addresses) in introductions::companies_addresses(connection, &company_ids)? {
            if may_take_part_in_introductions(addresses).is_err() {
                barred_companies.insert(company);
            }
        }
    }
    let challenges: HashMap<Uuid, _> = challenge_rows
        .iter()
        .map(|row| (row.id, (row.organisation_id, row.status)))
        .collect();
    Ok(pairs
        .into_iter()
        .filter_map(|pair| {
            let (province, company) = companies.get(&pair.0)?;
            let (organisation_id, status) = challenges.get(&pair.1)?;
            let party = matches!(
                member.may_start_introduction(*province, *organisation_id),
                Ok(Some(_))
            );
            let live_introduction_id = live.get(&pair).copied().filter(|_| party);
            let moves = PairMove {
                live_introduction_id,
                may_introduce: super::takes_introductions(*status)
                    && party
                    && live_introduction_id.is_none()
                    && !barred_companies.contains(company),
            };
            Some((pair, moves))
        })
        .collect())
}

//! Marks on matches: a party marks one of its matches "interesting" or
//! "not relevant", or takes the mark back. Marks belong to the marker's
//! organisation, are audited, and steer that organisation's matches for
//! the same start-up or challenge (see `search::ranking::Feedback`).
//! Procurement names a start-up by the handle of its card, never by an id.

use std::collections::HashMap;

use diesel::{Connection, PgConnection};
use uuid::Uuid;

use super::super::{challenges, startups, AppError, AppState, BlockingWork};
use crate::db::audit::{self, NewAuditEvent};
use crate::db::match_marks::{self, MarkKey};
use crate::domain::audit::{AuditAction, AuditSubject};
use crate::domain::introduction::Side;
use crate::domain::mark::{Mark, MarkDirection};
use crate::domain::policy::{Member, Viewer};
use crate::domain::startup::StartupRef;
use crate::search::ranking::Feedback;

/// Marks `mark` (or, with `None`, unmarks) challenge `challenge_id` among
/// the matches of the start-up `startup` names, for `member`'s organisation.
pub async fn mark_challenge_for_startup(
    state: &AppState,
    member: &Member,
    startup: &StartupRef,
    challenge_id: Uuid,
    mark: Option<Mark>,
) -> Result<(), AppError> {
    let viewer = Viewer::Member(member.clone());
    let startup_id = startups::resolve_for_card_reader(&state.card_handles, &viewer, startup)?;
    let member = member.clone();
    state
        .with_connection(move |connection| {
            let (startup_row, _) = startups::find_visible(connection, &viewer, startup_id)?;
            challenges::find_visible(connection, &viewer, challenge_id)?;
            let organisation_id =
                member.may_mark_challenges_for_startup(startup_row.organisation_id)?;
            let key = MarkKey {
                organisation_id,
                direction: MarkDirection::StartupToChallenge,
                query_id: startup_id,
            };
            store(connection, &member, key, challenge_id, challenge_id, mark)
        })
        .await
}

/// Marks `mark` (or, with `None`, unmarks) the start-up `startup` names
/// (procurement: by a card's handle) among the matches of challenge
/// `challenge_id`, for `member`'s organisation.
pub async fn mark_startup_for_challenge(
    state: &AppState,
    member: &Member,
    challenge_id: Uuid,
    startup: &StartupRef,
    mark: Option<Mark>,
) -> Result<(), AppError> {
    let viewer = Viewer::Member(member.clone());
    let startup_id = startups::resolve_for_card_reader(&state.card_handles, &viewer, startup)?;
    let member = member.clone();
    state
        .with_connection(move |connection| {
            let (challenge_row, _) = challenges::find_visible(connection, &viewer, challenge_id)?;
            let (startup_row, _) = startups::find_visible(connection, &viewer, startup_id)?;
            let organisation_id = member.may_mark_startups_for_challenge(
                challenge_row.organisation_id,
                startup_row.province,
            )?;
            let key = MarkKey {
                organisation_id,
                direction: MarkDirection::ChallengeToStartup,
                query_id: challenge_id,
            };
            store(connection, &member, key, startup_id, challenge_id, mark)
        })
        .await
}

/// Writes the mark and its audit event in one transaction. The event is
/// about the challenge of the pair, so the audit list names no start-up
/// as its subject.
fn store(
    connection: &mut PgConnection,
    member: &Member,
    key: MarkKey,
    item_id: Uuid,
    challenge_id: Uuid,
    mark: Option<Mark>,
) -> Result<(), AppError> {
    connection.transaction::<_, AppError, _>(|connection| {
        let action = match mark {
            Some(mark) => {
                match_marks::set(connection, key, item_id, member.user_id, mark)?;
                AuditAction::MatchMarked
            }
            None => {
                if !match_marks::remove(connection, key, item_id)? {
                    return Ok(());
                }
                AuditAction::MatchUnmarked
            }
        };
        let event = NewAuditEvent::new(
            Some(member.user_id),
            action,
            AuditSubject::Challenge,
            Some(challenge_id),
        )
        .with_detail(serde_json::json!({
            "direction": key.direction.as_str(),
            "query_id": key.query_id,
            "item_id": item_id,
            "organisation_id": key.organisation_id,
            "mark": mark.map(Mark::as_str),
        }));
        audit::record(connection, &event)?;
        Ok(())
    })
}

/// Writes the mark that `member`'s introduction move (`by_move`: which one,
/// for the audit trail) implies on the pair, on `side`'s matches: the
/// start-up's challenges, or the challenge's start-ups. A mark the member's
/// organisation set itself on the pair stays (see `match_marks::imply`).
/// Runs inside the move's transaction and is audited like a mark.
pub(crate) fn imply_from_move(
    connection: &mut PgConnection,
    member: &Member,
    side: Side,
    pair: (Uuid, Uuid),
    mark: Mark,
    by_move: &str,
) -> Result<(), AppError> {
    let Some(organisation_id) = member.organisation_marked_by_moves() else {
        return Ok(());
    };
    let (startup_id, challenge_id) = pair;
    let (direction, query_id, item_id) = match side {
        Side::Startup => (MarkDirection::StartupToChallenge, startup_id, challenge_id),
        Side::Procurement | Side::Broker => {
            (MarkDirection::ChallengeToStartup, challenge_id, startup_id)
        }
    };
    let key = MarkKey {
        organisation_id,
        direction,
        query_id,
    };
    if !match_marks::imply(connection, key, item_id, member.user_id, mark)? {
        return Ok(());
    }
    let event = NewAuditEvent::new(
        Some(member.user_id),
        AuditAction::MatchMarked,
        AuditSubject::Challenge,
        Some(challenge_id),
    )
    .with_detail(serde_json::json!({
        "direction": direction.as_str(),
        "query_id": query_id,
        "item_id": item_id,
        "organisation_id": organisation_id,
        "mark": mark.as_str(),
        "implied_by": by_move,
    }));
    audit::record(connection, &event)?;
    Ok(())
}

/// The row of a match's query, read by `find` (which checks that `viewer`
/// may see it), and the marks of `viewer`'s organisation on its matches,
/// both on one pooled connection.
pub(super) fn query_and_marks<Row>(
    work: &BlockingWork<'_>,
    viewer: &Viewer,
    direction: MarkDirection,
    query_id: Uuid,
    find: impl FnOnce(&mut PgConnection) -> Result<Row, AppError>,
) -> Result<(Row, HashMap<Uuid, Mark>), AppError> {
    let mut connection = work.connection()?;
    let row = find(&mut connection)?;
    let marks = marks_in(&mut connection, viewer, direction, query_id)?;
    Ok((row, marks))
}

/// The marks of `viewer`'s organisation on the matches of `query_id`, by
/// item; none for a viewer without an organisation.
fn marks_in(
    connection: &mut PgConnection,
    viewer: &Viewer,
    direction: MarkDirection,
    query_id: Uuid,
) -> Result<HashMap<Uuid, Mark>, AppError> {
    let Some(organisation_id) = viewer.member().and_then(|member| member.organisation_id) else {
        return Ok(HashMap::new());
    };
    let key = MarkKey {
        organisation_id,
        direction,
        query_id,
    };
    Ok(match_marks::list(connection, key)?.into_iter().collect())
}

/// The feedback that ranking reads from `marks`.
pub(super) fn feedback_of(marks: &HashMap<Uuid, Mark>) -> Feedback {
    let mut feedback = Feedback::default();
    for (item_id, mark) in marks {
        match mark {
            Mark::Interesting => feedback.interesting.push(*item_id),
            Mark::NotRelevant => feedback.rejected.push(*item_id),
        }
    }
    // Sorted, so that one set of marks always ranks the same.
    feedback.interesting.sort_unstable();
    feedback.rejected.sort_unstable();
    feedback
}

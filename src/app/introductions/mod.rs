//! Introductions: a ROM officer proposes one, a start-up expresses
//! interest, or procurement invites a start-up; both sides accept before
//! anyone is named. Only the parties (the start-up company, the
//! challenge's organisation, the ROM officers of the start-up's province)
//! and admins see an introduction; to anyone else it is "not found", like
//! a missing one. Who may do what, and what each side sees, is asked of
//! `domain::policy`; which move is allowed, of `domain::introduction`.

mod input;
mod moves;
mod view;

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::{Connection, OptionalExtension, PgConnection};
use uuid::Uuid;

pub use self::input::{NewIntroductionRequest, NewNoteRequest, TransitionRequest};
pub(crate) use self::moves::moves_among;
pub use self::moves::{moves_for_pairs, PairMove};
pub use self::view::{ContactView, IntroducedChallenge, IntroductionView, NoteView};
use super::page::{checked_page, Paginated};
use super::{AppError, AppState, Conflict, InvalidTransition, Subject};
use crate::app::matching::imply_from_move;
use crate::app::startups::{resolve_for_card_reader, CardIssuer, StartupView};
use crate::auth::card_handles::CardHandleKeys;
use crate::db::challenges::{self, ChallengeRow};
use crate::db::introductions::{
    self, IntroductionFilter, IntroductionRow, NewIntroduction, StateChange,
};
use crate::db::startups::{self, StartupRow};
use crate::db::{organisations, users};
use crate::domain::challenge::ChallengeStatus;
use crate::domain::introduction::{
    IntroductionAction, IntroductionState, Side, Transition, MAX_MESSAGE_CHARS,
};
use crate::domain::mark::Mark;
use crate::domain::policy::{
    may_learn_vetting_status, notes_readable_by, reads_shared_notes, sees_procurement_contact,
    startup_access_in_introduction, IntroductionBar, Member, StartupAccess, Viewer,
};
use crate::domain::startup::StartupRef;
use crate::domain::text::{bounded_text, without_control_characters};
use crate::domain::Rule;

/// What a list of introductions asks for.
#[derive(Debug, Clone, Default)]
pub struct IntroductionListFilter {
    /// Any of these states; empty means any.
    pub states: Vec<IntroductionState>,
    pub challenge_id: Option<Uuid>,
    pub startup_id: Option<Uuid>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// `member` starts an introduction; who asks decides how it starts (see
/// [`Member::may_start_introduction`]), and whoever starts it has accepted it.
pub async fn start(
    state: &AppState,
    member: &Member,
    input: NewIntroductionRequest,
) -> Result<IntroductionView, AppError> {
    // A blank message is no message.
    let message = input
        .message
        .as_deref()
        .filter(|message| !without_control_characters(message).trim().is_empty())
        .map(|message| bounded_text("message", message, 1, MAX_MESSAGE_CHARS))
        .transpose()?;
    let starter = member.clone();
    let keys = state.card_handles.clone();
    let view = state
        .with_connection(move |connection| {
            let viewer = Viewer::Member(starter.clone());
            let challenge = challenges::find(connection, input.challenge_id)
                .optional()?
                .filter(|challenge| viewer.can_see_challenge(challenge.exposure()))
                .ok_or(AppError::not_found_in(Subject::Challenge, "challenge_id"))?;
            let startup_id =
                startup_to_introduce(connection, &keys, &starter, input.startup_id.as_ref())?;
            let startup = startups::find(connection, startup_id)
                .optional()?
                .ok_or(AppError::not_found_in(Subject::Startup, "startup_id"))?;
            let (origin, broker_rom) = starter
                .may_start_introduction(startup.province, challenge.organisation_id)?
                .ok_or(AppError::not_found_in(Subject::Startup, "startup_id"))?;
            if !takes_introductions(challenge.status) {
                return Err(Conflict::ChallengeNotTakingIntroductions(challenge.status).into());
            }
            match introductions::startup_may_see(connection, &startup, &challenge)? {
                Ok(()) => {}
                // Checked again when the start-up accepts (`transition`).
                Err(IntroductionBar::NotVetted | IntroductionBar::AddressUnverified)
                    if !may_learn_vetting_status(starter.introducing_side()) => {}
                Err(bar) => return Err(conflict_of(bar).into()),
            }
            let new = NewIntroduction {
                startup_id: startup.id,
                challenge_id: challenge.id,
                origin,
                initiated_by: starter.user_id,
                broker_rom,
                message,
            };
            let row = connection.transaction::<_, AppError, _>(|connection| {
                let row = introductions::insert(connection, &new).map_err(insert_error)?;
                // Expressing interest, inviting and proposing count as a
                // mark "interesting" on the starter's own matches.
                imply_from_move(
                    connection,
                    &starter,
                    starter.introducing_side(),
                    (startup.id, challenge.id),
                    Mark::Interesting,
                    origin.as_str(),
                )?;
                Ok(row)
            })?;
            let loaded = load_involved(connection, &starter, row)?;
            view_of(connection, &keys, &starter, loaded)
        })
        .await?;
    tracing::info!(introduction_id = %view.id, origin = %view.origin, "introduction started");
    Ok(view)
}

/// One page of the introductions `member` is a party to that pass
/// `filter`, newest first: a start-up its own, procurement those on its
/// organisation's challenges, a ROM officer those of start-ups in their
/// provinces, admins all.
pub async fn list(
    state: &AppState,
    member: &Member,
    filter: IntroductionListFilter,
) -> Result<Paginated<IntroductionView>, AppError> {
    let page = checked_page(filter.page, filter.per_page)?;
    if filter.startup_id.is_some() {
        member.may_filter_introductions_by_startup()?;
    }
    let query = IntroductionFilter {
        states: filter.states,
        challenge_id: filter.challenge_id,
        startup_id: filter.startup_id,
    };
    let scope = member.introduction_listing();
    let reader = member.clone();
    let keys = state.card_handles.clone();
    let (items, total) = state
        .with_connection(move |connection| {
            let paged = introductions::list(connection, &scope, &query, page)?;
            let mut items = Vec::with_capacity(paged.rows.len());
            for row in paged.rows {
                let loaded = load_involved(connection, &reader, row)?;
                items.push(view_of(connection, &keys, &reader, loaded)?);
            }
            Ok((items, paged.total))
        })
        .await?;
    Ok(Paginated::new(items, page, total))
}

/// Introduction `introduction_id` as `member`'s side may see it; "not
/// found" when they are no party.
pub async fn get(
    state: &AppState,
    member: &Member,
    introduction_id: Uuid,
) -> Result<IntroductionView, AppError> {
    let reader = member.clone();
    let keys = state.card_handles.clone();
    state
        .with_connection(move |connection| {
            let loaded = load_by_id(connection, &reader, introduction_id)?;
            view_of(connection, &keys, &reader, loaded)
        })
        .await
}

/// Moves introduction `introduction_id` on as `member`, from version
/// `expected_version`: accept, decline, withdraw, record the meeting or
/// the outcome. The second acceptance introduces the pair and reveals the
/// contacts; a move the current state does not allow for the member's side
/// is refused.
pub async fn transition(
    state: &AppState,
    member: &Member,
    introduction_id: Uuid,
    expected_version: i32,
    input: TransitionRequest,
) -> Result<IntroductionView, AppError> {
    let input_action = input.action;
    let transition = Transition::new(input.action, input.outcome, input.reason)?;
    let mover = member.clone();
    let keys = state.card_handles.clone();
    let view = state
        .with_connection(move |connection| {
            let loaded = load_by_id(connection, &mover, introduction_id)?;
            if loaded.row.version != expected_version {
                return Err(AppError::Stale {
                    current_version: loaded.row.version,
                });
            }
            let next = loaded
                .row
                .state
                .after(&transition, loaded.side, loaded.row.origin)
                .map_err(InvalidTransition::Introduction)?;
            if matches!(transition, Transition::Accept) {
                mover.may_accept_introductions()?;
                // The challenge may have become vetted or ABDO-only since
                // the introduction started: the rules hold at acceptance.
                let (startup, challenge) = (&loaded.startup, &loaded.challenge);
                if let Err(bar) = introductions::startup_may_see(connection, startup, challenge)? {
                    return Err(match bar {
                        IntroductionBar::NotVetted | IntroductionBar::AddressUnverified
                            if !may_learn_vetting_status(loaded.side) =>
                        {
                            Conflict::IntroductionCannotComplete
                        }
                        bar => conflict_of(bar),
                    }
                    .into());
                }
            }
            let reason = match &transition {
                Transition::Decline { reason }
                | Transition::Withdraw { reason }
                | Transition::RecordOutcome { reason, .. } => reason.clone(),
                Transition::Accept | Transition::RecordMeeting => None,
            };
            let change = StateChange {
                actor_id: mover.user_id,
                side: loaded.side,
                to: next,
                reason,
            };
            let implied_mark = match &transition {
                Transition::Accept => Some(Mark::Interesting),
                Transition::Decline { .. } => Some(Mark::NotRelevant),
                _ => None,
            };
            let pair = (loaded.startup.id, loaded.challenge.id);
            let row = connection.transaction::<_, AppError, _>(|connection| {
                let row = introductions::change_state_if_version(
                    connection,
                    introduction_id,
                    expected_version,
                    &change,
                )?
                .ok_or_else(|| stale(connection, introduction_id, expected_version))?;
                // Accepting counts as a mark "interesting" on the mover's
                // own matches, declining as "not relevant".
                if let Some(mark) = implied_mark {
                    imply_from_move(
                        connection,
                        &mover,
                        loaded.side,
                        pair,
                        mark,
                        input_action.as_str(),
                    )?;
                }
                Ok(row)
            })?;
            let loaded = Loaded { row, ..loaded };
            view_of(connection, &keys, &mover, loaded)
        })
        .await?;
    tracing::info!(%introduction_id, state = %view.state, "introduction moved");
    Ok(view)
}

/// `message` as procurement would read it about the start-up `startup`
/// names before the reveal (redacted like its card), for the broker
/// writing it; "not found" for a start-up `member` may not see in full.
pub async fn message_as_procurement_reads_it(
    state: &AppState,
    member: &Member,
    startup: &StartupRef,
    message: String,
) -> Result<String, AppError> {
    let viewer = Viewer::Member(member.clone());
    let startup_id = resolve_for_card_reader(&state.card_handles, &viewer, startup)?;
    state
        .with_connection(move |connection| {
            let startup = startups::find(connection, startup_id)
                .optional()?
                .filter(|startup| {
                    viewer.startup_access(startup.organisation_id, startup.province)
                        == StartupAccess::Full
                })
                .ok_or(AppError::not_found(Subject::Startup))?;
            Ok(startups::redactor_of(connection, &startup)?.redact(&message))
        })
        .await
}

/// Adds a note to introduction `introduction_id` as `member`; it is
/// private to the author's side unless shared.
pub async fn add_note(
    state: &AppState,
    member: &Member,
    introduction_id: Uuid,
    input: NewNoteRequest,
) -> Result<NoteView, AppError> {
    let text = bounded_text("body", &input.body, 1, MAX_MESSAGE_CHARS)?;
    let author = member.clone();
    state
        .with_connection(move |connection| {
            let loaded = load_by_id(connection, &author, introduction_id)?;
            let note = introductions::insert_note(
                connection,
                introduction_id,
                author.user_id,
                loaded.side,
                &text,
                input.shared,
            )?;
            Ok(NoteView::new(note, author.user_id))
        })
        .await
}

/// Whether a challenge in `status` takes new introductions.
fn takes_introductions(status: ChallengeStatus) -> bool {
    matches!(status, ChallengeStatus::Published | ChallengeStatus::Open)
}

/// The start-up `member` introduces: a start-up account its own company
/// (which needs its profile), everyone else the one they name.
fn startup_to_introduce(
    connection: &mut PgConnection,
    keys: &CardHandleKeys,
    member: &Member,
    named: Option<&StartupRef>,
) -> Result<Uuid, AppError> {
    let viewer = Viewer::Member(member.clone());
    let named = named
        .map(|reference| {
            resolve_for_card_reader(keys, &viewer, reference)
                .map_err(|_| AppError::not_found_in(Subject::Startup, "startup_id"))
        })
        .transpose()?;
    if member.introducing_side() != Side::Startup {
        return named.ok_or(AppError::invalid(
            "startup_id",
            Rule::StartupToIntroduceMissing,
        ));
    }
    let own = member
        .organisation_id
        .map(|organisation_id| startups::find_id_by_organisation(connection, organisation_id))
        .transpose()?
        .flatten()
        .ok_or(Conflict::ProfileNeeded)?;
    if named.is_some_and(|named| named != own) {
        return Err(AppError::not_found_in(Subject::Startup, "startup_id"));
    }
    Ok(own)
}

/// The conflict of a start-up that may not be introduced to the challenge.
fn conflict_of(bar: IntroductionBar) -> Conflict {
    match bar {
        IntroductionBar::NotVetted => Conflict::StartupNotVetted,
        IntroductionBar::WithoutClearance => Conflict::StartupWithoutClearance,
        IntroductionBar::AddressUnverified => Conflict::StartupAddressUnverified,
    }
}

/// The error of an insert: a live introduction of the pair exists already
/// (the unique index), or the challenge closed meanwhile (the insert's
/// rollback, see `db::introductions::insert`).
fn insert_error(error: DieselError) -> AppError {
    match error {
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
            Conflict::LiveIntroduction.into()
        }
        DieselError::RollbackTransaction => Conflict::ChallengeClosedMeanwhile.into(),
        other => other.into(),
    }
}

/// The stale error of a conditional move that found another version.
fn stale(connection: &mut PgConnection, introduction_id: Uuid, expected_version: i32) -> AppError {
    AppError::Stale {
        current_version: introductions::find(connection, introduction_id)
            .map(|row| row.version)
            .unwrap_or(expected_version),
    }
}

/// Everything a view of one introduction is built from.
struct Loaded {
    row: IntroductionRow,
    startup: StartupRow,
    challenge: ChallengeRow,
    organisation_name: String,
    side: Side,
}

/// An introduction `member` is a party to, with the side they act for;
/// "not found" when they are no party.
fn load_involved(
    connection: &mut PgConnection,
    member: &Member,
    row: IntroductionRow,
) -> Result<Loaded, AppError> {
    let startup = startups::find(connection, row.startup_id)?;
    let challenge = challenges::find(connection, row.challenge_id)?;
    let side = member
        .side_in_introduction(
            startup.organisation_id,
            startup.province,
            challenge.organisation_id,
        )
        .ok_or(AppError::not_found(Subject::Introduction))?;
    let organisation_name = organisations::find(connection, challenge.organisation_id)?.name;
    Ok(Loaded {
        row,
        startup,
        challenge,
        organisation_name,
        side,
    })
}

fn load_by_id(
    connection: &mut PgConnection,
    member: &Member,
    introduction_id: Uuid,
) -> Result<Loaded, AppError> {
    let row = introductions::find(connection, introduction_id)
        .optional()?
        .ok_or(AppError::not_found(Subject::Introduction))?;
    load_involved(connection, member, row)
}

/// The view of `loaded` for `member`: the start-up, the procurement
/// officer's contact and the notes as far as `domain::policy` reveals them
/// to their side, and the challenge only if they may see it themselves.
fn view_of(
    connection: &mut PgConnection,
    keys: &CardHandleKeys,
    member: &Member,
    loaded: Loaded,
) -> Result<IntroductionView, AppError> {
    let Loaded {
        row,
        startup,
        challenge,
        organisation_name,
        side,
    } = loaded;
    let mut row = row;
    let revealed = row.introduced_at.is_some();
    let access = startup_access_in_introduction(side, revealed);
    if access == StartupAccess::Anonymised {
        // Whatever the broker or the start-up wrote reaches an anonymous
        // reader redacted like the card.
        let redactor = startups::redactor_of(connection, &startup)?;
        row.message = row.message.as_deref().map(|text| redactor.redact(text));
        row.reason = row.reason.as_deref().map(|text| redactor.redact(text));
    }
    let cards = CardIssuer::for_introduction(keys, &Viewer::Member(member.clone()), row.id);
    let startup_view = StartupView::for_access(startup, access, &cards)
        .ok_or(AppError::not_found(Subject::Introduction))?;
    let procurement_contact = match challenge.created_by {
        Some(creator) if sees_procurement_contact(member, side, revealed) => {
            users::find(connection, creator)
                .optional()?
                .map(|user| ContactView {
                    name: user.display_name,
                    email: user.email.as_str().to_owned(),
                })
        }
        _ => None,
    };
    let notes =
        introductions::notes_visible_to(connection, row.id, notes_readable_by(member, side))?
            .into_iter()
            .filter(|note| note.side == side || reads_shared_notes(side, revealed))
            .map(|note| NoteView::new(note, member.user_id))
            .collect();
    let visible = Viewer::Member(member.clone()).can_see_challenge(challenge.exposure());
    let challenge_view = IntroducedChallenge {
        id: challenge.id,
        visible,
        title: visible.then_some(challenge.title),
        organisation_name: visible.then_some(organisation_name),
        status: visible.then_some(challenge.status),
        closes_at: challenge.closes_at.filter(|_| visible),
    };
    let mut view = IntroductionView::new(
        row,
        challenge_view,
        startup_view,
        procurement_contact,
        Some(side),
        notes,
    );
    if member.may_accept_introductions().is_err() {
        view.allowed_actions
            .retain(|action| *action != IntroductionAction::Accept);
    }
    Ok(view)
}

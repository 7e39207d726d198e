//! Introductions between a start-up and a challenge: how they start, which
//! side may do what in which state, and when contacts are revealed. Every
//! transition is decided here, in [`IntroductionState::after`]; the handlers
//! and the database only apply its answer. The model is the Enterprise
//! Europe Network's expression of interest: double opt-in, and anonymous
//! until both sides accept.

use crate::text_enum;

use super::{Rule, ValidationError};

text_enum! {
    /// Where an introduction stands.
    pub enum IntroductionState {
        /// A ROM officer (or an admin) proposed it; neither side accepted yet.
        Proposed => "proposed",
        /// The start-up expressed interest; procurement has not answered yet.
        Requested => "requested",
        AcceptedByStartup => "accepted_by_startup",
        /// Procurement accepted, or invited the start-up; the start-up has not answered yet.
        AcceptedByProcurement => "accepted_by_procurement",
        /// Both sides accepted: contacts are revealed.
        Introduced => "introduced",
        MeetingHeld => "meeting_held",
        Pilot => "pilot",
        Contract => "contract",
        NoFit => "no_fit",
        Declined => "declined",
        Withdrawn => "withdrawn",
        /// The challenge closed before both sides accepted.
        Expired => "expired",
    }
}

text_enum! {
    /// How an introduction started.
    pub enum IntroductionOrigin {
        /// Proposed by a ROM officer for a start-up of their provinces.
        Brokered => "brokered",
        /// The start-up expressed interest in the challenge.
        StartupRequest => "startup_request",
        /// A procurement officer invited the start-up.
        ProcurementInvitation => "procurement_invitation",
    }
}

text_enum! {
    /// The party someone acts for in an introduction.
    pub enum Side {
        Startup => "startup",
        Procurement => "procurement",
        /// The ROM officer of the start-up's province, or an admin.
        Broker => "broker",
    }
}

text_enum! {
    /// What a party asks to do with an introduction.
    pub enum IntroductionAction {
        Accept => "accept",
        Decline => "decline",
        Withdraw => "withdraw",
        RecordMeeting => "record_meeting",
        RecordOutcome => "record_outcome",
    }
}

text_enum! {
    /// How an introduction ended after the meeting.
    pub enum Outcome {
        Pilot => "pilot",
        Contract => "contract",
        NoFit => "no_fit",
    }
}

/// Longest reason or feedback, in characters.
pub const MAX_REASON_CHARS: usize = 2000;
/// Longest message or note, in characters.
pub const MAX_MESSAGE_CHARS: usize = 4000;

/// A validated request to move an introduction on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transition {
    Accept,
    /// The reason, if given, is shared with the other side as feedback.
    Decline {
        reason: Option<String>,
    },
    Withdraw {
        reason: Option<String>,
    },
    RecordMeeting,
    /// `no_fit` needs a reason.
    RecordOutcome {
        outcome: Outcome,
        reason: Option<String>,
    },
}

impl Transition {
    /// Builds a transition from the fields of a request.
    pub fn new(
        action: IntroductionAction,
        outcome: Option<Outcome>,
        reason: Option<String>,
    ) -> Result<Self, ValidationError> {
        let reason = reason
            .map(|reason| {
                super::text::without_control_characters(&reason)
                    .trim()
                    .to_owned()
            })
            .filter(|reason| !reason.is_empty());
        if reason
            .as_ref()
            .is_some_and(|reason| reason.chars().count() > MAX_REASON_CHARS)
        {
            return Err(ValidationError::new(
                "reason",
                Rule::TooLong {
                    max: MAX_REASON_CHARS,
                },
            ));
        }
        if outcome.is_some() && action != IntroductionAction::RecordOutcome {
            return Err(ValidationError::new(
                "outcome",
                Rule::OutcomeOnlyWithRecordOutcome,
            ));
        }
        let without_reason = |transition: Transition| match reason {
            Some(_) => Err(ValidationError::new("reason", Rule::ReasonNotTaken)),
            None => Ok(transition),
        };
        match action {
            IntroductionAction::Accept => without_reason(Transition::Accept),
            IntroductionAction::RecordMeeting => without_reason(Transition::RecordMeeting),
            IntroductionAction::Decline => Ok(Transition::Decline { reason }),
            IntroductionAction::Withdraw => Ok(Transition::Withdraw { reason }),
            IntroductionAction::RecordOutcome => {
                let Some(outcome) = outcome else {
                    return Err(ValidationError::new("outcome", Rule::OutcomeRequired));
                };
                if outcome == Outcome::NoFit && reason.is_none() {
                    return Err(ValidationError::new("reason", Rule::NoFitNeedsReason));
                }
                Ok(Transition::RecordOutcome { outcome, reason })
            }
        }
    }

    /// The action this transition performs.
    pub fn action(&self) -> IntroductionAction {
        match self {
            Transition::Accept => IntroductionAction::Accept,
            Transition::Decline { .. } => IntroductionAction::Decline,
            Transition::Withdraw { .. } => IntroductionAction::Withdraw,
            Transition::RecordMeeting => IntroductionAction::RecordMeeting,
            Transition::RecordOutcome { .. } => IntroductionAction::RecordOutcome,
        }
    }
}

/// Why a transition was refused (the API answers 409 with this message).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionRefused {
    #[error("the introduction is {0} and can no longer change")]
    NoLongerLive(IntroductionState),
    #[error("the introduction is already {0}")]
    AlreadyIntroduced(IntroductionState),
    #[error("only the start-up and procurement accept; a broker proposes")]
    BrokerDoesNotAccept,
    #[error("the {0} side has accepted already")]
    AlreadyAccepted(Side),
    #[error("only the start-up or procurement can decline; a broker withdraws")]
    BrokerDoesNotDecline,
    #[error("an introduction that is {0} cannot be declined; record the outcome instead")]
    TooLateToDecline(IntroductionState),
    #[error("only the {0} side, which started it, can withdraw it; decline instead")]
    OnlyInitiatorWithdraws(Side),
    #[error("the {0} side started it, so it withdraws it rather than declining")]
    InitiatorWithdraws(Side),
    #[error("a meeting can be recorded once introduced; the introduction is {0}")]
    MeetingBeforeIntroduction(IntroductionState),
    #[error("an outcome can be recorded after the meeting; the introduction is {0}")]
    OutcomeBeforeMeeting(IntroductionState),
}

impl IntroductionOrigin {
    /// The state a new introduction starts in: whoever starts it has
    /// accepted it already.
    pub fn initial_state(self) -> IntroductionState {
        match self {
            IntroductionOrigin::Brokered => IntroductionState::Proposed,
            IntroductionOrigin::StartupRequest => IntroductionState::Requested,
            IntroductionOrigin::ProcurementInvitation => IntroductionState::AcceptedByProcurement,
        }
    }

    /// The side that started it, and so may withdraw it.
    pub fn initiator(self) -> Side {
        match self {
            IntroductionOrigin::Brokered => Side::Broker,
            IntroductionOrigin::StartupRequest => Side::Startup,
            IntroductionOrigin::ProcurementInvitation => Side::Procurement,
        }
    }
}

impl IntroductionState {
    /// Whether the introduction still runs (at most one per pair may).
    pub fn is_live(self) -> bool {
        self.before_introduction()
            || matches!(
                self,
                IntroductionState::Introduced | IntroductionState::MeetingHeld
            )
    }

    /// Whether both sides have yet to accept (and the pair is still anonymous).
    pub fn before_introduction(self) -> bool {
        matches!(
            self,
            IntroductionState::Proposed
                | IntroductionState::Requested
                | IntroductionState::AcceptedByStartup
                | IntroductionState::AcceptedByProcurement
        )
    }

    /// Whether `side` has accepted in this state (before the introduction).
    pub fn accepted_by(self, side: Side) -> bool {
        match side {
            Side::Startup => matches!(
                self,
                IntroductionState::Requested | IntroductionState::AcceptedByStartup
            ),
            Side::Procurement => self == IntroductionState::AcceptedByProcurement,
            Side::Broker => false,
        }
    }

    /// The state after `side` performs `transition` on an introduction of
    /// `origin`, or why that is not allowed. This is the one place the
    /// transitions are written down:
    ///
    /// - accept: by the start-up or procurement while both have not yet
    ///   accepted; the second acceptance makes it `introduced`;
    /// - decline: by the start-up or procurement that did not start it,
    ///   before the introduction;
    /// - withdraw: by the side that started it before the introduction,
    ///   by any party after it, while it is live;
    /// - record_meeting: by anyone involved, once introduced;
    /// - record_outcome (pilot, contract, no_fit): by anyone involved,
    ///   once the meeting was held;
    /// - expiry is not asked for: the database applies it when the
    ///   challenge closes (migration `introductions`).
    pub fn after(
        self,
        transition: &Transition,
        side: Side,
        origin: IntroductionOrigin,
    ) -> Result<IntroductionState, TransitionRefused> {
        use IntroductionState::*;
        if !self.is_live() {
            return Err(TransitionRefused::NoLongerLive(self));
        }
        match transition {
            Transition::Accept => {
                if !self.before_introduction() {
                    return Err(TransitionRefused::AlreadyIntroduced(self));
                }
                let other = match side {
                    Side::Startup => Side::Procurement,
                    Side::Procurement => Side::Startup,
                    Side::Broker => return Err(TransitionRefused::BrokerDoesNotAccept),
                };
                if self.accepted_by(side) {
                    return Err(TransitionRefused::AlreadyAccepted(side));
                }
                Ok(if self.accepted_by(other) {
                    Introduced
                } else if side == Side::Startup {
                    AcceptedByStartup
                } else {
                    AcceptedByProcurement
                })
            }
            Transition::Decline { .. } => {
                if side == Side::Broker {
                    return Err(TransitionRefused::BrokerDoesNotDecline);
                }
                if !self.before_introduction() {
                    return Err(TransitionRefused::TooLateToDecline(self));
                }
                // Declining answers the other side's request; one's own
                // request is withdrawn.
                if side == origin.initiator() {
                    return Err(TransitionRefused::InitiatorWithdraws(side));
                }
                Ok(Declined)
            }
            Transition::Withdraw { .. } => {
                // Once introduced, either party may end it (a silent
                // initiator must not keep the pair blocked); before, only
                // the side that started it withdraws, the other declines.
                if self.before_introduction() && side != origin.initiator() {
                    return Err(TransitionRefused::OnlyInitiatorWithdraws(
                        origin.initiator(),
                    ));
                }
                Ok(Withdrawn)
            }
            Transition::RecordMeeting => match self {
                Introduced => Ok(MeetingHeld),
                _ => Err(TransitionRefused::MeetingBeforeIntroduction(self)),
            },
            Transition::RecordOutcome { outcome, .. } => match self {
                MeetingHeld => Ok(match outcome {
                    Outcome::Pilot => Pilot,
                    Outcome::Contract => Contract,
                    Outcome::NoFit => NoFit,
                }),
                _ => Err(TransitionRefused::OutcomeBeforeMeeting(self)),
            },
        }
    }

    /// The actions `side` may take now, for the client to offer.
    pub fn allowed_actions(
        self,
        side: Side,
        origin: IntroductionOrigin,
    ) -> Vec<IntroductionAction> {
        let probes = [
            Transition::Accept,
            Transition::Decline { reason: None },
            Transition::Withdraw { reason: None },
            Transition::RecordMeeting,
            Transition::RecordOutcome {
                outcome: Outcome::Pilot,
                reason: None,
            },
        ];
        probes
            .iter()
            .filter(|transition| self.after(transition, side, origin).is_ok())
            .map(Transition::action)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use IntroductionState::*;

    fn accept(
        state: IntroductionState,
        side: Side,
    ) -> Result<IntroductionState, TransitionRefused> {
        state.after(&Transition::Accept, side, IntroductionOrigin::Brokered)
    }

    #[test]
    fn a_side_withdraws_its_own_request_and_only_the_other_side_declines_it() {
        let origin = IntroductionOrigin::StartupRequest;
        let startup = Requested.allowed_actions(Side::Startup, origin);
        assert!(
            startup.contains(&IntroductionAction::Withdraw),
            "{startup:?}"
        );
        assert!(
            !startup.contains(&IntroductionAction::Decline),
            "{startup:?}"
        );
        let procurement = Requested.allowed_actions(Side::Procurement, origin);
        assert!(
            procurement.contains(&IntroductionAction::Decline),
            "{procurement:?}"
        );
        assert!(
            !procurement.contains(&IntroductionAction::Withdraw),
            "{procurement:?}"
        );
        assert_eq!(
            Requested.after(&Transition::Decline { reason: None }, Side::Startup, origin),
            Err(TransitionRefused::InitiatorWithdraws(Side::Startup))
        );
        // A broker's proposal is declined by either side.
        let brokered = IntroductionOrigin::Brokered;
        assert!(Proposed
            .allowed_actions(Side::Startup, brokered)
            .contains(&IntroductionAction::Decline));
    }

    #[test]
    fn both_sides_accept_in_either_order_and_then_they_are_introduced() {
        assert_eq!(accept(Proposed, Side::Startup), Ok(AcceptedByStartup));
        assert_eq!(accept(AcceptedByStartup, Side::Procurement), Ok(Introduced));
        assert_eq!(
            accept(Proposed, Side::Procurement),
            Ok(AcceptedByProcurement)
        );
        assert_eq!(accept(AcceptedByProcurement, Side::Startup), Ok(Introduced));
        assert_eq!(accept(Requested, Side::Procurement), Ok(Introduced));
    }

    #[test]
    fn nobody_accepts_twice_and_brokers_do_not_accept() {
        assert!(accept(Requested, Side::Startup).is_err());
        assert!(accept(AcceptedByProcurement, Side::Procurement).is_err());
        assert!(accept(Proposed, Side::Broker).is_err());
        assert!(accept(Introduced, Side::Startup).is_err());
    }

    #[test]
    fn ended_introductions_never_move() {
        for ended in [Pilot, Contract, NoFit, Declined, Withdrawn, Expired] {
            for side in Side::ALL {
                assert!(ended
                    .allowed_actions(*side, IntroductionOrigin::Brokered)
                    .is_empty());
            }
        }
    }

    #[test]
    fn only_the_initiator_withdraws() {
        let withdraw = Transition::Withdraw { reason: None };
        assert_eq!(
            Proposed.after(&withdraw, Side::Broker, IntroductionOrigin::Brokered),
            Ok(Withdrawn)
        );
        assert!(Proposed
            .after(&withdraw, Side::Startup, IntroductionOrigin::Brokered)
            .is_err());
        assert_eq!(
            Requested.after(&withdraw, Side::Startup, IntroductionOrigin::StartupRequest),
            Ok(Withdrawn)
        );
        // Once introduced, any party may end it.
        assert_eq!(
            Introduced.after(&withdraw, Side::Startup, IntroductionOrigin::Brokered),
            Ok(Withdrawn)
        );
    }

    #[test]
    fn no_fit_needs_a_reason_and_outcomes_follow_the_meeting() {
        assert!(Transition::new(
            IntroductionAction::RecordOutcome,
            Some(Outcome::NoFit),
            None
        )
        .is_err());
        let pilot = Transition::new(
            IntroductionAction::RecordOutcome,
            Some(Outcome::Pilot),
            None,
        )
        .unwrap();
        assert!(Introduced
            .after(&pilot, Side::Startup, IntroductionOrigin::Brokered)
            .is_err());
        assert_eq!(
            MeetingHeld.after(&pilot, Side::Procurement, IntroductionOrigin::Brokered),
            Ok(Pilot)
        );
    }
}

//! Handles for the anonymous cards an answer or an introduction carries
//! (`auth::card_handles`): one context per answer, so that no two answers
//! share a handle, and one per introduction, stable while it lasts.

use rand::RngCore;
use uuid::Uuid;

use crate::auth::card_handles::CardHandleKeys;
use crate::domain::policy::Viewer;
use crate::domain::startup::CardHandle;

/// Issues the handles of the cards one reader gets in one context.
#[derive(Debug, Clone)]
pub(crate) struct CardIssuer {
    keys: CardHandleKeys,
    reader: Uuid,
    context: Vec<u8>,
}

impl CardIssuer {
    /// For the cards of one answer (a list, a search, a set of matches).
    pub(crate) fn for_answer(keys: &CardHandleKeys, viewer: &Viewer) -> Self {
        let mut context = vec![0u8; 16];
        rand::thread_rng().fill_bytes(&mut context);
        CardIssuer {
            keys: keys.clone(),
            reader: reader_of(viewer),
            context,
        }
    }

    /// For the card of introduction `introduction_id`: the same handle on every read.
    pub(crate) fn for_introduction(
        keys: &CardHandleKeys,
        viewer: &Viewer,
        introduction_id: Uuid,
    ) -> Self {
        let mut context = b"introduction:".to_vec();
        context.extend_from_slice(introduction_id.as_bytes());
        CardIssuer {
            keys: keys.clone(),
            reader: reader_of(viewer),
            context,
        }
    }

    /// The handle of start-up `startup_id`'s card.
    pub(crate) fn handle(&self, startup_id: Uuid) -> CardHandle {
        self.keys.seal(self.reader, &self.context, startup_id)
    }
}

/// The start-up id in `handle`, when it was issued to `viewer`.
pub(crate) fn open(keys: &CardHandleKeys, viewer: &Viewer, handle: &CardHandle) -> Option<Uuid> {
    keys.open(reader_of(viewer), handle)
}

/// Whom a handle is issued to: the reader's organisation, so colleagues can
/// share a link; a user without one reads for themself.
fn reader_of(viewer: &Viewer) -> Uuid {
    match viewer {
        Viewer::Member(member) => member.organisation_id.unwrap_or(member.user_id),
        Viewer::Anonymous => Uuid::nil(),
    }
}

-- Marks a party puts on its own matches: "interesting" or "not relevant".
-- Private to the marking organisation; they re-rank that organisation's
-- matches for the same query (a start-up profile or a challenge).
CREATE TABLE match_marks (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    user_id uuid REFERENCES users (id) ON DELETE SET NULL,
    direction text NOT NULL CHECK (direction IN ('startup_to_challenge', 'challenge_to_startup')),
    query_id uuid NOT NULL,
    item_id uuid NOT NULL,
    mark text NOT NULL CHECK (mark IN ('interesting', 'not_relevant')),
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT match_marks_one_per_item UNIQUE (organisation_id, direction, query_id, item_id)
);

CREATE INDEX match_marks_by_item ON match_marks (item_id);

ALTER TABLE audit_events DROP CONSTRAINT audit_events_action_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_action_check CHECK (action IN (
    'login', 'login_failed', 'role_changed', 'user_vetted', 'user_unvetted',
    'user_disabled', 'user_enabled', 'vetted_challenge_viewed',
    'introduction_state_changed', 'contact_revealed', 'export',
    'password_reset', 'password_changed',
    'invitation_sent', 'invitation_resent', 'invitation_revoked', 'invitation_accepted',
    'personal_data_exported', 'account_erased',
    'match_marked', 'match_unmarked'));

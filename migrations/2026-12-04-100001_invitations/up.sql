-- Invitations (docs/onboarding.md). An admin invites staff; a ROM officer
-- invites the people of an imported start-up of its provinces to claim the
-- profile (startup_id). The link's token is 32 random bytes; only its
-- SHA-256 is stored. An invitation is pending until it is accepted
-- (accepted_at, accepted_user_id) or revoked (revoked_at); a pending one
-- works until expires_at. Resending replaces token_hash and expires_at.
CREATE TABLE invitations (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email text NOT NULL CHECK (email = lower(email) AND email LIKE '_%@_%._%'),
    role text NOT NULL CHECK (role IN ('startup', 'procurement', 'rom_officer', 'admin')),
    organisation_id uuid REFERENCES organisations (id) ON DELETE CASCADE,
    startup_id uuid REFERENCES startups (id) ON DELETE CASCADE,
    invited_by uuid REFERENCES users (id) ON DELETE SET NULL,
    token_hash bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    accepted_at timestamptz,
    accepted_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
    revoked_at timestamptz,
    CONSTRAINT invitations_token_hash_key UNIQUE (token_hash),
    CONSTRAINT invitations_organisation_unless_admin CHECK ((role = 'admin') = (organisation_id IS NULL)),
    CONSTRAINT invitations_claim_by_startup CHECK (startup_id IS NULL OR role = 'startup'),
    CONSTRAINT invitations_settled_once CHECK (accepted_at IS NULL OR revoked_at IS NULL)
);
-- One pending invitation per address: a second one is a resend.
CREATE UNIQUE INDEX invitations_pending_email_key ON invitations (email)
    WHERE accepted_at IS NULL AND revoked_at IS NULL;
CREATE INDEX invitations_invited_by_idx ON invitations (invited_by);

-- Invitation mail goes to someone without an account yet: the outbox row
-- names the invitation instead of a user.
ALTER TABLE email_outbox ADD COLUMN invitation_id uuid REFERENCES invitations (id) ON DELETE CASCADE;
ALTER TABLE email_outbox ALTER COLUMN user_id DROP NOT NULL;
ALTER TABLE email_outbox ADD CONSTRAINT email_outbox_user_or_invitation
    CHECK (user_id IS NOT NULL OR (kind = 'account' AND invitation_id IS NOT NULL));

ALTER TABLE audit_events DROP CONSTRAINT audit_events_action_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_action_check CHECK (action IN (
    'login', 'login_failed', 'role_changed', 'user_vetted', 'user_unvetted',
    'user_disabled', 'user_enabled', 'vetted_challenge_viewed',
    'introduction_state_changed', 'contact_revealed', 'export',
    'password_reset', 'password_changed',
    'invitation_sent', 'invitation_resent', 'invitation_revoked', 'invitation_accepted'));
ALTER TABLE audit_events DROP CONSTRAINT audit_events_subject_type_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_subject_type_check CHECK (subject_type IN (
    'user', 'challenge', 'introduction', 'export', 'invitation'));

ALTER TABLE attempt_counters DROP CONSTRAINT attempt_counters_scope_check;
ALTER TABLE attempt_counters ADD CONSTRAINT attempt_counters_scope_check CHECK (scope IN (
    'login_pair', 'login_address', 'registration', 'password_reset', 'invitation'));

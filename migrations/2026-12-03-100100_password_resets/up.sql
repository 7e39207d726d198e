-- Password resets (docs/accounts.md). A reset token is 32 random bytes sent
-- in a link; only its SHA-256 is stored, so a copy of the database opens no
-- account. A token works once (used_at) and for one hour (expires_at).
CREATE TABLE password_reset_tokens (
    token_hash bytea PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at timestamptz
);
CREATE INDEX password_reset_tokens_user_idx ON password_reset_tokens (user_id);

-- Account mail (a password reset link; later invitations and address
-- checks) goes through the same outbox and sender as notification mail but
-- has no notification: it must not show in the app's notification list.
-- Unsubscribing stops notification mail only; account mail is what the
-- person asked for.
ALTER TABLE email_outbox ALTER COLUMN notification_id DROP NOT NULL;
ALTER TABLE email_outbox ADD COLUMN user_id uuid REFERENCES users (id) ON DELETE CASCADE;
UPDATE email_outbox SET user_id = notifications.user_id
    FROM notifications WHERE notifications.id = email_outbox.notification_id;
ALTER TABLE email_outbox ALTER COLUMN user_id SET NOT NULL;
ALTER TABLE email_outbox ADD COLUMN kind text NOT NULL DEFAULT 'notification'
    CHECK (kind IN ('notification', 'account'));
ALTER TABLE email_outbox ADD CONSTRAINT email_outbox_kind_notification
    CHECK ((kind = 'notification') = (notification_id IS NOT NULL));

ALTER TABLE audit_events DROP CONSTRAINT audit_events_action_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_action_check CHECK (action IN (
    'login', 'login_failed', 'role_changed', 'user_vetted', 'user_unvetted',
    'user_disabled', 'user_enabled', 'vetted_challenge_viewed',
    'introduction_state_changed', 'contact_revealed', 'export',
    'password_reset', 'password_changed'));

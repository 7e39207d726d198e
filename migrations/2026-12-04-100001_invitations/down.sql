DELETE FROM attempt_counters WHERE scope = 'invitation';
ALTER TABLE attempt_counters DROP CONSTRAINT attempt_counters_scope_check;
ALTER TABLE attempt_counters ADD CONSTRAINT attempt_counters_scope_check CHECK (scope IN (
    'login_pair', 'login_address', 'registration', 'password_reset'));
-- Audit rows are append-only; the constraints go back only when no
-- invitation event was recorded.
ALTER TABLE audit_events DROP CONSTRAINT audit_events_subject_type_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_subject_type_check CHECK (subject_type IN (
    'user', 'challenge', 'introduction', 'export'));
ALTER TABLE audit_events DROP CONSTRAINT audit_events_action_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_action_check CHECK (action IN (
    'login', 'login_failed', 'role_changed', 'user_vetted', 'user_unvetted',
    'user_disabled', 'user_enabled', 'vetted_challenge_viewed',
    'introduction_state_changed', 'contact_revealed', 'export',
    'password_reset', 'password_changed'));
DELETE FROM email_outbox WHERE user_id IS NULL;
ALTER TABLE email_outbox DROP CONSTRAINT email_outbox_user_or_invitation;
ALTER TABLE email_outbox ALTER COLUMN user_id SET NOT NULL;
ALTER TABLE email_outbox DROP COLUMN invitation_id;
DROP TABLE invitations;

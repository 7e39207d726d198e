ALTER TABLE audit_events DROP CONSTRAINT audit_events_action_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_action_check CHECK (action IN (
    'login', 'login_failed', 'role_changed', 'user_vetted', 'user_unvetted',
    'user_disabled', 'user_enabled', 'vetted_challenge_viewed',
    'introduction_state_changed', 'contact_revealed', 'export'));
DELETE FROM email_outbox WHERE kind = 'account';
ALTER TABLE email_outbox DROP CONSTRAINT email_outbox_kind_notification;
ALTER TABLE email_outbox DROP COLUMN kind;
ALTER TABLE email_outbox DROP COLUMN user_id;
ALTER TABLE email_outbox ALTER COLUMN notification_id SET NOT NULL;
DROP TABLE password_reset_tokens;

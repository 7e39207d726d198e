DROP TABLE alert_runs;
ALTER TABLE users DROP COLUMN email_unsubscribed_at;
DROP TABLE notification_preferences;
DROP TABLE email_outbox;
DROP TABLE notifications;

-- Notifications, their e-mail outbox and each user's preferences. The
-- CHECK list of kinds mirrors domain::notification::NotificationKind.
CREATE TABLE notifications (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind text NOT NULL CHECK (kind IN ('challenge_match', 'startup_match', 'region_match',
        'deadline_reminder', 'question_answered')),
    subject_type text NOT NULL CHECK (subject_type IN ('challenge', 'startup')),
    subject_id uuid NOT NULL,
    title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    body text NOT NULL CHECK (length(body) <= 4000),
    -- one event never notifies a user twice, however many schedulers run
    dedup_key text NOT NULL,
    read_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT notifications_once_per_event UNIQUE (user_id, dedup_key)
);
CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC);

-- Mail to send. Rows are written with their notification, in the same
-- transaction; a sender delivers them when SMTP is configured.
CREATE TABLE email_outbox (
    id bigserial PRIMARY KEY,
    notification_id uuid NOT NULL UNIQUE REFERENCES notifications (id) ON DELETE CASCADE,
    recipient text NOT NULL,
    subject text NOT NULL,
    body text NOT NULL,
    -- 'sending' while one sender holds it (claimed_at); a claim older than
    -- ten minutes is taken to have died and the row is queued again
    status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
    claimed_at timestamptz,
    attempts integer NOT NULL DEFAULT 0,
    last_error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at timestamptz
);
CREATE INDEX email_outbox_pending_idx ON email_outbox (id) WHERE status IN ('queued', 'sending');

-- Absent row: in the app and by e-mail.
CREATE TABLE notification_preferences (
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind text NOT NULL CHECK (kind IN ('challenge_match', 'startup_match', 'region_match',
        'deadline_reminder', 'question_answered')),
    in_app boolean NOT NULL DEFAULT true,
    email boolean NOT NULL DEFAULT true,
    PRIMARY KEY (user_id, kind)
);
-- Unsubscribed users get no e-mail of any kind.
ALTER TABLE users ADD COLUMN email_unsubscribed_at timestamptz;

-- The alerts that went out, one row per event: a challenge's alerts on
-- publication or opening ('visible'), its deadline reminders
-- ('deadline-7d', 'deadline-1d'), a start-up profile's alerts per version
-- of its text, technologies, place and TRL (a hash). Kept apart from the
-- rows themselves so that the scheduler never bumps their version (and so
-- never makes an owner's If-Match stale).
CREATE TABLE alert_runs (
    subject_type text NOT NULL CHECK (subject_type IN ('challenge', 'startup')),
    subject_id uuid NOT NULL,
    event text NOT NULL,
    recipients integer NOT NULL,
    sent_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (subject_type, subject_id, event)
);

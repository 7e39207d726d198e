-- Alerts on imported challenges wait here, per recipient, until the whole
-- import has been matched; then each recipient gets one digest.
CREATE TABLE alert_digest_entries (
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    challenge_id uuid NOT NULL REFERENCES challenges (id) ON DELETE CASCADE,
    kind text NOT NULL CHECK (kind IN ('challenge_match', 'region_match')),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, kind, challenge_id)
);
-- The scheduler picks challenges awaiting alerts newest first.
CREATE INDEX challenges_visible_by_update_idx ON challenges (updated_at DESC)
    WHERE status IN ('published', 'open');

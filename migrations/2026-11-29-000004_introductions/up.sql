-- Introductions between a start-up and a challenge, with double opt-in.
-- The CHECK lists mirror domain::introduction; the transitions themselves
-- live in IntroductionState::after (Rust), except expiry, which this
-- migration's trigger applies whatever path closes a challenge.
CREATE TABLE introductions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    startup_id uuid NOT NULL REFERENCES startups (id) ON DELETE CASCADE,
    challenge_id uuid NOT NULL REFERENCES challenges (id) ON DELETE CASCADE,
    origin text NOT NULL CHECK (origin IN ('brokered', 'startup_request', 'procurement_invitation')),
    initiated_by uuid REFERENCES users (id) ON DELETE SET NULL,
    -- the ROM whose officer brokered it; null when a side asked directly
    broker_rom text CHECK (broker_rom IN ('nom', 'oost-nl', 'horizon-flevoland',
        'rom-utrecht-region', 'rom-inwest', 'innovationquarter', 'impuls-zeeland', 'bom', 'liof')),
    state text NOT NULL CHECK (state IN ('proposed', 'requested', 'accepted_by_startup',
        'accepted_by_procurement', 'introduced', 'meeting_held', 'pilot', 'contract', 'no_fit',
        'declined', 'withdrawn', 'expired')),
    message text CHECK (length(message) <= 4000),
    startup_accepted_at timestamptz,
    procurement_accepted_at timestamptz,
    -- set once both sides accepted: from then on contacts are revealed
    introduced_at timestamptz,
    meeting_held_at timestamptz,
    ended_at timestamptz,
    declined_by text CHECK (declined_by IN ('startup', 'procurement')),
    -- feedback with a decline, the reason of a withdrawal or of "no fit"
    reason text CHECK (length(reason) <= 2000),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version integer NOT NULL DEFAULT 1,
    CONSTRAINT introductions_introduced_after_both_accepted CHECK (
        introduced_at IS NULL
        OR (startup_accepted_at IS NOT NULL AND procurement_accepted_at IS NOT NULL))
);
-- one live introduction per pair; ended ones stay as history
CREATE UNIQUE INDEX introductions_one_live_per_pair ON introductions (startup_id, challenge_id)
    WHERE state IN ('proposed', 'requested', 'accepted_by_startup', 'accepted_by_procurement',
                    'introduced', 'meeting_held');
CREATE INDEX introductions_challenge_idx ON introductions (challenge_id);
CREATE INDEX introductions_state_idx ON introductions (state);
CREATE TRIGGER introductions_touch BEFORE UPDATE ON introductions
    FOR EACH ROW EXECUTE FUNCTION touch_row();

CREATE TABLE introduction_notes (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    introduction_id uuid NOT NULL REFERENCES introductions (id) ON DELETE CASCADE,
    author_id uuid REFERENCES users (id) ON DELETE SET NULL,
    side text NOT NULL CHECK (side IN ('startup', 'procurement', 'broker')),
    body text NOT NULL CHECK (length(btrim(body)) BETWEEN 1 AND 4000),
    -- a note is private to its author's side unless shared
    shared boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX introduction_notes_introduction_idx ON introduction_notes (introduction_id, created_at);

-- When a challenge closes (at its deadline, by hand, or by award or
-- withdrawal) the introductions that were not yet made expire. A trigger,
-- so that every server process and every path (API, lifecycle ticker,
-- import) applies it in the same transaction; each expiry is audited.
CREATE FUNCTION expire_introductions_of_closed_challenge() RETURNS trigger AS $$
BEGIN
    -- the state before is read (and locked) first: RETURNING sees the new one
    WITH expired AS (
        UPDATE introductions
           SET state = 'expired', ended_at = now()
          FROM (SELECT id, state AS state_before
                  FROM introductions
                 WHERE challenge_id = NEW.id
                   AND state IN ('proposed', 'requested', 'accepted_by_startup',
                                 'accepted_by_procurement')
                   FOR UPDATE) AS live
         WHERE introductions.id = live.id
        RETURNING introductions.id, live.state_before
    )
    INSERT INTO audit_events (actor_id, action, subject_type, subject_id, detail)
    SELECT NULL, 'introduction_state_changed', 'introduction', expired.id,
           jsonb_build_object('from', expired.state_before, 'to', 'expired',
                              'because', 'the challenge is ' || NEW.status)
      FROM expired;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER challenges_expire_introductions
    AFTER UPDATE OF status ON challenges
    FOR EACH ROW
    WHEN (NEW.status IN ('closed', 'awarded', 'withdrawn') AND OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION expire_introductions_of_closed_challenge();

-- Public questions and answers on a challenge. The asker is kept for the
-- asker's own view and for moderation, and never shown to others.
CREATE TABLE challenge_questions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    challenge_id uuid NOT NULL REFERENCES challenges (id) ON DELETE CASCADE,
    asked_by uuid REFERENCES users (id) ON DELETE SET NULL,
    question text NOT NULL CHECK (length(btrim(question)) BETWEEN 1 AND 2000),
    answer text CHECK (length(btrim(answer)) BETWEEN 1 AND 4000),
    answered_by uuid REFERENCES users (id) ON DELETE SET NULL,
    answered_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version integer NOT NULL DEFAULT 1,
    CONSTRAINT challenge_questions_answer_complete CHECK ((answer IS NULL) = (answered_at IS NULL))
);
CREATE INDEX challenge_questions_challenge_idx ON challenge_questions (challenge_id, created_at);
CREATE TRIGGER challenge_questions_touch BEFORE UPDATE ON challenge_questions
    FOR EACH ROW EXECUTE FUNCTION touch_row();

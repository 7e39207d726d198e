-- A start-up's question is stored redacted like its card. The version of the
-- redaction that wrote each question, so that start-up redacts again every
-- question written by an older redaction (or before this migration).
ALTER TABLE challenge_questions
    ADD COLUMN redaction_version integer NOT NULL DEFAULT 0;

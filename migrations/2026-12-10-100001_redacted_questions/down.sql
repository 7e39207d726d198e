ALTER TABLE challenge_questions DROP COLUMN redaction_version;

DROP INDEX IF EXISTS challenges_text_trigram;
DROP FUNCTION IF EXISTS challenge_text(text, text, text, text[]);
-- pg_trgm stays: other objects may have come to use it.

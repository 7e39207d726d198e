-- A mark implied by an introduction move (expressing interest, inviting,
-- proposing, accepting, declining) rather than set by the user. An explicit
-- mark wins: a move never overwrites one, and a user's mark replaces an
-- implied one.
ALTER TABLE match_marks ADD COLUMN implied boolean NOT NULL DEFAULT false;

ALTER TABLE match_marks DROP COLUMN implied;

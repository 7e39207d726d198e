DROP TRIGGER challenges_expire_introductions ON challenges;
DROP FUNCTION expire_introductions_of_closed_challenge();
DROP TABLE introduction_notes;
DROP TABLE introductions;

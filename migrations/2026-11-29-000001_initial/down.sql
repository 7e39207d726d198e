DROP TABLE search_outbox;
DROP TABLE challenges;
DROP TABLE startups;
DROP TABLE refresh_tokens;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE organisations;
DROP FUNCTION touch_row();

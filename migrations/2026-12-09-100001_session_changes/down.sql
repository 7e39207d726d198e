DROP TRIGGER organisations_announce_truncate ON organisations;
DROP TRIGGER sessions_announce_truncate ON sessions;
DROP TRIGGER users_announce_truncate ON users;
DROP TRIGGER organisations_announce_session_change ON organisations;
DROP TRIGGER sessions_announce_session_change ON sessions;
DROP TRIGGER users_announce_session_change ON users;
DROP FUNCTION announce_session_change();

-- Each server keeps the sessions it checked recently, so that a request
-- need not ask the database who holds its token (app/accounts/session_cache.rs).
-- Whoever changes what such a check returns (a user's role, vetting,
-- language or state, a session's end, an organisation's ROM), by the service
-- or straight in the database, these triggers announce it on the channel
-- `session_changes`: `user:<id>`, `organisation:<id>`, or `everything`
-- after a TRUNCATE. PostgreSQL sends an announcement when its transaction
-- commits, to every server listening.
CREATE FUNCTION announce_session_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_LEVEL = 'STATEMENT' THEN
        PERFORM pg_notify('session_changes', 'everything');
    ELSIF TG_TABLE_NAME = 'sessions' THEN
        PERFORM pg_notify('session_changes', 'user:' || OLD.user_id::text);
    ELSIF TG_TABLE_NAME = 'users' THEN
        PERFORM pg_notify('session_changes', 'user:' || OLD.id::text);
    ELSE
        PERFORM pg_notify('session_changes', 'organisation:' || OLD.id::text);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER users_announce_session_change
    AFTER UPDATE OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION announce_session_change();
CREATE TRIGGER sessions_announce_session_change
    AFTER UPDATE OR DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION announce_session_change();
CREATE TRIGGER organisations_announce_session_change
    AFTER UPDATE OF rom OR DELETE ON organisations
    FOR EACH ROW EXECUTE FUNCTION announce_session_change();
CREATE TRIGGER users_announce_truncate
    AFTER TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION announce_session_change();
CREATE TRIGGER sessions_announce_truncate
    AFTER TRUNCATE ON sessions
    FOR EACH STATEMENT EXECUTE FUNCTION announce_session_change();
CREATE TRIGGER organisations_announce_truncate
    AFTER TRUNCATE ON organisations
    FOR EACH STATEMENT EXECUTE FUNCTION announce_session_change();

-- Security: attempt counters kept in the database, accounts people own,
-- and sessions that end when idle. (PostgreSQL already refuses deleting
-- signatures and addenda: 0004's triggers cover UPDATE OR DELETE.)

-- One row per password or PIN attempt still inside its counter's window
-- (app::domain::throttle); a refused attempt removes its own row again.
CREATE TABLE throttle_attempts (
    id    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key   TEXT   NOT NULL,
    at_ms BIGINT NOT NULL
);
CREATE INDEX throttle_attempts_key ON throttle_attempts (key, at_ms);

-- Who set the password last, and when: the person themselves, or the
-- coordinator who reset it. A password set by someone else is temporary:
-- it must be changed at the next sign-in, and signs nothing until then.
ALTER TABLE users ADD COLUMN password_set_ms BIGINT;
ALTER TABLE users ADD COLUMN password_set_by BIGINT REFERENCES users (id);
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
-- A disabled account cannot sign in; its history stays.
ALTER TABLE users ADD COLUMN disabled_ms BIGINT;
ALTER TABLE users ADD COLUMN disabled_by BIGINT REFERENCES users (id);

-- When the session was last used: the back office ends after a while idle.
ALTER TABLE auth_sessions ADD COLUMN last_seen_ms BIGINT NOT NULL DEFAULT 0;
UPDATE auth_sessions SET last_seen_ms = created_at;

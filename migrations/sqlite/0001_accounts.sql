-- Accounts, sign-in sessions and cases. Times are milliseconds since the Unix
-- epoch (UTC) in integer columns, so both databases compare and sort them alike.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('coordinator', 'worker', 'parent', 'referrer')),
    password_hash TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
);

-- Only a hash of each session token is stored: a copy of the database does
-- not let anyone sign in as someone else.
CREATE TABLE auth_sessions (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX auth_sessions_user ON auth_sessions (user_id);

CREATE TABLE cases (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    reference  TEXT    NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

CREATE TABLE children (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id       INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    first_name    TEXT    NOT NULL,
    last_name     TEXT    NOT NULL,
    date_of_birth TEXT    NOT NULL -- a calendar date, YYYY-MM-DD
);
CREATE INDEX children_case ON children (case_id);

CREATE TABLE case_members (
    case_id  INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    relation TEXT    NOT NULL CHECK (relation IN ('resident_parent', 'visiting_parent', 'referrer')),
    PRIMARY KEY (case_id, user_id)
);
CREATE INDEX case_members_user ON case_members (user_id);

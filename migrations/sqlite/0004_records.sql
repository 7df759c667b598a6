-- Session records after the session: the workers' signatures, the
-- coordinator's co-signature, returns, addenda, release to the referrer,
-- and the audit trail. Signed records do not change: the triggers below
-- refuse it, whatever program tries.

CREATE TABLE session_records (
    booking_id    INTEGER PRIMARY KEY REFERENCES bookings (id),
    -- When the session ended: the 2-hour and 48-hour clocks start here.
    ended_ms      BIGINT  NOT NULL,
    summary       TEXT    NOT NULL DEFAULT '',
    ended_early   TEXT    NOT NULL DEFAULT '',
    incident      TEXT    NOT NULL DEFAULT '',
    status        TEXT    NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'signed', 'cosigned', 'released')),
    -- Each time a record is returned for amendment, its version goes up;
    -- signatures belong to a version.
    version       INTEGER NOT NULL DEFAULT 1,
    return_note   TEXT    NOT NULL DEFAULT '',
    -- Why a supervising worker did not sign, if one did not.
    unsigned_note TEXT    NOT NULL DEFAULT '',
    cosigned_by   INTEGER REFERENCES users (id),
    cosigned_ms   BIGINT,
    released_ms   BIGINT
);

-- Each worker's signature of one version of a record, or why they did not sign.
CREATE TABLE record_signatures (
    booking_id INTEGER NOT NULL REFERENCES session_records (booking_id),
    version    INTEGER NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    signed_ms  BIGINT  NOT NULL,
    device_ms  BIGINT  NOT NULL,
    -- The text signed: summary, early end and incident as they stood.
    signed_text TEXT   NOT NULL,
    PRIMARY KEY (booking_id, version, user_id)
);

CREATE TABLE record_addenda (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    booking_id INTEGER NOT NULL REFERENCES session_records (booking_id),
    author_id  INTEGER NOT NULL REFERENCES users (id),
    body       TEXT    NOT NULL,
    signed_ms  BIGINT  NOT NULL
);

-- Append-only, each entry chained to the one before by its hash
-- (app::domain::record::chain_hash).
CREATE TABLE audit_log (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms    BIGINT  NOT NULL,
    actor    INTEGER NOT NULL,
    action   TEXT    NOT NULL,
    subject  TEXT    NOT NULL,
    detail   TEXT    NOT NULL,
    previous TEXT    NOT NULL,
    hash     TEXT    NOT NULL
);

-- Entries are never changed or removed once stored.
CREATE TRIGGER session_entries_never_change BEFORE UPDATE ON session_entries
BEGIN
    SELECT RAISE(ABORT, 'session entries never change');
END;
CREATE TRIGGER session_entries_never_go BEFORE DELETE ON session_entries
BEGIN
    SELECT RAISE(ABORT, 'session entries are never removed');
END;
-- Nothing is added to a session whose record is signed.
CREATE TRIGGER session_entries_locked_when_signed BEFORE INSERT ON session_entries
WHEN EXISTS (SELECT 1 FROM session_records r WHERE r.booking_id = NEW.booking_id AND r.status <> 'draft')
BEGIN
    SELECT RAISE(ABORT, 'this session''s record is signed');
END;
-- A signed record's text does not change (returning it sets the status
-- back to draft first, in its own statement, keeping the signed text).
CREATE TRIGGER session_records_locked_when_signed BEFORE UPDATE OF summary, ended_early, incident, ended_ms ON session_records
WHEN OLD.status <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'a signed record does not change');
END;
CREATE TRIGGER record_signatures_never_change BEFORE UPDATE ON record_signatures
BEGIN
    SELECT RAISE(ABORT, 'signatures never change');
END;
CREATE TRIGGER record_addenda_never_change BEFORE UPDATE ON record_addenda
BEGIN
    SELECT RAISE(ABORT, 'addenda never change');
END;
CREATE TRIGGER audit_log_never_changes BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit trail never changes');
END;
CREATE TRIGGER audit_log_never_shrinks BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit trail never shrinks');
END;

-- Session records after the session: the workers' signatures, the
-- coordinator's co-signature, returns, addenda, release to the referrer,
-- and the audit trail. Signed records do not change: the triggers below
-- refuse it, whatever program tries.

CREATE TABLE session_records (
    booking_id    BIGINT  PRIMARY KEY REFERENCES bookings (id),
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
    cosigned_by   BIGINT  REFERENCES users (id),
    cosigned_ms   BIGINT,
    released_ms   BIGINT
);

-- Each worker's signature of one version of a record.
CREATE TABLE record_signatures (
    booking_id  BIGINT  NOT NULL REFERENCES session_records (booking_id),
    version     INTEGER NOT NULL,
    user_id     BIGINT  NOT NULL REFERENCES users (id),
    signed_ms   BIGINT  NOT NULL,
    device_ms   BIGINT  NOT NULL,
    -- The text signed: summary, early end and incident as they stood.
    signed_text TEXT    NOT NULL,
    PRIMARY KEY (booking_id, version, user_id)
);

CREATE TABLE record_addenda (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    booking_id BIGINT NOT NULL REFERENCES session_records (booking_id),
    author_id  BIGINT NOT NULL REFERENCES users (id),
    body       TEXT   NOT NULL,
    signed_ms  BIGINT NOT NULL
);

-- Append-only, each entry chained to the one before by its hash
-- (app::domain::record::chain_hash).
CREATE TABLE audit_log (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at_ms    BIGINT NOT NULL,
    actor    BIGINT NOT NULL,
    action   TEXT   NOT NULL,
    subject  TEXT   NOT NULL,
    detail   TEXT   NOT NULL,
    previous TEXT   NOT NULL,
    hash     TEXT   NOT NULL
);

CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', TG_ARGV[0];
END
$$;

CREATE FUNCTION refuse_entry_when_signed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM session_records r WHERE r.booking_id = NEW.booking_id AND r.status <> 'draft') THEN
        RAISE EXCEPTION 'this session''s record is signed';
    END IF;
    RETURN NEW;
END
$$;

-- Entries are never changed or removed once stored.
CREATE TRIGGER session_entries_never_change BEFORE UPDATE OR DELETE ON session_entries
    FOR EACH ROW EXECUTE FUNCTION refuse_change('session entries never change');
-- Nothing is added to a session whose record is signed.
CREATE TRIGGER session_entries_locked_when_signed BEFORE INSERT ON session_entries
    FOR EACH ROW EXECUTE FUNCTION refuse_entry_when_signed();
-- A signed record's text does not change.
CREATE TRIGGER session_records_locked_when_signed BEFORE UPDATE OF summary, ended_early, incident, ended_ms ON session_records
    FOR EACH ROW WHEN (OLD.status <> 'draft') EXECUTE FUNCTION refuse_change('a signed record does not change');
CREATE TRIGGER record_signatures_never_change BEFORE UPDATE OR DELETE ON record_signatures
    FOR EACH ROW EXECUTE FUNCTION refuse_change('signatures never change');
CREATE TRIGGER record_addenda_never_change BEFORE UPDATE OR DELETE ON record_addenda
    FOR EACH ROW EXECUTE FUNCTION refuse_change('addenda never change');
CREATE TRIGGER audit_log_never_changes BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION refuse_change('the audit trail never changes');

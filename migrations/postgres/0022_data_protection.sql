-- Data protection: a case is closed with a reason, may be put on legal
-- hold (which stops its retention clock), and is erased under the centre's
-- retention schedule (app::domain::retention, app::server::retention).
--
-- The guards that keep signed records and the audit trail from changing
-- allow exactly one way out: the erasure transaction, which first writes
-- the case's row to `erasing` and removes it again before it commits. No
-- other step writes that table, so outside an erasure the guards refuse as
-- before; and even with a row there, only a closed case not on legal hold
-- may lose its records (0 stands for an erasure of accounts, which touches
-- audit details only). The audit check (`verify-audit`) then also requires
-- every emptied entry to be named by a later "erase" entry of its time.

ALTER TABLE cases ADD COLUMN closed_ms BIGINT;
ALTER TABLE cases ADD COLUMN closed_by BIGINT REFERENCES users (id);
ALTER TABLE cases ADD COLUMN closed_reason TEXT
    CHECK (closed_reason IN ('contact_ended', 'moved_elsewhere', 'court_decision', 'family_withdrew', 'referral_declined'));
ALTER TABLE cases ADD COLUMN closed_note TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN hold_since_ms BIGINT;
ALTER TABLE cases ADD COLUMN hold_by BIGINT REFERENCES users (id);
ALTER TABLE cases ADD COLUMN hold_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN held_ms BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN erased_ms BIGINT;

CREATE TABLE erasing (
    case_id    BIGINT PRIMARY KEY,
    started_ms BIGINT NOT NULL
);

ALTER TABLE audit_log ADD COLUMN erased_ms BIGINT;

-- A row of a session's record goes only while its case is being erased.
CREATE FUNCTION refuse_unless_erasing_booking() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM erasing e JOIN bookings b ON b.case_id = e.case_id JOIN cases c ON c.id = e.case_id WHERE b.id = OLD.booking_id AND c.closed_ms IS NOT NULL AND c.hold_since_ms IS NULL) THEN
        RAISE EXCEPTION '%', TG_ARGV[0];
    END IF;
    RETURN OLD;
END
$$;

CREATE FUNCTION refuse_unless_erasing_case() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM erasing e JOIN cases c ON c.id = e.case_id WHERE e.case_id = OLD.case_id AND c.closed_ms IS NOT NULL AND c.hold_since_ms IS NULL) THEN
        RAISE EXCEPTION '%', TG_ARGV[0];
    END IF;
    RETURN OLD;
END
$$;

-- An audit entry changes only during an erasure, and then only by losing
-- its detail: its place, time, actor, action, subject and hashes stay.
CREATE FUNCTION audit_erasure_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM erasing e WHERE e.case_id = 0 OR EXISTS (SELECT 1 FROM cases c WHERE c.id = e.case_id AND c.closed_ms IS NOT NULL AND c.hold_since_ms IS NULL))
        OR OLD.keyed = 0 OR OLD.erased_ms IS NOT NULL
        OR NEW.erased_ms IS NULL OR NEW.detail <> ''
        OR NEW.id IS DISTINCT FROM OLD.id OR NEW.seq IS DISTINCT FROM OLD.seq
        OR NEW.at_ms IS DISTINCT FROM OLD.at_ms OR NEW.actor IS DISTINCT FROM OLD.actor
        OR NEW.action IS DISTINCT FROM OLD.action OR NEW.subject IS DISTINCT FROM OLD.subject
        OR NEW.previous IS DISTINCT FROM OLD.previous OR NEW.content_hash IS DISTINCT FROM OLD.content_hash
        OR NEW.hash IS DISTINCT FROM OLD.hash OR NEW.keyed IS DISTINCT FROM OLD.keyed THEN
        RAISE EXCEPTION 'the audit trail never changes';
    END IF;
    RETURN NEW;
END
$$;

DROP TRIGGER audit_log_never_changes ON audit_log;
CREATE TRIGGER audit_log_never_changes BEFORE UPDATE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_erasure_only();
CREATE TRIGGER audit_log_never_shrinks BEFORE DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION refuse_change('the audit trail never shrinks');

DROP TRIGGER session_entries_never_change ON session_entries;
CREATE TRIGGER session_entries_never_change BEFORE UPDATE ON session_entries
    FOR EACH ROW EXECUTE FUNCTION refuse_change('session entries never change');
CREATE TRIGGER session_entries_never_go BEFORE DELETE ON session_entries
    FOR EACH ROW EXECUTE FUNCTION refuse_unless_erasing_booking('session entries are never removed');

CREATE TRIGGER session_records_go_whole_by_erasure BEFORE DELETE ON session_records
    FOR EACH ROW EXECUTE FUNCTION refuse_unless_erasing_booking('a session record is removed only by erasure');

DROP TRIGGER record_signatures_never_change ON record_signatures;
CREATE TRIGGER record_signatures_never_change BEFORE UPDATE ON record_signatures
    FOR EACH ROW EXECUTE FUNCTION refuse_change('signatures never change');
CREATE TRIGGER record_signatures_never_go BEFORE DELETE ON record_signatures
    FOR EACH ROW EXECUTE FUNCTION refuse_unless_erasing_booking('signatures are never removed');

DROP TRIGGER record_addenda_never_change ON record_addenda;
CREATE TRIGGER record_addenda_never_change BEFORE UPDATE ON record_addenda
    FOR EACH ROW EXECUTE FUNCTION refuse_change('addenda never change');
CREATE TRIGGER record_addenda_never_go BEFORE DELETE ON record_addenda
    FOR EACH ROW EXECUTE FUNCTION refuse_unless_erasing_booking('addenda are never removed');

DROP TRIGGER final_reports_never_go ON final_reports;
CREATE TRIGGER final_reports_never_go BEFORE DELETE ON final_reports
    FOR EACH ROW EXECUTE FUNCTION refuse_unless_erasing_case('a signed report is never removed');
